"""Triage use cases: the first decision on a new contact, splitting it, and allocating handlers.

Everything goes through the engine; these functions look up what the engine needs, flush and
never commit. Refusals arrive as EngineError (GuardFailed for this module's own checks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, null, or_, select
from sqlalchemy.orm import joinedload

from shared.db import db
from shared.domain.enums import (
    CaseKind,
    CaseReason,
    CaseStatus,
    EventType,
    ProcedureKind,
    RefusalGround,
    RestrictionType,
    Role,
)
from shared.domain.references import normalise
from shared.domain.transitions import OPEN, TEAM, EngineError, GuardFailed, allowed_actions
from shared.models import Case, ComplaintReason, Organisation, Procedure, Service, User
from shared.services import engine, named_employees, notifications, team_admin
from shared.services.restrictions import in_force_for

MIN_PARTS, MAX_PARTS = 2, 5


class Decision(str, Enum):
    """The triage choices, each carried out by one engine action."""

    COMPLAINT = "complaint"
    SERVICE_REQUEST = "service-request"
    COMPLIMENT = "compliment"
    COMMENT = "comment"
    SIGNPOST = "signpost"
    DUPLICATE = "duplicate"
    REFUSE = "refuse"
    SPLIT = "split"

    @property
    def action(self) -> EventType:
        return _ACTIONS[self]

    @property
    def label(self):
        return _LABELS[self]

    @property
    def needs_details(self) -> bool:
        return self not in {Decision.SERVICE_REQUEST, Decision.COMPLIMENT, Decision.COMMENT}


_ACTIONS = {
    Decision.COMPLAINT: EventType.TRIAGED_COMPLAINT,
    Decision.SERVICE_REQUEST: EventType.TRIAGED_SERVICE_REQUEST,
    Decision.COMPLIMENT: EventType.TRIAGED_FEEDBACK,
    Decision.COMMENT: EventType.TRIAGED_FEEDBACK,
    Decision.SIGNPOST: EventType.SIGNPOSTED,
    Decision.DUPLICATE: EventType.MARKED_DUPLICATE,
    Decision.REFUSE: EventType.REFUSED,
    Decision.SPLIT: EventType.TRIAGED_COMPLAINT,
}
_LABELS = {
    Decision.COMPLAINT: _l("A complaint"),
    Decision.SERVICE_REQUEST: _l("A service request"),
    Decision.COMPLIMENT: _l("A compliment"),
    Decision.COMMENT: _l("A comment"),
    Decision.SIGNPOST: _l("Signpost to another organisation"),
    Decision.DUPLICATE: _l("A duplicate of another case"),
    Decision.REFUSE: _l("Not taken forward (refuse)"),
    Decision.SPLIT: _l("Several separate issues (split)"),
}


def decisions_for(case: Case, actor: User) -> list[Decision]:
    """The decisions this person may take on this case now, from the transition table."""
    actions = set(allowed_actions(case.status, actor.role))
    available = []
    for decision in Decision:
        if decision.action not in actions:
            continue
        # A split creates cases: the complaints team's call, not the contact centre's.
        if decision is Decision.SPLIT and actor.role not in TEAM:
            continue
        available.append(decision)
    return available


# --- choices for the forms ---------------------------------------------------------------------


def complaint_procedures() -> list[Procedure]:
    """Current complaint procedures with their stages, ready to hand to the engine. Joined in one
    query (a few procedures of two or three stages each), sparing the triage page a query."""
    return list(
        db.session.scalars(
            select(Procedure)
            .where(Procedure.is_current.is_(True), Procedure.kind != ProcedureKind.FEEDBACK)
            .options(joinedload(Procedure.stages))
            .order_by(Procedure.name)
        ).unique()
    )


def procedure_slug(case: Case) -> str | None:
    return db.session.scalar(select(Procedure.slug).where(Procedure.id == case.procedure_id))


def active_services() -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name)))


def active_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)))


@dataclass(frozen=True)
class Handler:
    user: User
    open_cases: int
    team: str | None = None  # the team covering the case's service that they are in, if any


def handlers(service_id: int | None = None) -> list[Handler]:
    """Active officers and managers (and the service's responders), with their open cases: one query.
    For a case's service, the members of the teams covering it come first, with their team's name."""
    roles = User.role.in_([Role.OFFICER, Role.MANAGER])
    team = team_admin.team_for_service_column(service_id) if service_id is not None else null()
    order = [User.full_name, User.id]
    if service_id is not None:
        roles = or_(roles, and_(User.role == Role.RESPONDER, User.service_id == service_id))
        order.insert(0, team.is_(None))
    rows = db.session.execute(
        select(User, func.count(Case.id), team.label("team"))
        # The open statuses named (not "not closed"), so PostgreSQL reads them from the status index
        # rather than scanning every case (bench/pages.py: 140 ms at 200,000 cases).
        .outerjoin(Case, and_(Case.officer_id == User.id, Case.status.in_([s for s in CaseStatus if s in OPEN])))
        .where(roles, User.disabled_at.is_(None))
        .group_by(User.id)
        .order_by(*order)
    ).all()
    return [Handler(user, count, team_name) for user, count, team_name in rows]


def suggested_handler_id(case: Case) -> int | None:
    """The named officer of the person's single-point-of-contact restriction in force, if any: a new
    case from them is routed to that officer by suggesting them at allocation (issue 7). Suggested,
    not allocated on receipt, so triage still sees and decides every contact (one query)."""
    if case.resident_id is None:
        return None
    restriction = in_force_for(case.resident_id)
    if restriction is None or RestrictionType.SINGLE_POINT_OF_CONTACT.value not in restriction.types:
        return None
    officer = restriction.named_officer
    return officer.id if officer is not None and officer.is_active else None


# --- decisions ---------------------------------------------------------------------------------


def triage_complaint(
    case: Case,
    actor: User,
    *,
    version: int | None,
    procedure: Procedure,
    service_id: int,
    reason: CaseReason | None = None,
    reason_detail: ComplaintReason | None = None,
    points: Sequence[str],
    outcome: str,
    vulnerable: bool,
    vulnerability_note: str | None,
    named: Sequence[named_employees.Named] = (),
    named_fields: Sequence[str] = (),
) -> None:
    """Record the contact as a complaint, with the council's own reason (`reason_detail`, which sets
    the category) or, where it has none, the category alone; one about staff attitude and behaviour may name the
    employees it is about (`named`; `named_fields` are the form fields each came from, for refusals)."""
    engine.perform(
        case, EventType.TRIAGED_COMPLAINT, actor, expected_version=version,
        procedure=procedure, service=_service(service_id), reason=reason, reason_detail=reason_detail,
        points=list(points), outcome=outcome,
        vulnerable=vulnerable, vulnerability_note=vulnerability_note,
    )
    if named:
        named_employees.record(case, named, actor=actor, field_prefixes=named_fields)


def decide_simple(case: Case, actor: User, decision: Decision, *, version: int | None) -> None:
    """Decisions that need nothing more than the choice itself."""
    if decision is Decision.SERVICE_REQUEST:
        engine.perform(case, EventType.TRIAGED_SERVICE_REQUEST, actor, expected_version=version)
    elif decision in {Decision.COMPLIMENT, Decision.COMMENT}:
        kind = CaseKind.COMPLIMENT if decision is Decision.COMPLIMENT else CaseKind.COMMENT
        engine.perform(case, EventType.TRIAGED_FEEDBACK, actor, expected_version=version, kind=kind)
    else:
        raise ValueError(decision)


def signpost(case: Case, actor: User, *, version: int | None, organisation_id: int, note: str | None) -> None:
    organisation = db.session.get(Organisation, organisation_id)
    engine.perform(case, EventType.SIGNPOSTED, actor, expected_version=version, organisation=organisation, note=note)


def mark_duplicate(case: Case, actor: User, *, version: int | None, reference: str) -> None:
    normalised = normalise(reference or "")
    if normalised is None:
        raise GuardFailed(_l("Enter a case reference in the correct format, like RDR-7K2M-9QXD"))
    if normalised == case.reference:
        raise GuardFailed(_l("A case cannot be a duplicate of itself: give the reference of the other case."))
    original = db.session.scalar(select(Case).where(Case.reference == normalised))
    if original is None:
        raise GuardFailed(_l("There is no case with the reference %(reference)s.", reference=normalised))
    engine.perform(case, EventType.MARKED_DUPLICATE, actor, expected_version=version, duplicate_of=original)


def refuse(case: Case, actor: User, *, version: int | None, ground: RefusalGround | str | None, reason: str,
           ombudsman_right_given: bool) -> None:
    engine.perform(case, EventType.REFUSED, actor, expected_version=version, ground=ground, reason=reason,
                   ombudsman_right_given=ombudsman_right_given)


def split(case: Case, actor: User, *, version: int | None, parts: Sequence[tuple[str, int]]) -> list[Case]:
    """Keep the first issue on this case (triaged as a complaint); each other one becomes a new case.

    New cases keep the person, channel, contact details and time of receipt, so their clocks
    run from the same moment, and wait in the triage queue for their own decision.
    """
    parts = [(text.strip(), service_id) for text, service_id in parts if text and text.strip()]
    if not MIN_PARTS <= len(parts) <= MAX_PARTS:
        raise GuardFailed(_l("Enter between 2 and 5 separate issues."))
    # Triage first: if the engine refuses, no new case has been made.
    first_text, first_service = parts[0]
    slug = procedure_slug(case)
    engine.perform(case, EventType.TRIAGED_COMPLAINT, actor, expected_version=version,
                   service=_service(first_service), points=[first_text], outcome=case.outcome_wanted)
    created = []
    for text, service_id in parts[1:]:
        new = engine.receive(
            kind=case.kind, service=_service(service_id), resident=_user(case.resident_id), entered_by=actor,
            channel=case.channel, what_happened=text, outcome_wanted=case.outcome_wanted,
            contact_method=case.contact_method, happened_on=case.happened_on, contact_phone=case.contact_phone,
            contact_address=case.contact_address, procedure_slug=slug, at=case.received_at,
        )
        new.split_from_id = case.id
        created.append(new)
    db.session.flush()
    references = ", ".join(c.reference for c in created)
    engine.perform(case, EventType.NOTE_ADDED, actor,
                   text=str(_l("Split into separate cases: %(references)s.", references=references)))
    return created


def _service(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None or not service.active:
        raise GuardFailed(_l("Choose the service the complaint is about."))
    return service


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id is not None else None


# --- allocation --------------------------------------------------------------------------------


def _handler(handler_id: int, service_id: int | None) -> User:
    user = db.session.get(User, handler_id)
    allowed = user is not None and user.is_active and (
        user.role in {Role.OFFICER, Role.MANAGER}
        or (user.role is Role.RESPONDER and service_id is not None and user.service_id == service_id)
    )
    if not allowed:
        raise GuardFailed(_l("Choose an officer, manager or service responder to handle the case."))
    return user


def allocate(case: Case, actor: User, *, version: int | None, handler_id: int) -> User:
    handler = _handler(handler_id, case.service_id)
    engine.perform(case, EventType.ALLOCATED, actor, expected_version=version, handler=handler)
    notifications.assigned(case, handler, actor)
    return handler


@dataclass
class BulkResult:
    handler: User | None = None
    allocated: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def allocate_many(references: Sequence[str], actor: User, *, handler_id: int) -> BulkResult:
    """Allocate each case on its own: one refusal does not stop (or undo) the others."""
    result = BulkResult()
    handler = db.session.get(User, handler_id)
    if handler is None or not handler.is_active or handler.role not in {Role.OFFICER, Role.MANAGER}:
        raise GuardFailed(_l("Choose an officer or manager to allocate the cases to."))
    result.handler = handler
    found = {c.reference: c for c in db.session.scalars(select(Case).where(Case.reference.in_(list(references))))}
    for reference in references:
        case = found.get(reference)
        if case is None:
            result.refused.append((reference, str(_l("There is no case with this reference."))))
            continue
        try:
            with db.session.begin_nested():
                engine.perform(case, EventType.ALLOCATED, actor, handler=handler)
                notifications.assigned(case, handler, actor)
        except EngineError as refused:
            result.refused.append((reference, str(refused.message)))
        else:
            result.allocated.append(reference)
    return result
