"""Finding cases for the back office: search, filters, sorting and one page of rows, in two queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import replace as _replace
from datetime import date

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true
from sqlalchemy.orm import aliased, joinedload

from shared.db import LIKE_ESCAPE, contains_pattern, db
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import CLOSED_STATUSES, CaseKind, CaseStatus, Role
from shared.domain.references import normalise
from shared.models import Case, Procedure, Service, User
from shared.services.cases import Page

PAGE_SIZE = 50
MAX_SEARCH_WORDS = 6
# "Due soon" is 2 working days or fewer left (docs/case-engine.md), as shared.web.filters.due_tag.
DUE_SOON_DAYS = 2

SORTS = ("received", "due", "reference", "status")
# The order a column sorts in when its header is first chosen.
DEFAULT_ORDER = {"received": "desc", "due": "asc", "reference": "asc", "status": "asc"}
OPEN_STATUSES = tuple(s for s in CaseStatus if s.is_open)
# Statuses whose next date is the acknowledgement (as Case.next_date).
_ACKNOWLEDGING = (CaseStatus.RECEIVED, CaseStatus.TRIAGED, CaseStatus.ESCALATED)
_STATUS_ORDER = {status: n for n, status in enumerate(CaseStatus)}


@dataclass(frozen=True)
class CaseFilters:
    """What a staff member asked for; every value already checked (unknown ones are dropped)."""

    q: str = ""
    statuses: tuple[CaseStatus, ...] = ()
    state: str = ""  # "open", "closed" or "" (either)
    stage: int | None = None
    procedure: str | None = None  # a procedure slug: every version of it
    service_id: int | None = None
    officer: int | str | None = None  # a handler's user id, or "none" for unallocated
    kind: CaseKind | None = None
    due: str = ""  # "soon", "overdue" or ""
    vulnerable: bool = False
    sort: str = "received"
    order: str = "desc"
    page: int = 1

    def but(self, **changes) -> CaseFilters:
        return _replace(self, **changes)


def visible_to(viewer: User) -> ColumnElement[bool]:
    """shared.domain.policy.can_view_case as SQL: responders their service's, the team all."""
    match viewer.role:
        case Role.AGENT | Role.OFFICER | Role.MANAGER:
            return true()
        case Role.RESPONDER if viewer.service_id is not None:
            return Case.service_id == viewer.service_id
    return false()


def next_date_column() -> ColumnElement:
    """Case.next_date in SQL: the acknowledgement date while one is due, else the response date."""
    return case(
        (Case.status.in_(CLOSED_STATUSES), None),
        (Case.status.in_(_ACKNOWLEDGING), func.coalesce(Case.acknowledge_by, Case.respond_by)),
        else_=Case.respond_by,
    )


@dataclass(frozen=True)
class DueThresholds:
    """Dates worked out once in Python with the council calendar, so SQL only compares dates."""

    today: date
    soon_before: date  # a deadline before this (and not before today) has ≤2 working days left

    @classmethod
    def for_today(cls, calendar: WorkingCalendar, today: date) -> DueThresholds:
        # between(today, d) <= 2 exactly for the dates before the end of the 3rd working day.
        return cls(today=today, soon_before=calendar.add(today, DUE_SOON_DAYS + 1))


def _search(q: str, resident) -> ColumnElement[bool]:
    """Every word must appear in one of the fields; a whole reference, however typed, also matches."""
    words = q.split()[:MAX_SEARCH_WORDS]
    per_word = []
    for word in words:
        pattern = contains_pattern(word)
        fields = [
            Case.reference.ilike(pattern, escape=LIKE_ESCAPE),
            resident.full_name.ilike(pattern, escape=LIKE_ESCAPE),
            resident.email.ilike(pattern, escape=LIKE_ESCAPE),
            resident.phone.ilike(pattern, escape=LIKE_ESCAPE),
            Case.contact_phone.ilike(pattern, escape=LIKE_ESCAPE),
            Case.contact_address.ilike(pattern, escape=LIKE_ESCAPE),
            Case.what_happened.ilike(pattern, escape=LIKE_ESCAPE),
        ]
        per_word.append(or_(*fields))
    # A postcode or phone number typed without its spaces ("sw1a1aa", "07700900123").
    compact = re.sub(r"\s+", "", q)
    if len(compact) >= 5 and len(words) == 1:
        pattern = contains_pattern(compact)
        per_word = [or_(per_word[0],
                        func.replace(Case.contact_address, " ", "").ilike(pattern, escape=LIKE_ESCAPE),
                        func.replace(Case.contact_phone, " ", "").ilike(pattern, escape=LIKE_ESCAPE),
                        func.replace(resident.phone, " ", "").ilike(pattern, escape=LIKE_ESCAPE))]
    matched = and_(*per_word) if per_word else true()
    reference = normalise(q)
    return or_(Case.reference == reference, matched) if reference else matched


