"""Triage through the test client: every decision, split, allocation with workloads, bulk allocation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from shared.clock import utcnow
from shared.domain.enums import CaseKind, CaseReason, CaseStatus, ClosureCode, EventType, Role
from shared.models import Case, CaseEvent, CaseStage
from unit_tests import strict_client
from unit_tests.test_route_access import quick_sign_in


@pytest.fixture
def world(make):
    service = make.service(name="Waste and recycling")
    other_service = make.service(name="Housing repairs")
    resident = make.user(Role.RESIDENT, full_name="Jane Williams")
    case = make.case(resident, service, what_happened="Bins missed. Crew rude.", outcome_wanted="Collect the bins and apologise.")
    return {"service": service, "other_service": other_service, "resident": resident, "case": case}


def signed_in(client, session, make, role: Role, **fields):
    user = make.user(role, **fields)
    quick_sign_in(client, session, user)
    return user


def reload(session, case: Case) -> Case:
    session.expire_all()
    return session.get(Case, case.id)


def events(session, case: Case) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))


def page(response) -> str:
    return response.get_data(as_text=True)


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_flags_vulnerable_and_split_cases_and_links_each_to_its_triage_page(client, session, make, world):
    flagged = make.case(world["resident"], world["service"], vulnerable=True, vulnerability_note="Lives alone.")
    split = make.case(world["resident"], world["service"], split_from_id=world["case"].id)
    for _ in range(5):
        make.case(make.user(Role.RESIDENT), world["service"])
    signed_in(client, session, make, Role.OFFICER)
    body = page(client.get("/staff/triage"))  # the strict client holds it to 10 queries
    assert f'/staff/cases/{flagged.reference}/triage"' in body
    assert f'/staff/cases/{world["case"].reference}/triage"' in body
    row = body[body.index(flagged.reference):body.index(flagged.reference) + 3000]
    assert "Vulnerable" in row
    assert "Split" in body[body.index(split.reference):body.index(split.reference) + 3000]
    assert 'name="cases"' in body and "Allocate selected" in body


def _queue_rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a class="govuk-link" href="/staff/cases/([^"]+)">', html)


def test_the_queue_refreshes_itself_with_its_list_alone_and_the_same_rows(client, session, make, world):
    for _ in range(3):
        make.case(make.user(Role.RESIDENT), world["service"])
    signed_in(client, session, make, Role.OFFICER)
    whole = page(client.get("/staff/triage"))
    assert 'hx-get="/staff/triage?page=1&amp;seen=4" hx-trigger="every 30s"' in whole
    assert '<div id="triage-announcement" class="govuk-visually-hidden" role="status"></div>' in whole
    refreshed = client.get("/staff/triage?page=1&seen=4", headers={"HX-Request": "true"})
    fragment = page(refreshed)  # the strict client checks it as a fragment: valid, unique ids, CSRF
    assert refreshed.status_code == 200 and fragment.lstrip().startswith('<div id="triage-queue"')
    assert "<h1" not in fragment and "<html" not in fragment
    assert "HX-Request" in refreshed.headers["Vary"]
    assert _queue_rows(fragment) == _queue_rows(whole) and len(_queue_rows(fragment)) == 4
    assert "4 new contacts waiting" in fragment
    assert "triage-announcement" not in fragment  # nothing changed: nothing to announce


def test_a_refresh_announces_only_a_change_in_the_number_waiting(client, session, make, world):
    signed_in(client, session, make, Role.MANAGER)
    make.case(make.user(Role.RESIDENT), world["service"])
    changed = page(client.get("/staff/triage?page=1&seen=1", headers={"HX-Request": "true"}))
    assert ('<div id="triage-announcement" hx-swap-oob="innerHTML">The queue has changed: 2 new contacts waiting.</div>'
            in changed)
    assert 'seen=2"' in changed  # the next refresh compares with what is shown now
    world["case"].status = CaseStatus.TRIAGED
    session.commit()
    fewer = page(client.get("/staff/triage?page=1&seen=2", headers={"HX-Request": "true"}))
    assert "The queue has changed: 1 new contact waiting." in fewer


def test_a_refresh_does_not_take_the_bulk_allocation_warning(client, session, make, world):
    signed_in(client, session, make, Role.OFFICER)
    with client.session_transaction() as cookie:
        cookie["bulk_allocation_refused"] = [("RDR-0000-0000", "There is no case with this reference.")]
    assert "RDR-0000-0000" not in page(client.get("/staff/triage?seen=1", headers={"HX-Request": "true"}))
    assert "RDR-0000-0000: There is no case with this reference." in page(client.get("/staff/triage"))


def test_the_queue_does_not_refresh_over_a_form_with_errors(client, session, make, world):
    signed_in(client, session, make, Role.OFFICER)
    response = client.submit("/staff/triage/allocate", {"cases": world["case"].reference}, form_url="/staff/triage")
    assert response.status_code == 400 and "hx-trigger" not in page(response)


# --- the decision page -------------------------------------------------------------------------


def test_agents_get_the_first_contact_decisions_of_the_transition_table(client, session, make, world):
    """The table gives agents complaint, service request and feedback; the rest is the team's."""
    signed_in(client, session, make, Role.AGENT)
    url = f"/staff/cases/{world['case'].reference}/triage"
    body = page(client.get(url))
    for allowed in ("complaint", "service-request", "compliment", "comment"):
        assert f'value="{allowed}"' in body
    for refused in ("signpost", "duplicate", "refuse", "split"):
        assert f'value="{refused}"' not in body
    response = client.submit(url, {"decision": "signpost"})
    assert response.status_code == 400 and "Select what this contact is" in page(response)
    assert client.get(f"{url}/signpost").status_code == 404
    assert client.get(f"/staff/cases/{world['case'].reference}/split").status_code == 403


