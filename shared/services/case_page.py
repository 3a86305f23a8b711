"""Reading what the staff case page shows, within its query budget: the case with its current
stage, draft response, procedure and linked cases in one query, and the timeline in another.

The page also shows correspondence and files (shared/services/correspondence.py) and the panels
other areas register (staff/panels.py); together they must stay within 10 queries a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from shared.db import db
from shared.domain.policy import can_view_case, sees_internal_events
from shared.models import Case, CaseEvent, CaseResponse, CaseStage, User


@dataclass(frozen=True)
class LinkedCase:
    relation: object  # a translated phrase: "Split from", "Duplicate of"…
    case: Case


@dataclass
class CasePage:
    case: Case
    stage: CaseStage | None
    draft: CaseResponse | None
    links: list[LinkedCase] = field(default_factory=list)


SPLIT_FROM = _l("Split from")
SPLIT_INTO = _l("Split into")
DUPLICATE_OF = _l("Duplicate of")
DUPLICATED_BY = _l("Duplicate of this case")


def load(viewer: User, reference: str) -> CasePage | None:
    """The case and what its page needs, if this viewer may see it; None (a 404) otherwise.

    Linked cases come back in the same query (the rows whose id the case points at, and the rows
    that point at it); the current stage and the stage's latest response are joined to the case's
    row only. Linked cases the viewer may not see are left out, as if they did not exist.
    """
    other = aliased(Case)
    this_id = select(other.id).where(other.reference == reference).scalar_subquery()
    is_this = Case.reference == reference
    latest = aliased(CaseResponse)
    latest_response_id = (
        select(func.max(latest.id))
        .where(latest.case_id == Case.id, latest.stage == Case.stage)
        .correlate(Case)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Case, CaseStage, CaseResponse)
        .outerjoin(CaseStage, and_(is_this, CaseStage.case_id == Case.id, CaseStage.number == Case.stage))
        .outerjoin(CaseResponse, and_(is_this, CaseResponse.id == latest_response_id))
        .where(
            or_(
                is_this,
                Case.id.in_(select(other.split_from_id).where(other.reference == reference)),
                Case.id.in_(select(other.duplicate_of_id).where(other.reference == reference)),
                Case.split_from_id == this_id,
                Case.duplicate_of_id == this_id,
            )
        )
        .options(
            joinedload(Case.service),
            joinedload(Case.resident),
            joinedload(Case.officer),
            joinedload(Case.procedure),
        )
        .order_by(Case.received_at, Case.id)
    ).all()
    found = next((row for row in rows if row[0].reference == reference), None)
    if found is None or not can_view_case(viewer, found[0]):
        return None
    case, stage, draft = found
    links = []
    for row in rows:
        linked = row[0]
        if linked is case or not can_view_case(viewer, linked):
            continue
        if linked.id == case.split_from_id:
            links.append(LinkedCase(SPLIT_FROM, linked))
        if linked.split_from_id == case.id:
            links.append(LinkedCase(SPLIT_INTO, linked))
        if linked.id == case.duplicate_of_id:
            links.append(LinkedCase(DUPLICATE_OF, linked))
        if linked.duplicate_of_id == case.id:
            links.append(LinkedCase(DUPLICATED_BY, linked))
    return CasePage(case, stage, draft, links)


def timeline(viewer: User, case: Case) -> list[CaseEvent]:
    """The case's events, oldest first, with who did each (one query: actors joined, not selected
    separately as the general timeline does, because this page has no query to spare)."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).options(joinedload(CaseEvent.actor))
    if not sees_internal_events(viewer):
        query = query.where(CaseEvent.public.is_(True))
    return list(db.session.scalars(query.order_by(CaseEvent.at, CaseEvent.id)))
