"""Case work in the back office, through the test client: a complaint from acknowledgement to closure."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.db import db
from shared.domain.enums import CaseStatus, Channel, ContactMethod, EventType, Role
from shared.domain.transitions import GuardFailed
from shared.models import Case, CaseResponse, CaseStage, User
from shared.services import engine
from shared.services.calendar import build_calendar
from unit_tests.test_route_access import quick_sign_in

MONDAY_14_DEC = "2026-12-14T10:00"


@pytest.fixture
def team(app, make):
    clock.set_now(MONDAY_14_DEC)
    service = make.service("bins", "Waste and recycling")
    return {
        "service": service,
        "resident": make.user(Role.RESIDENT, full_name="Jane Resident"),
        "author": make.user(Role.OFFICER, full_name="Ann Author"),
        "checker": make.user(Role.OFFICER, full_name="Chris Checker"),
        "handler2": make.user(Role.OFFICER, full_name="Sam Second"),
        "manager": make.user(Role.MANAGER, full_name="Mo Manager"),
        "agent": make.user(Role.AGENT),
        "responder": make.user(Role.RESPONDER, service_id=service.id),
    }


def in_request(app, work):
    """Arrange data through the engine, as a request would, and commit it for the client to see."""
    with app.test_request_context():
        result = work()
        db.session.commit()
        return result


def triaged_case(app, team, *, procedure: str | None = None, points=("The bins were missed.", "Nobody called back.")) -> str:
    def work():
        resident = db.session.get(User, team["resident"].id)
        case = engine.receive(
            kind=engine.CaseKind.COMPLAINT, service=db.session.get(type(team["service"]), team["service"].id),
            resident=resident, entered_by=resident, channel=Channel.ONLINE, what_happened="Missed bins.",
            outcome_wanted="Collect them.", contact_method=ContactMethod.EMAIL,
        )
        manager = db.session.get(User, team["manager"].id)
        engine.perform(case, EventType.TRIAGED_COMPLAINT, manager, points=list(points), outcome="Collect them.",
                       procedure=procedure)
        return case.reference

    return in_request(app, work)


def act(app, reference: str, action: EventType, who: User, **payload):
    def work():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        return engine.perform(case, action, db.session.get(User, who.id), **payload)

    return in_request(app, work)


def client_for(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


def case_row(session, reference: str) -> Case:
    session.expire_all()
    return session.scalar(select(Case).where(Case.reference == reference))


def post(client, url: str, data: dict, *, session, reference: str):
    """Submit a case work form with the case's current version, as the page would carry it."""
    version = case_row(session, reference).version
    token = client.csrf_token(f"/staff/cases/{reference}")
    return client.post(url, data={"csrf_token": token, "version": version, **data})


def response_data(body="Dear Jane, we are sorry.", **extra) -> dict:
    return {
        "finding_1": "upheld", "reason_1": "The crew missed the street.",
        "finding_2": "partly_upheld", "reason_2": "We called back late.",
        "remedies": ["apology", "payment"], "detail_payment": "For the inconvenience", "payment_amount": "150.50",
        "actions-0-what": "Retrain the crew", "actions-0-owner": "Waste team",
        "actions-0-due": ["15", "1", "2027"],
        "actions-1-due": ["", "", ""], "actions-2-due": ["", "", ""],
        "body": body, **extra,
    }


def the_response(session, reference: str, stage: int = 1) -> CaseResponse:
    case = case_row(session, reference)
    return session.scalar(select(CaseResponse).where(CaseResponse.case_id == case.id, CaseResponse.stage == stage))


