"""The case engine: receive a case, then every change goes through perform().

perform() checks the transition table (state × action × role), the guards, and the case
version; applies the action's effects (deadlines are computed here, once, and stored); appends
one event; and flushes. It never commits: the request does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified, set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain import guards
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import (
    CaseKind,
    CaseReason,
    Channel,
    ClosureCode,
    ConsentMethod,
    ContactMethod,
    EventType,
    LegalHoldReason,
    Ombudsman,
    RefusalGround,
    Role,
)
from shared.domain.procedures import DEFAULT_COMPLAINT_PROCEDURE, ClockStart, ProcedureRules, StageRules
from shared.domain.references import new_reference
from shared.domain.reporting import overall_finding
from shared.domain.transitions import GuardFailed, RoleNotAllowed, StaleCase, next_status, transition_for
from shared.models import Case, CaseEvent, CaseStage, Organisation, Procedure, Service, User
from shared.services import representatives
from shared.services.calendar import council_calendar


def current_procedure(slug: str) -> Procedure:
    # One query with its stages joined in: every action reads a procedure, and pages count queries.
    procedure = db.session.execute(
        select(Procedure).where(Procedure.slug == slug, Procedure.is_current.is_(True)).options(joinedload(Procedure.stages))
    ).unique().scalar_one_or_none()
    if procedure is None:
        raise LookupError(f"no current procedure {slug!r}; run `redress db upgrade` to load the presets")
    return procedure


def _stage_row(case: Case, number: int | None = None) -> CaseStage:
    return db.session.scalar(
        select(CaseStage).where(CaseStage.case_id == case.id, CaseStage.number == (number or case.stage))
    )


def _local_day(moment: datetime) -> date:
    return to_london(moment).date()


def _start_stage(case: Case, rules: StageRules, at: datetime, calendar: WorkingCalendar) -> CaseStage:
    day0 = calendar.receipt_day(at)
    stage = CaseStage(
        case_id=case.id,
        number=rules.number,
        started_at=at,
        received_on=day0,
        acknowledge_by=calendar.add(day0, rules.acknowledge_within) if rules.acknowledge_within is not None else None,
        respond_by=(
            calendar.add(day0, rules.respond_within)
            if rules.respond_from is ClockStart.RECEIPT and rules.respond_within is not None
            else None
        ),
        findings={},
    )
    case.stage = rules.number
    case.acknowledge_by = stage.acknowledge_by
    case.respond_by = stage.respond_by
    return stage


def receive(
    *,
    kind: CaseKind,
    service: Service,
    resident: User | None,
    entered_by: User | None,
    channel: Channel,
    what_happened: str,
    outcome_wanted: str,
    contact_method: ContactMethod,
    happened_on: date | None = None,
    contact_phone: str | None = None,
    contact_address: str | None = None,
    procedure_slug: str | None = None,
    procedure: Procedure | None = None,
    at: datetime | None = None,
    on_behalf_of: User | None = None,
    asked_before: bool | None = None,
    for_someone_else: bool = False,
    subject_name: str | None = None,
    subject_relationship: str | None = None,
    subject_address: str | None = None,
    consent: ConsentMethod | None = None,
    support_needed: bool = False,
    support_note: str | None = None,
    ward_id: int | None = None,
    submission_key: str | None = None,
) -> Case:
    """Record a new contact (any channel) under its procedure, with its first clocks set.

    The optional details (someone else's, support, asked before) are what a channel asks about;
    the case is written once, complete, so it starts at version 1. `procedure`, when given, is the
    current one already read with its stages (intake reads it with the service, in one query).
    """
    at = at or utcnow()
    procedure = procedure or current_procedure(procedure_slug or default_procedure(kind))
    first = procedure.rules().stages[0]
    case = Case(
        kind=kind,
        status=next_status(None, EventType.RECEIVED),
        stage=first.number,
        channel=channel,
        service_id=service.id,
        resident_id=resident.id if resident else None,
        entered_by_id=entered_by.id if entered_by else None,
        what_happened=what_happened,
        happened_on=happened_on,
        outcome_wanted=outcome_wanted,
        contact_method=contact_method,
        contact_phone=contact_phone,
        contact_address=contact_address,
        received_at=at,
        procedure_id=procedure.id,
        definition={},
        updated_at=at,
        asked_before=asked_before,
        for_someone_else=for_someone_else,
        subject_name=subject_name,
        subject_relationship=subject_relationship,
        subject_address=subject_address,
        consent=consent,
        support_needed=support_needed,
        support_note=support_note,
        ward_id=ward_id,
        submission_key=submission_key,  # an online form's (intake.submission_key): unique
    )
    # The first clocks go on the case before it is inserted: setting them after would be a second
    # write and a second version for a case nobody has seen yet.
    stage = _start_stage(case, first, at, council_calendar())
    _insert_with_unique_reference(case)
    stage.case_id = case.id
    db.session.add(stage)
    db.session.add(
        CaseEvent(
            case_id=case.id,
            type=EventType.RECEIVED,
            at=at,
            actor_id=entered_by.id if entered_by else None,
            on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
            channel=channel,
            stage=first.number,
            from_status=None,
            to_status=case.status,
            public=True,
            details={"channel": channel.value, "procedure": procedure.slug, "procedure_version": procedure.version},
        )
    )
    db.session.flush()
    set_committed_value(case, "representatives", [])  # nobody is named on a new case yet: no query to ask
    return case


def default_procedure(kind: CaseKind) -> str:
    if kind in {CaseKind.COMPLIMENT, CaseKind.COMMENT}:
        return "feedback"
    if kind is CaseKind.MEMBER_ENQUIRY:
        return "member-enquiry"
    return DEFAULT_COMPLAINT_PROCEDURE


def _insert_with_unique_reference(case: Case, attempts: int = 5) -> None:
    # 40 random bits make a clash rare; a savepoint lets us retry without losing the transaction.
    for _ in range(attempts):
        case.reference = new_reference()
        try:
            with db.session.begin_nested():
                db.session.add(case)
            return
        except IntegrityError as clash:
            # Both SQLite's and PostgreSQL's messages name the column or constraint: a form sent
            # twice is not a reference clash, and its caller shows the first case instead.
            if "submission_key" in str(clash.orig):
                raise
            continue
    raise RuntimeError("could not allocate a unique case reference")


@dataclass
class _Context:
    case: Case
    actor: User
    at: datetime
    payload: dict[str, Any]
    calendar: WorkingCalendar
    details: dict[str, Any] = field(default_factory=dict)
    _rules: ProcedureRules | None = None
    _stage: CaseStage | None = None

    @property
    def rules(self) -> ProcedureRules:
        if self._rules is None:
            self._load()
        return self._rules

    def _load(self) -> None:
        """The procedure (with its stages) and the case's current stage row, in one query."""
        procedure, stage = db.session.execute(
            select(Procedure, CaseStage)
            .outerjoin(CaseStage, (CaseStage.case_id == self.case.id) & (CaseStage.number == self.case.stage))
            .where(Procedure.id == self.case.procedure_id)
            .options(joinedload(Procedure.stages))
        ).unique().one()
        self._rules = procedure.rules()
        self._stage = stage

    @property
    def stage_rules(self) -> StageRules:
        return self.rules.stage(self.case.stage)

    @property
    def stage(self) -> CaseStage:
        if self._stage is None:
            if self._rules is None:
                self._load()
            else:
                self._stage = _stage_row(self.case)
        return self._stage

    @property
    def today(self) -> date:
        return _local_day(self.at)

    def next_stage_rules(self) -> StageRules | None:
        numbers = [s.number for s in self.rules.stages if s.number > self.case.stage]
        return self.rules.stage(min(numbers)) if numbers else None


def perform(
    case: Case,
    action: EventType,
    actor: User,
    *,
    at: datetime | None = None,
    on_behalf_of: User | None = None,
    channel: Channel | None = None,
    expected_version: int | None = None,
    **payload: Any,
) -> CaseEvent:
    """Apply one action to a case, or raise an EngineError saying why it cannot happen."""
    if expected_version is not None and case.version != expected_version:
        raise StaleCase()
    transition = transition_for(case.status, action, actor.role)
    if actor.role is Role.RESIDENT and case.resident_id != actor.id and not _represents(actor, case):
        raise RoleNotAllowed(actor.role, action)
    context = _Context(case, actor, at or utcnow(), payload, council_calendar())
    before = case.status
    _EFFECTS.get(action, _no_effect)(context)
    case.status = transition.target or before
    case.updated_at = context.at
    flag_modified(case, "updated_at")  # every action bumps the version, even one that changes no column
    event = CaseEvent(
        case_id=case.id,
        type=action,
        at=context.at,
        actor_id=actor.id,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        channel=channel,
        stage=case.stage,
        from_status=before,
        to_status=case.status,
        public=transition.public,
        details=context.details,
    )
    db.session.add(event)
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleCase() from None
    return event


def _represents(actor: User, case: Case) -> bool:
    """A resident named on the case with consent standing acts for its resident (shared/domain/policy.py
    may_act_as_resident); the caller records on_behalf_of."""
    return representatives.represents(actor, case)


# --- effects: guards and what each action changes ----------------------------------------------


def _no_effect(context: _Context) -> None:
    return None


def _close(context: _Context, code: ClosureCode | None, reason: str | None = None) -> None:
    context.case.closure_code = code
    context.case.closure_reason = reason
    context.case.closed_at = context.at


def _triage_complaint(context: _Context) -> None:
    case, payload = context.case, context.payload
    # Check everything before changing anything.
    reason = payload.get("reason")
    detail = payload.get("reason_detail")  # the council's own reason (a ComplaintReason): sets the category
    if detail is not None:
        reason = detail.category
    if reason is not None and not isinstance(reason, CaseReason):
        raise GuardFailed(_l("Choose what the complaint is about."))
    if detail is not None:
        service_id = payload["service"].id if payload.get("service") is not None else case.service_id
        if detail.service_id is not None and detail.service_id != service_id:
            raise GuardFailed(_l("That reason is for another service: choose a reason for this complaint's service."))
    vulnerable = bool(payload.get("vulnerable"))
    note = (payload.get("vulnerability_note") or "").strip()
    if vulnerable:
        guards.required_text(note, _l("Describe the vulnerability or risk, and what has been done about it."))
    chosen = payload.get("procedure")  # a slug, or a current Procedure with its stages loaded
    if chosen:
        procedure = chosen if isinstance(chosen, Procedure) else current_procedure(chosen)
        if procedure.id != case.procedure_id:
            # A different procedure restarts the clocks from receipt under its own rules. The stage
            # row is rewritten in place (one UPDATE rather than a DELETE and an INSERT).
            old = _stage_row(case)
            case.procedure_id = procedure.id
            context._rules = procedure.rules()
            fresh = _start_stage(case, context.rules.stages[0], case.received_at, context.calendar)
            if old is None:
                db.session.add(fresh)
            else:
                for column in ("number", "started_at", "received_on", "acknowledge_by", "respond_by"):
                    setattr(old, column, getattr(fresh, column))
                old.acknowledged_at = old.extended_to = old.extension_reason = None
                context._stage = old
            context.details["procedure"] = procedure.slug
    service = payload.get("service")
    if service is not None and service.id != case.service_id:
        context.details["service"] = {"from": case.service_id, "to": service.id, "name": service.name}
        case.service_id = service.id
    points = [p.strip() for p in payload.get("points", []) if p and p.strip()]
    if points or payload.get("outcome"):
        case.definition = {
            "points": [{"id": str(index), "text": text} for index, text in enumerate(points, start=1)],
            "outcome": (payload.get("outcome") or case.outcome_wanted).strip(),
        }
        context.details["points"] = len(points)
    if reason is not None:
        case.reason = reason
        context.details["reason"] = reason.value
        case.reason_detail_id = detail.id if detail is not None else None
        if detail is not None:
            context.details["reason_detail"] = {"id": detail.id, "name": detail.name}
    if "vulnerable" in payload:
        case.vulnerable = vulnerable
        case.vulnerability_note = note if vulnerable else None
        # The note itself stays on the case: events are read by more people than the case's handler.
        context.details["vulnerable"] = vulnerable


def _service_request(context: _Context) -> None:
    _close(context, ClosureCode.REFERRED_ELSEWHERE, context.payload.get("note"))


def _feedback(context: _Context) -> None:
    kind = context.payload.get("kind", CaseKind.COMMENT)
    if kind not in {CaseKind.COMPLIMENT, CaseKind.COMMENT}:
        raise GuardFailed(_l("Choose compliment or comment."))
    context.case.kind = kind
    context.details["kind"] = kind.value
    _close(context, ClosureCode.NOT_A_COMPLAINT, None)


def _signpost(context: _Context) -> None:
    organisation = context.payload.get("organisation")
    if not isinstance(organisation, Organisation) or not organisation.active:
        raise GuardFailed(_l("Choose the organisation the person was signposted to."))
    context.case.signposted_to_id = organisation.id
    context.details["organisation"] = {"id": organisation.id, "name": organisation.name}
    note = (context.payload.get("note") or "").strip()
    if note:
        context.details["note"] = note
    _close(context, ClosureCode.REFERRED_ELSEWHERE, organisation.name)


def _duplicate(context: _Context) -> None:
    original = context.payload.get("duplicate_of")
    if original is None:
        raise GuardFailed(_l("Give the reference of the case this one duplicates."))
    if original.id == context.case.id:
        raise GuardFailed(_l("A case cannot be a duplicate of itself: give the reference of the other case."))
    context.case.duplicate_of_id = original.id
    context.details["duplicate_of"] = original.reference
    _close(context, ClosureCode.DUPLICATE, None)


def _refuse(context: _Context) -> None:
    reason = context.payload.get("reason")
    ground = context.payload.get("ground")
    ground = RefusalGround(ground) if ground in RefusalGround._value2member_map_ else None
    guards.refusal(reason, bool(context.payload.get("ombudsman_right_given")), ground)
    context.details["ground"] = ground.value
    context.details["reason"] = reason
    _close(context, ClosureCode.NOT_A_COMPLAINT, reason)


def _acknowledge(context: _Context) -> None:
    case, stage, rules = context.case, context.stage, context.stage_rules
    stage.acknowledged_at = context.at
    if rules.respond_from is ClockStart.ACKNOWLEDGEMENT and rules.respond_within is not None:
        stage.respond_by = context.calendar.add(context.calendar.receipt_day(context.at), rules.respond_within)
    elif rules.respond_from is ClockStart.AGREED:
        agreed = context.payload.get("agreed_date")
        guards.agreed_date(rules, stage.received_on, agreed)
        stage.respond_by = agreed
    case.respond_by = stage.due
    context.details["respond_by"] = case.respond_by.isoformat() if case.respond_by else None


def _allocate(context: _Context) -> None:
    handler = context.payload.get("handler")
    if handler is None or handler.role not in {Role.OFFICER, Role.MANAGER, Role.RESPONDER} or not handler.is_active:
        raise GuardFailed(_l("Choose an officer, manager or service responder to handle the case."))
    if context.stage_rules.different_handler and context.case.stage > context.rules.stages[0].number:
        # This stage and the earlier ones in one query (the current one is needed below anyway).
        rows = db.session.scalars(
            select(CaseStage)
            .where(CaseStage.case_id == context.case.id, CaseStage.number <= context.case.stage)
            .order_by(CaseStage.number.desc())
        ).all()
        context._stage = next((row for row in rows if row.number == context.case.stage), None)
        previous = next((row.handler_id for row in rows if row.number < context.case.stage), None)
        guards.different_person(
            handler.id, previous, _l("This stage must be handled by someone other than the previous stage's handler.")
        )
    context.stage.handler_id = handler.id
    context.case.officer_id = handler.id
    context.details["handler"] = handler.full_name


def _draft(context: _Context) -> None:
    findings = {str(k): (v.value if hasattr(v, "value") else v) for k, v in context.payload.get("findings", {}).items()}
    guards.findings_complete(context.case.definition.get("points", []), findings)
    context.stage.findings = findings
    context.case.draft_author_id = context.actor.id


def _submit(context: _Context) -> None:
    guards.findings_complete(context.case.definition.get("points", []), context.stage.findings or {})


def _return_for_changes(context: _Context) -> None:
    guards.checked_by_someone_else(context.actor.id, context.case.draft_author_id)
    reason = context.payload.get("reason")
    guards.required_text(reason, _l("Say what needs to change in the response."))
    context.details["reason"] = reason


def _send_response(context: _Context) -> None:
    guards.checked_by_someone_else(context.actor.id, context.case.draft_author_id)
    # Read the rules before changing the stage, so no autoflush writes the stage twice.
    following = context.next_stage_rules()
    window = context.stage_rules.escalation_window
    stage = context.stage
    stage.responded_at = context.at
    stage.outcome = overall_finding(stage.findings)
    if following is not None and window:
        stage.escalation_ends = context.calendar.add(context.calendar.receipt_day(context.at), window)
        context.details["escalation_ends"] = stage.escalation_ends.isoformat()


def _extend(context: _Context) -> None:
    stage = context.stage
    new_date, reason = context.payload.get("new_date"), context.payload.get("reason")
    guards.extension(context.stage_rules, context.calendar, stage.respond_by, stage.extended_to is not None, new_date, reason)
    stage.extended_to = new_date
    stage.extension_reason = reason.strip()
    context.case.respond_by = new_date
    context.details.update({"from": stage.respond_by.isoformat(), "to": new_date.isoformat(), "reason": reason.strip()})


def _request_escalation(context: _Context) -> None:
    if context.next_stage_rules() is None:
        raise GuardFailed(_l("This is the final stage of the procedure: the next step is the Ombudsman."))
    guards.escalation_window(context.stage.escalation_ends, context.today, by_staff=context.actor.is_staff)
    reason = context.payload.get("reason")
    if reason:
        context.details["reason"] = reason


def _escalate(context: _Context) -> None:
    following = context.next_stage_rules()
    if following is None:
        raise GuardFailed(_l("This is the final stage of the procedure: the next step is the Ombudsman."))
    stage = _start_stage(context.case, following, context.at, context.calendar)
    context.case.officer_id = None
    context.case.draft_author_id = None
    db.session.add(stage)
    context.details["stage"] = following.number


def _withdraw(context: _Context) -> None:
    _close(context, ClosureCode.WITHDRAWN, context.payload.get("reason"))


def _close_case(context: _Context) -> None:
    code, reason = context.payload.get("code"), context.payload.get("reason")
    duplicate_of = context.payload.get("duplicate_of")
    guards.closure(code, context.stage.responded_at is not None, reason, duplicate_of.id if duplicate_of else None)
    if duplicate_of is not None:
        context.case.duplicate_of_id = duplicate_of.id
    context.details["code"] = code.value
    _close(context, code, reason)


def _reopen(context: _Context) -> None:
    reason = context.payload.get("reason")
    guards.required_text(reason, _l("Give the reason for reopening the case."))
    context.case.closed_at = None
    context.case.closure_code = None
    context.case.closure_reason = None
    context.details["reason"] = reason


def _refer(context: _Context) -> None:
    if context.rules.ombudsman is Ombudsman.NONE:
        raise GuardFailed(_l("This procedure has no Ombudsman to refer to."))
    context.details["ombudsman"] = context.rules.ombudsman.value


def _note(context: _Context) -> None:
    text = context.payload.get("text")
    guards.required_text(text, _l("Enter the note."))
    context.details["text"] = text.strip()


def _place_legal_hold(context: _Context) -> None:
    """The hold is on the case's row (the retention job and erasure read it there); the event keeps
    its history once it is lifted."""
    case = context.case
    guards.legal_hold_may_be_placed(case.on_legal_hold, case.anonymised_at is not None)
    reason = LegalHoldReason(context.payload["reason"])
    note = context.payload.get("note")
    guards.required_text(note, _l("Enter why the case is on legal hold."))
    case.legal_hold_at, case.legal_hold_by_id = context.at, context.actor.id
    case.legal_hold_reason, case.legal_hold_note = reason, note.strip()
    context.details.update({"hold_reason": reason.value, "note": note.strip()})


def _lift_legal_hold(context: _Context) -> None:
    case = context.case
    guards.legal_hold_may_be_lifted(case.on_legal_hold)
    note = context.payload.get("note")
    guards.required_text(note, _l("Enter why the legal hold is being lifted."))
    context.details.update({"hold_reason": case.legal_hold_reason.value if case.legal_hold_reason else None,
                            "placed_at": case.legal_hold_at.isoformat(), "note": note.strip()})
    case.legal_hold_at = case.legal_hold_by_id = case.legal_hold_reason = case.legal_hold_note = None


_EFFECTS: dict[EventType, Callable[[_Context], None]] = {
    EventType.TRIAGED_COMPLAINT: _triage_complaint,
    EventType.TRIAGED_SERVICE_REQUEST: _service_request,
    EventType.TRIAGED_FEEDBACK: _feedback,
    EventType.SIGNPOSTED: _signpost,
    EventType.MARKED_DUPLICATE: _duplicate,
    EventType.REFUSED: _refuse,
    EventType.ACKNOWLEDGED: _acknowledge,
    EventType.ALLOCATED: _allocate,
    EventType.RESPONSE_DRAFTED: _draft,
    EventType.SUBMITTED_FOR_CHECK: _submit,
    EventType.RETURNED_FOR_CHANGES: _return_for_changes,
    EventType.RESPONSE_SENT: _send_response,
    EventType.EXTENDED: _extend,
    EventType.ESCALATION_REQUESTED: _request_escalation,
    EventType.ESCALATED: _escalate,
    EventType.WITHDRAWN: _withdraw,
    EventType.CLOSED: _close_case,
    EventType.REOPENED: _reopen,
    EventType.REFERRED_TO_OMBUDSMAN: _refer,
    EventType.NOTE_ADDED: _note,
    EventType.LEGAL_HOLD_PLACED: _place_legal_hold,
    EventType.LEGAL_HOLD_LIFTED: _lift_legal_hold,
}
