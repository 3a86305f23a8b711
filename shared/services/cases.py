"""Reading cases: a resident's own list, one case for a viewer (or a guest holding a link), what
the resident may read of it (timeline, messages, files), the triage queue."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from shared.db import db
from shared.domain.enums import CaseStatus, Role
from shared.domain.policy import REPRESENTATIVE_ROLES, can_view_case, sees_internal_events
from shared.models import Case, CaseEvent, CaseMessage, CaseRepresentative, CaseStage, ProcedureStage, StoredFile, User
from shared.services import audit
from shared.services.case_progress import NextStep, next_step, today
from shared.services.case_progress import stage_text as describe_stage
from shared.services.representatives import represented_case_ids, represents_exists

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int
    restricted: frozenset[int] = frozenset()  # ids of cases whose person has a restriction in force
    adjusted: frozenset[int] = frozenset()  # ids of cases whose person has reasonable adjustments (issue 7)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class ResidentCaseRow:
    """One line of "Your cases": the case with its service, how many stages it can have, and what is next."""

    case: Case
    stage_count: int
    next: NextStep | None
    acting_for: str | None = None  # a case they represent: the person's first name, and nothing more of them

    @property
    def stage_text(self) -> str | None:
        return describe_stage(self.case.stage, self.stage_count)


def _theirs_or_represented(user: User):
    """Cases of the resident's own, and those they are named on as a representative with consent standing.

    One id list (a UNION), not `resident_id = … OR id IN (…)`: PostgreSQL cannot use an index for an
    OR with a subquery, and scanned all 200,000 cases for a resident's page (bench/pages.py)."""
    own = select(Case.id).where(Case.resident_id == user.id)
    return Case.id.in_(own.union(represented_case_ids(user)))


def cases_for_resident(user: User, page: int = 1, *, on: date | None = None) -> Page:
    """The resident's cases, and the cases they represent, newest first, each with its stage count
    and next date (two queries)."""
    query = select(Case).where(_theirs_or_represented(user))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    stage_count = (
        select(func.count(ProcedureStage.id))
        .where(ProcedureStage.procedure_id == Case.procedure_id)
        .correlate(Case)
        .scalar_subquery()
    )
    later_stages = (
        select(func.count(ProcedureStage.id))
        .where(ProcedureStage.procedure_id == Case.procedure_id, ProcedureStage.number > Case.stage)
        .correlate(Case)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Case, CaseStage.escalation_ends, stage_count, later_stages, User.full_name)
        .where(_theirs_or_represented(user))
        .outerjoin(CaseStage, and_(CaseStage.case_id == Case.id, CaseStage.number == Case.stage))
        .outerjoin(User, User.id == Case.resident_id)
        .options(joinedload(Case.service))
        .order_by(Case.received_at.desc(), Case.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    on = on or today()
    items = [
        ResidentCaseRow(case, count or 0, next_step(case, ends, on, can_go_further=bool(later)),
                        None if case.resident_id == user.id else _first_name(name))
        for case, ends, count, later, name in rows
    ]
    return Page(items, total, page, PAGE_SIZE)


def case_for(viewer: User, reference: str) -> Case | None:
    """The case if this viewer may see it; None (shown as 404) when it is missing or not theirs.

    A resident or councillor who is not the case's resident may see it only while named on it as
    a representative (one more query, asked on every request, so withdrawn consent ends it at once).
    """
    query = _with_people_query(reference)
    if viewer.role in REPRESENTATIVE_ROLES:
        # Asked in the same query as the case: the case pages have no query to spare.
        row = db.session.execute(query.add_columns(represents_exists(viewer))).unique().first()
        case, represented = row if row is not None else (None, False)
    else:
        case, represented = db.session.execute(query).unique().scalar_one_or_none(), False
    if case is None or not can_view_case(viewer, case, represents=bool(represented)):
        refused_case(viewer, case, reference)
        return None
    return case


def refused_case(viewer: User | None, case: Case | None, reference: str) -> None:
    """Audit the 404 for a case that is not this visitor's: which case (or, if there is none, the
    reference asked for) on which route."""
    audit.refused(404, actor=viewer, subject_type="case", subject_id=case.id if case else None,
                  person_id=case.resident_id if case else None, reference=reference[:40])


def _first_name(full_name: str | None) -> str:
    return (full_name or "").strip().split(" ")[0]


def _with_people_query(reference: str):
    """The case with its service, people and representatives (in the same query: a case action that
    tells the representatives of an update has no query to spare for them)."""
    return (
        select(Case)
        .where(Case.reference == reference)
        .options(joinedload(Case.service), joinedload(Case.resident), joinedload(Case.officer),
                 joinedload(Case.representatives).joinedload(CaseRepresentative.representative))
    )


def _with_people(reference: str) -> Case | None:
    return db.session.execute(_with_people_query(reference)).unique().scalar_one_or_none()


def case_for_resident_or_guest(viewer: User | None, reference: str, granted: Collection[int]) -> Case | None:
    """The case as its resident sees it: their own when signed in; otherwise only a case this browser
    holds a guest grant for (`granted`, from guest_access.granted_case_ids()). None means 404.

    A signed-in person is never shown a case through a grant: one browser, one identity.
    """
    if viewer is not None:
        return case_for(viewer, reference) if viewer.role is Role.RESIDENT else None
    if not granted:
        return None
    case = _with_people(reference)
    if case is None or case.id not in granted or case.resident is None or case.resident.role is not Role.RESIDENT:
        refused_case(None, case, reference)
        return None
    return case


def public_timeline(case: Case) -> list[CaseEvent]:
    """What the resident may see of the case's history (one query; actors are not shown to them)."""
    return list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True))
            .order_by(CaseEvent.at, CaseEvent.id)
        )
    )


