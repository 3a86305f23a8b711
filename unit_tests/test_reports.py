"""Each report against a hand-built council whose expected tables are worked out here, case by case.

The council (corporate procedure unless said), quarter 2 of 2026/27 (1 July to 30 September 2026):
- C1 Housing, quality of service: received Mon 6 Jul, triaged 7 Jul, acknowledged 8 Jul (due 10 Jul),
  answered 17 Jul (due 20 Jul) upheld — 9 working days; escalated 21 Jul; stage 2 acknowledged late
  30 Jul (due 28 Jul), answered 14 Aug (due 18 Aug) not upheld — 18 working days; closed 20 Aug.
- C2 Council tax, timeliness: received Mon 3 Aug, triaged and acknowledged 5 Aug, with the service
  6 Aug, due 31 Aug extended to 14 Sep, answered 14 Sep partly upheld — 29 working days (31 Aug is
  a bank holiday).
- C3 Housing, quality of service: received Tue 1 Sep, triaged Mon 7 Sep (4 working days: late),
  acknowledged 7 Sep (due 8 Sep), with the team, not answered.
- C4 Housing: received 15 Jul, passed to the service as a request the same day.
- C5 a compliment, 10 Aug.
- C6 Housing: received 28 Sep, not triaged yet.
- C7 Housing, staff attitude: received 10 Sep straight to stage 2 (no stage 1), triaged that day.
A year earlier: P1 Housing, policy: received 10 Jul 2025, answered 1 Aug 2025 not upheld, closed
10 Aug 2025; P2 Housing: received 12 Aug 2025, with the team since 13 Aug 2025.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import (
    CaseKind,
    CaseReason,
    CaseStatus,
    Channel,
    EventType,
    Finding,
    LearningStatus,
    Ombudsman,
    OmbudsmanDecision,
    Role,
)
from shared.domain.reporting import Period
from shared.models import ComplaintReason, LearningAction, OmbudsmanRecommendation, OmbudsmanReferral, Procedure
from shared.services import reports
from shared.services.reports import Filters, catalogue
from unit_tests.report_data import at, build_council

E = EventType
S = CaseStatus
Q2 = Period(date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def council(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    return build_council(session, make)


def _rows(report, key: str) -> list[list]:
    table = next(t for t in report.tables if t.key == key)
    return [[str(row[0]), *row[1:]] for row in table.rows]


def _totals(report, key: str) -> list:
    table = next(t for t in report.tables if t.key == key)
    return [str(table.totals[0]), *table.totals[1:]]


def _build(app, name: str, **filters):
    with app.test_request_context():
        return reports.registry()[name].build(Filters(**filters))


def test_quarterly_summary_against_the_same_quarter_a_year_earlier(app, council):
    report = _build(app, "quarterly", period=Q2)
    assert _rows(report, "contacts") == [
        ["Contacts received", 7, 2, 250.0],
        ["Passed to the service as a request", 1, 0, None],
        ["Signposted elsewhere", 0, 0, None],
        ["Awaiting triage", 1, 0, None],
        ["Compliments", 1, 0, None],
        ["Comments", 0, 0, None],
        ["Member enquiries", 0, 0, None],
        ["Stage 1 complaints", 3, 2, 50.0],
        ["Stage 2 complaints", 2, 0, None],
        ["All complaints", 5, 2, 150.0],
    ]
    assert _rows(report, "escalation") == [["This period", 3, 1, 33.3], ["Same period a year earlier", 2, 0, 0.0]]
    assert _rows(report, "outcomes") == [
        ["Upheld", 1, 33.3, 0, 0.0],
        ["Partly upheld", 1, 33.3, 0, 0.0],
        ["Not upheld", 1, 33.3, 1, 100.0],
    ]
    assert _totals(report, "outcomes") == ["Upheld in whole or in part", 2, 66.7, 0, 0.0]
    assert _rows(report, "upheld_by_reason") == [
        ["Quality of service", 2, 1, 50.0],
        ["Timeliness", 1, 1, 100.0],
        ["Staff attitude and behaviour", 0, 0, None],
        ["Policy and procedure", 0, 0, None],
    ]
    assert _rows(report, "top_reasons") == [["Quality of service", 2, 66.7], ["Timeliness", 1, 33.3]]
    assert _rows(report, "by_service") == [["Housing", 2, 66.7], ["Council tax", 1, 33.3]]


def test_top_reasons_count_the_council_s_own_reason_where_recorded_else_the_category(app, council, session):
    # C1 and C3 (Housing, quality of service) were recorded as "Repair not done"; C2 (Council tax,
    # timeliness) with its category alone, as before the council had reasons of its own. C7 went
    # straight to stage 2, so is not a stage 1 complaint. Of the 3 stage 1 complaints in Q2:
    # Repair not done 2 (66.7%), Timeliness 1 (33.3%). The categories' table is unchanged.
    repair = ComplaintReason(name="Repair not done", name_cy="Atgyweiriad heb ei wneud", active=True,
                             category=CaseReason.QUALITY_OF_SERVICE, service_id=council["housing"].id, sort_order=1)
    session.add(repair)
    session.flush()
    for key in ("C1", "C3", "C7"):
        council[key].reason_detail_id = repair.id
    session.commit()
    report = _build(app, "quarterly", period=Q2)
    assert _rows(report, "top_reasons") == [["Repair not done", 2, 66.7], ["Timeliness", 1, 33.3]]
    assert _rows(report, "upheld_by_reason")[0] == ["Quality of service", 2, 1, 50.0]
    with app.test_request_context(headers={"Accept-Language": "cy"}):
        from flask_babel import force_locale

        with force_locale("cy"):
            welsh = reports.registry()["quarterly"].build(Filters(period=Q2))
    assert _rows(welsh, "top_reasons")[0] == ["Atgyweiriad heb ei wneud", 2, 66.7]


def test_quarterly_summary_narrowed_by_service_and_channel(app, council):
    by_service = _build(app, "quarterly", period=Q2, service_id=council["tax"].id)
    assert _rows(by_service, "contacts")[0] == ["Contacts received", 1, 0, None]
    assert _rows(by_service, "by_service") == [["Council tax", 1, 100.0]]
    by_phone = _build(app, "quarterly", period=Q2, channel=Channel.PHONE)
    assert _rows(by_phone, "contacts")[7] == ["Stage 1 complaints", 1, 0, None]
    other_procedure = _build(app, "quarterly", period=Q2, procedure="adults")
    assert _rows(other_procedure, "contacts")[0] == ["Contacts received", 0, 0, None]


def test_backlog_counts_each_complaint_as_it_stood_at_the_end_of_the_date(app, council, session):
    corporate = session.scalar(select(Procedure.name).where(Procedure.slug == "corporate", Procedure.is_current.is_(True)))
    report = _build(app, "backlog", period=Period(date(2026, 8, 31), date(2026, 8, 31)))
    not_complaints = "Service requests and contacts that were not complaints"
    assert _rows(report, "by_service") == [
        ["Council tax", 1, 0, 0, 1, 0, 0],
        ["Housing", 3, 0, 1, 0, 2, 0],
        [not_complaints, 1, None, None, None, None, 1],
    ]
    assert _totals(report, "by_service") == ["Total", 5, 0, 1, 1, 2, 1]
    assert _rows(report, "by_procedure")[0] == [corporate, 4, 0, 1, 1, 2, 0]
    # On 10 August C1 was at stage 2 with the team, although it is closed now.
    earlier = _build(app, "backlog", period=Period(date(2026, 8, 10), date(2026, 8, 10)))
    assert _rows(earlier, "by_service")[1] == ["Housing", 3, 0, 2, 0, 1, 0]


def test_demand_per_quarter_for_each_procedure(app, council, session):
    referral = OmbudsmanReferral(case_id=council["C1"].id, ombudsman=Ombudsman.LGSCO, their_reference="26 001",
                                 received_on=date(2026, 9, 1), decision=OmbudsmanDecision.FAULT_INJUSTICE,
                                 decided_on=date(2026, 9, 20), created_at=at(date(2026, 9, 1)))
    session.add(referral)
    session.commit()
    report = _build(app, "demand", period=Period(date(2026, 4, 1), date(2026, 9, 30)))
    table = next(t for t in report.tables if t.key == "corporate")
    assert [str(c.label) for c in table.columns] == ["Number of complaints received", "2026/27 Q1", "2026/27 Q2", "Total"]
    assert _rows(report, "corporate") == [
        ["Stage 1 complaints", 0, 3, 3],
        ["Stage 2 complaints", 0, 2, 2],
        ["Escalated from stage 1 to stage 2", 0, 1, 1],
        ["Went direct to stage 2", 0, 1, 1],
        ["Escalated to the Ombudsman", 0, 1, 1],
        ["Upheld by the Ombudsman", 0, 1, 1],
    ]
    assert [t.key for t in report.tables] == ["corporate"]  # the compliment's procedure has no complaints


def test_timeliness_per_stage_and_triage(app, council):
    report = _build(app, "timeliness", period=Q2)
    assert _rows(report, "stages") == [
        ["Stage 1", 3, 100.0, 2, 100.0, 1, 19.0, 29],
        ["Stage 2", 2, 0.0, 1, 100.0, 0, 18.0, 18],
    ]
    assert _rows(report, "triage") == [
        ["Triaged", 5, None],
        ["Triaged within 2 working days", 4, 80.0],
        ["Not triaged yet", 1, None],
    ]


def test_ombudsman_referred_investigated_fault_found_and_recommendations(app, council, session):
    def referral(case, received, decision, decided=None):
        row = OmbudsmanReferral(case_id=case.id, ombudsman=Ombudsman.LGSCO, their_reference=f"26 {case.id}",
                                received_on=received, decision=decision, decided_on=decided, created_at=at(received))
        session.add(row)
        session.flush()
        return row

    found = referral(council["C1"], date(2026, 9, 1), OmbudsmanDecision.FAULT_INJUSTICE, date(2026, 9, 20))
    referral(council["C2"], date(2026, 10, 1), OmbudsmanDecision.NOT_INVESTIGATED, date(2026, 11, 1))
    referral(council["C3"], date(2026, 11, 10), OmbudsmanDecision.PENDING)
    for due, complied in [(date(2026, 10, 20), date(2026, 10, 15)), (date(2026, 10, 30), date(2026, 11, 5)),
                          (date(2026, 12, 1), None), (date(2027, 1, 15), None)]:
        session.add(OmbudsmanRecommendation(referral_id=found.id, text="Apologise.", due_on=due, complied_on=complied))
    session.commit()
    report = _build(app, "ombudsman", period=Period(date(2026, 4, 1), date(2027, 3, 31)))
    assert _rows(report, "referrals") == [
        ["Local Government and Social Care Ombudsman", 3, 2, 1, 1, 100.0],
    ]
    assert _rows(report, "decisions") == [
        ["Not investigated", 1], ["No fault", 0], ["Fault, no injustice", 0], ["Fault with injustice", 1],
    ]
    assert _rows(report, "recommendations") == [
        ["Due", 4, None], ["Complied with on time", 1, 25.0], ["Complied with late", 1, 25.0],
        ["Overdue", 1, 25.0], ["Not yet due", 1, 25.0],
    ]


def test_learning_actions_open_overdue_completed_and_published(app, council, session):
    def action(service, status, *, due=None, completed=None, published=False, title="Check bins"):
        session.add(LearningAction(title=title, service_id=service.id, status=status, due_on=due,
                                   completed_at=at(completed) if completed else None, published=published,
                                   you_said="Bins were missed." if published else None,
                                   we_did="We added a second round." if published else None,
                                   created_at=at(date(2026, 5, 1))))

    housing, tax = council["housing"], council["tax"]
    action(housing, LearningStatus.PLANNED, due=date(2026, 12, 1))  # overdue on 7 December
    action(housing, LearningStatus.IN_PROGRESS, due=date(2027, 1, 1))
    action(housing, LearningStatus.DONE, completed=date(2026, 8, 1), published=True, title="Second round")
    action(tax, LearningStatus.DONE, completed=date(2025, 8, 1))  # before the period
    action(tax, LearningStatus.CANCELLED, completed=date(2026, 6, 1))
    session.commit()
    report = _build(app, "learning", period=Period(date(2026, 4, 1), date(2027, 3, 31)))
    assert _rows(report, "actions") == [["Council tax", 0, 0, 0, 1], ["Housing", 2, 1, 1, 0]]
    assert _totals(report, "actions") == ["Total", 2, 1, 1, 1]
    assert _rows(report, "you_said_we_did") == [["Housing", "Second round", "Bins were missed.", "We added a second round."]]


def test_csv_and_json_carry_the_same_figures_and_neutralise_formulas(app, council, session):
    council["housing"].name = "=HYPERLINK(\"http://evil\")"
    session.commit()
    report = _build(app, "quarterly", period=Q2)
    with app.test_request_context():
        text = reports.as_csv(report)
        data = json.loads(reports.as_json_text(report))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Quarterly summary"]
    assert rows[1] == ["From", "2026-07-01", "To", "2026-09-30"]
    assert ["Contacts received", "7", "2", "250.0"] in rows
    assert ["'=HYPERLINK(\"http://evil\")", "2", "66.7"] in rows
    assert data["filters"]["from"] == "2026-07-01"
    contacts = next(t for t in data["tables"] if t["key"] == "contacts")
    assert contacts["rows"][0] == ["Contacts received", 7, 2, 250.0]


def test_reports_build_on_an_empty_database(app):
    for name, spec in reports.registry().items():
        report = _build(app, name, period=spec.default_period(date(2026, 12, 7)))
        assert report.name == name and report.tables


def test_sending_a_response_records_the_stage_outcome(app, session, make):
    """The engine sets case_stages.outcome from the points' findings when the response is sent."""
    from shared.models import CaseStage
    from shared.services import engine

    officer, checker = make.user(Role.OFFICER), make.user(Role.MANAGER)
    case = make.case(make.user(), make.service(), status=S.AWAITING_QUALITY_CHECK,
                     definition={"points": [{"id": "1", "text": "a"}, {"id": "2", "text": "b"}], "outcome": "x"},
                     draft_author_id=officer.id)
    stage = session.scalar(select(CaseStage).where(CaseStage.case_id == case.id))
    stage.findings = {"1": "upheld", "2": "not_upheld"}
    session.commit()
    with app.test_request_context():
        from shared.db import db

        loaded = db.session.get(type(case), case.id)
        engine.perform(loaded, E.RESPONSE_SENT, db.session.get(type(checker), checker.id), expected_version=loaded.version)
        db.session.commit()
    session.expire_all()
    assert session.get(CaseStage, stage.id).outcome is Finding.PARTLY_UPHELD