def test_officers_see_every_decision(client, session, make, world):
    signed_in(client, session, make, Role.OFFICER)
    body = page(client.get(f"/staff/cases/{world['case'].reference}/triage"))
    for value in ("complaint", "service-request", "compliment", "comment", "signpost", "duplicate", "refuse", "split"):
        assert f'value="{value}"' in body


@pytest.mark.parametrize("role", [Role.RESPONDER, Role.ADMIN, Role.RESIDENT])
def test_other_roles_cannot_triage(client, session, make, world, role):
    signed_in(client, session, make, role)
    assert client.get(f"/staff/cases/{world['case'].reference}/triage").status_code == 403


def test_an_empty_decision_is_refused_with_the_message(client, session, make, world):
    signed_in(client, session, make, Role.OFFICER)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage", {})
    assert response.status_code == 400
    assert "Select what this contact is" in page(response) and "<title>Error:" in page(response)


@pytest.mark.parametrize("decision", ["complaint", "signpost", "duplicate", "refuse"])
def test_decisions_with_details_go_to_their_own_page(client, session, make, world, decision):
    signed_in(client, session, make, Role.OFFICER)
    url = f"/staff/cases/{world['case'].reference}/triage"
    response = client.submit(url, {"decision": decision})
    assert response.status_code == 302 and response.location.endswith(f"{url}/{decision}")
    assert client.get(response.location).status_code == 200


def test_split_goes_to_the_split_page(client, session, make, world):
    signed_in(client, session, make, Role.MANAGER)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage", {"decision": "split"})
    assert response.location.endswith(f"/staff/cases/{world['case'].reference}/split")


@pytest.mark.parametrize(
    ("role", "decision", "status", "kind"),
    [
        (Role.AGENT, "service-request", CaseStatus.SERVICE_REQUEST, CaseKind.COMPLAINT),
        (Role.OFFICER, "compliment", CaseStatus.FEEDBACK, CaseKind.COMPLIMENT),
        (Role.MANAGER, "comment", CaseStatus.FEEDBACK, CaseKind.COMMENT),
    ],
)
def test_decisions_without_details_are_recorded_at_once(client, session, make, world, role, decision, status, kind):
    signed_in(client, session, make, role)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage", {"decision": decision})
    assert response.status_code == 302
    expected = "/staff/triage" if role is not Role.AGENT else f"/staff/cases/{world['case'].reference}"
    assert response.location.endswith(expected)
    case = reload(session, world["case"])
    assert case.status is status and case.kind is kind and case.closed_at is not None


