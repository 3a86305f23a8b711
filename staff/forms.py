"""Back-office forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from shared.domain.references import normalise
from shared.web.forms import RedressForm


class StaffSignInForm(RedressForm):
    email = EmailField(
        _l("Work email address"),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter your work email address"))],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[DataRequired(_l("Enter your password"))],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class StaffSignOutForm(RedressForm):
    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())


class FindCaseForm(RedressForm):
    """A GET search: no CSRF needed, nothing changes."""

    class Meta:
        csrf = False

    reference = StringField(
        _l("Case reference"),
        description=_l("For example, RDR-7K2M-9QXD"),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter a case reference"))],
    )
    submit = SubmitField(_l("Find case"), widget=GovSubmitInput())

    def validate_reference(self, field):
        if normalise(field.data or "") is None:
            raise ValidationError(_l("Enter a case reference in the correct format, like RDR-7K2M-9QXD"))
