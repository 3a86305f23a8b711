"""Portal forms for signing in and accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired

from shared.web import ratelimits
from shared.web.forms import RedressForm, confirm_password_field, email_field, new_password_field, short_text


def password_field(label, required, *, description=None) -> PasswordField:
    """The password someone already has, to sign in or to show it is them."""
    return PasswordField(label, description=description, widget=GovPasswordInput(), validators=[DataRequired(required)])


def full_name_field(label=None) -> StringField:
    return short_text(label or _l("Full name"), _l("Enter your full name"), _l("Full name must be 200 characters or fewer"))


class SignInForm(RedressForm):
    rate_limits = ratelimits.SIGN_IN

    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter your email address"))],
    )
    password = password_field(_l("Password"), _l("Enter your password"))
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class RegisterForm(RedressForm):
    rate_limits = ratelimits.REGISTER

    full_name = full_name_field()
    email = email_field(
        _l("Email address"),
        _l("Enter your email address"),
        description=_l("We will send you a link to confirm it."),
    )
    password = new_password_field(
        _l("Create a password"),
        _l("Enter a password"),
        description=_l("Use 10 characters or more. A few unrelated words is a good password."),
    )
    confirm_password = confirm_password_field(_l("Confirm password"), _l("Confirm your password"))
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class ForgottenPasswordForm(RedressForm):
    rate_limits = ratelimits.PASSWORD_RESET

    email = email_field(_l("Email address"), _l("Enter your email address"))
    submit = SubmitField(_l("Send me a link"), widget=GovSubmitInput())


class ResetPasswordForm(RedressForm):
    password = new_password_field(
        _l("New password"), _l("Enter a new password"), description=_l("Use 10 characters or more.")
    )
    confirm_password = confirm_password_field(_l("Confirm new password"), _l("Confirm your new password"))
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class SignOutForm(RedressForm):
    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())
