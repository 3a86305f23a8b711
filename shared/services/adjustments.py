"""The reasonable adjustments register: add, change, end and review a person's adjustments (each
audited), read what is active, and the list of reviews that are due. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import g, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain import adjustments as rules
from shared.domain.enums import AdjustmentKind
from shared.models import Adjustment, AuditEvent, Case, User
from shared.services import audit
from shared.services.cases import Page

SUBJECT = "adjustment"
PAGE_SIZE = 25


class DetailRequired(ValueError):
    """This kind of adjustment needs a detail (the times, the person, what "something else" is)."""


def today() -> date:
    return to_london(utcnow()).date()


def _clean(detail: str | None) -> str | None:
    detail = (detail or "").strip()
    return detail or None


def active_for(person_id: int) -> list[Adjustment]:
    """The person's adjustments in force, in the order they were recorded (one query)."""
    return list(db.session.scalars(
        select(Adjustment)
        .where(Adjustment.person_id == person_id, Adjustment.ended_at.is_(None))
        .order_by(Adjustment.recorded_at, Adjustment.id)
    ))


def remember(person_id: int, kinds: Iterable[AdjustmentKind]) -> None:
    """Keep the kinds in force a page already loaded with its case (shared/services/case_page.py),
    so choosing how to write to the person needs no query of its own; for this request only."""
    if has_app_context():
        g.setdefault("adjustment_kinds", {})[person_id] = frozenset(kinds)


def kinds_column(person_id):
    """The person's kinds in force as one string ("large_print,email_only"; None when none), for a
    query that reads something else to bring them along (then remember_listed). `person_id`: an id,
    or the id column of a person the same query reads (the subquery is then correlated to it)."""
    return (
        select(func.aggregate_strings(Adjustment.kind, ","))
        .where(Adjustment.person_id == person_id, Adjustment.ended_at.is_(None))
        .scalar_subquery()
    )


def remember_listed(person_id: int, listed: str | None) -> None:
    """remember() the kinds kinds_column() read."""
    remember(person_id, (AdjustmentKind(kind) for kind in listed.split(",")) if listed else ())


def _forget(person_id: int) -> None:
    if has_app_context():
        g.get("adjustment_kinds", {}).pop(person_id, None)


def kinds_for(person_id: int) -> frozenset[AdjustmentKind]:
    """The kinds in force (one query, or none if this request's case page loaded them)."""
    if has_app_context() and person_id in g.get("adjustment_kinds", {}):
        return g.adjustment_kinds[person_id]
    return frozenset(db.session.scalars(
        select(Adjustment.kind).where(Adjustment.person_id == person_id, Adjustment.ended_at.is_(None))
    ))


def get_for_person(adjustment_id: int, person_id: int) -> Adjustment | None:
    """One of this person's adjustments still in force; None for anyone else's (a 404)."""
    return db.session.scalar(select(Adjustment).where(
        Adjustment.id == adjustment_id, Adjustment.person_id == person_id, Adjustment.ended_at.is_(None)
    ))


def get_active(adjustment_id: int) -> Adjustment | None:
    return db.session.scalar(select(Adjustment).where(Adjustment.id == adjustment_id, Adjustment.ended_at.is_(None)))


def _audit(action: str, adjustment: Adjustment, actor: User, **details) -> None:
    audit.record(f"adjustment.{action}", actor=actor, subject_type=SUBJECT, subject_id=adjustment.id,
                 person_id=adjustment.person_id, kind=adjustment.kind.value, **details)


def add(person: User, kind: AdjustmentKind, detail: str | None, *, actor: User) -> Adjustment:
    """Record an adjustment, due for review in a year. `actor` is the person or the staff member."""
    detail = _clean(detail)
    if rules.needs_detail(kind) and detail is None:
        raise DetailRequired(kind)
    adjustment = Adjustment(person_id=person.id, kind=kind, detail=detail, recorded_by_id=actor.id,
                            recorded_at=utcnow(), review_on=rules.next_review(today()))
    db.session.add(adjustment)
    db.session.flush()
    _forget(person.id)
    _audit("added", adjustment, actor, review_on=adjustment.review_on.isoformat(), detail=detail)
    return adjustment


def change(adjustment: Adjustment, detail: str | None, *, actor: User) -> None:
    detail = _clean(detail)
    if rules.needs_detail(adjustment.kind) and detail is None:
        raise DetailRequired(adjustment.kind)
    if detail == adjustment.detail:
        return
    before, adjustment.detail = adjustment.detail, detail
    db.session.flush()
    _audit("changed", adjustment, actor, detail=detail, previous_detail=before)


def end(adjustment: Adjustment, *, actor: User) -> None:
    adjustment.ended_at = utcnow()
    adjustment.ended_by_id = actor.id
    db.session.flush()
    _forget(adjustment.person_id)
    _audit("ended", adjustment, actor)


def mark_reviewed(adjustment: Adjustment, *, actor: User) -> None:
    """Reviewed today: still needed, so the next review is a year from now."""
    adjustment.reviewed_at = utcnow()
    adjustment.review_on = rules.next_review(today())
    db.session.flush()
    _audit("reviewed", adjustment, actor, review_on=adjustment.review_on.isoformat())


def history_for(person_id: int, limit: int = 100) -> list[AuditEvent]:
    """Every add, change, end and review of this person's adjustments, newest first (two queries)."""
    return list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.person_id == person_id, AuditEvent.subject_type == SUBJECT)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ))


# --- reviews that are due -------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReview:
    adjustment: Adjustment
    person: User
    case_reference: str | None  # the person's latest case, to open the register from


def _due_query(on: date | None = None):
    return select(Adjustment.id).where(Adjustment.ended_at.is_(None), Adjustment.review_on <= (on or today()))


def due_reviews(page: int = 1) -> Page:
    """Adjustments whose review date has come, oldest first: two queries (count and page)."""
    total = db.session.scalar(select(func.count()).select_from(_due_query().subquery())) or 0
    latest_case = (
        select(Case.reference).where(Case.resident_id == Adjustment.person_id)
        .order_by(Case.received_at.desc(), Case.id.desc()).limit(1)
        .correlate(Adjustment).scalar_subquery()
    )
    rows = db.session.execute(
        select(Adjustment, User, latest_case)
        .join(User, User.id == Adjustment.person_id)
        .where(Adjustment.ended_at.is_(None), Adjustment.review_on <= today())
        .order_by(Adjustment.review_on, Adjustment.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page([DueReview(a, u, ref) for a, u, ref in rows], total, page, PAGE_SIZE)


def count_due(on: date | None = None) -> int:
    return db.session.scalar(select(func.count()).select_from(_due_query(on).subquery())) or 0


def has_adjustments(person_id):
    """An EXISTS column for list queries: does the row's person have an adjustment in force?"""
    return (
        select(Adjustment.id)
        .where(Adjustment.person_id == person_id, Adjustment.ended_at.is_(None))
        .exists()
        .label("has_adjustments")
    )
