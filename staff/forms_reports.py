"""The reports' filter form (a GET form): period, procedure, service, ward and channel."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import StopValidation

from shared.domain.enums import Channel
from shared.domain.reporting import Period
from shared.services.reports import Filters
from shared.web.fields import GovukDateField, date_messages
from shared.web.forms import RedressForm, select_choices

# A report over more years than this is a mistake in the dates, not a question anyone asks.
LONGEST_YEARS = 20


class _Choice(SelectField):
    """A filter from a link someone edited: an unknown value is an error, said plainly."""

    def __init__(self, label, unknown: object, **kwargs):
        super().__init__(label, widget=GovSelect(), validate_choice=False, **kwargs)
        self.unknown = unknown

    def pre_validate(self, form) -> None:
        if self.data and self.data not in {str(choice.value) for choice in self.choices}:
            raise StopValidation(self.unknown)


class ReportFiltersForm(RedressForm):
    class Meta:
        csrf = False

    start = GovukDateField(_l("From"), description=_l("For example, 1 7 2026"),
                           messages=date_messages(_l("Enter the date the period starts")))
    end = GovukDateField(lazy_pgettext("end of a date range", "To"), description=_l("For example, 30 9 2026"),
                         messages=date_messages(_l("Enter the date the period ends")))
    procedure = _Choice(_l("Procedure"), _l("Choose a procedure from the list"))
    service = _Choice(_l("Service"), _l("Choose a service from the list"))
    ward = _Choice(_l("Ward"), _l("Choose a ward from the list"))
    channel = _Choice(_l("How it was made"), _l("Choose how it was made from the list"))

    def __init__(self, formdata, *, procedures, services, wards, locale: str, snapshot: bool, **kwargs):
        super().__init__(formdata, **kwargs)
        self.snapshot = snapshot
        if snapshot:
            self.end.label.text = str(_l("Date"))
            self.end.description = _l("For example, 31 3 2027")
            self.end.messages = date_messages(_l("Enter the date of the snapshot"))
        self.procedure.choices = select_choices([("", _l("Any procedure"))] + [(p.slug, p.display_name(locale)) for p in procedures])
        self.service.choices = select_choices([("", _l("Any service"))] + [(str(s.id), s.display_name(locale)) for s in services])
        self.ward.choices = select_choices([("", _l("Any ward"))] + [(str(w.id), w.display_name(locale)) for w in wards])
        self.channel.choices = select_choices([("", _l("Any way"))] + Channel.choices())

    def validate(self, extra_validators=None) -> bool:
        if self.snapshot:
            self.start.raw_data = self.end.raw_data  # a snapshot has one date
        valid = super().validate(extra_validators)
        if valid and self.end.data < self.start.data:
            self.end.errors.append(_l("The end date must be the same as or after the start date"))
            self.end.bad_parts = ("day", "month", "year")
            return False
        if valid and (self.end.data - self.start.data).days > 366 * LONGEST_YEARS:
            self.start.errors.append(_l("The period must be %(years)s years or shorter", years=LONGEST_YEARS))
            return False
        return valid

    def filters(self) -> Filters:
        return Filters(
            period=Period(self.start.data, self.end.data),
            procedure=self.procedure.data or None,
            service_id=int(self.service.data) if self.service.data else None,
            ward_id=int(self.ward.data) if self.ward.data else None,
            channel=Channel(self.channel.data) if self.channel.data else None,
        )




def default_data(period: Period) -> dict[str, date]:
    return {"start": period.start, "end": period.end}