def test_a_complaint_from_acknowledgement_to_closure(app, session, team):
    reference = triaged_case(app, team)
    base = f"/staff/cases/{reference}"
    author = client_for(app, session, team["author"])
    checker = client_for(app, session, team["checker"])
    manager = client_for(app, session, team["manager"])

    page = author.get(base).get_data(as_text=True)
    assert "The bins were missed." in page and "Collect them." in page  # the complaint definition
    assert f'href="{base}/acknowledge"' in page
    assert author.get(f"{base}/acknowledge").status_code == 200

    assert post(author, f"{base}/acknowledge", {}, session=session, reference=reference).status_code == 302
    assert case_row(session, reference).status is CaseStatus.ACKNOWLEDGED
    act(app, reference, EventType.ALLOCATED, team["manager"], handler=team["author"])
    assert post(author, f"{base}/investigate", {}, session=session, reference=reference).status_code == 302
    assert case_row(session, reference).status is CaseStatus.WITH_TEAM

    # A response that misses a point is refused with the engine's reason, keeping what was typed.
    assert author.get(f"{base}/response").status_code == 200
    missing = response_data(body="My first attempt.")
    del missing["finding_2"]
    refused = post(author, f"{base}/response", missing, session=session, reference=reference)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "There is a problem" in body and "Give a finding for every point of the complaint: 1 still need one." in body
    assert "My first attempt." in body
    assert the_response(session, reference) is None

    assert post(author, f"{base}/response", response_data(), session=session, reference=reference).status_code == 302
    saved = the_response(session, reference)
    assert saved.findings["1"] == {"finding": "upheld", "reason": "The crew missed the street."}
    assert {"kind": "payment", "detail": "For the inconvenience", "amount_pence": 15050} in saved.remedies
    assert saved.actions == [{"what": "Retrain the crew", "owner": "Waste team", "due": "2027-01-15"}]
    assert case_row(session, reference).status is CaseStatus.RESPONSE_DRAFTED
    assert "Draft response" in author.get(base).get_data(as_text=True)

    assert f'href="{base}/response/submit"' in author.get(base).get_data(as_text=True)
    assert "Dear Jane, we are sorry." in author.get(f"{base}/response/submit").get_data(as_text=True)
    sent = post(author, f"{base}/response/submit", {}, session=session, reference=reference)
    assert sent.status_code == 302
    assert case_row(session, reference).status is CaseStatus.AWAITING_QUALITY_CHECK

    # The author cannot approve their own response.
    own = post(author, f"{base}/check", {"submit": "y"}, session=session, reference=reference)
    assert own.status_code == 409
    assert "Someone other than the author must check the response." in own.get_data(as_text=True)
    assert case_row(session, reference).status is CaseStatus.AWAITING_QUALITY_CHECK

    # Another officer returns it with comments; the author sees them and redrafts.
    assert "Dear Jane, we are sorry." in checker.get(f"{base}/check").get_data(as_text=True)
    returned = post(checker, f"{base}/check", {"return_for_changes": "y", "comments": "Say when the crew is retrained."},
                    session=session, reference=reference)
    assert returned.status_code == 302
    assert case_row(session, reference).status is CaseStatus.RETURNED_FOR_CHANGES
    assert the_response(session, reference).check_comments == "Say when the crew is retrained."
    assert "Say when the crew is retrained." in author.get(f"{base}/response").get_data(as_text=True)
    redraft = response_data(body="Dear Jane, we are sorry. The crew is retrained by 15 January.")
    assert post(author, f"{base}/response", redraft, session=session, reference=reference).status_code == 302
    assert post(author, f"{base}/response/submit", {}, session=session, reference=reference).status_code == 302

    approved = post(checker, f"{base}/check", {"submit": "y"}, session=session, reference=reference)
    assert approved.status_code == 302
    final = the_response(session, reference)
    assert case_row(session, reference).status is CaseStatus.RESPONSE_SENT
    assert final.checker_id == team["checker"].id and final.sent_at is not None

    # Once sent, the response cannot be changed.
    assert author.get(f"{base}/response").status_code == 409
    edit = post(author, f"{base}/response", response_data(body="Changed after sending."), session=session, reference=reference)
    assert edit.status_code == 409
    assert the_response(session, reference).body == "Dear Jane, we are sorry. The crew is retrained by 15 January."

    letter = author.get(f"{base}/response/letter").get_data(as_text=True)
    assert "The crew is retrained by 15 January." in letter and "£150.50" in letter
    assert "redress-letter--large" in author.get(f"{base}/response/letter?large=1").get_data(as_text=True)

    # Escalation: stage 2 must go to someone other than stage 1's handler.
    assert post(manager, f"{base}/escalate", {}, session=session, reference=reference).status_code == 302
    assert case_row(session, reference).stage == 2
    with pytest.raises(GuardFailed, match="someone other than the previous stage"):
        act(app, reference, EventType.ALLOCATED, team["manager"], handler=team["author"])
    act(app, reference, EventType.ALLOCATED, team["manager"], handler=team["handler2"])
    assert case_row(session, reference).officer_id == team["handler2"].id
    assert post(manager, f"{base}/acknowledge", {}, session=session, reference=reference).status_code == 302

    # Closing needs what its code needs.
    responded = post(manager, f"{base}/close", {"code": "responded"}, session=session, reference=reference)
    assert responded.status_code == 409
    assert "only be closed as responded once a response has been sent" in responded.get_data(as_text=True)
    no_reason = post(manager, f"{base}/close", {"code": "out_of_time"}, session=session, reference=reference)
    assert no_reason.status_code == 409 and "Give the reason for closing the case." in no_reason.get_data(as_text=True)
    closed = post(manager, f"{base}/close", {"code": "out_of_time", "reason": "Asked for stage 2 too late."},
                  session=session, reference=reference)
    assert closed.status_code == 302
    row = case_row(session, reference)
    assert row.status is CaseStatus.CLOSED and row.closure_code.value == "out_of_time"
    assert f'href="{base}/reopen"' in manager.get(base).get_data(as_text=True)


