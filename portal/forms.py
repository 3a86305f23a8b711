"""Portal forms for accounts, with GOV.UK error messages (the feedback journey's are in forms_feedback)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from shared.web.forms import RedressForm


class SignInForm(RedressForm):
    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter your email address"))],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[DataRequired(_l("Enter your password"))],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class RegisterForm(RedressForm):
    full_name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        validators=[
            DataRequired(_l("Enter your full name")),
            Length(max=200, message=_l("Full name must be 200 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("We will send you a link to confirm it."),
        widget=GovTextInput(),
        validators=[
            DataRequired(_l("Enter your email address")),
            Email(_l("Enter an email address in the correct format, like name@example.com")),
            Length(max=320, message=_l("Email address must be 320 characters or fewer")),
        ],
    )
    password = PasswordField(
        _l("Create a password"),
        description=_l("Use 10 characters or more. A few unrelated words is a good password."),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(_l("Enter a password")),
            Length(min=10, message=_l("Password must be 10 characters or more")),
            Length(max=200, message=_l("Password must be 200 characters or fewer")),
        ],
    )
    confirm_password = PasswordField(
        _l("Confirm password"),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(_l("Confirm your password")),
            EqualTo("password", message=_l("Enter the same password in both fields")),
        ],
    )
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class ForgottenPasswordForm(RedressForm):
    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[
            DataRequired(_l("Enter your email address")),
            Email(_l("Enter an email address in the correct format, like name@example.com")),
        ],
    )
    submit = SubmitField(_l("Send me a link"), widget=GovSubmitInput())


class ResetPasswordForm(RedressForm):
    password = PasswordField(
        _l("New password"),
        description=_l("Use 10 characters or more."),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(_l("Enter a new password")),
            Length(min=10, message=_l("Password must be 10 characters or more")),
            Length(max=200, message=_l("Password must be 200 characters or fewer")),
        ],
    )
    confirm_password = PasswordField(
        _l("Confirm new password"),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(_l("Confirm your new password")),
            EqualTo("password", message=_l("Enter the same password in both fields")),
        ],
    )
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class SignOutForm(RedressForm):
    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())
