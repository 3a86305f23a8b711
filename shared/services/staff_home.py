"""Counts for the back office's front page, as SQL aggregates."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from shared.db import db
from shared.domain.enums import CaseStatus, Role
from shared.domain.policy import TRIAGE_ROLES
from shared.models import Case, User


@dataclass
class Summary:
    awaiting_triage: int | None = None
    allocated_to_me: int | None = None
    open_for_service: int | None = None
    information_requests: int | None = None
    users_by_role: list[tuple[Role, int]] = field(default_factory=list)


def summary_for(user: User) -> Summary:
    summary = Summary()
    open_statuses = [s for s in CaseStatus if s.is_open]
    if user.role in TRIAGE_ROLES:
        summary.awaiting_triage = db.session.scalar(
            select(func.count(Case.id)).where(Case.status == CaseStatus.RECEIVED)
        )
        summary.allocated_to_me = db.session.scalar(
            select(func.count(Case.id)).where(Case.officer_id == user.id, Case.status.in_(open_statuses))
        )
    if user.role is Role.RESPONDER and user.service_id is not None:
        summary.open_for_service = db.session.scalar(
            select(func.count(Case.id)).where(Case.service_id == user.service_id, Case.status.in_(open_statuses))
        )
        from shared.services import information  # open requests for information for this responder

        summary.information_requests = information.open_count(user)
    if user.role is Role.ADMIN:
        rows = db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all()
        summary.users_by_role = sorted(((role, count) for role, count in rows), key=lambda r: list(Role).index(r[0]))
    return summary
