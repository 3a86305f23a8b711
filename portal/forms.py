"""Portal forms: accounts and the complaint questions, with GOV.UK error messages."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from shared.domain.enums import ContactMethod
from shared.web.fields import GovukDateField
from shared.web.forms import RedressForm

MAX_TEXT = 10_000
_PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")


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


class _StepForm(RedressForm):
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ServiceForm(_StepForm):
    service = RadioField(
        _l("Which service is your complaint about?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select the service your complaint is about"))],
        validate_choice=True,
        invalid_choice_message=_l("Select the service your complaint is about"),
    )

    def __init__(self, *args, services=(), locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.service.choices = [SelectChoice(s.slug, s.display_name(locale)) for s in services]
        self.service_hints = {s.slug: s.display_description(locale) for s in services}


class WhatHappenedForm(_StepForm):
    what_happened = TextAreaField(
        _l("What happened?"),
        description=_l("Tell us what went wrong, in your own words. Include any names, addresses or reference numbers that will help us."),
        widget=GovCharacterCount(),
        validators=[
            DataRequired(_l("Enter what happened")),
            Length(max=MAX_TEXT, message=_l("What happened must be 10,000 characters or fewer")),
        ],
    )


class WhenForm(_StepForm):
    happened_on = GovukDateField(
        _l("When did it happen?"),
        description=_l("If it happened more than once or is still happening, give the date it started. For example, 27 3 2026."),
        past_only=True,
        messages={
            "required": _l("Enter the date it happened"),
            "day": _l("Date it happened must include a day"),
            "month": _l("Date it happened must include a month"),
            "year": _l("Date it happened must include a year"),
            "real": _l("Date it happened must be a real date"),
            "past": _l("Date it happened must be today or in the past"),
        },
    )


class OutcomeForm(_StepForm):
    outcome_wanted = TextAreaField(
        _l("What would you like us to do to put things right?"),
        description=_l("For example, an apology, an explanation, a repair, or a change to how we do things."),
        widget=GovCharacterCount(),
        validators=[
            DataRequired(_l("Enter what you would like us to do to put things right")),
            Length(max=MAX_TEXT, message=_l("What you would like us to do must be 10,000 characters or fewer")),
        ],
    )


class ContactForm(_StepForm):
    contact_method = RadioField(
        _l("How would you like us to contact you about your complaint?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, label in ContactMethod.choices()],
        validators=[InputRequired(_l("Select how you would like us to contact you"))],
        validate_choice=True,
        invalid_choice_message=_l("Select how you would like us to contact you"),
    )


class PhoneForm(_StepForm):
    contact_phone = StringField(
        _l("What is your phone number?"),
        description=_l("For international numbers include the country code."),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter a phone number, like 01632 960 001 or 07700 900 982"))],
    )

    def validate_contact_phone(self, field):
        if not _PHONE.match(field.data.strip()):
            raise ValidationError(_l("Enter a phone number, like 01632 960 001 or 07700 900 982"))


class AddressForm(_StepForm):
    contact_address = TextAreaField(
        _l("What is your postal address?"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter your postal address")),
            Length(max=500, message=_l("Postal address must be 500 characters or fewer")),
        ],
    )


class SubmitComplaintForm(RedressForm):
    submit = SubmitField(_l("Send complaint"), widget=GovSubmitInput())


class SignOutForm(RedressForm):
    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())