def test_a_stale_decision_keeps_the_choice_and_answers_409(client, session, make, world):
    signed_in(client, session, make, Role.OFFICER)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage",
                             {"decision": "compliment", "version": str(world["case"].version - 1)})
    assert response.status_code == 409
    body = page(response)
    assert "Someone else changed this case" in body
    assert 'value="compliment" checked' in body
    assert f'name="version" type="hidden" value="{world["case"].version}"' in body
    assert reload(session, world["case"]).status is CaseStatus.RECEIVED


def test_a_case_already_triaged_offers_nothing_to_agents(client, session, make, world):
    triaged = make.case(world["resident"], world["service"], status=CaseStatus.TRIAGED)
    signed_in(client, session, make, Role.AGENT)
    body = page(client.get(f"/staff/cases/{triaged.reference}/triage"))
    assert "There is no triage decision you can record" in body


# --- complaint ---------------------------------------------------------------------------------


def complaint_answers(world, **changes):
    answers = {
        "procedure": "corporate",
        "service": str(world["other_service"].id),
        "reason": CaseReason.STAFF_ATTITUDE.value,
        "points": "The bins were missed three weeks running.\n\n  The crew were rude.  \n",
        "outcome": "Collect the bins and apologise.",
        "vulnerable": "y",
        "vulnerability_note": "Lives alone and uses a wheelchair.",
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.MANAGER])
def test_a_complaint_records_its_definition_reason_service_and_vulnerability(client, session, make, world, role):
    signed_in(client, session, make, role)
    url = f"/staff/cases/{world['case'].reference}/triage/complaint"
    form = page(client.get(url))
    assert "Collect the bins and apologise." in form  # the outcome is prefilled from what the resident said
    assert 'value="corporate" checked' in form
    response = client.submit(url, complaint_answers(world))
    assert response.status_code == 302, page(response)[:3000]
    case = reload(session, world["case"])
    assert case.status is CaseStatus.TRIAGED
    assert case.reason is CaseReason.STAFF_ATTITUDE
    assert case.service_id == world["other_service"].id
    assert case.vulnerable and case.vulnerability_note == "Lives alone and uses a wheelchair."
    assert [p["text"] for p in case.definition["points"]] == ["The bins were missed three weeks running.", "The crew were rude."]
    assert case.definition["outcome"] == "Collect the bins and apologise."
    event = events(session, case)[-1]
    assert event.type is EventType.TRIAGED_COMPLAINT
    assert event.details["reason"] == "staff_attitude" and event.details["vulnerable"] is True
    assert event.details["service"]["to"] == world["other_service"].id
    assert "wheelchair" not in str(event.details)


def test_a_complaint_under_another_procedure_restarts_its_clocks(client, session, make, world):
    signed_in(client, session, make, Role.OFFICER)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage/complaint",
                             complaint_answers(world, procedure="local-policy", vulnerable=None, vulnerability_note=None))
    assert response.status_code == 302
    case = reload(session, world["case"])
    assert case.procedure_id == make.procedure_id("local-policy") and not case.vulnerable
    assert events(session, case)[-1].details["procedure"] == "local-policy"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"points": "  \n \n"}, "Enter at least one point of the complaint"),
        ({"vulnerability_note": ""}, "Describe the vulnerability or risk"),
        ({"reason": None}, "Select what the complaint is mainly about"),
        ({"service": ""}, "Select the service the complaint is about"),
        ({"procedure": "not-a-procedure"}, "Select the procedure that applies"),
        ({"outcome": ""}, "Enter the outcome the person wants"),
    ],
)
def test_a_complaint_with_a_gap_keeps_what_was_typed(client, session, make, world, changes, message):
    signed_in(client, session, make, Role.OFFICER)
    answers = complaint_answers(world, points="The crew were rude.", **{k: v for k, v in changes.items() if k != "points"})
    if "points" in changes:
        answers["points"] = changes["points"]
    if changes.get("reason", "") is None:
        answers.pop("reason", None)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage/complaint", answers)
    assert response.status_code == 400
    body = page(response)
    assert message in body and "There is problem" not in body and "<title>Error:" in body
    if "points" not in changes:
        assert "The crew were rude." in body
    if "vulnerability_note" not in changes:
        assert "Lives alone and uses a wheelchair." in body
    assert reload(session, world["case"]).status is CaseStatus.RECEIVED


