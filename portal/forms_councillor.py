"""Forms for councillors: logging an enquiry for a constituent, chasing one, choosing a period for ward counts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from shared.domain.enums import ConsentMethod
from shared.services import member_enquiries, messages
from shared.web import ratelimits
from shared.web.forms import (
    RedressForm,
    email_field,
    is_phone_number,
    long_text,
    required_choice,
    select_choices,
    short_text,
)

MAX_TEXT = 10_000


class EnquiryForm(RedressForm):
    """Everything about the enquiry on one page: councillors log many, and check the answers next."""

    full_name = short_text(
        _l("Constituent's full name"),
        _l("Enter the constituent's full name"),
        _l("The constituent's name must be 200 characters or fewer"),
    )
    email = email_field(
        _l("Email address (optional)"), too_long=_l("The email address must be 320 characters or fewer")
    )
    phone = StringField(
        _l("Phone number (optional)"),
        widget=GovTextInput(),
        validators=[Optional()],
    )
    address = TextAreaField(
        _l("Postal address (optional)"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=500, message=_l("The address must be 500 characters or fewer"))],
    )
    consent = required_choice(
        _l("How has the constituent agreed to you acting for them?"),
        select_choices(ConsentMethod.choices()),
        _l("Select how the constituent agreed to you acting for them"),
    )
    consent_note = TextAreaField(
        _l("Details of their consent (optional)"),
        description=_l("For example, the date of their email or letter."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=1000, message=_l("Details of their consent must be 1,000 characters or fewer"))],
    )
    ward = SelectField(
        _l("Ward"),
        widget=GovSelect(),
        validators=[InputRequired(_l("Select the ward"))],
        validate_choice=True,
        invalid_choice_message=_l("Select the ward"),
    )
    service = SelectField(
        _l("Service"),
        description=_l("The council service the enquiry is about."),
        widget=GovSelect(),
        validators=[InputRequired(_l("Select the service"))],
        validate_choice=True,
        invalid_choice_message=_l("Select the service"),
    )
    what_happened = long_text(
        _l("What is the enquiry about?"),
        _l("What the enquiry is about must be 10,000 characters or fewer"),
        max_length=MAX_TEXT,
        required=_l("Enter what the enquiry is about"),
        description=_l("Include what has happened and any dates or places. Only include what the council needs to answer it."),
    )
    outcome_wanted = long_text(
        _l("What would the constituent like the council to do? (optional)"),
        _l("What they would like must be 10,000 characters or fewer"),
        max_length=MAX_TEXT,
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def __init__(self, *args, wards, services, locale: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward.choices = select_choices([("", _l("Select a ward"))] + [(str(w.id), w.display_name(locale)) for w in wards])
        self.service.choices = select_choices(
            [("", _l("Select a service"))] + [(str(s.id), s.display_name(locale)) for s in services])

    def validate_phone(self, field) -> None:
        if field.data and not is_phone_number(field.data):
            raise ValidationError(_l("Enter a phone number, like 01632 960 001 or 07700 900 982"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        given = [(field.data or "").strip() for field in (self.email, self.phone, self.address)]
        if not any(given):
            # One error, on the first way to contact them (an empty optional field skips its own checks).
            self.email.errors = [*self.email.errors, _l("Enter at least one way to contact the constituent: "
                                                         "email address, phone number or postal address")]
            return False
        return valid

    def answers(self) -> dict:
        return {name: (getattr(self, name).data or "").strip() for name in (
            "full_name", "email", "phone", "address", "consent", "consent_note", "ward", "service",
            "what_happened", "outcome_wanted")}


class ConfirmForm(RedressForm):
    rate_limits = ratelimits.FEEDBACK

    submit = SubmitField(_l("Send enquiry"), widget=GovSubmitInput())


class ChaseForm(RedressForm):
    rate_limits = ratelimits.REPLY

    body = long_text(
        _l("Your message"),
        _l("Your message must be 10,000 characters or fewer"),
        max_length=messages.MAX_BODY,
        required=_l("Enter your message"),
        description=_l("Ask for an update or add anything that will help. The officer handling the enquiry will see it."),
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


def period_choices():
    return select_choices(
        (str(days), ngettext("The last %(num)d day", "The last %(num)d days", days)) for days in member_enquiries.PERIODS
    )
