"""Finding a customer, and the record the contact centre makes for someone without an account."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import EmailField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from shared.domain.enums import ContactMethod
from shared.web.forms import RedressForm, is_phone_number, select_choices

LANGUAGES = select_choices([("en", _l("English")), ("cy", _l("Welsh")), ("pl", _l("Polish")), ("ur", _l("Urdu"))])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CustomerSearchForm(RedressForm):
    """A GET search: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name, email address, phone number, postcode or case reference"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter a name, email address, phone number, postcode or case reference")),
            Length(max=200, message=_l("Search must be 200 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Search"), widget=GovSubmitInput())


class CustomerForm(RedressForm):
    full_name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired(_l("Enter their full name")),
                    Length(max=200, message=_l("Full name must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Email address (optional)"),
        description=_l("We need one to invite them to use the website."),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Optional(), Email(_l("Enter an email address in the correct format, like name@example.com")),
                    Length(max=320, message=_l("Email address must be 320 characters or fewer"))],
    )
    phone = StringField(
        _l("Phone number (optional)"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Optional()],
    )
    address = TextAreaField(
        _l("Postal address (optional)"),
        description=_l("Include the postcode."),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Optional(), Length(max=500, message=_l("Postal address must be 500 characters or fewer"))],
    )
    preferred_contact = RadioField(
        _l("How would they like us to contact them?"),
        widget=GovRadioInput(),
        choices=select_choices(ContactMethod.choices()),
        validators=[InputRequired(_l("Select how they would like us to contact them"))],
        validate_choice=True,
        invalid_choice_message=_l("Select how they would like us to contact them"),
    )
    locale = RadioField(
        _l("Which language would they like us to use?"),
        widget=GovRadioInput(),
        choices=LANGUAGES,
        default="en",
        validators=[InputRequired(_l("Select the language they would like us to use"))],
        validate_choice=True,
        invalid_choice_message=_l("Select the language they would like us to use"),
    )
    submit = SubmitField(_l("Create record"), widget=GovSubmitInput())

    def validate_phone(self, field):
        if field.data and not is_phone_number(field.data):
            raise ValidationError(_l("Enter a phone number, like 01632 960 001 or 07700 900 982"))

    def validate_preferred_contact(self, field):
        # The way they choose must be one we can use with what they told us.
        email = self.email if "email" in self else SimpleNamespace(data=getattr(self, "kept_email", None))
        needs = {
            ContactMethod.EMAIL.value: (email, _l("Enter their email address, or choose another way to contact them")),
            ContactMethod.PHONE.value: (self.phone, _l("Enter their phone number, or choose another way to contact them")),
            ContactMethod.TEXT.value: (self.phone, _l("Enter their mobile phone number, or choose another way to contact them")),
            ContactMethod.POST.value: (self.address, _l("Enter their postal address, or choose another way to contact them")),
        }
        if field.data in needs:
            other, message = needs[field.data]
            if not other.data:
                raise ValidationError(message)


class CustomerEditForm(CustomerForm):
    """The same questions, answered already from the record. For someone with an account the email
    address is not asked (they change it themselves): `kept_email` is theirs, for the contact check."""

    submit = SubmitField(_l("Save changes"), widget=GovSubmitInput())

    def __init__(self, *args, kept_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_email = kept_email
        if kept_email is not None:
            del self.email

    @classmethod
    def for_person(cls, person, *, may_change_email: bool, submitted: bool) -> CustomerEditForm:
        """The record's answers to start from (a posted form takes what was typed, all of it)."""
        kept = None if may_change_email else (person.email or "")
        if submitted:
            return cls(kept_email=kept)
        data = {"full_name": person.full_name, "email": person.email or "", "phone": person.phone or "",
                "address": person.address or "", "locale": person.locale or "en",
                "preferred_contact": person.preferred_contact.value if person.preferred_contact else None}
        return cls(data=data, kept_email=kept)


class InviteForm(RedressForm):
    """Only the CSRF token: the customer is named in the address."""

    submit = SubmitField(_l("Invite to the portal"), widget=GovSubmitInput())