# --- signpost, duplicate, refuse ---------------------------------------------------------------


def test_signposting_links_the_organisation_and_closes_the_case(client, session, make, world):
    advice = make.organisation("Citizens Advice")
    retired = make.organisation("Old Advice Line", active=False)
    signed_in(client, session, make, Role.OFFICER)
    url = f"/staff/cases/{world['case'].reference}/triage/signpost"
    body = page(client.get(url))
    assert "Citizens Advice" in body and "Old Advice Line" not in body
    refused = client.submit(url, {"organisation": str(retired.id), "note": "Gave them the number."})
    assert refused.status_code == 400 and "Gave them the number." in page(refused)
    response = client.submit(url, {"organisation": str(advice.id), "note": "Gave them the number."})
    assert response.status_code == 302
    case = reload(session, world["case"])
    assert case.status is CaseStatus.SIGNPOSTED and case.signposted_to_id == advice.id
    assert case.closure_code is ClosureCode.REFERRED_ELSEWHERE
    assert events(session, case)[-1].details["organisation"] == {"id": advice.id, "name": "Citizens Advice"}


def test_agents_cannot_signpost(client, session, make, world):
    advice = make.organisation()
    signed_in(client, session, make, Role.AGENT)
    url = f"/staff/cases/{world['case'].reference}/triage/signpost"
    assert client.get(url).status_code == 404
    token = client.csrf_token(f"/staff/cases/{world['case'].reference}/triage")
    assert client.post(url, data={"csrf_token": token, "organisation": str(advice.id)}).status_code == 404
    assert reload(session, world["case"]).status is CaseStatus.RECEIVED


def test_a_duplicate_must_name_another_existing_case(client, session, make, world):
    original = make.case(world["resident"], world["service"], status=CaseStatus.TRIAGED)
    signed_in(client, session, make, Role.OFFICER)
    url = f"/staff/cases/{world['case'].reference}/triage/duplicate"
    # The triage rules refuse these (409, like every refusal by the case rules), keeping what was typed.
    missing = client.submit(url, {"reference": "RDR-0000-0000"})
    assert missing.status_code == 409
    assert "There is no case with the reference RDR-0000-0000" in page(missing) and 'value="RDR-0000-0000"' in page(missing)
    itself = client.submit(url, {"reference": world["case"].reference.lower()})
    assert itself.status_code == 409 and "cannot be a duplicate of itself" in page(itself)
    badly = client.submit(url, {"reference": "not a reference"})  # the form's own check (400)
    assert badly.status_code == 400 and "correct format" in page(badly)
    assert reload(session, world["case"]).status is CaseStatus.RECEIVED
    typed = original.reference.lower().replace("-", " ")
    response = client.submit(url, {"reference": typed})
    assert response.status_code == 302
    case = reload(session, world["case"])
    assert case.status is CaseStatus.DUPLICATE and case.duplicate_of_id == original.id