def test_closing_as_a_duplicate_needs_the_other_cases_reference(app, session, team):
    original = triaged_case(app, team)
    reference = triaged_case(app, team)
    manager = client_for(app, session, team["manager"])
    url = f"/staff/cases/{reference}/close"
    unknown = post(manager, url, {"code": "duplicate", "duplicate_reference": "RDR-0000-0000"}, session=session, reference=reference)
    assert unknown.status_code == 409 and "There is no other case with that reference" in unknown.get_data(as_text=True)
    assert post(manager, url, {"code": "duplicate", "duplicate_reference": original.lower()},
                session=session, reference=reference).status_code == 302
    assert case_row(session, reference).duplicate_of_id == case_row(session, original).id


def test_an_extension_is_capped_and_the_resident_message_previewed(app, session, team):
    reference = triaged_case(app, team)
    base = f"/staff/cases/{reference}"
    officer = client_for(app, session, team["author"])
    act(app, reference, EventType.ACKNOWLEDGED, team["manager"])
    due = case_row(session, reference).respond_by
    too_late = post(officer, f"{base}/extend", {"new_date": ["30", "6", "2027"], "reason": "Waiting for the crew."},
                    session=session, reference=reference)
    body = too_late.get_data(as_text=True)
    assert too_late.status_code == 409
    assert "The new date can be at most 10 working days after the current one." in body
    assert "Waiting for the crew." in body
    with app.test_request_context():
        new_date = build_calendar().add(due, 5)
    done = post(officer, f"{base}/extend",
                {"new_date": [str(new_date.day), str(new_date.month), str(new_date.year)], "reason": "Waiting for the crew."},
                session=session, reference=reference)
    assert done.status_code == 302 and done.location.endswith(f"{base}/extended")
    preview = officer.get(f"{base}/extended").get_data(as_text=True)
    assert "Waiting for the crew." in preview and "Local Government and Social Care Ombudsman" in preview
    assert f"{new_date.day} " in preview and str(new_date.year) in preview
    stage = session.scalar(select(CaseStage).where(CaseStage.case_id == case_row(session, reference).id))
    assert stage.extended_to == new_date
    again = post(officer, f"{base}/extend", {"new_date": ["1", "2", "2027"], "reason": "More time."},
                 session=session, reference=reference)
    assert again.status_code == 409 and "already been extended once" in again.get_data(as_text=True)


