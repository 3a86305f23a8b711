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
from shared.models import (
    Adjustment,
    Case,
    CaseEvent,
    CaseRepresentative,
    CaseResponse,
    CaseStage,
    Restriction,
    Signpost,
    SupportService,
    User,
)
from shared.services import adjustments as adjustment_register
from shared.services import cases as case_queries
from shared.services import representatives
from shared.services.case_progress import today
from shared.services.restrictions import in_force_clause


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
    adjustments: list[Adjustment] = field(default_factory=list)  # the person's, in force (issue 7)
    restriction: Restriction | None = None  # the person's restriction in force, if any (issue 7)
    # What the person was shown or sent from the support directory, oldest first, with the entries' names.
    signposts: list[tuple[Signpost, str]] = field(default_factory=list)


# A signpost lists at most this many entries (the portal shows six; staff send a few).
SIGNPOST_ENTRIES = 20


def _signpost_names():
    """The names of a signpost's entries, as one string: its ids are a JSON list, matched by
    position (portable across SQLite and PostgreSQL, unlike JSON containment)."""
    listed = or_(*(SupportService.id == Signpost.service_ids[i].as_integer() for i in range(SIGNPOST_ENTRIES)))
    return (
        select(func.aggregate_strings(SupportService.name, ", "))
        .where(listed)
        .correlate(Signpost)
        .scalar_subquery()
    )


SPLIT_FROM = _l("Split from")
SPLIT_INTO = _l("Split into")
DUPLICATE_OF = _l("Duplicate of")
DUPLICATED_BY = _l("Duplicate of this case")


def load(viewer: User, reference: str) -> CasePage | None:
    """The case and what its page needs, if this viewer may see it; None (a 404) otherwise.

    Linked cases come back in the same query (the rows whose id the case points at, and the rows
    that point at it); the current stage and the stage's latest response are joined to the case's
    row only. Linked cases the viewer may not see are left out, as if they did not exist. The
    resident's adjustments in force are joined to the case's row too (one row each), and their
    restriction in force, and the representatives named on the case, so showing them costs no query.
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
    # At most one restriction row (the newest in force), so it does not multiply the rows.
    in_force = aliased(Restriction)
    restriction_in_force = (
        select(func.max(in_force.id))
        .where(in_force.person_id == Case.resident_id, in_force_clause(today(), in_force))
        .correlate(Case)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Case, CaseStage, CaseResponse, Adjustment, Restriction, CaseRepresentative, Signpost, _signpost_names())
        .outerjoin(CaseStage, and_(is_this, CaseStage.case_id == Case.id, CaseStage.number == Case.stage))
        .outerjoin(CaseResponse, and_(is_this, CaseResponse.id == latest_response_id))
        .outerjoin(Adjustment, and_(is_this, Adjustment.person_id == Case.resident_id, Adjustment.ended_at.is_(None)))
        .outerjoin(Restriction, and_(is_this, Restriction.id == restriction_in_force))
        # The representatives with consent standing (issue 6): few, so multiplying the adjustments' rows is cheap.
        .outerjoin(CaseRepresentative, and_(is_this, CaseRepresentative.case_id == Case.id,
                                            CaseRepresentative.withdrawn_at.is_(None)))
        # What the person was signposted to (issue 7), each with its entries' names in one column.
        .outerjoin(Signpost, and_(is_this, Signpost.case_id == Case.id))
        .where(
            # Each a column equal to one value (scalar subqueries: references are unique), so PostgreSQL
            # ORs four index scans; `id IN (subquery)` made it scan every case (bench/pages.py).
            or_(
                is_this,
                Case.id == select(other.split_from_id).where(other.reference == reference).scalar_subquery(),
                Case.id == select(other.duplicate_of_id).where(other.reference == reference).scalar_subquery(),
                Case.split_from_id == this_id,
                Case.duplicate_of_id == this_id,
            )
        )
        .options(
            joinedload(Case.service),
            joinedload(Case.resident),
            joinedload(Case.officer),
            joinedload(Case.procedure),
            joinedload(Case.legal_hold_by),  # who placed a legal hold, for its banner (issue 10)
            joinedload(Restriction.named_officer),
            joinedload(CaseRepresentative.representative),
        )
        .order_by(Case.received_at, Case.id, Adjustment.recorded_at, Adjustment.id, CaseRepresentative.id, Signpost.at,
                  Signpost.id)
    ).all()
    found = next((row for row in rows if row[0].reference == reference), None)
    if found is None or not can_view_case(viewer, found[0]):
        case_queries.refused_case(viewer, found[0] if found else None, reference)
        return None
    case, stage, draft, _adjustment, restriction, _representative, _signpost, _names = found
    signposts = list({row[6].id: (row[6], row[7] or "") for row in rows if row[0] is case and row[6] is not None}.values())
    adjustments = list({row[3].id: row[3] for row in rows if row[0] is case and row[3] is not None}.values())
    if case.resident_id is not None:
        adjustment_register.remember(case.resident_id, (adjustment.kind for adjustment in adjustments))
    representatives.remember(case.id, list({row[5].id: row[5] for row in rows
                                            if row[0] is case and row[5] is not None}.values()))
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
    return CasePage(case, stage, draft, links, adjustments, restriction, signposts)


def timeline(viewer: User, case: Case) -> list[CaseEvent]:
    """The case's events, oldest first, with who did each (one query: actors joined, not selected
    separately as the general timeline does, because this page has no query to spare)."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).options(joinedload(CaseEvent.actor))
    if not sees_internal_events(viewer):
        query = query.where(CaseEvent.public.is_(True))
    return list(db.session.scalars(query.order_by(CaseEvent.at, CaseEvent.id)))