def test_default_periods(app):
    specs = reports.registry()
    assert specs["quarterly"].default_period(date(2026, 12, 7)) == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert specs["demand"].default_period(date(2026, 12, 7)) == Period(date(2026, 4, 1), date(2026, 12, 7))
    assert specs["backlog"].default_period(date(2026, 12, 7)) == Period(date(2026, 12, 7), date(2026, 12, 7))
    assert catalogue.backlog_bucket(S.CLOSED, True) == "complete"
    assert catalogue.backlog_bucket(S.CLOSED, False) == "closed_other"


def test_the_report_command_prints_csv_and_json(app, council):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "quarterly", "--from", "2026-07-01", "--to", "2026-09-30"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert ["Contacts received", "7", "2", "250.0"] in rows
    as_json = runner.invoke(args=["report", "backlog", "--to", "2026-08-31", "--format", "json",
                                  "--service", council["housing"].slug])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["filters"]["from"] == data["filters"]["to"] == "2026-08-31"
    by_service = next(t for t in data["tables"] if t["key"] == "by_service")
    assert by_service["rows"][0] == ["Housing", 3, 0, 1, 0, 2, 0]


def test_the_report_command_refuses_unknown_names_and_backwards_periods(app):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["report", "nonsense"])
    assert unknown.exit_code == 2 and "is not a report" in unknown.output
    backwards = runner.invoke(args=["report", "demand", "--from", "2026-09-30", "--to", "2026-07-01"])
    assert backwards.exit_code == 2 and "--to must be the same as or after --from" in backwards.output
    bad_service = runner.invoke(args=["report", "demand", "--service", "no-such-service"])
    assert bad_service.exit_code == 2 and "no service has the slug" in bad_service.output