def _conditions(viewer: User, filters: CaseFilters, due: DueThresholds, resident) -> list[ColumnElement[bool]]:
    conditions = [visible_to(viewer)]
    if filters.q:
        conditions.append(_search(filters.q, resident))
    if filters.statuses:
        conditions.append(Case.status.in_(filters.statuses))
    if filters.state == "open":
        conditions.append(Case.status.in_(OPEN_STATUSES))
    elif filters.state == "closed":
        conditions.append(Case.status.in_(CLOSED_STATUSES))
    if filters.stage is not None:
        conditions.append(Case.stage == filters.stage)
    if filters.procedure:
        conditions.append(Case.procedure_id.in_(select(Procedure.id).where(Procedure.slug == filters.procedure)))
    if filters.service_id is not None:
        conditions.append(Case.service_id == filters.service_id)
    if filters.officer == "none":
        conditions.append(Case.officer_id.is_(None))
    elif filters.officer is not None:
        conditions.append(Case.officer_id == filters.officer)
    if filters.kind is not None:
        conditions.append(Case.kind == filters.kind)
    if filters.due:
        next_date = next_date_column()
        if filters.due == "overdue":
            conditions.append(next_date < due.today)
        else:
            conditions.append(and_(next_date >= due.today, next_date < due.soon_before))
    if filters.vulnerable:
        conditions.append(Case.vulnerable.is_(True))
    return conditions


def _order_by(filters: CaseFilters) -> list:
    descending = filters.order == "desc"
    match filters.sort:
        case "due":
            column = next_date_column()
            # undated cases last, whichever way the dates run
            return [column.is_(None), column.desc() if descending else column.asc(), Case.id]
        case "reference":
            column = Case.reference
        case "status":
            column = case(_STATUS_ORDER, value=Case.status)
        case _:
            column = Case.received_at
    if descending:
        return [column.desc(), Case.id.desc()]
    return [column.asc(), Case.id.asc()]


def find_cases(viewer: User, filters: CaseFilters, due: DueThresholds, per_page: int = PAGE_SIZE) -> Page:
    """One page of the cases this viewer may see that match: a count and a page of rows (two queries)."""
    resident = aliased(User)
    where = _conditions(viewer, filters, due, resident)

    def _from(query):
        return query.outerjoin(resident, resident.id == Case.resident_id) if filters.q else query

    total = db.session.scalar(_from(select(func.count(Case.id)).select_from(Case)).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, filters.page), pages)
    from shared.services.adjustments import has_adjustments  # it needs Page
    from shared.services.restrictions import restricted_exists  # it needs the outbox, which needs Page

    rows = db.session.execute(
        _from(select(Case, restricted_exists(Case.resident_id), has_adjustments(Case.resident_id)))
        .where(*where)
        .options(
            joinedload(Case.service),
            joinedload(Case.resident),
            joinedload(Case.officer),
            joinedload(Case.procedure),
        )
        .order_by(*_order_by(filters))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).unique().all()
    return Page([case for case, _, _ in rows], total, page, per_page,
                frozenset(case.id for case, restricted, _ in rows if restricted),
                frozenset(case.id for case, _, adjusted in rows if adjusted))


def matching_ids(viewer: User, filters: CaseFilters, due: DueThresholds):
    """The ids of every case this viewer may see that matches (no page): a subquery, for exports."""
    resident = aliased(User)
    statement = select(Case.id).where(*_conditions(viewer, filters, due, resident))
    if filters.q:
        statement = statement.outerjoin(resident, resident.id == Case.resident_id)
    return statement.scalar_subquery()


@dataclass(frozen=True)
class FilterOptions:
    services: list[tuple[int, str, str]]  # id, name, Welsh name
    procedures: list[tuple[str, str, str]]  # slug, name, Welsh name
    handlers: list[tuple[int, str]]  # id, full name


def filter_options(viewer: User) -> FilterOptions:
    """The choices for the filter form, one query each (a responder's service is fixed)."""
    services = []
    if viewer.role is not Role.RESPONDER:
        services = [tuple(row) for row in db.session.execute(
            select(Service.id, Service.name, Service.name_cy).order_by(Service.name, Service.id))]
    procedures = [tuple(row) for row in db.session.execute(
        select(Procedure.slug, Procedure.name, Procedure.name_cy)
        .where(Procedure.is_current.is_(True))
        .order_by(Procedure.name))]
    handler = User.role.in_([Role.OFFICER, Role.MANAGER])
    if viewer.role is Role.RESPONDER:
        handler = or_(handler, and_(User.role == Role.RESPONDER, User.service_id == viewer.service_id))
    handlers = [tuple(row) for row in db.session.execute(
        select(User.id, User.full_name).where(handler, User.disabled_at.is_(None)).order_by(User.full_name, User.id))]
    return FilterOptions(services, procedures, handlers)
