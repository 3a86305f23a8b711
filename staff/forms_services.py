"""The admin form for a council service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from shared.domain.enums import CareKind
from shared.web.forms import RedressForm

NOT_CARE = "none"


def _required(message, length, too_long):
    return [DataRequired(message), Length(max=length, message=too_long)]


class ServiceForm(RedressForm):
    slug = StringField(
        _l("Short name"),
        description=_l("Lower-case letters, digits and hyphens, like housing-repairs. Used in reports, imports and "
                       "links; it cannot be changed later."),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter a short name")),
                    Length(min=2, max=60, message=_l("Short name must be between 2 and 60 characters")),
                    Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                           message=_l("Short name must be lower-case letters, digits and single hyphens"))],
    )
    name = StringField(lazy_pgettext("name of a thing", "Name"), widget=GovTextInput(), validators=_required(_l("Enter the service's name"), 120, _l("Name must be 120 characters or fewer")))
    name_cy = StringField(_l("Welsh name"), widget=GovTextInput(), validators=_required(_l("Enter the service's Welsh name"), 120, _l("Welsh name must be 120 characters or fewer")))
    description = TextAreaField(
        _l("What it covers"), description=_l("Shown to residents when they choose the service their feedback is about."),
        widget=GovTextArea(), validators=_required(_l("Enter what the service covers"), 300, _l("What it covers must be 300 characters or fewer")))
    description_cy = TextAreaField(
        _l("What it covers, in Welsh"), widget=GovTextArea(), validators=_required(_l("Enter what the service covers, in Welsh"), 300,
            _l("What it covers, in Welsh, must be 300 characters or fewer")))
    care_kind = RadioField(
        _l("Is it social care?"),
        description=_l("Complaints about social care follow a statutory procedure, and residents are always offered "
                       "an advocate."),
        choices=[(NOT_CARE, _l("No")), (CareKind.CHILDREN.value, CareKind.CHILDREN.label),
                 (CareKind.ADULTS.value, CareKind.ADULTS.label)],
        default=NOT_CARE,
        widget=GovRadioInput(),
        validators=[DataRequired(_l("Say whether the service is social care"))],
    )
    active = BooleanField(_l("Residents can choose this service when they give feedback"), widget=GovCheckboxInput(),
                          default=True)
    submit = SubmitField(_l("Save service"), widget=GovSubmitInput())

    def care(self) -> CareKind | None:
        return None if self.care_kind.data == NOT_CARE else CareKind(self.care_kind.data)