def test_the_dashboard_brings_the_headlines_together(app, council):
    report = _build(app, "dashboard", period=Q2)
    assert _rows(report, "headlines") == [["Stage 1 complaints", 3, 2, 50.0], ["Stage 2 complaints", 2, 0, None]]
    assert _rows(report, "rates") == [
        ["Upheld in whole or in part", 66.7], ["Stage 1 answered within target", 100.0],
        ["Stage 2 answered within target", 100.0],
    ]
    # Open now: C3 (with the team, due 29 September: past it on 7 December), C7 (triaged, no date),
    # P2 (with the team since 2025, no date); C6 is not triaged yet, C4 was a service request.
    assert _rows(report, "now")[:2] == [["Complaints open", 3], ["Open complaints past their response date", 1]]
    trend = _rows(report, "trend")
    assert [row[0] for row in trend] == ["2024/25 Q3", "2024/25 Q4", "2025/26 Q1", "2025/26 Q2", "2025/26 Q3",
                                         "2025/26 Q4", "2026/27 Q1", "2026/27 Q2"]
    assert [row[1] for row in trend] == [0, 0, 0, 2, 0, 0, 0, 3]


def test_member_enquiries_by_service(app, council, session):
    from unit_tests.report_data import History, Stage, build

    d = date
    tax = council["tax"]
    # Answered on time; answered late; open past its date; open in time; one from before the period.
    build(session, History(tax, d(2026, 7, 6), kind=CaseKind.MEMBER_ENQUIRY, procedure="member-enquiry",
                           events=[(E.RESPONSE_SENT, S.RESPONSE_SENT, d(2026, 7, 10))],
                           stages=[Stage(1, d(2026, 7, 6), respond_by=d(2026, 7, 20), responded_on=d(2026, 7, 10))]))
    build(session, History(tax, d(2026, 8, 3), kind=CaseKind.MEMBER_ENQUIRY, procedure="member-enquiry",
                           events=[(E.RESPONSE_SENT, S.RESPONSE_SENT, d(2026, 8, 28))],
                           stages=[Stage(1, d(2026, 8, 3), respond_by=d(2026, 8, 17), responded_on=d(2026, 8, 28))]))
    build(session, History(tax, d(2026, 9, 1), kind=CaseKind.MEMBER_ENQUIRY, procedure="member-enquiry",
                           events=[(E.ACKNOWLEDGED, S.ACKNOWLEDGED, d(2026, 9, 2))],
                           stages=[Stage(1, d(2026, 9, 1), respond_by=d(2026, 9, 15))]))
    build(session, History(tax, d(2026, 9, 30), kind=CaseKind.MEMBER_ENQUIRY, procedure="member-enquiry",
                           stages=[Stage(1, d(2026, 9, 30), respond_by=d(2026, 12, 31))]))
    build(session, History(tax, d(2026, 6, 30), kind=CaseKind.MEMBER_ENQUIRY, procedure="member-enquiry"))
    report = _build(app, "member_enquiries", period=Q2)
    assert _rows(report, "by_service") == [["Council tax", 4, 2, 50.0, 2, 1]]
    assert _totals(report, "by_service") == ["Total", 4, 2, 50.0, 2, 1]