def test_an_agreed_date_procedure_asks_for_the_date_at_acknowledgement(app, session, team):
    reference = triaged_case(app, team, procedure="adults")
    officer = client_for(app, session, team["author"])
    url = f"/staff/cases/{reference}/acknowledge"
    assert "Response date agreed with the person" in officer.get(url).get_data(as_text=True)
    empty = post(officer, url, {"agreed_date": ["", "", ""]}, session=session, reference=reference)
    assert empty.status_code == 400 and "Enter the response date agreed with the person" in empty.get_data(as_text=True)
    too_far = post(officer, url, {"agreed_date": ["1", "12", "2027"]}, session=session, reference=reference)
    assert too_far.status_code == 409 and "at most 6 months" in too_far.get_data(as_text=True)
    assert post(officer, url, {"agreed_date": ["26", "2", "2027"]}, session=session, reference=reference).status_code == 302
    assert case_row(session, reference).respond_by == date(2027, 2, 26)


def test_withdraw_reopen_and_the_service_loop(app, session, team):
    reference = triaged_case(app, team)
    base = f"/staff/cases/{reference}"
    officer = client_for(app, session, team["author"])
    responder = client_for(app, session, team["responder"])
    act(app, reference, EventType.ACKNOWLEDGED, team["manager"])
    assert post(officer, f"{base}/pass-to-service", {}, session=session, reference=reference).status_code == 302
    assert f'href="{base}/returned-from-service"' in responder.get(base).get_data(as_text=True)
    assert post(responder, f"{base}/returned-from-service", {}, session=session, reference=reference).status_code == 302
    assert case_row(session, reference).status is CaseStatus.WITH_TEAM

    agent = client_for(app, session, team["agent"])
    assert post(agent, f"{base}/withdraw", {"reason": "Bins collected since."}, session=session, reference=reference).status_code == 302
    row = case_row(session, reference)
    assert row.status is CaseStatus.WITHDRAWN and row.closure_reason == "Bins collected since."
    empty = post(officer, f"{base}/reopen", {"reason": " "}, session=session, reference=reference)
    assert empty.status_code == 400 and "Enter why the case is being reopened" in empty.get_data(as_text=True)
    assert post(officer, f"{base}/reopen", {"reason": "Missed again."}, session=session, reference=reference).status_code == 302
    assert case_row(session, reference).status is CaseStatus.REOPENED


def test_the_ombudsman_referral_after_a_sent_response(app, session, team):
    reference = triaged_case(app, team)
    act(app, reference, EventType.ACKNOWLEDGED, team["manager"])
    act(app, reference, EventType.RESPONSE_DRAFTED, team["author"], findings={"1": "upheld", "2": "not_upheld"})
    act(app, reference, EventType.SUBMITTED_FOR_CHECK, team["author"])
    act(app, reference, EventType.RESPONSE_SENT, team["checker"])
    manager = client_for(app, session, team["manager"])
    assert post(manager, f"/staff/cases/{reference}/refer-to-ombudsman", {}, session=session, reference=reference).status_code == 302
    assert case_row(session, reference).status is CaseStatus.WITH_OMBUDSMAN


def test_a_stale_response_form_gets_a_409_that_keeps_what_was_typed(app, session, team):
    reference = triaged_case(app, team)
    act(app, reference, EventType.ACKNOWLEDGED, team["manager"])
    author = client_for(app, session, team["author"])
    url = f"/staff/cases/{reference}/response"
    seen = case_row(session, reference).version
    token = author.csrf_token(url)
    act(app, reference, EventType.NOTE_ADDED, team["checker"], text="Spoke to the crew.")
    stale = author.post(url, data={"csrf_token": token, "version": seen, **response_data(body="Typed on an old page.")})
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else changed this case" in body and "Typed on an old page." in body
    assert "The crew missed the street." in body
    assert f'value="{case_row(session, reference).version}"' in body
    assert the_response(session, reference) is None


