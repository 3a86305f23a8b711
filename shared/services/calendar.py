"""The council's working-day calendar: its nation, receipt cut-off and the closure days it adds."""

from __future__ import annotations

from datetime import date

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from shared.clock import utcnow
from shared.db import db
from shared.domain.calendar import WorkingCalendar, bank_holidays
from shared.models import ClosureDay, User
from shared.services import audit
from shared.services.council import council
from shared.web.filters import govuk_date

_CACHE_KEY = "council_calendar"


class AlreadyNonWorking(Exception):
    """The day is already a weekend day, a bank holiday or a closure day; `message` says which."""

    def __init__(self, day: date, why: str) -> None:
        super().__init__(f"{day.isoformat()} is already a non-working day ({why})")
        self.day = day
        self.why = why  # "weekend", "bank-holiday" or "closure"

    @property
    def message(self) -> str:
        when = govuk_date(self.day)
        if self.why == "closure":
            return _("%(date)s is already a non-working day: it is a closure day", date=when)
        if self.why == "bank-holiday":
            return _("%(date)s is already a non-working day: it is a bank holiday", date=when)
        return _("%(date)s is already a non-working day: it is a Saturday or Sunday", date=when)


def build_calendar(nation: str | None = None, *, closures: bool = True) -> WorkingCalendar:
    """A calendar for `nation` (default: the council's), with the database's closure days."""
    settings = current_app.config["SETTINGS"]
    days = db.session.scalars(select(ClosureDay.day)).all() if closures else ()
    return WorkingCalendar(nation or council().nation, days, cutoff=settings.receipt_cutoff)


def closure_days_column():
    """Every closure day as one string of ISO dates ("2026-12-24,2026-12-29"; None when there are
    none), for a query that reads something else to bring the calendar along (see
    remember_closure_days): sending feedback reads it with the service, so it costs no query."""
    day = ClosureDay.day
    if db.session.get_bind().dialect.name == "postgresql":
        day = func.to_char(day, "YYYY-MM-DD")  # a date's text form there follows DateStyle
    return select(func.aggregate_strings(day, ",")).scalar_subquery()


def remember_closure_days(listed: str | None) -> WorkingCalendar:
    """The council's calendar from closure_days_column()'s value, kept for this request as
    council_calendar() keeps the one it reads."""
    settings = current_app.config["SETTINGS"]
    days = [date.fromisoformat(day) for day in listed.split(",")] if listed else []
    calendar = WorkingCalendar(council().nation, days, cutoff=settings.receipt_cutoff)
    setattr(g, _CACHE_KEY, calendar)
    return calendar


def council_calendar() -> WorkingCalendar:
    """The configured calendar, read once per request (one query) and kept on flask.g."""
    calendar = g.get(_CACHE_KEY)
    if calendar is None:
        calendar = build_calendar()
        setattr(g, _CACHE_KEY, calendar)
    return calendar


def _forget() -> None:
    g.pop(_CACHE_KEY, None)


def add_closure_day(day: date, reason: str, actor: User) -> ClosureDay:
    if day.weekday() >= 5:
        raise AlreadyNonWorking(day, "weekend")
    if day in bank_holidays(council().nation, day.year):
        raise AlreadyNonWorking(day, "bank-holiday")
    if db.session.scalar(select(ClosureDay.id).where(ClosureDay.day == day)) is not None:
        raise AlreadyNonWorking(day, "closure")
    closure = ClosureDay(day=day, reason=reason.strip(), created_by_id=actor.id, created_at=utcnow())
    try:
        # Two admins adding the same day at once: the unique constraint decides, in a savepoint
        # so the rest of the request's work survives.
        with db.session.begin_nested():
            db.session.add(closure)
    except IntegrityError:
        raise AlreadyNonWorking(day, "closure") from None
    audit.record("closure_day.added", actor=actor, subject_type="closure_day", subject_id=closure.id,
                 day=day.isoformat())
    _forget()
    return closure


def remove_closure_day(day_id: int, actor: User) -> ClosureDay | None:
    """Remove the closure day; None when there is no such day."""
    closure = db.session.get(ClosureDay, day_id)
    if closure is None:
        return None
    audit.record("closure_day.removed", actor=actor, subject_type="closure_day", subject_id=closure.id,
                 day=closure.day.isoformat())
    db.session.delete(closure)
    db.session.flush()
    _forget()
    return closure


def list_closure_days(year: int) -> list[ClosureDay]:
    return list(
        db.session.scalars(
            select(ClosureDay)
            .where(ClosureDay.day >= date(year, 1, 1), ClosureDay.day < date(year + 1, 1, 1))
            .order_by(ClosureDay.day)
        )
    )