# --- staff attitude complaints by named employee (managers only, audited) ---------------------------------


def _name(session, case, name: str, service) -> None:
    from shared.domain.named_employees import name_key
    from shared.models import NamedEmployee

    session.add(NamedEmployee(case_id=case.id, name=name, name_key=name_key(name), service_id=service.id,
                              recorded_at=at(date(2026, 9, 10))))
    session.commit()


@pytest.fixture
def attitude(council, session, make):
    """Besides the council: C7 (staff attitude, stage 2 started 10 Sep, open) names "Sam Jones" of
    Housing. A1 (staff attitude, Housing, received 1 Aug, stage 1 answered 20 Aug upheld, closed) names
    "sam  jones." of Housing and "Sam Jones" of Council tax. A2 (staff attitude, received 5 Aug, stage 1
    answered 25 Aug not upheld, escalated: stage 2 started 1 Sep, partly upheld 22 Sep) names the
    "Receptionist" of Council tax. A3 (staff attitude, received 2 Sep, with the team, open) names nobody.
    A4 (staff attitude, received 2026-06-01, outside the period, still open) names "Sam Jones" of
    Housing. A5 (quality of service) names "Sam Jones" of Housing but is not about staff attitude."""
    from unit_tests.report_data import History, Stage, build

    housing, tax, d = council["housing"], council["tax"], date
    a1 = build(session, History(housing, d(2026, 8, 1), reason=CaseReason.STAFF_ATTITUDE,
               events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2026, 8, 3)), (E.RESPONSE_SENT, S.RESPONSE_SENT, d(2026, 8, 20)),
                       (E.CLOSED, S.CLOSED, d(2026, 8, 30))],
               stages=[Stage(1, d(2026, 8, 1), responded_on=d(2026, 8, 20), outcome=Finding.UPHELD)]))
    a2 = build(session, History(tax, d(2026, 8, 5), reason=CaseReason.STAFF_ATTITUDE,
               events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2026, 8, 5)), (E.RESPONSE_SENT, S.RESPONSE_SENT, d(2026, 8, 25)),
                       (E.ESCALATED, S.ESCALATED, d(2026, 9, 1)), (E.RESPONSE_SENT, S.RESPONSE_SENT, d(2026, 9, 22))],
               stages=[Stage(1, d(2026, 8, 5), responded_on=d(2026, 8, 25), outcome=Finding.NOT_UPHELD),
                       Stage(2, d(2026, 9, 1), responded_on=d(2026, 9, 22), outcome=Finding.PARTLY_UPHELD)]))
    build(session, History(housing, d(2026, 9, 2), reason=CaseReason.STAFF_ATTITUDE,
          events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2026, 9, 2)), (E.ALLOCATED, S.WITH_TEAM, d(2026, 9, 3))]))
    a4 = build(session, History(housing, d(2026, 6, 1), reason=CaseReason.STAFF_ATTITUDE,
               events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, d(2026, 6, 1)), (E.ALLOCATED, S.WITH_TEAM, d(2026, 6, 2))]))
    _name(session, council["C7"], "Sam Jones", housing)
    _name(session, a1, "sam  jones.", housing)
    _name(session, a1, "Sam Jones", tax)
    _name(session, a2, "Receptionist", tax)
    _name(session, a4, "Sam Jones", housing)
    _name(session, council["C1"], "Sam Jones", housing)  # C1 is about quality of service: not counted
    return council


