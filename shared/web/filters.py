"""Template filters: GOV.UK-style dates and times in Europe/London, and report figures, in the page's language."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_time as babel_format_time
from flask import Flask
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from shared.clock import to_london, utcnow


def govuk_date(value: date | datetime | None) -> str:
    """7 January 2027 (no leading zero, full month, in the page's language)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return format_date(value, "d MMMM y")


# Languages whose catalogue writes times the GOV.UK way (2:05pm); others use their own (14:05).
_GOVUK_TIME_LOCALES = frozenset({"en", "cy"})


def govuk_time(value: datetime) -> str:
    local = to_london(value)
    locale = get_locale()
    if locale is not None and locale.language not in _GOVUK_TIME_LOCALES:
        # London wall-clock time in the locale's own short form (babel would convert an aware time).
        return babel_format_time(local.replace(tzinfo=None).time(), "short", locale=locale)
    hour = local.hour % 12 or 12
    if local.hour < 12:
        return _("%(hour)s:%(minute)sam", hour=hour, minute=f"{local.minute:02d}")
    return _("%(hour)s:%(minute)spm", hour=hour, minute=f"{local.minute:02d}")


def govuk_datetime(value: datetime | None) -> str:
    """7 January 2027 at 2:05pm, in London time."""
    if value is None:
        return ""
    return _("%(date)s at %(time)s", date=govuk_date(value), time=govuk_time(value))


def due_tag(due: date | None) -> Markup:
    """An "Overdue" or "Due soon" tag for a deadline (≤2 working days left), or nothing."""
    if due is None:
        return Markup("")
    from shared.services.calendar import council_calendar  # per-request calendar with closure days

    calendar = council_calendar()
    today = to_london(utcnow()).date()
    if calendar.is_overdue(due, today):
        return Markup('<strong class="govuk-tag govuk-tag--red">%s</strong>') % _("Overdue")
    if calendar.is_due_soon(due, today):
        return Markup('<strong class="govuk-tag govuk-tag--yellow">%s</strong>') % _("Due soon")
    return Markup("")


def report_figure(value, kind: str = "number") -> Markup:
    """One figure of a report in the page's language: 1,234 · 33.3% · +12.5% · "no figure" for None."""
    if value is None:
        return Markup('<span aria-hidden="true">–</span><span class="govuk-visually-hidden">%s</span>') % _("no figure")
    if kind == "text":
        return Markup("%s") % value
    if kind in {"percent", "change"}:
        text = _("%(number)s%%", number=format_decimal(value, "#,##0.0"))
        if kind == "change" and value > 0:
            text = "+" + text
        return Markup("%s") % text
    if kind == "days":
        return Markup("%s") % format_decimal(value, "#,##0.#")
    return Markup("%s") % format_decimal(value, "#,##0")


def init_app(app: Flask) -> None:
    app.add_template_filter(report_figure, "report_figure")
    app.add_template_global(due_tag, "due_tag")
    app.add_template_filter(date.fromisoformat, "iso_date")
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
