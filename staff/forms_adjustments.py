"""Back-office forms for safeguards: recording a person's adjustment, the advocacy and support
directory's admin form, and sending directory entries to a person."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from shared.domain import adjustments as rules
from shared.domain.enums import AdjustmentKind, SupportTopic
from shared.services.case_page import SIGNPOST_ENTRIES
from shared.web.forms import RedressForm, select_choices

MAX_DETAIL = 2000


class AdjustmentForm(RedressForm):
    kind = RadioField(
        _l("Adjustment"),
        widget=GovRadioInput(),
        choices=select_choices(AdjustmentKind.choices()),
        validators=[DataRequired(_l("Select the adjustment the person needs"))],
    )
    detail = TextAreaField(
        _l("Details"),
        description=_l("Needed for agreed call times, a named contact, someone to speak for them and something else."),
        widget=GovTextArea(),
        validators=[Length(max=MAX_DETAIL, message=_l("Details must be 2,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Add adjustment"), widget=GovSubmitInput())

    def validate_detail(self, field) -> None:
        if self.kind.data in AdjustmentKind._value2member_map_ and rules.needs_detail(AdjustmentKind(self.kind.data)) \
                and not (field.data or "").strip():
            raise ValidationError(_l("Enter the details of this adjustment"))


class ConfirmForm(RedressForm):
    """A button that acts (end, mark reviewed): the CSRF token is all it carries."""


class SupportServiceForm(RedressForm):
    name = StringField(
        lazy_pgettext("name of a thing", "Name"), widget=GovTextInput(),
        validators=[DataRequired(lazy_pgettext("support service", "Enter the service's name")),
                    Length(max=200, message=_l("Name must be 200 characters or fewer"))],
    )
    name_cy = StringField(
        _l("Welsh name (optional)"), widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message=_l("Welsh name must be 200 characters or fewer"))],
    )
    helps_with = TextAreaField(
        _l("What they help with"), widget=GovTextArea(),
        validators=[DataRequired(_l("Enter what the service helps with")),
                    Length(max=MAX_DETAIL, message=_l("What they help with must be 2,000 characters or fewer"))],
    )
    helps_with_cy = TextAreaField(
        _l("What they help with, in Welsh (optional)"), widget=GovTextArea(),
        validators=[Optional(), Length(max=MAX_DETAIL, message=_l("What they help with in Welsh must be 2,000 characters or fewer"))],
    )
    who_for = TextAreaField(
        _l("Who it is for"), widget=GovTextArea(),
        validators=[DataRequired(_l("Enter who the service is for")),
                    Length(max=MAX_DETAIL, message=_l("Who it is for must be 2,000 characters or fewer"))],
    )
    contact = TextAreaField(
        _l("How to contact them"), widget=GovTextArea(),
        validators=[DataRequired(_l("Enter how to contact the service")),
                    Length(max=MAX_DETAIL, message=_l("How to contact them must be 2,000 characters or fewer"))],
    )
    website = StringField(
        _l("Website (optional)"), widget=GovTextInput(),
        validators=[Optional(), Length(max=300, message=_l("Website must be 300 characters or fewer"))],
    )
    areas = StringField(
        _l("Areas covered"), description=_l("For example, England and Wales, or the county only."), widget=GovTextInput(),
        validators=[DataRequired(_l("Enter the areas the service covers")),
                    Length(max=500, message=_l("Areas covered must be 500 characters or fewer"))],
    )
    languages = StringField(
        _l("Languages (optional)"), description=_l("For example, English, Welsh, British Sign Language."),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=500, message=_l("Languages must be 500 characters or fewer"))],
    )
    topics = SelectMultipleField(
        _l("What it helps with, for signposting"),
        description=_l("Residents are shown the services whose topics match why they need help. Select all that apply."),
        widget=GovCheckboxesInput(),
        choices=select_choices(SupportTopic.choices()),
        validators=[DataRequired(_l("Select at least one topic"))],
    )
    active = BooleanField(_l("Offer this service"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def validate_website(self, field) -> None:
        value = (field.data or "").strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValidationError(_l("Enter a website address starting with https://"))


class SendSupportForm(RedressForm):
    services = SelectMultipleField(
        _l("Which services should we send?"),
        description=_l("Select all that apply. They are sent in the person's language, the way they asked to be contacted."),
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[DataRequired(_l("Select at least one service to send"))],
    )
    submit = SubmitField(_l("Send support information"), widget=GovSubmitInput())

    def validate_services(self, field) -> None:
        if len(field.data or ()) > SIGNPOST_ENTRIES:
            raise ValidationError(_l("Select 20 services or fewer"))

    def __init__(self, *args, services=(), locale: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.services.choices = select_choices((str(s.id), s.display_name(locale)) for s in services)
        self.service_hints = {str(s.id): s.display_helps_with(locale) for s in services}
