"""Case work actions other than the response: acknowledge, investigate, extend, escalate, close…

Each function calls the engine once (which checks the table, the guards and the version), and
flushes through it; none commits. Reading helpers for the case work pages live here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from shared.db import db
from shared.domain.enums import ClosureCode, EventType, Ombudsman
from shared.domain.procedures import ClockStart, StageRules
from shared.domain.references import normalise
from shared.domain.transitions import GuardFailed
from shared.models import Case, CaseEvent, CaseStage, Procedure, ProcedureStage, User
from shared.services import engine, notifications

# Actions that need nothing but a confirmation (and the case version).
CONFIRM_ONLY = frozenset(
    {
        EventType.INVESTIGATION_STARTED,
        EventType.PASSED_TO_SERVICE,
        EventType.SUBMITTED_FOR_CHECK,
        EventType.RETURNED_FROM_SERVICE,
        EventType.ESCALATED,
        EventType.REFERRED_TO_OMBUDSMAN,
    }
)


def stage_rules(case: Case) -> StageRules:
    """The clocks of the case's current stage, in one query (pages stay within their query budget)."""
    row = db.session.scalar(
        select(ProcedureStage).where(ProcedureStage.procedure_id == case.procedure_id, ProcedureStage.number == case.stage)
    )
    return row.rules()


def ombudsman(case: Case) -> Ombudsman:
    return db.session.scalar(select(Procedure.ombudsman).where(Procedure.id == case.procedure_id))


def needs_agreed_date(case: Case) -> bool:
    """Procedures whose response date is agreed with the person ask for it at acknowledgement."""
    return stage_rules(case).respond_from is ClockStart.AGREED


def current_stage(case: Case) -> CaseStage | None:
    return db.session.scalar(select(CaseStage).where(CaseStage.case_id == case.id, CaseStage.number == case.stage))


def confirm(case: Case, action: EventType, actor: User, version: int | None) -> CaseEvent:
    if action not in CONFIRM_ONLY:
        raise ValueError(f"{action} needs more than a confirmation")
    event = engine.perform(case, action, actor, expected_version=version)
    if action is EventType.ESCALATED:
        notifications.escalated(case)
    elif action is EventType.SUBMITTED_FOR_CHECK:
        notifications.quality_check_waiting(case, actor)
    return event


def acknowledge(case: Case, actor: User, version: int | None, agreed_date: date | None = None) -> CaseEvent:
    event = engine.perform(case, EventType.ACKNOWLEDGED, actor, expected_version=version, agreed_date=agreed_date)
    notifications.acknowledged(case)
    return event


def withdraw(case: Case, actor: User, version: int | None, reason: str) -> CaseEvent:
    """Recorded by staff on the person's behalf (the resident is the one withdrawing)."""
    on_behalf_of = db.session.get(User, case.resident_id) if case.resident_id else None
    event = engine.perform(
        case, EventType.WITHDRAWN, actor, expected_version=version, on_behalf_of=on_behalf_of, reason=reason.strip()
    )
    notifications.withdrawn(case)
    return event


def reopen(case: Case, actor: User, version: int | None, reason: str) -> CaseEvent:
    return engine.perform(case, EventType.REOPENED, actor, expected_version=version, reason=reason)


def extend(case: Case, actor: User, version: int | None, new_date: date | None, reason: str) -> CaseEvent:
    event = engine.perform(case, EventType.EXTENDED, actor, expected_version=version, new_date=new_date, reason=reason)
    notifications.extended(case, reason.strip(), ombudsman(case))
    return event


@dataclass(frozen=True)
class ExtensionNotice:
    """What the resident is told about an extension (queued by notifications.extended)."""

    new_date: date
    reason: str
    ombudsman: Ombudsman


def extension_notice(case: Case) -> ExtensionNotice | None:
    stage = current_stage(case)
    if stage is None or stage.extended_to is None:
        return None
    return ExtensionNotice(stage.extended_to, stage.extension_reason or "", ombudsman(case))


def close(
    case: Case, actor: User, version: int | None, code: ClosureCode | None, reason: str | None, duplicate_reference: str | None
) -> CaseEvent:
    duplicate_of = None
    if code is ClosureCode.DUPLICATE and (duplicate_reference or "").strip():
        reference = normalise(duplicate_reference)
        duplicate_of = db.session.scalar(select(Case).where(Case.reference == reference)) if reference else None
        if duplicate_of is None or duplicate_of.id == case.id:
            raise GuardFailed(_l("There is no other case with that reference. Check it and try again."))
    event = engine.perform(
        case,
        EventType.CLOSED,
        actor,
        expected_version=version,
        code=code,
        reason=(reason or "").strip() or None,
        duplicate_of=duplicate_of,
    )
    if code is ClosureCode.WITHDRAWN:
        notifications.withdrawn(case)
    else:
        notifications.closed(case)
    return event


def letter_context(case: Case, stage_number: int) -> dict:
    """What a response letter says about the next step: the next stage's window, or the Ombudsman."""
    stage = db.session.scalar(select(CaseStage).where(CaseStage.case_id == case.id, CaseStage.number == stage_number))
    later = db.session.scalar(
        select(func.count()).where(ProcedureStage.procedure_id == case.procedure_id, ProcedureStage.number > stage_number)
    )
    return {
        "escalation_ends": stage.escalation_ends if stage else None,
        "final_stage": not later,
        "ombudsman": ombudsman(case),
    }