def test_staff_attitude_complaints_by_named_employee(app, attitude):
    report = _build(app, "staff_attitude", period=Q2)
    # Sam Jones of Housing: received C7 and A1 (A4 before the period); stage 1 A1, stage 2 C7; upheld A1;
    # open now C7 and A4. Receptionist: A2 received; stage 1 and 2 both started in the period; not upheld
    # (stage 1) and partly upheld (stage 2); answered, so not open. Sam Jones of Council tax: A1.
    # No employee named: A3, received 2 Sep, stage 1, open.
    assert _rows(report, "by_employee") == [
        ["Sam Jones", "Housing", 2, 1, 1, 1, 0, 0, 2],  # "sam  jones." is the same person; one spelling shown
        ["Receptionist", "Council tax", 1, 1, 1, 0, 1, 1, 0],
        ["Sam Jones", "Council tax", 1, 1, 0, 1, 0, 0, 0],
        ["No employee named", "", 1, 1, 0, 0, 0, 0, 1],
    ]
    narrowed = _build(app, "staff_attitude", period=Q2, service_id=attitude["tax"].id)
    assert _rows(narrowed, "by_employee") == [
        ["Receptionist", "Council tax", 1, 1, 1, 0, 1, 1, 0],
        ["No employee named", "", 0, 0, 0, 0, 0, 0, 0],
    ]


