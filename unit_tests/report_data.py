"""A hand-built council for the report tests: each case written exactly as the engine leaves one
(case, stage rows, events), with dates chosen so every expected figure can be worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from shared.clock import LONDON
from shared.domain.enums import CaseKind, CaseReason, CaseStatus, Channel, ContactMethod, EventType, Finding
from shared.domain.references import new_reference
from shared.models import Case, CaseEvent, CaseStage, Procedure, Service


def at(day: date, hour: int = 10) -> datetime:
    """A London moment on a day, as the UTC the database keeps."""
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


@dataclass
class Stage:
    number: int
    received_on: date
    acknowledged_on: date | None = None
    acknowledge_by: date | None = None
    respond_by: date | None = None
    extended_to: date | None = None
    responded_on: date | None = None
    outcome: Finding | None = None


@dataclass
class History:
    service: Service
    received: date
    kind: CaseKind = CaseKind.COMPLAINT
    procedure: str = "corporate"
    reason: CaseReason | None = None
    channel: Channel = Channel.ONLINE
    ward_id: int | None = None
    # (event type, status it left the case in, day[, details]) after the "received" event
    events: list[tuple] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)


def build(session, history: History) -> Case:
    procedure_id = session.scalar(
        select(Procedure.id).where(Procedure.slug == history.procedure, Procedure.is_current.is_(True))
    )
    status = history.events[-1][1] if history.events else CaseStatus.RECEIVED
    stages = history.stages or [Stage(1, history.received)]
    case = Case(
        reference=new_reference(), kind=history.kind, status=status, stage=stages[-1].number,
        channel=history.channel, service_id=history.service.id, what_happened="What happened.",
        outcome_wanted="Put it right.", contact_method=ContactMethod.EMAIL, received_at=at(history.received),
        procedure_id=procedure_id, definition={}, reason=history.reason, ward_id=history.ward_id,
        acknowledge_by=stages[-1].acknowledge_by, respond_by=stages[-1].extended_to or stages[-1].respond_by,
    )
    session.add(case)
    session.flush()
    for stage in stages:
        session.add(CaseStage(
            case_id=case.id, number=stage.number, started_at=at(stage.received_on), received_on=stage.received_on,
            acknowledge_by=stage.acknowledge_by,
            acknowledged_at=at(stage.acknowledged_on) if stage.acknowledged_on else None,
            respond_by=stage.respond_by, extended_to=stage.extended_to,
            responded_at=at(stage.responded_on, 15) if stage.responded_on else None,
            outcome=stage.outcome, findings={},
        ))
    session.add(CaseEvent(case_id=case.id, type=EventType.RECEIVED, at=at(history.received, 9), from_status=None,
                          to_status=CaseStatus.RECEIVED, details={}))
    previous = CaseStatus.RECEIVED
    for index, (event_type, to_status, day, *details) in enumerate(history.events):
        session.add(CaseEvent(case_id=case.id, type=event_type, at=at(day, 11) .replace(minute=index % 60),
                              from_status=previous, to_status=to_status, details=details[0] if details else {}))
        previous = to_status
    session.commit()
    return case


E = EventType
S = CaseStatus


def build_council(session, make) -> dict:
    """The council described in unit_tests/test_reports.py's docstring."""
    housing = make.service(name="Housing")
    tax = make.service(name="Council tax")
    d = date
    cases = {}
    cases["C1"] = build(session, History(
        housing, d(2026, 7, 6), reason=CaseReason.QUALITY_OF_SERVICE,
        events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2026, 7, 7)), (E.ACKNOWLEDGED, S.ACKNOWLEDGED, d(2026, 7, 8)),
                (E.ALLOCATED, S.WITH_TEAM, d(2026, 7, 9)), (E.RESPONSE_SENT, S.RESPONSE_SENT, d(2026, 7, 17)),
                (E.ESCALATION_REQUESTED, S.ESCALATION_REQUESTED, d(2026, 7, 20)),
                (E.ESCALATED, S.ESCALATED, d(2026, 7, 21)), (E.ACKNOWLEDGED, S.ACKNOWLEDGED, d(2026, 7, 30)),
                (E.ALLOCATED, S.WITH_TEAM, d(2026, 7, 31)), (E.RESPONSE_SENT, S.RESPONSE_SENT, d(2026, 8, 14)),
                (E.CLOSED, S.CLOSED, d(2026, 8, 20))],
        stages=[Stage(1, d(2026, 7, 6), acknowledged_on=d(2026, 7, 8), acknowledge_by=d(2026, 7, 10),
                      respond_by=d(2026, 7, 20), responded_on=d(2026, 7, 17), outcome=Finding.UPHELD),
                Stage(2, d(2026, 7, 21), acknowledged_on=d(2026, 7, 30), acknowledge_by=d(2026, 7, 28),
                      respond_by=d(2026, 8, 18), responded_on=d(2026, 8, 14), outcome=Finding.NOT_UPHELD)]))
    cases["C2"] = build(session, History(
        tax, d(2026, 8, 3), reason=CaseReason.TIMELINESS, channel=Channel.PHONE,
        events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2026, 8, 5)), (E.ACKNOWLEDGED, S.ACKNOWLEDGED, d(2026, 8, 5)),
                (E.PASSED_TO_SERVICE, S.WITH_SERVICE, d(2026, 8, 6)), (E.EXTENDED, S.WITH_SERVICE, d(2026, 8, 28)),
                (E.RESPONSE_SENT, S.RESPONSE_SENT, d(2026, 9, 14))],
        stages=[Stage(1, d(2026, 8, 3), acknowledged_on=d(2026, 8, 5), acknowledge_by=d(2026, 8, 10),
                      respond_by=d(2026, 8, 31), extended_to=d(2026, 9, 14), responded_on=d(2026, 9, 14),
                      outcome=Finding.PARTLY_UPHELD)]))
    cases["C3"] = build(session, History(
        housing, d(2026, 9, 1), reason=CaseReason.QUALITY_OF_SERVICE,
        events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2026, 9, 7)), (E.ACKNOWLEDGED, S.ACKNOWLEDGED, d(2026, 9, 7)),
                (E.ALLOCATED, S.WITH_TEAM, d(2026, 9, 8))],
        stages=[Stage(1, d(2026, 9, 1), acknowledged_on=d(2026, 9, 7), acknowledge_by=d(2026, 9, 8),
                      respond_by=d(2026, 9, 29))]))
    cases["C4"] = build(session, History(
        housing, d(2026, 7, 15), events=[(E.TRIAGED_SERVICE_REQUEST, S.SERVICE_REQUEST, d(2026, 7, 15))]))
    cases["C5"] = build(session, History(
        housing, d(2026, 8, 10), kind=CaseKind.COMPLIMENT, procedure="feedback",
        events=[(E.TRIAGED_FEEDBACK, S.FEEDBACK, d(2026, 8, 10))]))
    cases["C6"] = build(session, History(housing, d(2026, 9, 28)))
    cases["C7"] = build(session, History(
        housing, d(2026, 9, 10), reason=CaseReason.STAFF_ATTITUDE,
        events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2026, 9, 10))], stages=[Stage(2, d(2026, 9, 10))]))
    cases["P1"] = build(session, History(
        housing, d(2025, 7, 10), reason=CaseReason.POLICY,
        events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2025, 7, 10)), (E.ACKNOWLEDGED, S.ACKNOWLEDGED, d(2025, 7, 11)),
                (E.ALLOCATED, S.WITH_TEAM, d(2025, 7, 14)), (E.RESPONSE_SENT, S.RESPONSE_SENT, d(2025, 8, 1)),
                (E.CLOSED, S.CLOSED, d(2025, 8, 10))],
        stages=[Stage(1, d(2025, 7, 10), responded_on=d(2025, 8, 1), outcome=Finding.NOT_UPHELD)]))
    cases["P2"] = build(session, History(
        housing, d(2025, 8, 12),
        events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2025, 8, 12)), (E.ALLOCATED, S.WITH_TEAM, d(2025, 8, 13))]))
    return {"housing": housing, "tax": tax, **cases}


