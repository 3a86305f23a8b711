"""2-step verification forms for staff and councillors: the security code (sign-in's second step,
enrolment) and "confirm it's you"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from shared.web.forms import RedressForm

_CODE_HINT = _l("The 6-digit code from your authenticator app, or one of your recovery codes.")


def _code_field(label, hint):
    return StringField(label, description=hint, widget=GovTextInput(),
                       validators=[DataRequired(_l("Enter the security code")),
                                   Length(max=40, message=_l("Enter the security code"))])


class SecurityCodeForm(RedressForm):
    code = _code_field(_l("Security code"), _CODE_HINT)
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class EnrolmentForm(RedressForm):
    code = _code_field(_l("Code from the app"), _l("The 6-digit code your authenticator app shows for Redress."))
    submit = SubmitField(_l("Turn on 2-step verification"), widget=GovSubmitInput())


class ConfirmIdentityForm(RedressForm):
    password = PasswordField(_l("Password"), widget=GovPasswordInput(),
                             validators=[DataRequired(_l("Enter your password"))])
    code = _code_field(_l("Security code"), _CODE_HINT)
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def without_code(self) -> None:
        """For someone not using 2-step verification: their password is all they give."""
        del self.code
