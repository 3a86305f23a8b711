"""Forms for naming a representative on a case and withdrawing one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import EmailField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from shared.domain.enums import ConsentMethod, RepresentativeKind
from shared.web.forms import RedressForm, select_choices


class RepresentativeForm(RedressForm):
    full_name = StringField(
        _l("Representative's full name"),
        description=_l("Used only if we do not already have a record for their email address."),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter the representative's full name")),
                    Length(max=200, message=_l("The representative's name must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Representative's email address"),
        description=_l("We will email them: a link to set up their account, or to say they can now see the case."),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter the representative's email address")),
                    Email(_l("Enter an email address in the correct format, like name@example.com")),
                    Length(max=320, message=_l("The email address must be 320 characters or fewer"))],
    )
    kind = RadioField(
        _l("Who are they?"),
        widget=GovRadioInput(),
        choices=select_choices(RepresentativeKind.choices()),
        validators=[InputRequired(_l("Select who the representative is"))],
        validate_choice=True,
        invalid_choice_message=_l("Select who the representative is"),
    )
    consent = RadioField(
        _l("How has the person agreed to them acting for them?"),
        widget=GovRadioInput(),
        choices=select_choices(ConsentMethod.choices()),
        validators=[InputRequired(_l("Select how the person agreed"))],
        validate_choice=True,
        invalid_choice_message=_l("Select how the person agreed"),
    )
    note = TextAreaField(
        _l("Note about consent (optional)"),
        description=_l("For example, where the written permission or power of attorney is kept."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=1000, message=_l("The note must be 1,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Add representative"), widget=GovSubmitInput())


class WithdrawRepresentativeForm(RedressForm):
    """The button on the case page: the CSRF token is all it carries."""
