"""Finding cases for the back office: search, filters, sorting and one page of rows, in two queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import replace as _replace
from datetime import date

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import aliased, joinedload

from shared.db import LIKE_ESCAPE, contains_pattern, db
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import CLOSED_STATUSES, CaseKind, CaseStatus, Role
from shared.domain.references import normalise
from shared.models import Case, Procedure, Service, User
from shared.services.cases import Page
from shared.services.team_admin import in_teams_of

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
# In a fixed order (a frozenset's changes between processes): next_date_column() must be, word for
# word, the expression PostgreSQL's index ix_cases_next_date was built on (migration c7e2a94b1d58).
_CLOSED_IN_ORDER = tuple(s for s in CaseStatus if s in CLOSED_STATUSES)
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
    held: bool = False  # on legal hold (issue 10)
    my_teams: bool = False  # the services of the viewer's teams (every case, for someone in none)
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


def _status_in(statuses: tuple[CaseStatus, ...]) -> ColumnElement[bool]:
    # Written into the SQL, not bound: an index on an expression only serves that same expression.
    return Case.status.in_(bindparam(None, [s.value for s in statuses], expanding=True, literal_execute=True))


def next_date_column() -> ColumnElement:
    """Case.next_date in SQL: the acknowledgement date while one is due, else the response date."""
    return case(
        (_status_in(_CLOSED_IN_ORDER), None),
        (_status_in(_ACKNOWLEDGING), func.coalesce(Case.acknowledge_by, Case.respond_by)),
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


# The separator between a document's fields: a search word never holds whitespace, so never spans two.
_SPACE = literal_column("' '")
_PHONE_PUNCTUATION = (" ", "-", "(", ")")


def _text(column) -> ColumnElement:
    return func.coalesce(column, literal_column("''"))


def _compact(column, characters=(" ",)) -> ColumnElement:
    """The column without spaces (and, for phone numbers, dashes and brackets): "SA1 1AA" as "SA11AA"."""
    expression = _text(column)
    for character in characters:
        expression = func.replace(expression, literal_column(f"'{character}'"), literal_column("''"))
    return expression


def _document(*parts) -> ColumnElement:
    expression = parts[0]
    for part in parts[1:]:
        expression = expression.op("||")(_SPACE).op("||")(part)
    return expression


def case_document() -> ColumnElement:
    """Everything a case is searched by, one text: PostgreSQL's trigram index ix_cases_search is on
    exactly this expression (migration c7e2a94b1d58), so keep the two the same."""
    return _document(_text(Case.reference), _text(Case.contact_phone), _text(Case.contact_address),
                     _text(Case.what_happened), _compact(Case.contact_address),
                     _compact(Case.contact_phone, _PHONE_PUNCTUATION))


def person_document(person=User) -> ColumnElement:
    """Everything a case's person is searched by (index ix_users_search, the same expression)."""
    return _document(_text(person.full_name), _text(person.email), _text(person.phone),
                     _compact(person.phone, _PHONE_PUNCTUATION))


def _phone_form(compact: str) -> str:
    """A UK number typed internationally ("+44 7700 900123", "0044…") as it is written at home."""
    compact = re.sub(r"[-()]", "", compact)
    return re.sub(r"^(\+|00)44", "0", compact)


def _matching(texts: list[str]) -> list:
    """Two selects of the ids of the cases in which every text appears (in any case) in a field of
    the case or of its person: those whose person has every one — the resident's trigram index, then
    their cases — and those where at least one is in the case's own fields (the cases' trigram index),
    each text then checked in the case or its person."""
    patterns = [contains_pattern(text) for text in texts]
    people = select(User.id).where(*(person_document().ilike(p, escape=LIKE_ESCAPE) for p in patterns))
    person = aliased(User)
    in_case = [case_document().ilike(p, escape=LIKE_ESCAPE) for p in patterns]
    in_either = [] if len(texts) == 1 else [  # one text: it is in the case's fields already
        or_(own, person_document(person).ilike(p, escape=LIKE_ESCAPE)) for own, p in zip(in_case, patterns, strict=True)]
    return [select(Case.id).where(Case.resident_id.in_(people)),
            select(Case.id).outerjoin(person, person.id == Case.resident_id).where(or_(*in_case), *in_either)]