def _resident_may_see(case: Case):
    """Files the resident may read: those on messages (to or from them), and ones that came with the
    complaint from them or from nobody signed in. Anything else staff store on the case stays internal."""
    return and_(
        StoredFile.case_id == case.id,
        or_(
            StoredFile.message_id.is_not(None),
            StoredFile.uploaded_by_id.is_(None),
            StoredFile.uploaded_by_id == case.resident_id,
        ),
    )


@dataclass
class ResidentCorrespondence:
    """What the resident reads of the case's correspondence (the back office's view is in correspondence.py)."""

    messages: list[CaseMessage]
    files_by_message: dict[int, list[StoredFile]] = field(default_factory=dict)
    evidence: list[StoredFile] = field(default_factory=list)  # sent with the complaint itself


def correspondence_for_resident(case: Case) -> ResidentCorrespondence:
    """Every message on the case, oldest first, and the files the resident may read (two queries)."""
    found = list(
        db.session.scalars(
            select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.created_at, CaseMessage.id)
        )
    )
    result = ResidentCorrespondence(found)
    for stored in db.session.scalars(select(StoredFile).where(_resident_may_see(case)).order_by(StoredFile.id)):
        if stored.message_id is None:
            result.evidence.append(stored)
        else:
            result.files_by_message.setdefault(stored.message_id, []).append(stored)
    return result


def file_for_resident(case: Case, file_id: int) -> StoredFile | None:
    """One of the case's files the resident may read; None (404) for any other id, including
    another case's file asked for under this case's address."""
    return db.session.scalar(select(StoredFile).where(StoredFile.id == file_id, _resident_may_see(case)))


def timeline(viewer: User, case: Case) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).options(selectinload(CaseEvent.actor))
    if not sees_internal_events(viewer):
        query = query.where(CaseEvent.public.is_(True))
    return list(db.session.scalars(query.order_by(CaseEvent.at, CaseEvent.id)))


def triage_queue(page: int = 1) -> Page:
    """New contacts, oldest first, each flagged if its person has a restriction in force (an EXISTS
    column, so no query per row)."""
    from shared.services.adjustments import has_adjustments  # it needs Page
    from shared.services.restrictions import restricted_exists  # it needs the outbox, which needs Page

    query = select(Case).where(Case.status == CaseStatus.RECEIVED)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.add_columns(restricted_exists(Case.resident_id), has_adjustments(Case.resident_id))
        .options(joinedload(Case.service), joinedload(Case.resident))
        .order_by(Case.received_at, Case.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page([case for case, _, _ in rows], total, page, PAGE_SIZE,
                frozenset(case.id for case, restricted, _ in rows if restricted),
                frozenset(case.id for case, _, adjusted in rows if adjusted))
