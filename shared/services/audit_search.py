"""The admins' search of the audit log: filters, newest first, a page at a time by keyset (the
position of the last row seen, so page 1,000 is as quick as page 1 on millions of rows: each filter
has an index ending in `at`, migration 715d5e6af847), and the same search as CSV."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from shared.clock import LONDON, to_london
from shared.db import db
from shared.domain import audit_actions
from shared.models import AuditEvent, Case, User
from shared.services.accounts import email_key

PAGE_SIZE = 50
EXPORT_BATCH = 2000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    """A row's place in the newest-first order: (at, id)."""

    at: datetime
    id: int

    def encode(self) -> str:
        return f"{(self.at - _EPOCH) // timedelta(microseconds=1)}.{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        micros, _, row_id = (text or "").partition(".")
        if not (micros.isdigit() and row_id.isdigit()) or len(micros) > 20 or len(row_id) > 18:
            return None
        return cls(_EPOCH + timedelta(microseconds=int(micros)), int(row_id))


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # name or email address of who did it
    person: str = ""  # name or email address of whom it was about
    actions: tuple[str, ...] | None = None  # from audit_actions.actions_for
    subject_type: str | None = None
    subject: str = ""  # a case reference or a row's number
    start: date | None = None  # London dates, both included
    end: date | None = None
    older_than: Cursor | None = None
    newer_than: Cursor | None = None


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor_name: str | None
    actor_email: str | None
    person_name: str | None
    case_reference: str | None

    @property
    def subject_text(self) -> str:
        """The subject as a person reads it: a case's reference, a person's name, or its kind and number."""
        event = self.event
        if event.subject_type == "case" and self.case_reference:
            return self.case_reference
        if event.subject_type == "case" and event.details.get("reference"):
            return str(event.details["reference"])
        if event.subject_type in audit_actions.PERSON_SUBJECTS and self.person_name:
            return self.person_name
        if event.subject_type == "route":
            return str(event.details.get("route") or "")
        kind = str(audit_actions.subject_label(event.subject_type))
        return f"{kind} {event.subject_id}" if event.subject_id is not None else kind


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    older: Cursor | None  # where the next (older) page starts, if there is one
    newer: Cursor | None  # where the previous (newer) page ends, if this is not the newest


def _people_matching(text: str):
    """Ids of accounts whose email is `text` or whose name contains it (a subquery)."""
    text = text.strip().lower()
    return select(User.id).where(or_(func.lower(User.email) == text,
                                     func.lower(User.full_name).contains(text, autoescape=True)))


def _where(filters: AuditFilters) -> list:
    clauses = []
    if filters.actor:
        clauses.append(AuditEvent.actor_id.in_(_people_matching(filters.actor)))
    if filters.person:
        about = AuditEvent.person_id.in_(_people_matching(filters.person))
        if "@" in filters.person:  # a failed sign-in at an address with no account keeps only its key
            about = or_(about, AuditEvent.details["email_key"].as_string() == email_key(filters.person))
        clauses.append(about)
    if filters.actions is not None:
        clauses.append(AuditEvent.action.in_(filters.actions))
    if filters.subject_type:
        clauses.append(AuditEvent.subject_type == filters.subject_type)
    if filters.subject:
        clauses.append(_subject_clause(filters.subject.strip()))
    if filters.start:
        clauses.append(AuditEvent.at >= _london_midnight(filters.start))
    if filters.end:
        clauses.append(AuditEvent.at < _london_midnight(filters.end + timedelta(days=1)))
    return clauses


def _subject_clause(text: str):
    """A number is a row's id; anything else a case reference (the case's rows, or a refusal naming it)."""
    if text.isdigit() and len(text) < 18:
        return AuditEvent.subject_id == int(text)
    case_id = select(Case.id).where(Case.reference == text.upper()).scalar_subquery()
    return and_(AuditEvent.subject_type == "case",
                or_(AuditEvent.subject_id == case_id, AuditEvent.details["reference"].as_string() == text.upper()))


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def _statement(filters: AuditFilters):
    actor, person = aliased(User), aliased(User)
    return (
        select(AuditEvent, actor.full_name, actor.email, person.full_name, Case.reference)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(person, person.id == AuditEvent.person_id)
        .outerjoin(Case, and_(AuditEvent.subject_type == "case", Case.id == AuditEvent.subject_id))
        .where(*_where(filters))
    )


def search(filters: AuditFilters, page_size: int | None = None) -> AuditPage:
    """One page, newest first, in one query (a row more than shown says whether there is another page)."""
    page_size = page_size or PAGE_SIZE
    statement = _statement(filters)
    if filters.newer_than is not None:
        mark = filters.newer_than
        statement = statement.where(or_(AuditEvent.at > mark.at, and_(AuditEvent.at == mark.at, AuditEvent.id > mark.id)))
        statement = statement.order_by(AuditEvent.at, AuditEvent.id)
    else:
        if filters.older_than is not None:
            mark = filters.older_than
            statement = statement.where(or_(AuditEvent.at < mark.at,
                                            and_(AuditEvent.at == mark.at, AuditEvent.id < mark.id)))
        statement = statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    rows = [AuditRow(*row) for row in db.session.execute(statement.limit(page_size + 1))]
    more = len(rows) > page_size
    rows = rows[:page_size]
    if filters.newer_than is not None:
        rows.reverse()
        newer = _cursor(rows[0]) if more and rows else None
        older = _cursor(rows[-1]) if rows else None
    else:
        newer = _cursor(rows[0]) if filters.older_than is not None and rows else None
        older = _cursor(rows[-1]) if more else None
    return AuditPage(rows, older, newer)


def _cursor(row: AuditRow) -> Cursor:
    return Cursor(row.event.at, row.event.id)


def unpaged(filters: AuditFilters) -> AuditFilters:
    return replace(filters, older_than=None, newer_than=None)


CSV_COLUMNS = ("id", "at", "action", "action_name", "actor_id", "actor", "actor_email", "subject_type",
               "subject_id", "subject", "person_id", "person", "details")


def export_rows(filters: AuditFilters) -> Iterator[list[str]]:
    """The header, then every matching row newest first, read in batches (no row cap)."""
    yield list(CSV_COLUMNS)
    statement = _statement(unpaged(filters)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    for found in db.session.execute(statement.execution_options(yield_per=EXPORT_BATCH)):
        row = AuditRow(*found)
        event = row.event
        yield [
            str(event.id), to_london(event.at).isoformat(timespec="seconds"), event.action,
            str(audit_actions.label(event.action)), _text(event.actor_id), row.actor_name or "",
            row.actor_email or "", event.subject_type, _text(event.subject_id), row.subject_text,
            _text(event.person_id), row.person_name or "", json.dumps(event.details, sort_keys=True),
        ]


def _text(value: int | None) -> str:
    return "" if value is None else str(value)
