"""A resident asks for the next stage of their complaint, or withdraws a case: the pages, the engine
actions they record, and refusals that say why and keep what was typed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import CaseStatus, ClosureCode, EventType, Role
from shared.models import Case, CaseEvent, OutboxMessage
from unit_tests.test_resident_cases import main_text, queries
from unit_tests.test_route_access import quick_sign_in

NOW = "2027-01-13T10:00:00"  # a Wednesday, London time


@pytest.fixture(autouse=True)
def _fixed_time():
    clock.set_now(NOW)


@pytest.fixture
def resident(make):
    return make.user(Role.RESIDENT, full_name="Jane Williams")


@pytest.fixture
def service(make):
    return make.service(name="Waste and recycling")


def _events(session, case, kind: EventType) -> list[CaseEvent]:
    session.expire_all()
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.type == kind)))


def _status(session, case) -> CaseStatus:
    session.expire_all()
    return session.get(Case, case.id).status


def _post(client, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": client.csrf_token(url)})


# --- escalate -------------------------------------------------------------------------------------


def test_the_escalation_page_explains_the_next_stage_and_its_timescales(client, session, make, resident, service):
    case = make.case_with_response(resident, service, escalation_ends=date(2027, 2, 10))
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{case.reference}/escalate")
    page = main_text(response)
    assert response.status_code == 200 and queries(response) <= 10
    assert "Ask us to look at your complaint again" in page
    assert "the next stage of our complaints procedure: Stage 2." in page
    assert "Someone who was not involved in our response at stage 1 will look at it again." in page
    assert "We will acknowledge your request within 5 working days." in page
    assert "We will send our response within 20 working days of acknowledging your request." in page
    assert "If you ask today" in page
    assert "We expect to acknowledge your request by 20 January 2027." in page
    assert "We expect to send you our stage 2 response by 17 February 2027." in page
    assert "You can ask us until 10 February 2027." in page
    assert "Tell us why you are not satisfied (optional)" in page


def test_asking_for_the_next_stage_records_it_and_confirms_the_expected_dates(client, session, make, resident, service):
    case = make.case_with_response(resident, service)
    quick_sign_in(client, session, resident)

    response = _post(client, f"/cases/{case.reference}/escalate",
                     {"version": str(case.version), "reason": "You did not look at the photos I sent."})

    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case.reference}/escalation-requested")
    assert _status(session, case) is CaseStatus.ESCALATION_REQUESTED
    (event,) = _events(session, case, EventType.ESCALATION_REQUESTED)
    assert event.actor_id == resident.id and event.details == {"reason": "You did not look at the photos I sent."}
    confirmation = client.get(response.location)
    page = main_text(confirmation)
    assert "Request sent" in page and case.reference in page
    assert "We expect to acknowledge your request by 20 January 2027." in page
    assert "We expect to send you our stage 2 response by 17 February 2027." in page
    assert "Escalation requested" in main_text(client.get(f"/cases/{case.reference}"))


def test_no_reason_is_needed_to_ask_for_the_next_stage(client, session, make, resident, service):
    case = make.case_with_response(resident, service)
    quick_sign_in(client, session, resident)
    response = _post(client, f"/cases/{case.reference}/escalate", {"version": str(case.version), "reason": ""})
    assert response.status_code == 302
    (event,) = _events(session, case, EventType.ESCALATION_REQUESTED)
    assert event.details == {}


def test_after_the_window_the_page_says_why_not_and_keeps_what_was_typed(client, session, make, resident, service):
    case = make.case_with_response(resident, service, escalation_ends=date(2027, 1, 20))
    quick_sign_in(client, session, resident)
    form_page = client.get(f"/cases/{case.reference}/escalate")
    assert form_page.status_code == 200
    clock.set_now("2027-01-21T09:00:00")  # the page was left open past the window's last day
    quick_sign_in(client, session, resident)  # and its session timed out: signed in again, same form

    response = _post(client, f"/cases/{case.reference}/escalate",
                     {"version": str(case.version), "reason": "The repair was never done."})

    page = main_text(response)
    assert response.status_code == 409
    assert "The time to ask for the next stage ended on 20 January 2027." in page
    assert "Traceback" not in page
    assert "The repair was never done." in page  # offered back, to send as a message
    assert f'action="/cases/{case.reference}/reply"' in page
    assert "Local Government and Social Care Ombudsman" in page
    assert _status(session, case) is CaseStatus.RESPONSE_SENT
    assert _events(session, case, EventType.ESCALATION_REQUESTED) == []


def test_the_escalation_page_after_the_window_explains_instead_of_offering_the_form(client, session, make, resident, service):
    case = make.case_with_response(resident, service, escalation_ends=date(2027, 1, 12))
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{case.reference}/escalate")
    page = main_text(response)
    assert response.status_code == 409
    assert "ended on 12 January 2027" in page and "Local Government and Social Care Ombudsman" in page
    assert "Ask us to look again" not in page


def test_after_the_final_stage_there_is_no_next_stage_only_the_ombudsman(client, session, make, resident, service):
    case = make.case_with_response(resident, service, stage=2, procedure="housing", window_days=0)
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{case.reference}/escalate")
    assert response.status_code == 409
    assert "final stage of our complaints procedure" in main_text(response)
    assert "Housing Ombudsman" in main_text(response)
    refused = _post(client, f"/cases/{case.reference}/escalate", {"version": str(case.version)})
    assert refused.status_code == 409
    assert _status(session, case) is CaseStatus.RESPONSE_SENT


def test_a_case_changed_meanwhile_shows_the_form_again_with_the_reason_kept(client, session, make, resident, service):
    case = make.case_with_response(resident, service)
    quick_sign_in(client, session, resident)
    response = _post(client, f"/cases/{case.reference}/escalate", {"version": str(case.version + 1), "reason": "Still broken."})
    page = main_text(response)
    assert response.status_code == 409
    assert "Someone else changed this case" in page and "Still broken." in page
    assert f'name="version" type="hidden" value="{case.version}"' in page  # the next try is against the case as it is
    assert _status(session, case) is CaseStatus.RESPONSE_SENT


def test_a_too_long_reason_is_refused_and_kept(client, session, make, resident, service):
    case = make.case_with_response(resident, service)
    quick_sign_in(client, session, resident)
    response = _post(client, f"/cases/{case.reference}/escalate", {"version": str(case.version), "reason": "y" * 5001})
    assert response.status_code == 400
    assert "must be 5,000 characters or fewer" in main_text(response) and "y" * 5001 in main_text(response)


def test_the_escalation_confirmation_is_not_found_when_nothing_was_asked(client, session, make, resident, service):
    case = make.case_with_response(resident, service)
    quick_sign_in(client, session, resident)
    assert client.get(f"/cases/{case.reference}/escalation-requested").status_code == 404


# --- withdraw ------------------------------------------------------------------------------------------


def test_withdrawing_asks_for_confirmation_then_closes_the_case(client, session, make, resident, service):
    case = make.case(resident, service, status=CaseStatus.WITH_TEAM)
    quick_sign_in(client, session, resident)
    form_page = main_text(client.get(f"/cases/{case.reference}/withdraw"))
    assert "we will stop looking into it and close the case" in form_page
    assert _status(session, case) is CaseStatus.WITH_TEAM  # nothing happens until they confirm

    response = _post(client, f"/cases/{case.reference}/withdraw",
                     {"version": str(case.version), "reason": "The bin was collected in the end."})

    assert response.status_code == 302 and response.location.endswith(f"/cases/{case.reference}/withdrawn")
    session.expire_all()
    stored = session.get(Case, case.id)
    assert stored.status is CaseStatus.WITHDRAWN and stored.closure_code is ClosureCode.WITHDRAWN
    assert stored.closure_reason == "The bin was collected in the end."
    (event,) = _events(session, case, EventType.WITHDRAWN)
    assert event.actor_id == resident.id
    (confirmation_mail,) = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
    assert confirmation_mail.template == "withdrawal_confirmed" and confirmation_mail.recipient == resident.email
    confirmation = main_text(client.get(response.location))
    assert "Case withdrawn" in confirmation and case.reference in confirmation
    assert "This case was withdrawn on 13 January 2027." in main_text(client.get(f"/cases/{case.reference}"))


def test_withdrawing_without_a_reason_is_fine(client, session, make, resident, service):
    case = make.case(resident, service)
    quick_sign_in(client, session, resident)
    assert _post(client, f"/cases/{case.reference}/withdraw", {"version": str(case.version)}).status_code == 302
    assert _status(session, case) is CaseStatus.WITHDRAWN


def test_a_withdrawal_without_the_pages_case_version_is_refused(client, session, make, resident, service):
    case = make.case(resident, service)
    quick_sign_in(client, session, resident)
    assert _post(client, f"/cases/{case.reference}/withdraw", {"reason": "Forged."}).status_code == 400
    assert _status(session, case) is CaseStatus.RECEIVED


def test_a_closed_case_cannot_be_withdrawn(client, session, make, resident, service):
    case = make.case(resident, service, status=CaseStatus.CLOSED, closed_at=clock.utcnow())
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{case.reference}/withdraw")
    assert response.status_code == 409
    assert "That cannot be done now" in main_text(response)


def test_a_withdrawal_refused_by_the_engine_keeps_the_reason(client, session, make, resident, service):
    case = make.case(resident, service, status=CaseStatus.WITH_TEAM)
    quick_sign_in(client, session, resident)
    url = f"/cases/{case.reference}/withdraw"
    token = client.csrf_token(url)
    stored = session.get(Case, case.id)
    stored.status = CaseStatus.WITH_OMBUDSMAN  # changed by the council after the page was shown
    session.commit()
    response = client.post(url, data={"csrf_token": token, "version": str(case.version), "reason": "Changed my mind."})
    assert response.status_code == 409
    assert "Changed my mind." in main_text(response)
    assert _status(session, case) is CaseStatus.WITH_OMBUDSMAN


def test_the_withdrawal_confirmation_is_not_found_for_a_case_not_withdrawn(client, session, make, resident, service):
    case = make.case(resident, service)
    quick_sign_in(client, session, resident)
    assert client.get(f"/cases/{case.reference}/withdrawn").status_code == 404
