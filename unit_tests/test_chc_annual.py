"""The Complaint Handling Code annual report and self-assessment, against a hand-built council whose
figures are worked out here, case by case; the pages, forms, audit rows and CSV.

The financial year 2025/26 (1 April 2025 to 31 March 2026), corporate procedure, "today" 7 Dec 2026:
- A1 Housing: stage 1 received 2 Jun 2025, acknowledged 4 Jun (due 9 Jun: in time), answered 16 Jun
  (due 18 Jun: in time), upheld; stage 2 received 1 Jul, acknowledged 10 Jul (due 8 Jul: late), answered
  4 Aug (due 5 Aug: in time), not upheld. Referred to the LGSCO 1 Sep 2025; fault with injustice found
  1 Dec 2025; two recommendations: due 15 Jan 2026, done 10 Jan (on time); due 1 Mar, done 5 Mar (late).
- A2 Council tax: stage 1 received 1 Sep 2025, acknowledged 2 Sep (due 8 Sep), due 16 Sep extended to
  30 Sep, answered 29 Sep (in time) partly upheld.
- A3 Housing: stage 1 received 3 Nov 2025, acknowledged 12 Nov (due 10 Nov: late), answered 1 Dec (due
  26 Nov: late) not upheld. Referred 10 Feb 2026, not decided yet.
- A4 Housing: stage 1 received 2 Feb 2026, acknowledged 3 Feb (due 9 Feb), not answered.
- Refused at triage: R1 Housing 5 May 2025, too late; R2 Council tax 6 Jan 2026, too late (its reason
  worded differently); R3 Council tax 10 Mar 2026, legal proceedings; R4 Housing 2 Apr 2026 (the next
  year), legal proceedings.
- B1 Housing, the year before: received 10 Mar 2025, answered 20 Mar 2025 upheld.
- Learning: one Housing action completed 1 Oct 2025 (published), one completed 1 May 2026 (next year),
  one open.

Expected for 2025/26:
- stage 1: 4 received; acknowledged in time 3 of 4 (75.0%); answered 3, in time 2 (66.7%); 1 extension.
- stage 2: 1 received; acknowledged in time 0 of 1 (0.0%); answered 1, in time 1 (100.0%); no extension.
- outcomes answered in the year: upheld 1 (stage 1), partly 1 (stage 1), not upheld 2 (one each) — 4.
- Ombudsman: referred 2, determinations 1, fault found 1 (100.0%); recommendations due 2, on time 1
  (50.0%), late 1 (50.0%), overdue 0.
- refused 3: by ground too late 2 (66.7%), legal proceedings 1 (33.3%), every other ground 0; by service Council tax 2 (66.7%), Housing 1 (33.3%).
- service improvements: Housing 1 completed, and its "you said, we did".
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.db import db
from shared.domain.chc import PROVISIONS
from shared.domain.enums import (
    CaseStatus,
    EventType,
    Finding,
    LearningStatus,
    Ombudsman,
    OmbudsmanDecision,
    Role,
)
from shared.domain.reporting import financial_year
from shared.models import AuditEvent, ChcAnnualReport, LearningAction, OmbudsmanRecommendation, OmbudsmanReferral
from shared.services.reports import Filters, chc
from unit_tests.report_data import History, Stage, at, build
from unit_tests.test_route_access import quick_sign_in

E = EventType
S = CaseStatus
FY = financial_year(2025)
d = date


def _complaint(service, stages, events):
    return History(service, stages[0].received_on, events=[(E.TRIAGED_COMPLAINT, S.TRIAGED, stages[0].received_on),
                                                          *events], stages=stages)


@pytest.fixture
def council(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    housing = make.service(name="Housing")
    tax = make.service(name="Council tax")
    found = {"housing": housing, "tax": tax}
    found["A1"] = build(session, _complaint(housing, [
        Stage(1, d(2025, 6, 2), acknowledged_on=d(2025, 6, 4), acknowledge_by=d(2025, 6, 9),
              respond_by=d(2025, 6, 18), responded_on=d(2025, 6, 16), outcome=Finding.UPHELD),
        Stage(2, d(2025, 7, 1), acknowledged_on=d(2025, 7, 10), acknowledge_by=d(2025, 7, 8),
              respond_by=d(2025, 8, 5), responded_on=d(2025, 8, 4), outcome=Finding.NOT_UPHELD)],
        [(E.RESPONSE_SENT, S.RESPONSE_SENT, d(2025, 8, 4))]))
    found["A2"] = build(session, _complaint(tax, [
        Stage(1, d(2025, 9, 1), acknowledged_on=d(2025, 9, 2), acknowledge_by=d(2025, 9, 8),
              respond_by=d(2025, 9, 16), extended_to=d(2025, 9, 30), responded_on=d(2025, 9, 29),
              outcome=Finding.PARTLY_UPHELD)], [(E.RESPONSE_SENT, S.RESPONSE_SENT, d(2025, 9, 29))]))
    found["A3"] = build(session, _complaint(housing, [
        Stage(1, d(2025, 11, 3), acknowledged_on=d(2025, 11, 12), acknowledge_by=d(2025, 11, 10),
              respond_by=d(2025, 11, 26), responded_on=d(2025, 12, 1), outcome=Finding.NOT_UPHELD)],
        [(E.RESPONSE_SENT, S.RESPONSE_SENT, d(2025, 12, 1))]))
    found["A4"] = build(session, _complaint(housing, [
        Stage(1, d(2026, 2, 2), acknowledged_on=d(2026, 2, 3), acknowledge_by=d(2026, 2, 9),
              respond_by=d(2026, 2, 23))], [(E.ALLOCATED, S.WITH_TEAM, d(2026, 2, 3))]))
    for key, service, day, ground, reason in [
            ("R1", housing, d(2025, 5, 5), "too_late", "More than 12 months after the matter"),
            ("R2", tax, d(2026, 1, 6), "too_late", "You knew of this in 2023."),
            ("R3", tax, d(2026, 3, 10), "legal_proceedings", "The claim is with the county court."),
            ("R4", housing, d(2026, 4, 2), "legal_proceedings", "The claim is with the county court.")]:
        found[key] = build(session, History(service, day, events=[
            (E.REFUSED, S.CLOSED, day, {"ground": ground, "reason": reason})]))
    found["B1"] = build(session, _complaint(housing, [
        Stage(1, d(2025, 3, 10), responded_on=d(2025, 3, 20), outcome=Finding.UPHELD)],
        [(E.RESPONSE_SENT, S.RESPONSE_SENT, d(2025, 3, 20))]))
    decided = OmbudsmanReferral(case_id=found["A1"].id, ombudsman=Ombudsman.LGSCO, their_reference="25 001",
                                received_on=d(2025, 9, 1), decision=OmbudsmanDecision.FAULT_INJUSTICE,
                                decided_on=d(2025, 12, 1), created_at=at(d(2025, 9, 1)))
    session.add(decided)
    session.add(OmbudsmanReferral(case_id=found["A3"].id, ombudsman=Ombudsman.LGSCO, their_reference="25 002",
                                  received_on=d(2026, 2, 10), decision=OmbudsmanDecision.PENDING,
                                  created_at=at(d(2026, 2, 10))))
    session.flush()
    session.add(OmbudsmanRecommendation(referral_id=decided.id, text="Apologise.", due_on=d(2026, 1, 15),
                                        complied_on=d(2026, 1, 10)))
    session.add(OmbudsmanRecommendation(referral_id=decided.id, text="Pay £100.", due_on=d(2026, 3, 1),
                                        complied_on=d(2026, 3, 5)))
    for title, status, completed, published in [("Repairs booked by text", LearningStatus.DONE, d(2025, 10, 1), True),
                                                ("Later change", LearningStatus.DONE, d(2026, 5, 1), True),
                                                ("Open change", LearningStatus.IN_PROGRESS, None, False)]:
        session.add(LearningAction(title=title, service_id=housing.id, status=status,
                                   completed_at=at(completed) if completed else None, published=published,
                                   you_said="Repairs were missed." if published else None,
                                   we_did="We text the time the day before." if published else None,
                                   created_at=at(d(2025, 5, 1))))
    session.commit()
    return found


def _annual(app, **filters) -> chc.Annual:
    with app.test_request_context():
        return chc.annual(Filters(period=FY, **filters))


def _rows(annual: chc.Annual, key: str) -> list[list]:
    table = next(t for t in annual.report.tables if t.key == key)
    return [[str(row[0]), *row[1:]] for row in table.rows]


def _totals(annual: chc.Annual, key: str) -> list:
    table = next(t for t in annual.report.tables if t.key == key)
    return [str(table.totals[0]), *table.totals[1:]]


def test_the_figures_the_code_asks_for(app, council):
    annual = _annual(app)
    assert annual.year == 2025 and annual.label == "2025/26"
    assert _rows(annual, "stages") == [
        ["Stage 1", 4, 3, 75.0, 3, 2, 66.7, 1],
        ["Stage 2", 1, 0, 0.0, 1, 1, 100.0, 0],
    ]
    assert _rows(annual, "outcomes") == [
        ["Upheld", 1, 0, 1, 25.0],
        ["Partly upheld", 1, 0, 1, 25.0],
        ["Not upheld", 1, 1, 2, 50.0],
    ]
    assert _totals(annual, "outcomes") == ["Total", 3, 1, 4, 100.0]
    assert _rows(annual, "ombudsman") == [
        ["Complaints referred to the Ombudsman", 2, None],
        ["Determinations (investigated and decided)", 1, None],
        ["Fault or maladministration found", 1, 100.0],
        ["Orders and recommendations due", 2, None],
        ["Complied with on time", 1, 50.0],
        ["Complied with late", 1, 50.0],
        ["Overdue", 0, 0.0],
    ]


def test_the_summary_of_refused_complaints(app, council):
    annual = _annual(app)
    assert _rows(annual, "refused_by_ground") == [
        ["More than 12 months since the person knew about the problem", 2, 66.7],
        ["Legal proceedings have started", 1, 33.3],
        ["Already considered under the complaints procedure", 0, 0.0],
        ["Another right of appeal or review applies", 0, 0.0],
        ["Not the council's responsibility", 0, 0.0],
        ["Another reason", 0, 0.0],
    ]
    assert _rows(annual, "refused_by_service") == [["Council tax", 2, 66.7], ["Housing", 1, 33.3]]
    assert _totals(annual, "refused_by_ground") == ["Total", 3, 100.0]
    # Narrowed to a service, the other service's refusals go.
    housing_only = _annual(app, service_id=council["housing"].id)
    assert _rows(housing_only, "refused_by_ground")[:2] == [
        ["More than 12 months since the person knew about the problem", 1, 100.0],
        ["Legal proceedings have started", 0, 0.0]]


def test_refusals_without_a_ground_are_counted_as_not_recorded(app, council, session):
    """Cases imported from an older system may carry only the written reason."""
    build(session, History(council["housing"], d(2024, 6, 3), events=[
        (E.REFUSED, S.CLOSED, d(2024, 6, 3), {"reason": "Out of time"})]))
    build(session, History(council["housing"], d(2024, 7, 1), events=[
        (E.REFUSED, S.CLOSED, d(2024, 7, 1), {"ground": "other_route", "reason": "A tribunal appeal."})]))
    session.commit()
    with app.test_request_context():
        annual = chc.annual(Filters(period=financial_year(2024)))
    rows = _rows(annual, "refused_by_ground")
    assert rows[3] == ["Another right of appeal or review applies", 1, 50.0]
    assert rows[-1] == ["Ground not recorded", 1, 50.0]
    assert len(rows) == 7


def test_the_service_improvements_made(app, council):
    annual = _annual(app)
    assert _rows(annual, "improvements_by_service") == [["Housing", 1]]
    assert _rows(annual, "improvements") == [
        ["Housing", "Repairs booked by text", "Repairs were missed.", "We text the time the day before."]]


def test_the_figures_beside_the_provisions(app, council):
    figures = {item.provision.number: item.figure for item in _annual(app).assessed}
    assert figures["2.1"] == "Complaints refused in the year: 3"
    assert figures["6.2"] == "Acknowledged within 5 working days: 75.0% (3 of 4)"
    assert figures["6.3"] == "Answered within the timescale: 66.7% (2 of 3)"
    assert figures["6.4"] == "Extended: 25.0% (1 of 4)"
    assert figures["6.7"] == "Stage 1 responses with a finding recorded: 100.0% (3 of 3)"
    assert figures["6.11"] == "Acknowledged within 5 working days: 0.0% (0 of 1)"
    assert figures["6.14"] == "Answered within the timescale: 100.0% (1 of 1)"
    assert figures["7.2"] == "Complied with on time: 50.0% (1 of 2)"
    assert figures["9.1"] == "Learning actions completed in the year: 1"
    assert figures["1.2"] is None


def test_a_year_with_nothing_counts_nothing(app, council):
    with app.test_request_context():
        annual = chc.annual(Filters(period=financial_year(2023)))
    assert _rows(annual, "stages") == [["Stage 1", 0, 0, None, 0, 0, None, 0], ["Stage 2", 0, 0, None, 0, 0, None, 0]]
    assert [row[1:] for row in _rows(annual, "refused_by_ground")] == [[0, None]] * 6
    assert {item.figure for item in annual.assessed if item.provision.measure == "stage_1_answered"} == {
        "Answered within the timescale: none in the year"}


# --- the pages ----------------------------------------------------------------------------------------


@pytest.fixture
def manager(app, session, make):
    client = app.test_client()
    user = make.user(Role.MANAGER)
    quick_sign_in(client, session, user)
    client.user = user
    return client


@pytest.fixture
def officer(app, session, make):
    client = app.test_client()
    quick_sign_in(client, session, make.user(Role.OFFICER))
    return client


def test_the_page_defaults_to_the_last_complete_year(officer, council):
    response = officer.get("/staff/reports/chc_annual")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Financial year 2025/26: 1 April 2025 to 31 March 2026" in body
    assert '<option value="2025" selected>' in body
    assert "More than 12 months since the person knew about the problem" in body
    assert "Acknowledged within 5 working days: 75.0% (3 of 4)" in body
    assert 'data-redress-print hidden' in body  # shown by JavaScript only
    assert 'href="/staff/reports/chc_annual.csv?year=2025"' in body
    # Officers read; they are not offered the changes.
    assert "/staff/reports/chc_annual/2025/provisions/" not in body
    assert "Change the statements" not in body
    for provision in PROVISIONS:
        assert f'id="provision-{provision.number.replace(".", "-")}"' in body


def test_the_report_list_links_to_the_page(officer):
    body = officer.get("/staff/reports").get_data(as_text=True)
    assert 'href="/staff/reports/chc_annual"' in body


def test_an_unknown_year_is_a_govuk_error(officer, council):
    response = officer.get("/staff/reports/chc_annual?year=1990")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and "Choose a financial year from the list" in body
    assert officer.get("/staff/reports/chc_annual.csv?year=nonsense").status_code == 400


def test_the_csv_has_the_figures_and_the_self_assessment(app, manager, council, session):
    with app.test_request_context():
        chc.save_answer(manager.user, 2025, "6.2", compliant=False, evidence="Policy 7.1",
                        commentary="=Training by June")
        db.session.commit()
    response = manager.get("/staff/reports/chc_annual.csv?year=2025")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="chc_annual-2025-26.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["Stage 1", "4", "3", "75.0", "3", "2", "66.7", "1"] in rows
    assert ["More than 12 months since the person knew about the problem", "2", "66.7"] in rows
    row = next(r for r in rows if r and r[0] == "6.2")
    # A commentary starting like a formula is made harmless.
    assert row[2:] == ["No", "Policy 7.1", "'=Training by June", "Acknowledged within 5 working days: 75.0% (3 of 4)"]
    assert next(r for r in rows if r and r[0] == "1.2")[2] == "Not answered"


def test_a_manager_answers_a_provision_and_it_is_audited(manager, council, session):
    page = manager.get("/staff/reports/chc_annual?year=2025").get_data(as_text=True)
    assert 'href="/staff/reports/chc_annual/2025/provisions/6.3"' in page
    form = manager.get("/staff/reports/chc_annual/2025/provisions/6.3")
    assert form.status_code == 200
    token = manager.csrf_token("/staff/reports/chc_annual/2025/provisions/6.3")
    response = manager.post("/staff/reports/chc_annual/2025/provisions/6.3", data={
        "csrf_token": token, "compliant": "no", "evidence": "Policy section 3.3",
        "commentary": "Two of three were late.\nA new rota starts in January."})
    assert response.status_code == 302
    assert response.location.endswith("/staff/reports/chc_annual?year=2025#provision-6-3")
    record = session.get(ChcAnnualReport, 2025)
    assert record.answers["6.3"] == {"compliant": False, "evidence": "Policy section 3.3",
                                     "commentary": "Two of three were late.\nA new rota starts in January."}
    audit_row = session.scalars(select(AuditEvent).where(AuditEvent.action == "chc.answer_saved")).one()
    assert (audit_row.actor_id, audit_row.subject_type, audit_row.subject_id) == (manager.user.id, "chc_annual_report", 2025)
    assert audit_row.details == {"provision": "6.3", "before": None, "after": record.answers["6.3"]}
    body = manager.get("/staff/reports/chc_annual?year=2025").get_data(as_text=True)
    assert "A new rota starts in January." in body
    assert "The answer to provision 6.3 is saved." in body

    # Changing it again records what it was.
    manager.post("/staff/reports/chc_annual/2025/provisions/6.3", data={
        "csrf_token": token, "compliant": "yes", "evidence": "Rota in place", "commentary": ""})
    rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "chc.answer_saved")
                           .order_by(AuditEvent.id)).all()
    assert len(rows) == 2 and rows[1].details["before"]["compliant"] is False
    assert rows[1].details["after"] == {"compliant": True, "evidence": "Rota in place", "commentary": ""}
    # Another year is untouched.
    assert session.get(ChcAnnualReport, 2024) is None


@pytest.mark.parametrize(("data", "messages"), [
    ({}, ["Select yes if the council complies with this provision"]),
    ({"compliant": "no", "evidence": "Policy"}, ["Explain why the council does not comply and what it will do"]),
    ({"compliant": "yes", "commentary": "Fine"}, ["Enter the evidence that the council complies"]),
    ({"compliant": "yes", "evidence": "x" * 5001}, ["This must be 5,000 characters or fewer"]),
    ({"compliant": "maybe", "evidence": "x"}, ["Not a valid choice"]),
])
def test_answer_errors_keep_what_was_typed(manager, council, session, data, messages):
    token = manager.csrf_token("/staff/reports/chc_annual/2025/provisions/2.1")
    response = manager.post("/staff/reports/chc_annual/2025/provisions/2.1", data={"csrf_token": token, **data})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body
    for message in messages:
        assert message in body
    for value in data.values():
        if value in {"yes", "no"}:
            assert f'value="{value}" checked' in body
        elif value != "maybe" and len(value) < 100:  # a choice that is not offered cannot be shown again
            assert value in body
    assert session.get(ChcAnnualReport, 2025) is None
    assert session.scalars(select(AuditEvent).where(AuditEvent.action.like("chc.%"))).all() == []


def test_unknown_provisions_and_years_are_not_found(manager, council):
    assert manager.get("/staff/reports/chc_annual/2025/provisions/99.9").status_code == 404
    assert manager.get("/staff/reports/chc_annual/1990/provisions/6.2").status_code == 404
    assert manager.get("/staff/reports/chc_annual/1990/statements").status_code == 404


def test_a_manager_writes_the_statements_and_it_is_audited(manager, council, session):
    url = "/staff/reports/chc_annual/2025/statements"
    token = manager.csrf_token(url)
    response = manager.post(url, data={"csrf_token": token, "governing_body_response": "Cabinet noted the report.",
                                       "member_comments": "  Good progress.\n\nMore to do on stage 2.  ",
                                       "ombudsman_findings": "", "ombudsman_annual_review": "One finding of fault."})
    assert response.status_code == 302 and response.location.endswith("#statements")
    record = session.get(ChcAnnualReport, 2025)
    assert record.governing_body_response == "Cabinet noted the report."
    assert record.member_comments == "Good progress.\n\nMore to do on stage 2."
    assert record.ombudsman_findings is None
    audit_row = session.scalars(select(AuditEvent).where(AuditEvent.action == "chc.statements_saved")).one()
    assert audit_row.details["changed"] == ["governing_body_response", "member_comments", "ombudsman_annual_review"]
    assert audit_row.details["before"]["member_comments"] is None
    body = manager.get("/staff/reports/chc_annual?year=2025").get_data(as_text=True)
    assert "<p class=\"govuk-body\">More to do on stage 2.</p>" in body
    assert "Cabinet noted the report." in body
    # The form shows what is saved.
    assert "Cabinet noted the report." in manager.get(url).get_data(as_text=True)


def test_statements_that_are_too_long_are_refused_and_kept(manager, council, session):
    url = "/staff/reports/chc_annual/2025/statements"
    token = manager.csrf_token(url)
    response = manager.post(url, data={"csrf_token": token, "governing_body_response": "y" * 5001,
                                       "member_comments": "Kept as typed."})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "This must be 5,000 characters or fewer" in body and "Kept as typed." in body
    assert session.get(ChcAnnualReport, 2025) is None


def test_the_command_prints_the_report(app, council):
    result = app.test_cli_runner().invoke(args=["report", "chc_annual", "--from", "2025-04-01", "--to", "2026-03-31",
                                                "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    tables = {table["key"]: table for table in found["tables"]}
    assert tables["stages"]["rows"][0] == ["Stage 1", 4, 3, 75.0, 3, 2, 66.7, 1]
    assert tables["refused_by_service"]["rows"] == [["Council tax", 2, 66.7], ["Housing", 1, 33.3]]
    assert len(tables["self_assessment"]["rows"]) == len(PROVISIONS)
    csv_result = app.test_cli_runner().invoke(args=["report", "chc_annual", "--format", "csv"])
    assert csv_result.exit_code == 0, csv_result.output
    assert "2025-04-01" in csv_result.output  # the default: the last complete financial year


def test_the_page_in_welsh(officer, council):
    body = officer.get("/staff/reports/chc_annual?year=2025&lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in body
    assert "Adroddiad blynyddol y Cod Ymdrin â Chwynion" in body
    assert "Cydnabuwyd o fewn 5 diwrnod gwaith: 75.0% (3 o 4)" in body


def test_the_figures_beside_the_provisions_follow_the_readers_locale(app, council):
    from flask_babel import force_locale
    with app.test_request_context(), force_locale("pl"):
        annual = chc.annual(Filters(period=financial_year(2025)))
        figures = {item.provision.number: str(item.figure) for item in annual.assessed}
    assert "75,0%" in figures["6.2"] and "66,7%" in figures["6.3"]  # a decimal comma