def test_a_refusal_needs_its_ground_reason_and_the_ombudsman_confirmation(client, session, make, world):
    signed_in(client, session, make, Role.MANAGER)
    url = f"/staff/cases/{world['case'].reference}/triage/refuse"
    response = client.submit(url, {"ground": "too_late", "reason": "More than 12 months old."})
    assert response.status_code == 400
    body = page(response)
    assert "Confirm you have told the person about their right to go to the Ombudsman" in body
    assert "More than 12 months old." in body and 'value="too_late" checked' in body
    response = client.submit(url, {"ground": "too_late", "ombudsman_right_given": "y"})
    assert response.status_code == 400 and "Explain why the complaint is not being taken forward" in page(response)
    response = client.submit(url, {"reason": "More than 12 months old.", "ombudsman_right_given": "y"})
    assert response.status_code == 400 and "Select why the complaint is not being taken forward" in page(response)
    response = client.submit(url, {"ground": "because", "reason": "More than 12 months old.",
                                   "ombudsman_right_given": "y"})
    assert response.status_code == 400 and "Select why the complaint is not being taken forward" in page(response)
    response = client.submit(url, {"ground": "too_late", "reason": "More than 12 months old.",
                                   "ombudsman_right_given": "y"})
    assert response.status_code == 302
    case = reload(session, world["case"])
    assert case.status is CaseStatus.REFUSED and case.closure_reason == "More than 12 months old."
    event = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                    CaseEvent.type == EventType.REFUSED)).one()
    assert event.details["ground"] == "too_late" and event.details["reason"] == "More than 12 months old."
    timeline = page(client.get(f"/staff/cases/{case.reference}"))
    assert "More than 12 months since the person knew about the problem." in timeline


def test_a_stale_details_page_keeps_what_was_typed(client, session, make, world):
    signed_in(client, session, make, Role.OFFICER)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage/refuse",
                             {"ground": "too_late", "reason": "Out of time.", "ombudsman_right_given": "y",
                              "version": "0"})
    assert response.status_code == 409
    assert "Out of time." in page(response) and "Someone else changed this case" in page(response)


# --- split -------------------------------------------------------------------------------------


@pytest.fixture
def generous_query_limit(monkeypatch):
    """A split or bulk allocation writes per case: 2 cases must stay within 30 statements."""
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 30)


def test_split_keeps_the_first_issue_and_makes_linked_cases_received_at_the_same_time(
    client, session, make, world, generous_query_limit
):
    signed_in(client, session, make, Role.OFFICER)
    url = f"/staff/cases/{world['case'].reference}/split"
    assert "The first issue stays on this case" in page(client.get(url))
    response = client.submit(url, {
        "issue_1": "Bins missed.", "service_1": str(world["service"].id),
        "issue_2": "Crew rude.", "service_2": str(world["other_service"].id),
        "issue_3": "Garden waste not collected.", "service_3": str(world["service"].id),
    })
    assert response.status_code == 302, page(response)[page(response).find("govuk-error"):][:1500]
    original = reload(session, world["case"])
    assert original.status is CaseStatus.TRIAGED
    assert [p["text"] for p in original.definition["points"]] == ["Bins missed."]
    new = list(session.scalars(select(Case).where(Case.split_from_id == original.id).order_by(Case.id)))
    assert [c.what_happened for c in new] == ["Crew rude.", "Garden waste not collected."]
    for case in new:
        assert case.status is CaseStatus.RECEIVED and case.received_at == original.received_at
        assert case.resident_id == original.resident_id and case.channel is original.channel
    assert new[0].service_id == world["other_service"].id
    note = events(session, original)[-1]
    assert note.type is EventType.NOTE_ADDED and all(c.reference in note.details["text"] for c in new)
    queue = page(client.get("/staff/triage"))
    assert all(c.reference in queue for c in new)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"issue_1": "Only one issue."}, "Enter at least 2 separate issues"),
        ({"issue_1": "Bins missed.", "issue_2": "Crew rude."}, "Select the service issue 2 is about"),
    ],
)
def test_split_with_gaps_keeps_what_was_typed(client, session, make, world, answers, message):
    signed_in(client, session, make, Role.MANAGER)
    data = {"service_1": str(world["service"].id), **answers}
    response = client.submit(f"/staff/cases/{world['case'].reference}/split", data)
    assert response.status_code == 400
    body = page(response)
    assert message in body and answers["issue_1"] in body
    assert session.scalar(select(Case).where(Case.split_from_id == world["case"].id)) is None


# --- allocation --------------------------------------------------------------------------------