def test_a_stale_confirmation_is_refused_with_409(app, session, team):
    reference = triaged_case(app, team)
    officer = client_for(app, session, team["author"])
    url = f"/staff/cases/{reference}/acknowledge"
    seen = case_row(session, reference).version
    token = officer.csrf_token(url)
    act(app, reference, EventType.NOTE_ADDED, team["checker"], text="A note.")
    stale = officer.post(url, data={"csrf_token": token, "version": seen})
    assert stale.status_code == 409 and "Someone else changed this case" in stale.get_data(as_text=True)
    assert case_row(session, reference).status is CaseStatus.TRIAGED


@pytest.mark.parametrize("flushed", [False, True], ids=["changed-in-memory", "flushed"])
def test_a_refusal_after_the_case_was_changed_shows_the_case_as_saved(app, session, team, monkeypatch, flushed):
    """staff/actions.py: the savepoint undoes the attempt, and the page is drawn from the database."""
    reference = triaged_case(app, team)
    officer = client_for(app, session, team["author"])

    def half_done(case, action, actor, **payload):
        case.status, case.vulnerable, case.vulnerability_note = CaseStatus.WITHDRAWN, True, "Half done"
        if flushed:
            db.session.flush()
        raise GuardFailed("Refused after changing the case.")

    monkeypatch.setattr("shared.services.engine.perform", half_done)
    response = post(officer, f"/staff/cases/{reference}/notes", {"text": "Typed note"}, session=session, reference=reference)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "There is a problem" in body and "Refused after changing the case." in body and "Typed note" in body
    assert "Triaged as a complaint" in body and "Half done" not in body and ">Withdrawn<" not in body
    row = case_row(session, reference)
    assert row.status is CaseStatus.TRIAGED and not row.vulnerable


def test_a_bad_payment_amount_is_refused(app, session, team):
    reference = triaged_case(app, team)
    act(app, reference, EventType.ACKNOWLEDGED, team["manager"])
    author = client_for(app, session, team["author"])
    for amount, message in (("", "Enter the amount of the payment"), ("12.345", "Enter the amount in pounds"),
                            ("0", "The amount must be more than £0"), ("200000", "The amount must be £100,000 or less")):
        response = post(author, f"/staff/cases/{reference}/response", response_data(payment_amount=amount),
                        session=session, reference=reference)
        assert response.status_code == 400 and message in response.get_data(as_text=True), amount


ACTION_URLS = {
    "acknowledge": Role.OFFICER, "investigate": Role.OFFICER, "pass-to-service": Role.OFFICER,
    "returned-from-service": Role.RESPONDER, "escalate": Role.OFFICER, "withdraw": Role.AGENT, "reopen": Role.OFFICER,
    "refer-to-ombudsman": Role.OFFICER, "extend": Role.OFFICER, "extended": Role.OFFICER, "close": Role.OFFICER,
    "response": Role.RESPONDER, "response/submit": Role.RESPONDER, "check": Role.OFFICER, "response/letter": Role.AGENT,
}
TEAM_ONLY = [path for path, lowest in ACTION_URLS.items() if lowest is Role.OFFICER]


