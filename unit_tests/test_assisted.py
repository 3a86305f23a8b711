"""Logging a case for a customer: each step, the first-contact triage choice, splitting a call
into several cases, check answers and the read-back confirmation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shared.domain.enums import (
    AdjustmentKind,
    CaseKind,
    CaseStatus,
    Channel,
    ConsentMethod,
    ContactMethod,
    EventType,
    MessageFormat,
    Role,
)
from shared.models import Adjustment, AuditEvent, Case, CaseEvent, FeedbackDraft, OutboxMessage
from unit_tests import strict_client
from unit_tests.test_route_access import quick_sign_in


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(make):
    service = make.service(slug="housing-repairs", name="Housing repairs")
    bins = make.service(slug="waste", name="Waste and recycling")
    customer = make.user(Role.RESIDENT, full_name="Edna Jones", phone="01632 960 123",
                         address="3 Mill Lane\nRedbury\nRB2 5CD", preferred_contact=ContactMethod.POST)
    return {"service": service, "bins": bins, "customer": customer}


@pytest.fixture
def agent(client, session, make):
    user = make.user(Role.AGENT, full_name="Sam Okafor")
    quick_sign_in(client, session, user)
    return user


@pytest.fixture
def generous_query_limit(monkeypatch):
    """Logging writes the case, its stage, event and acknowledgement, and more for each other issue."""
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 40)


CONTACT = {"channel": "phone", "acting": "customer", "kind": "complaint", "service": "housing-repairs"}
NO_ADJUSTMENTS = {"kind": "none"}
DETAILS = {"what_happened": "The damp in the bedroom has not been fixed.", "happened_on": ["3", "2", "2025"],
           "outcome_wanted": "Fix the damp.", "asked_before": "yes"}


def _start(client, customer, contact=None):
    response = client.submit(f"/staff/customers/{customer.id}/log", {**CONTACT, **(contact or {})})
    assert response.status_code == 302, page(response)[-6000:]
    return response.location


def _draft(session) -> FeedbackDraft:
    return session.scalars(select(FeedbackDraft).order_by(FeedbackDraft.id.desc())).first()


def _through(client, url, data):
    response = client.submit(url, data)
    assert response.status_code == 302, page(response)[-6000:]
    return response.location


def test_a_phone_complaint_from_start_to_read_back(client, session, agent, world, monkeypatch):
    """Every page within the strict client's 10 queries; only logging the case (a POST) takes more."""
    customer = world["customer"]
    assert "Log a case for them" in page(client.get(f"/staff/customers/{customer.id}"))
    start_page = page(client.get(f"/staff/customers/{customer.id}/log"))
    assert "Social media" in start_page and "Online" not in start_page
    url = _start(client, customer)
    assert url.endswith("/details")
    url = _through(client, url, DETAILS)
    assert url.endswith("/preferences")
    prefs = page(client.get(url))
    assert 'value="01632 960 123"' in prefs and "3 Mill Lane" in prefs  # prefilled from the record
    assert 'value="post" checked' in prefs
    url = _through(client, url, {"contact_method": "post", "contact_address": "3 Mill Lane\nRedbury\nRB2 5CD"})
    assert url.endswith("/adjustments")
    url = _through(client, url, NO_ADJUSTMENTS)
    assert url.endswith("/issues")
    url = _through(client, url, {})
    assert url.endswith("/check")
    check = page(client.get(url))
    assert "Check the complaint before you log it" in check and "The damp in the bedroom" in check
    assert "3 February 2025" in check

    with monkeypatch.context() as patch:
        patch.setattr(strict_client, "MAX_QUERIES", 40)
        done = client.submit(url, {})
    assert done.status_code == 302
    case = session.scalar(select(Case).where(Case.resident_id == customer.id))
    assert case.kind is CaseKind.COMPLAINT and case.status is CaseStatus.RECEIVED
    assert case.channel is Channel.PHONE and case.entered_by_id == agent.id
    assert case.happened_on == date(2025, 2, 3) and case.asked_before is True
    assert case.contact_method is ContactMethod.POST and case.contact_address.startswith("3 Mill Lane")
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.type == EventType.RECEIVED))
    assert event.actor_id == agent.id and event.on_behalf_of_id == customer.id and event.channel is Channel.PHONE
    assert session.scalar(select(FeedbackDraft).where(FeedbackDraft.user_id == agent.id)) is None
    acknowledgement = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    assert acknowledgement.template == "complaint_received"

    confirmation = page(client.get(done.location))
    assert case.reference in confirmation
    assert "Read this back to them" in confirmation
    from shared.web.filters import govuk_date

    with client.application.test_request_context():
        due = govuk_date(case.acknowledge_by)
    assert f"Your reference is {case.reference}. We will acknowledge your complaint by {due}" in confirmation


