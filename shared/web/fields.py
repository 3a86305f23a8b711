"""GOV.UK form fields that govuk-frontend-wtf lacks: a translated, well-validated date input."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field
from wtforms.validators import StopValidation

from shared.clock import to_london, utcnow


class _TranslatedDateInput(GovDateInput):
    def map_gov_params(self, field, **kwargs):
        day, month, year = (field.raw_data + [None, None, None])[:3] if field.raw_data else (None, None, None)
        if field.raw_data is None and field.data:
            day, month, year = str(field.data.day), str(field.data.month), str(field.data.year)
        bad = set(getattr(field, "bad_parts", ())) or ({"day", "month", "year"} if field.errors else set())

        def item(part: str, label: object, width: int, value: str | None) -> dict:
            classes = f"govuk-input--width-{width}" + (" govuk-input--error" if part in bad else "")
            return {"label": str(label), "id": f"{field.id}-{part}", "name": field.name, "classes": classes, "value": value, "inputmode": "numeric"}

        kwargs.setdefault("params", {})
        kwargs["params"] = {
            **kwargs["params"],
            "items": [
                item("day", _l("Day"), 2, day),
                item("month", _l("Month"), 2, month),
                item("year", _l("Year"), 4, year),
            ],
        }
        return super().map_gov_params(field, **kwargs)


def date_messages(required: object, past: object | None = None) -> dict:
    """The GOV.UK date input's error messages, with this field's own "required" (and "past") wording."""
    return {
        "required": required,
        "day": _l("The date must include a day"),
        "month": _l("The date must include a month"),
        "year": _l("The date must include a year"),
        "real": _l("The date must be a real date"),
        "past": past or _l("The date must be today or in the past"),
    }


class GovukDateField(Field):
    """Day, month and year boxes with the GOV.UK design system's error messages.

    `messages` holds whole translated sentences for: required, day, month, year, real, past.
    """

    widget = _TranslatedDateInput()

    def __init__(self, label=None, validators=None, *, messages: dict[str, object], past_only=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.messages = messages
        self.past_only = past_only
        self.bad_parts: tuple[str, ...] = ()

    def _value(self):
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist):
        # Always three parts: a post missing the boxes (or with extra ones) must not break the widget.
        self.raw_data = ([v.strip() for v in valuelist] + ["", "", ""])[:3]
        self.data = None

    def _fail(self, key: str, parts: tuple[str, ...] = ("day", "month", "year")) -> None:
        self.bad_parts = parts
        raise StopValidation(self.messages[key])

    def pre_validate(self, form):
        parts = (list(self.raw_data or []) + ["", "", ""])[:3]
        if not any(parts):
            self._fail("required")
        missing = tuple(name for name, value in zip(("day", "month", "year"), parts, strict=True) if not value)
        if len(missing) == 1:
            self._fail(missing[0], missing)
        if missing:
            self._fail("real", missing)
        day, month, year = parts
        try:
            if len(year) != 4:
                raise ValueError
            value = date(int(year), int(month), int(day))
        except ValueError:
            self._fail("real")
        if self.past_only and value > to_london(utcnow()).date():
            self._fail("past")
        self.data = value
