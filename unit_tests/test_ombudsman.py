"""Ombudsman enquiries through the test client: recording, the engine action, decisions, recommendations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import CaseStatus, EventType, Ombudsman, OmbudsmanDecision, Role
from shared.models import Case, CaseEvent, OmbudsmanRecommendation, OmbudsmanReferral
from unit_tests.test_route_access import quick_sign_in

MONDAY_14_DEC = "2026-12-14T10:00"


@pytest.fixture
def world(app, make):
    clock.set_now(MONDAY_14_DEC)
    service = make.service("housing", "Housing")
    resident = make.user(Role.RESIDENT)
    return {
        "service": service,
        "resident": resident,
        "officer": make.user(Role.OFFICER),
        "manager": make.user(Role.MANAGER),
        "agent": make.user(Role.AGENT),
        "admin": make.user(Role.ADMIN),
        "responder": make.user(Role.RESPONDER, service_id=service.id),
        "sent": make.case(resident, service, status=CaseStatus.RESPONSE_SENT),
        "open": make.case(resident, service, status=CaseStatus.WITH_TEAM),
        "housing": make.case(resident, service, status=CaseStatus.CLOSED, procedure="housing"),
    }


def as_user(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


def parts(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def enquiry(client, reference: str, **fields):
    data = {"ombudsman": "lgsco", "their_reference": "25 001 234", "received_on": parts(date(2026, 12, 10)),
            "information_due_on": parts(date(2027, 1, 11)), **fields}
    return client.submit(f"/staff/cases/{reference}/ombudsman/new", data)


def make_referral(session, case, **fields) -> OmbudsmanReferral:
    referral = OmbudsmanReferral(case_id=case.id, ombudsman=Ombudsman.LGSCO, their_reference=fields.pop("ref", "25 000 001"),
                                 received_on=date(2026, 12, 1), decision=fields.pop("decision", OmbudsmanDecision.PENDING),
                                 created_at=clock.utcnow(), **fields)
    session.add(referral)
    session.commit()
    return referral


def add_recommendation(session, referral, text: str, due_on: date, complied_on: date | None = None):
    recommendation = OmbudsmanRecommendation(referral_id=referral.id, text=text, due_on=due_on, complied_on=complied_on)
    session.add(recommendation)
    session.commit()
    return recommendation


def case_row(session, case_id: int) -> Case:
    session.expire_all()
    return session.get(Case, case_id)


# --- recording an enquiry ------------------------------------------------------------------------------


def test_recording_an_enquiry_moves_the_case_when_the_engine_allows(app, session, world):
    client = as_user(app, session, world["officer"])
    reference = world["sent"].reference
    assert f"/staff/cases/{reference}/ombudsman/new" in client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    response = enquiry(client, reference)
    assert response.status_code == 302
    referral = session.scalar(select(OmbudsmanReferral).where(OmbudsmanReferral.case_id == world["sent"].id))
    assert response.location.endswith(f"/staff/ombudsman/{referral.id}")
    assert referral.their_reference == "25 001 234" and referral.decision is OmbudsmanDecision.PENDING
    assert referral.information_due_on == date(2027, 1, 11)
    assert case_row(session, world["sent"].id).status is CaseStatus.WITH_OMBUDSMAN
    events = session.scalars(select(CaseEvent.type).where(CaseEvent.case_id == world["sent"].id)).all()
    assert EventType.REFERRED_TO_OMBUDSMAN in events
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "With the Ombudsman" in page and "Ombudsman reference 25 001 234" in page


def test_recording_an_enquiry_on_a_case_still_open_only_records_it(app, session, world):
    client = as_user(app, session, world["manager"])
    response = enquiry(client, world["open"].reference)
    assert response.status_code == 302
    assert session.scalar(select(OmbudsmanReferral).where(OmbudsmanReferral.case_id == world["open"].id)) is not None
    assert case_row(session, world["open"].id).status is CaseStatus.WITH_TEAM


def test_the_ombudsman_defaults_to_the_cases_procedure(app, session, world):
    client = as_user(app, session, world["officer"])
    page = client.get(f"/staff/cases/{world['housing'].reference}/ombudsman/new").get_data(as_text=True)
    assert 'value="housing" checked' in page
    page = client.get(f"/staff/cases/{world['sent'].reference}/ombudsman/new").get_data(as_text=True)
    assert 'value="lgsco" checked' in page


def test_a_bad_enquiry_keeps_what_was_typed(app, session, world):
    client = as_user(app, session, world["officer"])
    response = enquiry(client, world["sent"].reference, their_reference="", received_on=["1", "1", "2027"],
                       information_due_on=["40", "1", "2027"])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the Ombudsman’s reference" in page
    assert "The date the enquiry was received must be today or in the past" in page
    assert "The date must be a real date" in page and 'value="40"' in page
    assert session.scalar(select(OmbudsmanReferral)) is None
    assert case_row(session, world["sent"].id).status is CaseStatus.RESPONSE_SENT


@pytest.mark.parametrize("who", ["agent", "responder", "admin"])
def test_only_the_complaints_team_records_enquiries(app, session, world, who):
    referral = make_referral(session, world["sent"])
    client = as_user(app, session, world[who])
    for url in (f"/staff/cases/{world['sent'].reference}/ombudsman/new", "/staff/ombudsman",
                f"/staff/ombudsman/{referral.id}", f"/staff/ombudsman/{referral.id}/recommendations/new"):
        assert client.get(url).status_code == 403, url


def test_unknown_cases_referrals_and_recommendations_are_not_found(app, session, world):
    referral = make_referral(session, world["sent"])
    other = make_referral(session, world["open"], ref="25 000 002")
    recommendation = add_recommendation(session, other, "Apologise", date(2027, 1, 1))
    client = as_user(app, session, world["officer"])
    assert client.get("/staff/cases/RDR-0000-0000/ombudsman/new").status_code == 404
    assert client.get("/staff/ombudsman/999999").status_code == 404
    # A recommendation of another referral is not found under this one.
    assert client.get(f"/staff/ombudsman/{referral.id}/recommendations/{recommendation.id}").status_code == 404


# --- the referral: decision and recommendations --------------------------------------------------------


def test_recording_information_sent_and_the_decision(app, session, world):
    referral = make_referral(session, world["sent"])
    client = as_user(app, session, world["officer"])
    url = f"/staff/ombudsman/{referral.id}"
    missing_date = client.submit(url, {"decision": "fault_injustice", "information_sent_on": parts(date(2026, 12, 11))})
    assert missing_date.status_code == 400
    page = missing_date.get_data(as_text=True)
    assert "Enter the date of the decision" in page and 'value="11"' in page
    response = client.submit(url, {"decision": "fault_injustice", "information_sent_on": parts(date(2026, 12, 11)),
                                   "decided_on": parts(date(2026, 12, 14))})
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(OmbudsmanReferral, referral.id)
    assert saved.decision is OmbudsmanDecision.FAULT_INJUSTICE
    assert saved.information_sent_on == date(2026, 12, 11) and saved.decided_on == date(2026, 12, 14)
    assert "Fault with injustice" in client.get("/staff/ombudsman").get_data(as_text=True)


def test_adding_several_recommendations_and_the_overdue_flag(app, session, world):
    referral = make_referral(session, world["sent"], decision=OmbudsmanDecision.FAULT_INJUSTICE)
    client = as_user(app, session, world["officer"])
    url = f"/staff/ombudsman/{referral.id}/recommendations/new"
    bad = client.submit(url, {"text": "Pay £200", "due_on": ["", "", ""]})
    assert bad.status_code == 400 and "Enter the date it must be done by" in bad.get_data(as_text=True)
    assert "Pay £200" in bad.get_data(as_text=True)
    assert client.submit(url, {"text": "Apologise in writing", "due_on": parts(date(2026, 12, 1))}).status_code == 302
    assert client.submit(url, {"text": "Pay £200", "due_on": parts(date(2027, 2, 1))}).status_code == 302
    page = client.get(f"/staff/ombudsman/{referral.id}").get_data(as_text=True)
    assert "Apologise in writing" in page and "Pay £200" in page
    assert page.count(">Overdue</strong>") == 1
    listing = client.get("/staff/ombudsman").get_data(as_text=True)
    assert "2 due" in listing and "1 overdue" in listing
    case_page = client.get(f"/staff/cases/{world['sent'].reference}").get_data(as_text=True)
    assert "2 recommendations due" in case_page and "1 overdue" in case_page


def test_marking_a_recommendation_complied_clears_the_overdue_flag(app, session, world):
    referral = make_referral(session, world["sent"])
    recommendation = add_recommendation(session, referral, "Apologise in writing", date(2026, 12, 1))
    client = as_user(app, session, world["manager"])
    url = f"/staff/ombudsman/{referral.id}/recommendations/{recommendation.id}"
    assert ">Overdue</strong>" in client.get(url).get_data(as_text=True)
    bad = client.submit(url, {"complied_on": parts(date(2026, 12, 12)), "evidence": ""})
    assert bad.status_code == 400 and "Enter the evidence sent to the Ombudsman" in bad.get_data(as_text=True)
    assert 'value="12"' in bad.get_data(as_text=True)
    response = client.submit(url, {"complied_on": parts(date(2026, 12, 12)), "evidence": "Letter of apology sent."})
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(OmbudsmanRecommendation, recommendation.id)
    assert saved.complied_on == date(2026, 12, 12) and saved.evidence == "Letter of apology sent."
    page = client.get(f"/staff/ombudsman/{referral.id}").get_data(as_text=True)
    assert ">Overdue</strong>" not in page and "Letter of apology sent." in page


def test_the_list_is_paginated(app, session, world):
    for n in range(26):
        make_referral(session, world["sent"], ref=f"REF-{n:03d}")
    client = as_user(app, session, world["officer"])
    first = client.get("/staff/ombudsman").get_data(as_text=True)
    assert "26 enquiries in total" in first
    assert client.get("/staff/ombudsman?page=2").status_code == 200


def test_the_case_panel_shows_learning_and_referral_to_readers_within_the_query_budget(app, session, world):
    """The strict client fails any page over 10 queries; the panel adds one."""
    make_referral(session, world["sent"], decision=OmbudsmanDecision.NO_FAULT)
    responder = as_user(app, session, world["responder"])
    response = responder.get(f"/staff/cases/{world['sent'].reference}")
    page = response.get_data(as_text=True)
    assert "No fault" in page and "Ombudsman reference 25 000 001" in page
    assert "/staff/ombudsman/" not in page  # a responder cannot open the record, so no link
    assert int(response.headers["X-Redress-Queries"]) <= 10