def test_someone_calling_for_the_customer_records_consent(client, session, agent, world, generous_query_limit):
    customer = world["customer"]
    url = _start(client, customer, {"acting": "someone", "caller_name": "Mary Jones", "caller_relationship": "Daughter",
                                    "consent": "written", "channel": "face_to_face"})
    url = _through(client, url, DETAILS)
    url = _through(client, url, {"contact_method": "phone", "contact_phone": "01632 960 123"})
    url = _through(client, url, NO_ADJUSTMENTS)
    url = _through(client, url, {})
    check = page(client.get(url))
    assert "Mary Jones (Daughter)" in check
    client.submit(url, {})
    case = session.scalar(select(Case).where(Case.resident_id == customer.id))
    assert case.for_someone_else and case.consent is ConsentMethod.WRITTEN and case.subject_relationship == "Daughter"
    assert case.channel is Channel.FACE_TO_FACE and case.contact_phone == "01632 960 123"
    note = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.type == EventType.NOTE_ADDED))
    assert "Mary Jones" in note.details["text"] and note.public is False


def test_acting_for_them_needs_name_relationship_and_consent(client, session, agent, world):
    response = client.submit(f"/staff/customers/{world['customer'].id}/log", {**CONTACT, "acting": "someone"})
    assert response.status_code == 400
    body = page(response)
    assert "Enter the full name of the person acting for the customer" in body
    assert "Enter their relationship to the customer" in body
    assert "Select how the customer agreed to them acting for them" in body
    assert 'value="phone" checked' in body  # what was chosen is kept
    assert session.scalar(select(FeedbackDraft)) is None


def test_an_empty_first_step_shows_every_error(client, agent, world):
    body = page(client.submit(f"/staff/customers/{world['customer'].id}/log", {}))
    for message in ("Select how they got in touch", "Select who you are acting for",
                    "Select what the contact is about", "Select the service it is about"):
        assert message in body


def test_a_first_time_request_is_offered_to_the_service(client, session, agent, world, generous_query_limit):
    customer = world["customer"]
    url = _start(client, customer, {"channel": "social_media"})
    url = _through(client, url, {**DETAILS, "asked_before": "no"})
    assert url.endswith("/first-request")
    assert "Treat as a complaint?" in page(client.get(url))
    url = _through(client, url, {"route": "request"})
    url = _through(client, url, {"contact_method": "text", "contact_phone": "07700 900 982"})
    url = _through(client, url, NO_ADJUSTMENTS)
    url = _through(client, url, {})
    assert "Log request" in page(client.get(url))
    done = client.submit(url, {})
    case = session.scalar(select(Case).where(Case.resident_id == customer.id))
    assert case.kind is CaseKind.SERVICE_REQUEST and case.channel is Channel.SOCIAL_MEDIA
    assert "We will pass your request to Housing repairs" in page(client.get(done.location))


def test_treating_it_as_a_complaint_keeps_it_a_complaint(client, session, agent, world, generous_query_limit):
    url = _start(client, world["customer"])
    url = _through(client, url, {**DETAILS, "asked_before": "no"})
    url = _through(client, url, {"route": "complaint"})
    url = _through(client, url, {"contact_method": "post", "contact_address": "3 Mill Lane"})
    url = _through(client, url, NO_ADJUSTMENTS)
    url = _through(client, url, {})
    client.submit(url, {})
    assert session.scalar(select(Case.kind).where(Case.resident_id == world["customer"].id)) is CaseKind.COMPLAINT


def test_a_call_with_several_issues_becomes_linked_cases(client, session, agent, world, generous_query_limit):
    customer = world["customer"]
    url = _start(client, customer)
    url = _through(client, url, DETAILS)
    url = _through(client, url, {"contact_method": "post", "contact_address": "3 Mill Lane"})
    url = _through(client, url, NO_ADJUSTMENTS)
    missing_service = client.submit(url, {"issue_1": "Bins missed for three weeks."})
    assert missing_service.status_code == 400
    assert "Select the service issue 1 is about" in page(missing_service)
    assert "Bins missed for three weeks." in page(missing_service)
    url = _through(client, url, {"issue_1": "Bins missed for three weeks.", "service_1": "waste",
                                 "issue_2": "Rude reply to my letter.", "service_2": "housing-repairs"})
    assert "This will log 3 cases" in page(client.get(url))
    done = client.submit(url, {})
    cases = session.scalars(select(Case).where(Case.resident_id == customer.id).order_by(Case.id)).all()
    assert len(cases) == 3
    first, *others = cases
    assert first.split_from_id is None and all(c.split_from_id == first.id for c in others)
    assert others[0].what_happened == "Bins missed for three weeks." and others[0].service_id == world["bins"].id
    assert all(c.entered_by_id == agent.id and c.channel is Channel.PHONE for c in cases)
    assert all(c.status is CaseStatus.RECEIVED for c in others)  # they wait for triage
    confirmation = page(client.get(done.location))
    for case in cases:
        assert case.reference in confirmation


