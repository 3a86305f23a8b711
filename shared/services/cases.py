"""Reading cases: a resident's own list, one case for a viewer, the triage queue, timelines."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from shared.db import db
from shared.domain.enums import CaseStatus
from shared.domain.policy import can_view_case, sees_internal_events
from shared.models import Case, CaseEvent, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def cases_for_resident(user: User, page: int = 1) -> Page:
    query = select(Case).where(Case.resident_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.options(joinedload(Case.service))
        .order_by(Case.received_at.desc(), Case.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(items), total, page, PAGE_SIZE)


def case_for(viewer: User, reference: str) -> Case | None:
    """The case if this viewer may see it; None (shown as 404) when it is missing or not theirs."""
    case = db.session.scalar(
        select(Case)
        .where(Case.reference == reference)
        .options(joinedload(Case.service), joinedload(Case.resident), joinedload(Case.officer))
    )
    if case is None or not can_view_case(viewer, case):
        return None
    return case


def timeline(viewer: User, case: Case) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).options(selectinload(CaseEvent.actor))
    if not sees_internal_events(viewer):
        query = query.where(CaseEvent.public.is_(True))
    return list(db.session.scalars(query.order_by(CaseEvent.at, CaseEvent.id)))


def triage_queue(page: int = 1) -> Page:
    """New contacts, oldest first."""
    query = select(Case).where(Case.status == CaseStatus.RECEIVED)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.options(joinedload(Case.service), joinedload(Case.resident))
        .order_by(Case.received_at, Case.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(items), total, page, PAGE_SIZE)