def test_the_staff_attitude_report_is_for_managers_and_audited(app, client, session, make, attitude):
    from shared.models import AuditEvent
    from unit_tests.test_route_access import quick_sign_in

    spec = reports.registry()["staff_attitude"]
    assert spec.roles == {Role.MANAGER} and spec.audited
    query = {"start": ["1", "7", "2026"], "end": ["30", "9", "2026"]}
    officer = app.test_client()
    quick_sign_in(officer, session, make.user(Role.OFFICER))
    assert "staff_attitude" not in officer.get("/staff/reports").get_data(as_text=True)
    assert officer.get("/staff/reports/staff_attitude", query_string=query).status_code == 404
    assert officer.get("/staff/reports/staff_attitude.csv", query_string=query).status_code == 404
    for role in (Role.RESPONDER, Role.AGENT, Role.RESIDENT, Role.COUNCILLOR, Role.ADMIN):
        other = app.test_client()
        quick_sign_in(other, session, make.user(role))
        assert other.get("/staff/reports/staff_attitude").status_code == 403, role
        assert other.get("/staff/reports/staff_attitude.csv").status_code == 403, role
    assert session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "report")).all() == []

    manager_user = make.user(Role.MANAGER)
    manager = app.test_client()
    quick_sign_in(manager, session, manager_user)
    assert 'href="/staff/reports/staff_attitude"' in manager.get("/staff/reports").get_data(as_text=True)
    shown = manager.get("/staff/reports/staff_attitude", query_string=query)
    assert shown.status_code == 200 and "Receptionist" in shown.get_data(as_text=True)
    download = manager.get("/staff/reports/staff_attitude.csv", query_string=query)
    assert ["Receptionist", "Council tax", "1", "1", "1", "0", "1", "1", "0"] in list(
        csv.reader(io.StringIO(download.get_data(as_text=True))))
    session.expire_all()
    rows = session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "report").order_by(AuditEvent.id)).all()
    assert [(r.action, r.actor_id, r.details["report"], r.details["filters"]["from"]) for r in rows] == [
        ("report.viewed", manager_user.id, "staff_attitude", "2026-07-01"),
        ("report.downloaded", manager_user.id, "staff_attitude", "2026-07-01"),
    ]
    # Other reports are not audited.
    manager.get("/staff/reports/quarterly")
    session.expire_all()
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "report")).all()) == 2


def test_the_report_command_prints_the_staff_attitude_report(app, attitude):
    result = app.test_cli_runner().invoke(args=["report", "staff_attitude", "--from", "2026-07-01", "--to", "2026-09-30"])
    assert result.exit_code == 0, result.output
    assert ["Receptionist", "Council tax", "1", "1", "1", "0", "1", "1", "0"] in list(csv.reader(io.StringIO(result.output)))


def test_the_backlog_from_today_on_reads_the_cases_own_statuses_and_agrees_with_the_event_log(app, council):
    from datetime import timedelta

    from shared.models import Case
    from shared.services.reports import figures

    day = date(2026, 12, 7)
    with app.test_request_context():
        filters = Filters(period=Period(day, day))
        now = sorted(figures.status_at(filters, day, Case.procedure_id, Case.service_id, today=day), key=str)
        logged = sorted(figures.status_at(filters, day, Case.procedure_id, Case.service_id,
                                          today=day + timedelta(days=1)), key=str)
        assert now == logged
        assert sum(count for *_, count in now) == 8  # every complaint contact: C1–C7 and P1–P2 but C5