def test_a_compliment_needs_no_contact_preferences(client, session, agent, world, generous_query_limit):
    url = _start(client, world["customer"], {"kind": "compliment"})
    details = page(client.get(url))
    assert "What would they like to tell us?" in details and "When did it happen?" not in details
    url = _through(client, url, {"what_happened": "The repair team were brilliant."})
    assert url.endswith("/adjustments")
    url = _through(client, url, NO_ADJUSTMENTS)
    assert url.endswith("/issues")
    url = _through(client, url, {})
    client.submit(url, {})
    case = session.scalar(select(Case).where(Case.resident_id == world["customer"].id))
    assert case.kind is CaseKind.COMPLIMENT and case.outcome_wanted == ""


def test_email_contact_needs_an_email_address(client, session, agent, make, world):
    client.submit("/staff/customers/new", {"full_name": "No Email", "phone": "01632 960 555",
                                           "preferred_contact": "phone", "locale": "en"})
    from shared.models import User

    person = session.scalar(select(User).where(User.full_name == "No Email"))
    url = _start(client, person)
    url = _through(client, url, DETAILS)
    response = client.submit(url, {"contact_method": "email"})
    assert response.status_code == 400
    assert "The customer has no email address" in page(response)


def test_changing_an_answer_from_check_answers(client, session, agent, world, generous_query_limit):
    url = _start(client, world["customer"])
    url = _through(client, url, DETAILS)
    url = _through(client, url, {"contact_method": "post", "contact_address": "3 Mill Lane"})
    url = _through(client, url, NO_ADJUSTMENTS)
    check_url = _through(client, url, {})
    draft = _draft(session)
    back = _through(client, f"/staff/assisted/{draft.id}/contact", {**CONTACT, "service": "waste"})
    assert back == check_url
    assert "Waste and recycling" in page(client.get(check_url))


def test_another_agents_draft_and_confirmation_are_not_found(client, session, make, agent, world, generous_query_limit):
    url = _start(client, world["customer"])
    draft = _draft(session)
    url = _through(client, url, DETAILS)
    url = _through(client, url, {"contact_method": "post", "contact_address": "3 Mill Lane"})
    url = _through(client, url, NO_ADJUSTMENTS)
    url = _through(client, url, {})
    done = client.submit(url, {})
    reference = done.location.rsplit("/", 1)[-1]
    quick_sign_in(client, session, make.user(Role.AGENT))
    assert client.get(done.location).status_code == 404
    assert client.get(f"/staff/assisted/{draft.id}/details").status_code == 404
    assert reference


def test_a_step_that_does_not_apply_is_not_found(client, session, agent, world):
    _start(client, world["customer"])
    draft = _draft(session)
    assert client.get(f"/staff/assisted/{draft.id}/first-request").status_code == 404
    assert client.get(f"/staff/assisted/{draft.id}/nonsense").status_code == 404


def test_check_answers_sends_back_to_an_unanswered_step(client, session, agent, world):
    _start(client, world["customer"])
    draft = _draft(session)
    response = client.get(f"/staff/assisted/{draft.id}/check")
    assert response.status_code == 302 and response.location.endswith("/details")


def test_discarding_deletes_the_draft(client, session, agent, world):
    _start(client, world["customer"])
    draft_id = _draft(session).id
    token = client.csrf_token(f"/staff/assisted/{draft_id}/details")
    response = client.post(f"/staff/assisted/{draft_id}/discard", data={"csrf_token": token})
    assert response.status_code == 302
    session.expire_all()
    assert session.scalar(select(FeedbackDraft).where(FeedbackDraft.id == draft_id)) is None


@pytest.mark.parametrize("role", [Role.RESPONDER, Role.ADMIN])
def test_staff_who_do_not_take_calls_cannot_log_for_a_customer(client, session, make, world, role):
    quick_sign_in(client, session, make.user(role))
    assert client.get(f"/staff/customers/{world['customer'].id}/log").status_code == 403


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER])
def test_officers_and_managers_may_log_for_a_customer(client, session, make, world, role):
    quick_sign_in(client, session, make.user(role))
    assert client.get(f"/staff/customers/{world['customer'].id}/log").status_code == 200


