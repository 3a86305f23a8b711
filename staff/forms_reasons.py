"""The admin form for one of the council's complaint reasons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from shared.domain.enums import CaseReason
from shared.web.forms import RedressForm

ALL_SERVICES = "all"


class _PlaceField(IntegerField):
    """A place in the list, with a GOV.UK message (WTForms' own says "Not a valid integer value")."""

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None  # blank: InputRequired says what to do
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("The place in the list must be a whole number from 0 to 9999")) from None


class ReasonForm(RedressForm):
    name = StringField(lazy_pgettext("name of a thing", "Name"), description=_l("What officers choose at triage, for example, Missed bin collection."),
                       widget=GovTextInput(),
                       validators=[DataRequired(_l("Enter the reason's name")),
                                   Length(max=120, message=_l("Name must be 120 characters or fewer"))])
    name_cy = StringField(_l("Welsh name"), widget=GovTextInput(),
                          validators=[DataRequired(_l("Enter the reason's Welsh name")),
                                      Length(max=120, message=_l("Welsh name must be 120 characters or fewer"))])
    category = RadioField(
        _l("Which report category does it belong to?"),
        description=_l("Committee reports count complaints by these four categories."),
        choices=[SelectChoice(value, label) for value, label in CaseReason.choices()],
        widget=GovRadioInput(), validate_choice=True,
        validators=[InputRequired(_l("Select the report category the reason belongs to"))],
        invalid_choice_message=_l("Select the report category the reason belongs to"),
    )
    service = SelectField(
        _l("Which service is it for?"), description=_l("Triage offers it only for complaints about this service."),
        widget=GovSelect(), validate_choice=True,
        validators=[InputRequired(_l("Select the service the reason is for, or all services"))],
        invalid_choice_message=_l("Select the service the reason is for, or all services"),
    )
    sort_order = _PlaceField(
        _l("Place in the list"), description=_l("A whole number: lower numbers come first within a category."),
        widget=GovTextInput(), default=100,
        validators=[InputRequired(_l("Enter the reason's place in the list, as a whole number")),
                    NumberRange(min=0, max=9999, message=_l("The place in the list must be a whole number from 0 to 9999"))],
    )
    active = BooleanField(_l("Offer this reason at triage"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Save reason"), widget=GovSubmitInput())

    def __init__(self, *args, services=(), locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.service.choices = [SelectChoice(ALL_SERVICES, _l("All services"))] + [
            SelectChoice(str(s.id), s.display_name(locale)) for s in services]

    def chosen_category(self) -> CaseReason:
        return CaseReason(self.category.data)

    def service_id(self) -> int | None:
        return None if self.service.data == ALL_SERVICES else int(self.service.data)
