"""Importing cases from a spreadsheet, and exporting them in the same columns.

The round trip: the hand-built council of test_reports.py is exported, every case deleted, the file
imported, and each report must come out the same (and the file exported again the same)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from shared import clock
from shared.db import db
from shared.domain.enums import (
    CaseKind,
    CaseReason,
    CaseStatus,
    ClosureCode,
    EventType,
    Finding,
    Ombudsman,
    OmbudsmanDecision,
    Role,
)
from shared.domain.reporting import Period
from shared.models import AuditEvent, Case, CaseEvent, CaseStage, ComplaintReason, OmbudsmanReferral, Procedure, User
from shared.services import case_csv, case_import, reports
from shared.services.calendar import council_calendar
from shared.services.case_import import ImportRefused
from shared.services.reports import Filters
from unit_tests.report_data import at, build_council

HEADER = "reference,stage,escalated_from,kind,procedure,service,reason,channel,status,received_on,triaged_on," \
         "acknowledged_on,responded_on,outcome,closed_on,closure_code,name,email\n"


def _export(app) -> str:
    with app.test_request_context():
        return "".join(case_csv.csv_lines(case_csv.export_rows(select(Case.id).scalar_subquery())))


def _import(app, text: str, actor_id: int | None = None) -> case_import.Imported:
    """Import in a request of its own, committed (as the upload page and the command do)."""
    with app.test_request_context():
        actor = db.session.get(User, actor_id) if actor_id else None
        done = case_import.import_cases(io.StringIO(text), actor=actor, source="test.csv")
        db.session.commit()
        return done


def _problems(app, text: str) -> list:
    with app.test_request_context(), pytest.raises(ImportRefused) as refused:
        case_import.import_cases(io.StringIO(text), actor=None, source="test.csv")
    return refused.value.problems


def _refused(app, text: str) -> list[tuple[int, str | None]]:
    return [(problem.line, problem.column) for problem in _problems(app, text)]


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _tables(app, name: str, period: Period) -> dict:
    with app.test_request_context():
        found = reports.registry()[name].build(Filters(period=period))
        return {table.key: (table.rows, table.totals) for table in found.tables}


@pytest.fixture
def council(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    built = build_council(session, make)
    # As the engine leaves them: closing sets the closure code and the moment.
    for key, code, day in (("C1", ClosureCode.RESPONDED, None), ("P1", ClosureCode.RESPONDED, None),
                           ("C4", ClosureCode.REFERRED_ELSEWHERE, date(2026, 7, 15)),
                           ("C5", ClosureCode.NOT_A_COMPLAINT, date(2026, 8, 10))):
        case = built[key]
        case.closure_code = code
        if day is not None:
            case.closed_at = at(day, 11)
    built["C1"].closed_at = at(date(2026, 8, 20), 11)
    built["P1"].closed_at = at(date(2025, 8, 10), 11)
    # and every stage has its acknowledgement date from the moment it starts
    with app.app_context():
        calendar = council_calendar()
    procedures = {p.id: p.rules() for p in session.scalars(select(Procedure).options(selectinload(Procedure.stages)))}
    for stage, case in session.execute(select(CaseStage, Case).join(Case, Case.id == CaseStage.case_id)):
        rules = procedures[case.procedure_id].stage(stage.number)
        if stage.acknowledge_by is None and rules.acknowledge_within is not None:
            stage.acknowledge_by = calendar.add(stage.received_on, rules.acknowledge_within)
            if case.stage == stage.number:
                case.acknowledge_by = stage.acknowledge_by
    session.commit()
    yield built
    clock.set_now(None)


def _delete_cases(session) -> None:
    for model in (OmbudsmanReferral, CaseEvent, CaseStage):
        session.execute(delete(model))
    session.execute(delete(Case))
    session.commit()


REPORTS = [("quarterly", Period(date(2026, 7, 1), date(2026, 9, 30))),
           ("demand", Period(date(2026, 4, 1), date(2027, 3, 31))),
           ("timeliness", Period(date(2026, 7, 1), date(2026, 9, 30))),
           ("backlog", Period(date(2026, 12, 7), date(2026, 12, 7))),
           ("ombudsman", Period(date(2026, 4, 1), date(2027, 3, 31))),
           ("dashboard", Period(date(2026, 4, 1), date(2027, 3, 31))),
           ("member_enquiries", Period(date(2026, 7, 1), date(2026, 9, 30)))]


def test_an_export_imported_into_an_empty_database_gives_the_same_reports_and_exports_the_same(app, council, session):
    referral = OmbudsmanReferral(case_id=council["C1"].id, ombudsman=Ombudsman.LGSCO, their_reference="24 001 234",
                                 received_on=date(2026, 9, 1), decision=OmbudsmanDecision.FAULT_INJUSTICE,
                                 decided_on=date(2026, 11, 2), created_at=at(date(2026, 9, 1)))
    council["C1"].what_happened = "=HYPERLINK(\"http://example.com\") and a comma, and\na new line"
    session.add(referral)
    # C1's reason is the council's own one (issue 12), which the export names and the import finds.
    repair = ComplaintReason(name="Repair not done", name_cy="Atgyweiriad heb ei wneud", active=True,
                             category=CaseReason.QUALITY_OF_SERVICE, service_id=council["housing"].id, sort_order=1)
    session.add(repair)
    session.flush()
    council["C1"].reason_detail_id = repair.id
    session.commit()
    before = {name: _tables(app, name, period) for name, period in REPORTS}
    exported = _export(app)
    assert exported.count("\r\n") == 1 + 10  # the header, then 9 cases with C1 on two rows
    assert "'=HYPERLINK" in exported  # neutralised for spreadsheets
    _delete_cases(session)
    assert _count(session, Case) == 0
    empty = {name: _tables(app, name, period) for name, period in REPORTS}
    assert [name for name, _period in REPORTS if empty[name] == before[name]] == ["member_enquiries"]

    done = _import(app, exported)
    session.commit()

    assert (done.cases, done.stages, done.already_there) == (9, 10, 0)
    after = {name: _tables(app, name, period) for name, period in REPORTS}
    for name, _period in REPORTS:
        assert after[name] == before[name], name
    assert _export(app) == exported
    c1 = session.scalars(select(Case).where(Case.reference == council["C1"].reference)).one()
    assert c1.what_happened.startswith("=HYPERLINK")  # the apostrophe came off again
    assert (c1.reason, c1.reason_detail_id) == (CaseReason.QUALITY_OF_SERVICE, repair.id)
    assert ",quality_of_service,Repair not done," in exported


def test_importing_the_same_file_again_changes_nothing(app, council, session):
    exported = _export(app)
    counts = {model: _count(session, model) for model in (Case, CaseStage, CaseEvent, User)}
    done = _import(app, exported)
    session.commit()
    assert (done.cases, done.stages, done.people, done.already_there) == (0, 0, 0, 10)
    assert {model: _count(session, model) for model in counts} == counts


def test_a_stage_2_with_its_own_reference_joins_the_case_it_was_escalated_from(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    make.service(slug="housing", name="Housing")
    text = HEADER + (
        "HSG/2024/17,1,,complaint,corporate,housing,timeliness,phone,escalated,2024-05-01,2024-05-01,2024-05-02,"
        "2024-05-10,upheld,,,Ann Jones,ann@example.com\n"
        "ST2-0009,2,HSG/2024/17,complaint,corporate,housing,,,closed,2024-05-20,,2024-05-21,2024-06-10,not_upheld,"
        "2024-06-12,responded,,\n"
    )
    done = _import(app, text)
    session.commit()
    assert (done.cases, done.stages, done.people) == (1, 2, 1)
    case = session.scalars(select(Case).where(Case.reference == "HSG/2024/17")).one()
    assert (case.stage, case.status, case.closure_code) == (2, CaseStatus.CLOSED, ClosureCode.RESPONDED)
    stages = session.scalars(select(CaseStage).where(CaseStage.case_id == case.id).order_by(CaseStage.number)).all()
    assert [(s.number, s.outcome) for s in stages] == [(1, Finding.UPHELD), (2, Finding.NOT_UPHELD)]
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at)).all()
    assert [(e.type, e.to_status) for e in events] == [
        (EventType.RECEIVED, CaseStatus.RECEIVED), (EventType.TRIAGED_COMPLAINT, CaseStatus.TRIAGED),
        (EventType.ACKNOWLEDGED, CaseStatus.ACKNOWLEDGED), (EventType.RESPONSE_SENT, CaseStatus.RESPONSE_SENT),
        (EventType.ESCALATED, CaseStatus.ESCALATED), (EventType.ACKNOWLEDGED, CaseStatus.ACKNOWLEDGED),
        (EventType.RESPONSE_SENT, CaseStatus.RESPONSE_SENT), (EventType.CLOSED, CaseStatus.CLOSED)]
    assert events[4].details["imported_reference"] == "ST2-0009"
    assert [e.from_status for e in events[1:]] == [e.to_status for e in events[:-1]]
    # and the same file again finds both stages already there
    again = _import(app, text)
    assert (again.cases, again.already_there) == (0, 2)
    clock.set_now(None)


def test_blank_deadlines_are_worked_out_from_the_procedure(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    make.service(slug="housing", name="Housing")
    _import(app, HEADER + "A1,1,,complaint,corporate,housing,,online,,02/06/2025,02/06/2025,03/06/2025,,,,,,\n")
    session.commit()
    stage = session.scalars(select(CaseStage)).one()
    with app.app_context():
        calendar = council_calendar()
    # The Code: acknowledge within 5 working days of receipt, answer within 10 of the acknowledgement.
    assert stage.received_on == date(2025, 6, 2)
    assert stage.acknowledge_by == calendar.add(date(2025, 6, 2), 5)
    assert stage.respond_by == calendar.add(date(2025, 6, 3), 10)
    case = session.scalars(select(Case)).one()
    assert (case.status, case.respond_by, case.resident_id) == (CaseStatus.ACKNOWLEDGED, stage.respond_by, None)
    clock.set_now(None)


def test_people_are_found_by_email_and_made_once(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    make.service(slug="housing", name="Housing")
    known = make.user(Role.RESIDENT, email="known@example.com")
    make.user(Role.OFFICER, email="officer@example.com")
    rows = ("B1,1,,complaint,corporate,housing,,,,2025-01-06,,,,,,,Known Person,KNOWN@example.com\n"
            "B2,1,,complaint,corporate,housing,,,,2025-01-07,,,,,,,New Person,new@example.com\n"
            "B3,1,,complaint,corporate,housing,,,,2025-01-08,,,,,,,New Person,new@example.com\n"
            "B4,1,,compliment,,housing,,,,2025-01-09,,,,,,,No Email,\n")
    done = _import(app, HEADER + rows)
    session.commit()
    assert done.people == 2
    residents = dict(session.execute(select(Case.reference, Case.resident_id)).all())
    assert residents["B1"] == known.id
    assert residents["B2"] == residents["B3"] != known.id
    no_email = session.get(User, residents["B4"])
    assert (no_email.email, no_email.full_name, no_email.role) == (None, "No Email", Role.RESIDENT)
    assert _refused(app, HEADER + "B5,1,,complaint,corporate,housing,,,,2025-01-08,,,,,,,Staff,officer@example.com\n") \
        == [(2, "email")]
    clock.set_now(None)


@pytest.fixture
def housing(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    make.service(slug="housing", name="Housing")
    session.commit()
    yield
    clock.set_now(None)


GOOD = "G1,1,,complaint,corporate,housing,,,,2025-01-06,,,,,,,,\n"


@pytest.mark.parametrize(("rows", "expected"), [
    # a bad date, an unknown code, an unknown service, in one row: every problem is listed
    ("X1,1,,complaint,corporate,nowhere,rudeness,pigeon,,2025-02-30,,,,,,,,\n",
     [(3, "service"), (3, "reason"), (3, "channel"), (3, "received_on")]),
    ("X1,1,,grumble,corporate,housing,,,,2025-02-03,,,,,,,,\n", [(3, "kind")]),
    ("X1,1,,complaint,corporate,housing,,,,2025-02-03,,,,sideways,,,,\n", [(3, "outcome")]),
    ("X1,1,,complaint,corporate,housing,,,,2031-02-03,,,,,,,,\n", [(3, "received_on")]),
    ("X1,1,,complaint,corporate,housing,,,,2025-02-03,2025-02-01,,,,,,,\n", [(3, "triaged_on")]),
    # a duplicate reference
    ("G1,1,,complaint,corporate,housing,,,,2025-01-07,,,,,,,,\n", [(3, "reference")]),
    # a stage 2 with no stage 1
    ("X2,2,X9,complaint,corporate,housing,,,,2025-02-03,,,,,,,,\n", [(3, "escalated_from")]),
    # a stage 3 of a procedure with two
    ("G1,2,,complaint,corporate,housing,,,,2025-02-03,,,,,,,,\nG1,3,,complaint,corporate,housing,,,,2025-02-04,,,,,,,,\n",
     [(4, "stage")]),
    # closed without a date; open with one; responded status without the response
    ("X3,1,,complaint,corporate,housing,,,closed,2025-02-03,,,,,,responded,,\n", [(3, "closed_on"), (3, "closure_code")]),
    ("X3,1,,complaint,corporate,housing,,,with_team,2025-02-03,,,,,2025-02-05,,,\n", [(3, "closed_on")]),
    ("X3,1,,complaint,corporate,housing,,,response_sent,2025-02-03,,,,,,,,\n", [(3, "responded_on")]),
    # the closure on an earlier stage's row; contact details without a name; a bad email address
    ("X4,1,,complaint,corporate,housing,,,,2025-02-03,,,,,,,,not-an-email\n", [(3, "name"), (3, "email")]),
    ("X5,1,,complaint,corporate,housing,,,,2025-02-03,,,,,2025-02-04,withdrawn,,\n"
     "X5,2,,complaint,corporate,housing,,,,2025-02-05,,,,,,,,\n", [(3, "closed_on"), (3, "closure_code")]),
    ("X6,1,,compliment,,housing,,,closed,2025-02-03,,,,,2025-02-04,not_a_complaint,,\n", [(3, "status")]),
])
def test_bad_rows_are_listed_by_line_and_column_and_nothing_is_imported(app, housing, session, rows, expected):
    before = _count(session, Case)
    assert _refused(app, HEADER + GOOD + rows) == expected
    assert _count(session, Case) == before == 0
    assert _count(session, CaseEvent) == 0


def test_a_file_without_its_required_columns_is_refused_at_the_header(app, housing, session):
    found = _problems(app, "reference,kind,service,received_on,colour\nA,complaint,housing,2025-01-01,red\n")
    assert {(p.line, p.column) for p in found} == {(1, "colour"), (1, "stage")}
    messages = {p.column: p.message for p in found}
    assert "missing" in messages["stage"] and "Unknown column" in messages["colour"]
    assert _refused(app, "") == [(1, None)]
    assert _refused(app, "reference,stage,kind,service,received_on\n") == [(2, None)]


def test_an_import_is_audited(app, housing, session, make):
    admin = make.user(Role.ADMIN, email="admin@example.com")
    _import(app, HEADER + GOOD, actor_id=admin.id)
    session.commit()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "cases.imported")).one()
    assert (event.actor_id, event.details["cases"], event.details["source"]) == (admin.id, 1, "test.csv")
    case = session.scalars(select(Case)).one()
    assert case.kind is CaseKind.COMPLAINT


def test_things_on_the_same_day_keep_their_order(app, housing, session):
    # answered and escalated on one day, the escalation acknowledged and answered the next
    _import(app, HEADER + "S1,1,,complaint,corporate,housing,,,escalated,2025-03-03,,2025-03-03,2025-03-05,upheld,,,,\n"
                          "S1,2,,complaint,corporate,housing,,,response_sent,2025-03-05,,2025-03-05,2025-03-05,"
                          "not_upheld,,,,\n")
    events = session.scalars(select(CaseEvent).order_by(CaseEvent.at, CaseEvent.id)).all()
    assert [e.type for e in events] == [EventType.RECEIVED, EventType.TRIAGED_COMPLAINT, EventType.ACKNOWLEDGED,
                                        EventType.RESPONSE_SENT, EventType.ESCALATED, EventType.ACKNOWLEDGED,
                                        EventType.RESPONSE_SENT]
    assert [e.from_status for e in events[1:]] == [e.to_status for e in events[:-1]]
    assert len({e.at for e in events}) == len(events)


def test_a_line_that_is_not_csv_is_a_problem_of_its_line_not_an_error(app, housing, session):
    nul = HEADER + GOOD + "X7,1,,complaint,corporate,housing,,,,2025-02-03,,,,,,,Nul\0Name,\n"
    assert _refused(app, nul) == [(3, None)]
    huge = HEADER + GOOD + "X8,1,,complaint,corporate,housing,,,,2025-02-03,,,,,,,\"" + "x" * 200_000 + "\",\n"
    found = _problems(app, huge)
    assert [(p.line, p.column) for p in found] == [(3, None)] and "cannot be read as CSV" in found[0].message
    assert {line for line, _column in _refused(app, "reference\0,stage\n")} == {1}  # an unknown column
    assert _count(session, Case) == 0


def test_a_case_whose_stages_leave_a_gap_is_refused_at_the_later_stage(app, housing, session):
    gap = HEADER + "Y1,1,,complaint,children,housing,,,,2025-02-03,,,,,,,,\n" \
                   "Y1,3,,complaint,children,housing,,,,2025-03-03,,,,,,,,\n"
    found = _problems(app, gap)
    assert [(p.line, p.column) for p in found] == [(3, "stage")]
    assert "has no stage 2" in found[0].message


REFUSAL_HEADER = "reference,stage,kind,service,status,received_on,closure_reason,refusal_ground\n"


def test_a_refusal_keeps_its_ground_and_exports_it_again(app, housing, session):
    _import(app, REFUSAL_HEADER + "F1,1,complaint,housing,refused,2025-03-03,A tribunal appeal.,other_route\n"
                                  "F2,1,complaint,housing,refused,2025-03-04,Out of time.,\n")
    refusals = {e.case_id: e.details for e in session.scalars(select(CaseEvent).where(
        CaseEvent.type == EventType.REFUSED))}
    cases = {c.reference: c.id for c in session.scalars(select(Case))}
    assert refusals[cases["F1"]]["ground"] == "other_route"
    assert refusals[cases["F1"]]["reason"] == "A tribunal appeal."
    assert "ground" not in refusals[cases["F2"]]  # not recorded in the old system: left unrecorded
    rows = list(csv.DictReader(io.StringIO(_export(app))))
    assert [(r["reference"], r["refusal_ground"]) for r in rows] == [("F1", "other_route"), ("F2", "")]


def test_a_refusal_ground_must_be_known_and_only_on_a_refused_case(app, housing, session):
    assert _refused(app, REFUSAL_HEADER + "F1,1,complaint,housing,refused,2025-03-03,Late.,whim\n") == [
        (2, "refusal_ground")]
    assert _refused(app, REFUSAL_HEADER + "F1,1,complaint,housing,received,2025-03-03,,too_late\n") == [
        (2, "refusal_ground")]
    assert _count(session, Case) == 0


DETAIL_HEADER = "reference,stage,kind,service,reason,reason_detail,received_on\n"


def test_a_reason_of_the_council_s_own_is_found_by_name_and_sets_the_category(app, housing, session, make):
    waste = make.service(slug="waste", name="Waste")
    session.add_all([
        ComplaintReason(name="Rude or unhelpful staff", name_cy="Staff anghwrtais", category=CaseReason.STAFF_ATTITUDE,
                        active=False, sort_order=1),
        ComplaintReason(name="Missed bin collection", name_cy="Bin", category=CaseReason.QUALITY_OF_SERVICE,
                        service_id=waste.id, active=True, sort_order=2),
    ])
    session.commit()
    assert _refused(app, DETAIL_HEADER + "R1,1,complaint,housing,,Shouting,2025-03-03\n"
                                         "R2,1,complaint,housing,policy,rude or unhelpful staff,2025-03-03\n"
                                         "R3,1,complaint,housing,,Missed bin collection,2025-03-03\n") == [
        (2, "reason_detail"), (3, "reason_detail"), (4, "reason_detail")]
    _import(app, DETAIL_HEADER + "R1,1,complaint,housing,,RUDE OR UNHELPFUL STAFF,2025-03-03\n"
                                 "R2,1,complaint,waste,quality_of_service,Missed bin collection,2025-03-03\n")
    cases = {c.reference: c for c in session.scalars(select(Case))}
    assert cases["R1"].reason is CaseReason.STAFF_ATTITUDE  # from the reason, no longer offered but still known
    assert cases["R2"].reason is CaseReason.QUALITY_OF_SERVICE
    rows = {r["reference"]: r["reason_detail"] for r in csv.DictReader(io.StringIO(_export(app)))}
    assert rows == {"R1": "Rude or unhelpful staff", "R2": "Missed bin collection"}