# --- adjustments asked for on the call ----------------------------------------------------------------


def _to_adjustments(client, customer):
    url = _start(client, customer)
    url = _through(client, url, DETAILS)
    url = _through(client, url, {"contact_method": "post", "contact_address": "3 Mill Lane"})
    assert url.endswith("/adjustments")
    return url


def test_adjustments_are_added_one_at_a_time_and_saved_with_the_case(client, session, make, agent, world,
                                                                     generous_query_limit):
    customer = world["customer"]
    make.adjustment(customer, AdjustmentKind.EXTRA_TIME)
    url = _to_adjustments(client, customer)
    step = page(client.get(url))
    assert "Already on their record" in step and "Extra time to reply" in step
    assert "No, they do not need one" in step and "We send you letters in large print." in step

    again = _through(client, url, {"kind": "large_print"})
    assert again == url  # add another
    step = page(client.get(url))
    assert "Added on this call" in step and "Do they need another adjustment?" in step and "No more adjustments" in step
    assert _through(client, url, {"kind": "fixed_call_times", "detail": "Mornings before 11am"}) == url
    assert _through(client, url, {"kind": "braille"}) == url
    removed = client.submit(url, {"remove": "2"})  # braille was a mistake
    assert removed.status_code == 302 and removed.location.endswith("/adjustments")
    url = _through(client, url, NO_ADJUSTMENTS)
    assert url.endswith("/issues")
    check_url = _through(client, url, {})
    check = page(client.get(check_url))
    assert "Adjustments to add to their record" in check
    assert "Large print" in check and "Calls only at agreed times: Mornings before 11am" in check
    assert "Braille" not in check
    assert session.scalar(select(Adjustment).where(Adjustment.kind == AdjustmentKind.LARGE_PRINT)) is None  # not yet

    done = client.submit(check_url, {})
    assert done.status_code == 302
    session.expire_all()
    kinds = {a.kind: a for a in session.scalars(select(Adjustment).where(Adjustment.person_id == customer.id,
                                                                          Adjustment.ended_at.is_(None)))}
    assert set(kinds) == {AdjustmentKind.EXTRA_TIME, AdjustmentKind.LARGE_PRINT, AdjustmentKind.FIXED_CALL_TIMES}
    assert kinds[AdjustmentKind.FIXED_CALL_TIMES].detail == "Mornings before 11am"
    assert kinds[AdjustmentKind.LARGE_PRINT].recorded_by_id == agent.id
    added = session.scalars(select(AuditEvent).where(AuditEvent.action == "adjustment.added",
                                                     AuditEvent.actor_id == agent.id)).all()
    assert len(added) == 2
    # The acknowledgement letter already knows: large print.
    case = session.scalar(select(Case).where(Case.resident_id == customer.id))
    letter = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    assert letter.format is MessageFormat.LARGE_PRINT
    read_back = page(client.get(done.location)).split('id="read-back"', 1)[1].split("</div>", 1)[0]
    assert "We have noted that you need:" in read_back
    assert "Large print" in read_back and "Calls only at agreed times" in read_back and "Extra time to reply" in read_back


def test_an_adjustment_step_keeps_what_was_typed_and_refuses_what_is_wrong(client, session, make, agent, world):
    customer = world["customer"]
    make.adjustment(customer, AdjustmentKind.EXTRA_TIME)
    url = _to_adjustments(client, customer)
    empty = client.submit(url, {})
    assert empty.status_code == 400 and "Select an adjustment they need, or that they need none" in page(empty)
    no_detail = client.submit(url, {"kind": "fixed_call_times"})
    assert no_detail.status_code == 400 and "Enter the details of this adjustment" in page(no_detail)
    assert 'value="fixed_call_times" checked' in page(no_detail)
    twice = client.submit(url, {"kind": "extra_time"})
    assert twice.status_code == 400 and "They already have this adjustment on their record" in page(twice)
    unknown = client.submit(url, {"kind": "teleportation"})
    assert unknown.status_code == 400
    assert _draft(session).answers.get("adjustments") in (None, [])


def test_no_adjustments_leaves_the_register_alone(client, session, agent, world, generous_query_limit):
    url = _through(client, _to_adjustments(client, world["customer"]), NO_ADJUSTMENTS)
    check_url = _through(client, url, {})
    assert "Adjustments to add to their record" in page(client.get(check_url))
    done = client.submit(check_url, {})
    assert session.scalars(select(Adjustment)).all() == []
    assert "We have noted that you need" not in page(client.get(done.location))
