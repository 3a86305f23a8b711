"""Form base, the fields many forms ask the same way (password choices among them), and the GOV.UK error
summary with a translated title."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors as _wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from shared.web import ratelimits


class RedressForm(FlaskForm):
    """All forms: CSRF on, GOV.UK widgets, messages translated lazily; shown again with what was typed
    into them when a session had ended before they were sent (shared/web/session_timeout.py).

    `rate_limits` (shared.web.ratelimits rules) are counted once what was typed is otherwise valid;
    over a limit, the form is invalid with an error on its first field saying when to try again.
    """

    rate_limits: tuple = ()


    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_submitted():
            return
        from shared.web.session_timeout import kept_formdata  # it needs the models; forms are imported early

        kept = kept_formdata({field.name for field in self})
        if kept is not None:
            self.process(kept, kwargs.get("obj"), data=kwargs.get("data"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.rate_limits:
            return True
        refusal = ratelimits.attempt(self.rate_limits, self)
        if refusal is None:
            return True
        first = next(field for field in self if field.type not in {"CSRFTokenField", "HiddenField"})
        first.errors = [*first.errors, ngettext(
            "You have tried too many times. Wait %(num)d minute, then try again.",
            "You have tried too many times. Wait %(num)d minutes, then try again.",
            refusal.minutes,
        )]
        return False

    def failed(self) -> None:
        """The attempt was wrong (a password, a code): count it against the failures-only limits."""
        ratelimits.failed(self.rate_limits, self)


class ButtonForm(RedressForm):
    """A button: the CSRF token is all it carries."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


def error_summary_params(form: FlaskForm) -> dict:
    params = _wtforms_errors(form, {"titleText": str(_l("There is a problem"))})
    # A date is three boxes and no element carries the field's own id: link to the first box
    # that needs fixing, as the GOV.UK date input guidance asks, so the link moves focus there.
    for field in form:
        if field.errors and hasattr(field, "bad_parts"):
            first_bad = (field.bad_parts or ("day",))[0]
            for item in params["errorList"]:
                if item["href"] == f"#{field.id}":
                    item["href"] = f"#{field.id}-{first_bad}"
    return params


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


# Phone numbers as people write them: 10 to 20 digits, spaces, brackets or dashes, with an optional
# + before the country code. One pattern for every form that asks for a number.
PHONE_NUMBER = re.compile(r"^\+?[0-9 ()-]{10,20}$")


def is_phone_number(text: str | None) -> bool:
    return bool(PHONE_NUMBER.match((text or "").strip()))


# --- fields asked the same way on many pages --------------------------------------------------------
# Each takes its label and messages as whole translated sentences; what they share (widget, checks,
# limits) is written once here.


def strip_spaces(value):
    """Spaces around a pasted answer are not a mistake worth an error."""
    return value.strip() if isinstance(value, str) else value


EMAIL_TOO_LONG = _l("Email address must be 320 characters or fewer")


def email_field(label, required=None, *, description="", too_long=EMAIL_TOO_LONG) -> EmailField:
    """An email address checked for format and length; optional when there is no `required` message."""
    return EmailField(
        label,
        description=description,
        widget=GovTextInput(),
        filters=[strip_spaces],
        validators=[
            DataRequired(required) if required else Optional(),
            Email(_l("Enter an email address in the correct format, like name@example.com")),
            Length(max=320, message=too_long),
        ],
    )


def short_text(label, required, too_long, *, max_length: int = 200, description="") -> StringField:
    """A required line of text, like a name."""
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        validators=[DataRequired(required), Length(max=max_length, message=too_long)],
    )


def long_text(label, too_long, *, max_length: int, required=None, description="") -> TextAreaField:
    """Free text with a character count; optional when there is no `required` message."""
    return TextAreaField(
        label,
        description=description,
        widget=GovCharacterCount(),
        validators=[DataRequired(required) if required else Optional(), Length(max=max_length, message=too_long)],
    )


def required_choice(label, choices, message, *, description="") -> RadioField:
    """Radios where one must be chosen; `message` is the error for none or an unknown one."""
    return RadioField(
        label,
        description=description or "",  # None would be shown as the hint "None"
        widget=GovRadioInput(),
        choices=choices,
        validators=[InputRequired(message)],
        validate_choice=True,
        invalid_choice_message=message,
    )


# --- choosing a password: residents registering or resetting, staff and councillors invited -----------


class HardToGuess:
    """Refuses a password on the common lists, made of a pattern, or built from the person's own
    details or the council's name (shared.auth.passwords.too_easy_to_guess). The person's details
    are what the form holds (registering) or the signed-in account's (changing it)."""

    CONTEXT_FIELDS = ("email", "full_name", "name")

    def __call__(self, form, field) -> None:
        from flask_login import current_user

        from shared.auth.passwords import too_easy_to_guess
        from shared.services import council

        if field.errors or not field.data:
            return  # too short already says what to do
        context = [getattr(form, name).data for name in self.CONTEXT_FIELDS
                   if name in form and isinstance(getattr(form, name).data, str)]
        if current_user.is_authenticated:
            context += [current_user.email, current_user.full_name]
        context += [council.council().name, "Redress"]
        if too_easy_to_guess(field.data, context):
            raise ValidationError(_l(
                "Choose a password that is harder to guess: not a common password, a pattern such as "
                "“qwerty” or “12345”, your name or email address, or the council’s name. "
                "Three or four unrelated words together work well."))


def new_password_field(label, required, *, description) -> PasswordField:
    return PasswordField(
        label,
        description=description,
        widget=GovPasswordInput(),
        validators=[
            DataRequired(required),
            Length(min=10, message=_l("Password must be 10 characters or more")),
            Length(max=200, message=_l("Password must be 200 characters or fewer")),
            HardToGuess(),
        ],
    )


def confirm_password_field(label, required) -> PasswordField:
    """Must match the form's `password` field."""
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[DataRequired(required), EqualTo("password", message=_l("Enter the same password in both fields"))],
    )


class ChoosePasswordForm(RedressForm):
    """Someone invited to an account (staff or councillor) chooses their first password."""

    password = new_password_field(_l("Password"), _l("Enter a password"), description=_l("Use 10 characters or more."))
    confirm_password = confirm_password_field(_l("Confirm password"), _l("Confirm your password"))
    submit = SubmitField(_l("Set password"), widget=GovSubmitInput())