def test_allocation_lists_handlers_with_their_open_cases(client, session, make, world):
    busy = make.user(Role.OFFICER, full_name="Priya Shah")
    for status in (CaseStatus.ACKNOWLEDGED, CaseStatus.WITH_TEAM, CaseStatus.CLOSED):
        make.case(world["resident"], world["service"], status=status, officer_id=busy.id)
    make.user(Role.OFFICER, full_name="Disabled Officer", disabled_at=utcnow())
    make.user(Role.RESPONDER, full_name="Waste Responder", service_id=world["service"].id)
    make.user(Role.RESPONDER, full_name="Housing Responder", service_id=world["other_service"].id)
    signed_in(client, session, make, Role.MANAGER, full_name="Helen Morgan")
    body = page(client.get(f"/staff/cases/{world['case'].reference}/allocate"))
    assert "Priya Shah" in body and "2 open cases" in body  # the closed one does not count
    assert "Waste Responder" in body and "Housing Responder" not in body and "Disabled Officer" not in body
    assert "Helen Morgan" in body and "0 open cases" in body
    response = client.submit(f"/staff/cases/{world['case'].reference}/allocate", {"handler": str(busy.id)})
    assert response.status_code == 302
    case = reload(session, world["case"])
    assert case.officer_id == busy.id
    assert events(session, case)[-1].type is EventType.ALLOCATED


def test_allocation_refuses_a_responder_from_another_service(client, session, make, world):
    other = make.user(Role.RESPONDER, service_id=world["other_service"].id)
    signed_in(client, session, make, Role.OFFICER)
    response = client.submit(f"/staff/cases/{world['case'].reference}/allocate", {"handler": str(other.id)})
    assert response.status_code == 400 and "Select who should handle this case" in page(response)


def test_stage_two_must_go_to_someone_other_than_the_stage_one_handler(client, session, make, world):
    first = make.user(Role.OFFICER, full_name="Stage One Handler")
    second = make.user(Role.OFFICER, full_name="Someone Else")
    case = make.case(world["resident"], world["service"], status=CaseStatus.ESCALATED, stage=2)
    received = case.received_at - timedelta(days=30)
    session.add(CaseStage(case_id=case.id, number=1, started_at=received, received_on=received.date(),
                          handler_id=first.id, findings={}))
    session.commit()
    signed_in(client, session, make, Role.MANAGER)
    url = f"/staff/cases/{case.reference}/allocate"
    response = client.submit(url, {"handler": str(first.id)})
    assert response.status_code == 409  # the engine's guard refuses it
    body = page(response)
    assert "must be handled by someone other than the previous stage" in body
    assert f'value="{first.id}" checked' in body  # the choice is kept
    assert client.submit(url, {"handler": str(second.id)}).status_code == 302
    assert reload(session, case).officer_id == second.id


def test_bulk_allocation_allocates_each_case_and_lists_the_refused(client, session, make, world, generous_query_limit):
    officer = make.user(Role.OFFICER, full_name="Tom Evans")
    second = make.case(world["resident"], world["service"])
    closed = make.case(world["resident"], world["service"], status=CaseStatus.CLOSED)
    signed_in(client, session, make, Role.MANAGER)
    token = client.csrf_token("/staff/triage")
    response = client.post("/staff/triage/allocate", data={
        "csrf_token": token, "handler": str(officer.id),
        "cases": [world["case"].reference, second.reference, closed.reference],
    })
    assert response.status_code == 302
    assert reload(session, world["case"]).officer_id == officer.id
    assert reload(session, second).officer_id == officer.id
    assert reload(session, closed).officer_id is None
    body = page(client.get("/staff/triage"))
    assert "2 cases allocated to Tom Evans." in body
    assert "1 case was not allocated" in body and closed.reference in body and "That cannot be done now" in body
    assert "1 case was not allocated" not in page(client.get("/staff/triage"))  # shown once


def test_bulk_allocation_needs_cases_and_a_person(client, session, make, world):
    officer = make.user(Role.OFFICER)
    signed_in(client, session, make, Role.OFFICER)
    response = client.submit("/staff/triage/allocate", {"handler": str(officer.id)}, form_url="/staff/triage")
    assert response.status_code == 400 and "Select at least one case to allocate" in page(response)
    assert 'href="#cases"' in page(response)
    response = client.submit("/staff/triage/allocate", {"cases": world["case"].reference}, form_url="/staff/triage")
    assert response.status_code == 400 and "Select who to allocate the cases to" in page(response)
    assert f'value="{world["case"].reference}" checked' in page(response)


