"""A manager's subject-access download and erasure of a person, and legal holds on a case (issue 10)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from shared.domain.enums import LegalHoldReason
from shared.domain.erasure import ErasureGround
from shared.web.forms import RedressForm, select_choices
from staff.forms_casework import CaseActionForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SubjectAccessForm(RedressForm):
    """Only the CSRF token: the person is named in the address."""

    submit = SubmitField(_l("Download everything we hold about them"), widget=GovSubmitInput())


class ErasureForm(RedressForm):
    ground = RadioField(
        _l("Why are we erasing their details?"),
        widget=GovRadioInput(),
        choices=select_choices(ErasureGround.choices()),
        validators=[InputRequired(_l("Select why we are erasing their details"))],
        validate_choice=True,
        invalid_choice_message=_l("Select why we are erasing their details"),
    )
    note = TextAreaField(
        _l("What did they ask for, and how did we check it?"),
        description=_l("For example, the date of their request and how we confirmed who they are. Do not "
                       "repeat their personal details here: this note is kept."),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[DataRequired(_l("Enter what they asked for and how we checked it")),
                    Length(max=1000, message=_l("The note must be 1,000 characters or fewer"))],
    )
    # Set by the confirmation page: the first valid post shows what will happen, the second does it.
    confirmed = HiddenField()
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
    confirm = SubmitField(_l("Erase their details"), widget=GovSubmitInput())


class LegalHoldForm(CaseActionForm):
    reason = RadioField(
        _l("Why must this case be kept?"),
        widget=GovRadioInput(),
        choices=select_choices(LegalHoldReason.choices()),
        validators=[InputRequired(_l("Select why this case must be kept"))],
        validate_choice=True,
        invalid_choice_message=_l("Select why this case must be kept"),
    )
    note = TextAreaField(
        _l("What do we know about it?"),
        description=_l("For example, who told us, their reference and when we expect to hear more. Everyone "
                       "who works on the case will see this note."),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[DataRequired(_l("Enter what we know about why this case must be kept")),
                    Length(max=2000, message=_l("The note must be 2,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Place the legal hold"), widget=GovSubmitInput())


class LiftLegalHoldForm(CaseActionForm):
    note = TextAreaField(
        _l("Why can the hold be lifted?"),
        description=_l("For example, the claim was settled or the investigation closed, and when."),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[DataRequired(_l("Enter why the legal hold can be lifted")),
                    Length(max=2000, message=_l("The note must be 2,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Lift the legal hold"), widget=GovSubmitInput())