@pytest.mark.parametrize("path", TEAM_ONLY)
@pytest.mark.parametrize("role", [Role.AGENT, Role.RESPONDER, Role.ADMIN, Role.RESIDENT])
def test_roles_the_table_does_not_allow_are_refused(app, session, make, team, path, role):
    reference = triaged_case(app, team)
    user = team["resident"] if role is Role.RESIDENT else make.user(role, service_id=team["service"].id if role is Role.RESPONDER else None)
    client = client_for(app, session, user)
    if path == "withdraw" and role is Role.AGENT:
        pytest.skip("agents record withdrawals")
    assert client.get(f"/staff/cases/{reference}/{path}").status_code == 403
    if path not in {"extended"}:
        token = client.csrf_token("/sign-in")
        assert client.post(f"/staff/cases/{reference}/{path}", data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("path", list(ACTION_URLS))
def test_a_responder_for_another_service_gets_not_found(app, session, make, team, path):
    reference = triaged_case(app, team)
    outsider = make.user(Role.RESPONDER, service_id=make.service().id)
    client = client_for(app, session, outsider)
    if ACTION_URLS[path] is Role.RESPONDER:
        assert client.get(f"/staff/cases/{reference}/{path}").status_code == 404
    if path in {"response", "response/submit", "returned-from-service"}:
        token = client.csrf_token("/sign-in")
        assert client.post(f"/staff/cases/{reference}/{path}", data={"csrf_token": token}).status_code == 404


def test_the_case_page_shows_only_the_allowed_actions_and_stays_within_the_query_budget(app, session, team):
    reference = triaged_case(app, team)
    act(app, reference, EventType.ACKNOWLEDGED, team["manager"])
    base = f"/staff/cases/{reference}"
    officer = client_for(app, session, team["author"])
    page = officer.get(base)  # the strict client checks the query budget
    body = page.get_data(as_text=True)
    for path in ("investigate", "pass-to-service", "response", "extend", "withdraw", "close"):
        assert f'href="{base}/{path}"' in body, path
    for path in ("acknowledge", "check", "reopen", "escalate"):
        assert f'href="{base}/{path}"' not in body, path
    assert "Respond by" in body
    agent_page = client_for(app, session, team["agent"]).get(base).get_data(as_text=True)
    assert f'href="{base}/withdraw"' in agent_page and f'href="{base}/investigate"' not in agent_page


def test_the_check_is_offered_to_others_but_not_to_the_author(app, session, team):
    reference = triaged_case(app, team)
    act(app, reference, EventType.ACKNOWLEDGED, team["manager"])
    act(app, reference, EventType.RESPONSE_DRAFTED, team["author"], findings={"1": "upheld", "2": "not_upheld"})
    act(app, reference, EventType.SUBMITTED_FOR_CHECK, team["author"])
    check = f'href="/staff/cases/{reference}/check"'
    assert check not in client_for(app, session, team["author"]).get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert check in client_for(app, session, team["checker"]).get(f"/staff/cases/{reference}").get_data(as_text=True)


def test_a_sent_response_reaches_the_residents_portal_and_their_inbox(app, session, team):
    from shared.models import OutboxMessage

    reference = triaged_case(app, team)
    act(app, reference, EventType.ACKNOWLEDGED, team["manager"])
    author = client_for(app, session, team["author"])
    assert post(author, f"/staff/cases/{reference}/response", response_data("Dear Jane, we are sorry."),
                session=session, reference=reference).status_code == 302
    assert post(author, f"/staff/cases/{reference}/response/submit", {"submit": "y"},
                session=session, reference=reference).status_code == 302
    checker = client_for(app, session, team["checker"])
    assert post(checker, f"/staff/cases/{reference}/check", {"submit": "y"},
                session=session, reference=reference).status_code == 302
    case = case_row(session, reference)
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id,
                                                        OutboxMessage.template == "response_sent"))
    assert message is not None and message.recipient == team["resident"].email
    assert "we are sorry" not in message.body  # no complaint or response text in email, only a link
    resident = client_for(app, session, team["resident"])
    page = resident.get(f"/cases/{reference}").get_data(as_text=True)
    assert "Our response at stage 1" in page and "Dear Jane, we are sorry." in page
    assert "The crew missed the street." in page and "Upheld" in page