def test_agents_and_responders_cannot_allocate(client, session, make, world):
    signed_in(client, session, make, Role.AGENT)
    assert client.get(f"/staff/cases/{world['case'].reference}/allocate").status_code == 403


# --- the council's own reasons (issue 12) ---------------------------------------------------------


def _own_reasons(session, world):
    from shared.models import ComplaintReason

    made = {}
    for name, category, service in [
        ("Rude or unhelpful staff", CaseReason.STAFF_ATTITUDE, None),
        ("Missed bin collection", CaseReason.QUALITY_OF_SERVICE, world["service"]),
        ("Repair not done", CaseReason.QUALITY_OF_SERVICE, world["other_service"]),
        ("Delay", CaseReason.TIMELINESS, None),
        ("Withdrawn one", CaseReason.POLICY, None),
    ]:
        made[name] = ComplaintReason(name=name, name_cy=f"{name} cy", category=category, active=name != "Withdrawn one",
                                     service_id=service.id if service else None, sort_order=10)
        session.add(made[name])
    session.commit()
    return made


def test_with_reasons_of_its_own_triage_offers_those_for_the_service_grouped_by_category(client, session, make, world):
    made = _own_reasons(session, world)
    signed_in(client, session, make, Role.OFFICER)
    url = f"/staff/cases/{world['case'].reference}/triage/complaint"
    form = page(client.get(url))
    assert 'name="reason"' not in form  # the category alone is not asked
    assert "Missed bin collection" in form and "Repair not done" not in form and "Withdrawn one" not in form
    quality, staff = form.index(">Quality of service</h2>"), form.index(">Staff attitude and behaviour</h2>")
    assert quality < form.index("Missed bin collection") < form.index(">Timeliness</h2>") < staff
    assert staff < form.index("Rude or unhelpful staff")
    response = client.submit(url, complaint_answers(world, service=str(world["service"].id), reason=None,
                                                    reason_detail=str(made["Rude or unhelpful staff"].id)))
    assert response.status_code == 302, page(response)[:2000]
    case = reload(session, world["case"])
    assert (case.reason, case.reason_detail_id) == (CaseReason.STAFF_ATTITUDE, made["Rude or unhelpful staff"].id)
    assert events(session, case)[-1].details["reason_detail"] == {"id": made["Rude or unhelpful staff"].id,
                                                                   "name": "Rude or unhelpful staff"}


def test_a_reason_for_another_service_is_refused_and_the_new_service_s_reasons_are_offered(client, session, make, world):
    made = _own_reasons(session, world)
    signed_in(client, session, make, Role.OFFICER)
    url = f"/staff/cases/{world['case'].reference}/triage/complaint"
    # The case is about waste; the officer moves it to housing but keeps the bins reason.
    response = client.submit(url, complaint_answers(world, reason=None, reason_detail=str(made["Missed bin collection"].id),
                                                    outcome="Typed and kept."))
    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body and "Select a reason offered for the service you chose" in body
    assert 'href="#reason_detail"' in body and "Typed and kept." in body
    assert "Repair not done" in body and "Missed bin collection" not in body.split("<form")[1]
    case = reload(session, world["case"])
    assert case.status is CaseStatus.RECEIVED and case.reason is None


def test_with_reasons_none_chosen_is_an_error_and_naming_staff_needs_a_staff_reason(client, session, make, world):
    made = _own_reasons(session, world)
    signed_in(client, session, make, Role.OFFICER)
    url = f"/staff/cases/{world['case'].reference}/triage/complaint"
    response = client.submit(url, complaint_answers(world, service=str(world["service"].id), reason=None))
    assert response.status_code == 400
    assert "Select what the complaint is mainly about" in page(response)
    response = client.submit(url, complaint_answers(
        world, service=str(world["service"].id), reason=None, reason_detail=str(made["Delay"].id),
        employee_1_name="Sam", employee_1_service=str(world["service"].id)))
    assert response.status_code == 400
    assert "Only name employees when the complaint is mainly about staff attitude and behaviour" in page(response)