def _search(q: str) -> ColumnElement[bool]:
    """Every word must appear in one of the fields; a whole reference, however typed, also matches,
    as does a postcode or phone number typed with other spaces ("sw1a1aa", "+44 7700 900 123").

    One UNION of id lists, so that PostgreSQL reads each from an index: the reference from its
    unique index, the words from the trigram indexes on the cases and on the people."""
    words = q.split()[:MAX_SEARCH_WORDS]
    if not words:
        return true()
    parts = _matching(words)
    compact = _phone_form(re.sub(r"\s+", "", q))
    if len(compact) >= 5 and (len(words) > 1 or compact != words[0]):
        parts += _matching([compact])
    reference = normalise(q)
    if reference:
        parts.append(select(Case.id).where(Case.reference == reference))
    return Case.id.in_(union(*parts))


def _exact_reference_first(q: str) -> list:
    reference = normalise(q)
    return [case((Case.reference == reference, 0), else_=1)] if reference else []


def _conditions(viewer: User, filters: CaseFilters, due: DueThresholds) -> list[ColumnElement[bool]]:
    conditions = [visible_to(viewer)]
    if filters.q:
        conditions.append(_search(filters.q))
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
    if filters.held:
        conditions.append(Case.legal_hold_at.is_not(None))
    if filters.my_teams:
        conditions.append(in_teams_of(viewer.id))
    return conditions


def _order_by(filters: CaseFilters) -> list:
    """The chosen order; a search puts the case whose reference it is first."""
    first = _exact_reference_first(filters.q) if filters.q else []
    descending = filters.order == "desc"
    match filters.sort:
        case "due":
            column = next_date_column()
            # Undated cases last, whichever way the dates run; ascending, ix_cases_next_date serves it.
            return [*first, (column.desc() if descending else column.asc()).nulls_last(), Case.id]
        case "reference":
            column = Case.reference
        case "status":
            column = case(_STATUS_ORDER, value=Case.status)
        case _:
            column = Case.received_at
    if descending:
        return [*first, column.desc(), Case.id.desc()]
    return [*first, column.asc(), Case.id.asc()]


def find_cases(viewer: User, filters: CaseFilters, due: DueThresholds, per_page: int = PAGE_SIZE) -> Page:
    """One page of the cases this viewer may see that match: a count and a page of rows (two queries)."""
    where = _conditions(viewer, filters, due)
    total = db.session.scalar(select(func.count(Case.id)).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, filters.page), pages)
    from shared.services.adjustments import has_adjustments  # it needs Page
    from shared.services.restrictions import restricted_exists  # it needs the outbox, which needs Page

    rows = db.session.execute(
        select(Case, restricted_exists(Case.resident_id), has_adjustments(Case.resident_id))
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
    return select(Case.id).where(*_conditions(viewer, filters, due)).scalar_subquery()


@dataclass(frozen=True)
class FilterOptions:
    services: list[tuple[int, str, str, dict]]  # id, name, Welsh name, other languages' (Service.translations)
    procedures: list[tuple[str, str, str, dict]]  # slug, name, Welsh name, other languages'
    handlers: list[tuple[int, str]]  # id, full name


def filter_options(viewer: User) -> FilterOptions:
    """The choices for the filter form, one query each (a responder's service is fixed)."""
    services = []
    if viewer.role is not Role.RESPONDER:
        services = [tuple(row) for row in db.session.execute(
            select(Service.id, Service.name, Service.name_cy, Service.translations).order_by(Service.name, Service.id))]
    procedures = [tuple(row) for row in db.session.execute(
        select(Procedure.slug, Procedure.name, Procedure.name_cy, Procedure.translations)
        .where(Procedure.is_current.is_(True))
        .order_by(Procedure.name))]
    handler = User.role.in_([Role.OFFICER, Role.MANAGER])
    if viewer.role is Role.RESPONDER:
        handler = or_(handler, and_(User.role == Role.RESPONDER, User.service_id == viewer.service_id))
    handlers = [tuple(row) for row in db.session.execute(
        select(User.id, User.full_name).where(handler, User.disabled_at.is_(None)).order_by(User.full_name, User.id))]
    return FilterOptions(services, procedures, handlers)
