"""The councillor area: logging an enquiry for a constituent (with no duplicate-detection oracle),
their enquiries and chasing one, ward counts with small numbers suppressed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shared.clock import utcnow
from shared.domain.enums import (
    CaseKind,
    CaseStatus,
    Channel,
    ConsentMethod,
    MessageDirection,
    RepresentativeKind,
    Role,
)
from shared.models import AuditEvent, Case, CaseMessage, CaseRepresentative, FeedbackDraft, OutboxMessage, User
from unit_tests import strict_client
from unit_tests.test_route_access import quick_sign_in


@pytest.fixture
def area(make, session):
    ward = make.ward("Riverside")
    other_ward = make.ward("Hillside")
    service = make.service(name="Waste and recycling")
    councillor = make.user(Role.COUNCILLOR, full_name="Cllr Ada Jones", ward_id=ward.id)
    officer = make.user(Role.OFFICER)
    return {"ward": ward, "other_ward": other_ward, "service": service, "councillor": councillor, "officer": officer}


def _answers(area, **changes) -> dict:
    answers = {
        "full_name": "Mo Constituent", "email": "mo@example.com", "phone": "", "address": "",
        "consent": ConsentMethod.WRITTEN.value, "consent_note": "Email of 3 March",
        "ward": str(area["ward"].id), "service": str(area["service"].id),
        "what_happened": "The bins on Mill Lane have not been collected for three weeks.",
        "outcome_wanted": "Collect them.",
    }
    answers.update(changes)
    return answers


def _log(client, area, monkeypatch, **changes):
    """Fill in the enquiry, check it, send it; the responses of each step.

    Sending writes the person, case, stage, event, representative and audit rows: a redirect after
    a write, allowed more than a page's 10 statements (pages stay within 10).
    """
    form = client.submit("/councillor/enquiries/new", _answers(area, **changes))
    check = client.get("/councillor/enquiries/check")
    token = client.csrf_token("/councillor/enquiries/check")
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 20)
    try:
        sent = client.post("/councillor/enquiries/check", data={"csrf_token": token})
    finally:
        monkeypatch.setattr(strict_client, "MAX_QUERIES", 10)
    return form, check, sent


def _reference(sent) -> str:
    return sent.location.rsplit("/", 2)[-2]


# --- logging an enquiry ------------------------------------------------------------------------------------


def test_a_councillor_logs_an_enquiry_as_a_member_enquiry_with_themselves_as_representative(client, session, area, monkeypatch):
    quick_sign_in(client, session, area["councillor"])
    form_page = client.get("/councillor/enquiries/new").get_data(as_text=True)
    assert f'<option selected value="{area["ward"].id}"' in form_page or f'value="{area["ward"].id}" selected' in form_page

    form, check, sent = _log(client, area, monkeypatch)
    assert form.status_code == 302 and form.location.endswith("/councillor/enquiries/check")
    assert "Mo Constituent" in check.get_data(as_text=True)
    assert "Riverside" in check.get_data(as_text=True)
    assert sent.status_code == 302
    reference = _reference(sent)

    case = session.scalar(select(Case).where(Case.reference == reference))
    assert case.kind is CaseKind.MEMBER_ENQUIRY
    assert case.channel is Channel.COUNCILLOR
    assert case.entered_by_id == area["councillor"].id
    assert case.ward_id == area["ward"].id
    assert case.version == 1  # the ward goes in with the insert, not as a second write
    assert case.subject_name == "Mo Constituent"
    assert case.consent is ConsentMethod.WRITTEN
    constituent = session.get(User, case.resident_id)
    assert constituent.email == "mo@example.com" and constituent.role is Role.RESIDENT and not constituent.has_account
    row = session.scalar(select(CaseRepresentative).where(CaseRepresentative.case_id == case.id))
    assert row.representative_id == area["councillor"].id
    assert row.kind is RepresentativeKind.COUNCILLOR and row.consent is ConsentMethod.WRITTEN
    assert row.consent_note == "Email of 3 March" and row.withdrawn_at is None
    # The procedure's deadline (10 working days) is on the confirmation.
    assert case.respond_by is not None
    confirmation = client.get(sent.location).get_data(as_text=True)
    assert reference in confirmation
    assert "We will reply to you by" in confirmation
    assert session.scalar(select(func.count(FeedbackDraft.id)).where(FeedbackDraft.user_id == area["councillor"].id)) == 0
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "member_enquiry.logged",
                                                   AuditEvent.subject_id == case.id)) is not None


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"full_name": ""}, "full_name", "s full name"),
    ({"email": "", "phone": "", "address": ""}, "email", "Enter at least one way to contact the constituent"),
    ({"email": "not an email"}, "email", "Enter an email address in the correct format"),
    ({"phone": "12"}, "phone", "Enter a phone number"),
    ({"consent": ""}, "consent", "Select how the constituent agreed to you acting for them"),
    ({"service": ""}, "service", "Select the service"),
    ({"ward": "999999"}, "ward", "Select the ward"),
    ({"what_happened": ""}, "what_happened", "Enter what the enquiry is about"),
])
def test_bad_answers_show_the_form_again_with_the_error_and_what_was_typed(client, session, area, changes, field, message):
    quick_sign_in(client, session, area["councillor"])
    response = client.submit("/councillor/enquiries/new", _answers(area, **changes))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in body and message in body
    assert f'href="#{field}' in body
    assert "Mill Lane" in body or field == "what_happened"  # what was typed is kept
    assert session.scalar(select(func.count(Case.id)).where(Case.kind == CaseKind.MEMBER_ENQUIRY)) == 0


def test_a_phone_or_address_alone_is_enough_and_makes_no_person_record(client, session, area, monkeypatch):
    quick_sign_in(client, session, area["councillor"])
    people = session.scalar(select(func.count(User.id)))
    _, _, sent = _log(client, area, monkeypatch, email="", phone="", address="1 Mill Lane\nRedbury")
    case = session.scalar(select(Case).where(Case.reference == _reference(sent)))
    assert case.resident_id is None
    assert case.contact_address == "1 Mill Lane\nRedbury"
    assert session.scalar(select(func.count(User.id))) == people


def test_check_answers_without_a_draft_goes_back_to_the_form(client, session, area):
    quick_sign_in(client, session, area["councillor"])
    response = client.get("/councillor/enquiries/check")
    assert response.status_code == 302 and response.location.endswith("/councillor/enquiries/new")


def test_changing_an_answer_shows_the_form_with_the_draft(client, session, area):
    quick_sign_in(client, session, area["councillor"])
    client.submit("/councillor/enquiries/new", _answers(area))
    body = client.get("/councillor/enquiries/new?change=1").get_data(as_text=True)
    assert 'value="Mo Constituent"' in body and "Mill Lane" in body


# --- no duplicate-detection oracle -------------------------------------------------------------------------


def _normalised(body: str, reference: str | None = None) -> str:
    body = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', 'name="csrf_token"', body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)
    if reference:
        body = body.replace(reference, "REF")
    return body


def test_a_known_person_and_a_new_one_give_identical_pages_and_counts(app, client, session, make, area, monkeypatch):
    """The constituent's record, other cases and even another councillor's enquiry for them change
    nothing the councillor sees: the same pages (bar reference and tokens), statuses and counts."""
    known = make.user(Role.RESIDENT, email="known@example.com", full_name="Known Person", phone="01632 960 001")
    make.case(known, area["service"], what_happened="Known person's earlier complaint about their health.")
    other_councillor = make.user(Role.COUNCILLOR)
    quick_sign_in(client, session, other_councillor)
    _log(client, area, monkeypatch, email="known@example.com", full_name="Someone Typed")

    outcomes = []
    for email in ("known@example.com", "brand-new@example.com"):
        browser = app.test_client()
        quick_sign_in(browser, session, area["councillor"])
        form, check, sent = _log(browser, area, monkeypatch, email=email, full_name="Someone Typed")
        reference = _reference(sent)
        pages = [
            (form.status_code, form.location),
            (check.status_code, _normalised(check.get_data(as_text=True)).replace(email, "EMAIL")),
            (sent.status_code, sent.location.replace(reference, "REF")),
            _normalised(browser.get(sent.location).get_data(as_text=True), reference),
            _normalised(browser.get(f"/councillor/enquiries/{reference}").get_data(as_text=True), reference),
            _normalised(browser.get("/councillor").get_data(as_text=True), reference),
        ]
        outcomes.append(pages)
        # The second run by a councillor just like the first, so each list holds one enquiry.
        area["councillor"] = make.user(Role.COUNCILLOR, ward_id=area["ward"].id)
    assert outcomes[0] == outcomes[1]
    for page in outcomes[0][3:]:
        assert "Known Person" not in page and "earlier complaint" not in page and "01632 960 001" not in page
    # The known person's record was not changed by what the councillor typed.
    session.expire_all()
    assert session.get(User, known.id).full_name == "Known Person"


def test_an_email_address_of_staff_or_a_councillor_is_not_linked_and_looks_the_same(client, session, area, make, monkeypatch):
    staff_member = make.user(Role.OFFICER, email="someone@example.gov.uk")
    quick_sign_in(client, session, area["councillor"])
    _, check, sent = _log(client, area, monkeypatch, email="someone@example.gov.uk")
    assert sent.status_code == 302
    case = session.scalar(select(Case).where(Case.reference == _reference(sent)))
    assert case.resident_id is None  # never filed under the member of staff
    assert session.get(User, staff_member.id).role is Role.OFFICER


# --- their enquiries, one enquiry, chasing -----------------------------------------------------------------


def _enquiry_for(make, area, councillor=None, **fields):
    """An enquiry logged by `councillor` (the area's by default) for a new constituent."""
    councillor = councillor or area["councillor"]
    constituent = make.user(Role.RESIDENT)
    case = make.case(constituent, area["service"], kind=CaseKind.MEMBER_ENQUIRY, channel=Channel.COUNCILLOR,
                     subject_name=fields.pop("subject_name", "Mo Constituent"),
                     procedure="member-enquiry", respond_by=(utcnow() + timedelta(days=14)).date(), **fields)
    case.entered_by_id = councillor.id
    make.session.commit()
    make.representative(case, councillor, kind=RepresentativeKind.COUNCILLOR)
    return case, constituent


def test_your_enquiries_lists_only_the_enquiries_they_logged_and_still_represent(client, session, make, area):
    mine, constituent = _enquiry_for(make, area)
    someone_elses, _ = _enquiry_for(make, area, councillor=make.user(Role.COUNCILLOR), subject_name="Not Mine")
    own_other_case = make.case(constituent, area["service"], what_happened="Their private housing complaint.")
    withdrawn, _ = _enquiry_for(make, area, subject_name="Consent Gone")
    session.execute(CaseRepresentative.__table__.update().where(CaseRepresentative.case_id == withdrawn.id)
                    .values(withdrawn_at=utcnow()))
    session.commit()
    quick_sign_in(client, session, area["councillor"])
    body = client.get("/councillor").get_data(as_text=True)
    assert mine.reference in body and "Mo Constituent" in body
    for hidden in (someone_elses.reference, own_other_case.reference, withdrawn.reference, "Not Mine", "Consent Gone"):
        assert hidden not in body
    assert "1 enquiry, newest first" in body
    for hidden in (someone_elses, own_other_case, withdrawn):
        assert client.get(f"/councillor/enquiries/{hidden.reference}").status_code == 404
        assert client.get(f"/councillor/enquiries/{hidden.reference}/chase").status_code == 404
        assert client.get(f"/councillor/enquiries/{hidden.reference}/sent").status_code == 404
    assert client.get("/councillor/enquiries/NOPE-123").status_code == 404


def test_the_enquiry_page_shows_status_dates_and_the_councils_reply(app, client, session, make, area):
    case, _ = _enquiry_for(make, area)
    make.message(app, case, direction=MessageDirection.OUT, body="We have asked the crew to collect on Friday.",
                 author=area["officer"])
    quick_sign_in(client, session, area["councillor"])
    body = client.get(f"/councillor/enquiries/{case.reference}").get_data(as_text=True)
    assert "We have asked the crew to collect on Friday." in body
    assert "Received" in body  # status
    assert "Reply due" in body
    assert "The bin was not collected." in body
    assert "Chase this enquiry" in body


def test_chasing_sends_a_message_in_from_the_councillor_and_tells_the_officer(client, session, make, area):
    case, _ = _enquiry_for(make, area, officer_id=area["officer"].id)
    quick_sign_in(client, session, area["councillor"])
    empty = client.submit(f"/councillor/enquiries/{case.reference}/chase", {"body": ""})
    assert empty.status_code == 400 and "Enter your message" in empty.get_data(as_text=True)
    response = client.submit(f"/councillor/enquiries/{case.reference}/chase", {"body": "Any news on this, please?"})
    assert response.status_code == 302
    message = session.scalar(select(CaseMessage).where(CaseMessage.case_id == case.id))
    assert message.direction is MessageDirection.IN and message.author_id == area["councillor"].id
    assert message.body == "Any news on this, please?"
    mail = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id,
                                                      OutboxMessage.template == "case_message_received"))
    assert mail.user_id == area["officer"].id
    page = client.get(response.location).get_data(as_text=True)
    assert "Any news on this, please?" in page and "sent to the officer" in page


def test_removing_the_councillor_role_ends_access_on_the_next_request(client, session, make, area):
    case, _ = _enquiry_for(make, area)
    quick_sign_in(client, session, area["councillor"])
    assert client.get(f"/councillor/enquiries/{case.reference}").status_code == 200
    session.execute(User.__table__.update().where(User.id == area["councillor"].id).values(role=Role.RESIDENT.value))
    session.commit()
    assert client.get(f"/councillor/enquiries/{case.reference}").status_code == 403
    assert client.get("/councillor").status_code == 403
    # and as a resident they do not see the enquiry either: a councillor's representation is not theirs
    assert client.get(f"/cases/{case.reference}").status_code == 404


def test_withdrawn_consent_ends_a_councillors_access_on_the_next_request(client, session, make, area):
    case, _ = _enquiry_for(make, area)
    quick_sign_in(client, session, area["councillor"])
    assert client.get(f"/councillor/enquiries/{case.reference}").status_code == 200
    session.execute(CaseRepresentative.__table__.update().where(CaseRepresentative.case_id == case.id)
                    .values(withdrawn_at=utcnow()))
    session.commit()
    assert client.get(f"/councillor/enquiries/{case.reference}").status_code == 404
    assert case.reference not in client.get("/councillor").get_data(as_text=True)


def test_councillors_cannot_reach_residents_case_pages_or_staff_search(client, session, make, area):
    case, _ = _enquiry_for(make, area)
    quick_sign_in(client, session, area["councillor"])
    assert client.get(f"/cases/{case.reference}").status_code == 403
    assert client.get("/cases").status_code == 403
    assert client.get("/staff/cases").status_code == 403
    assert client.get("/staff/find").status_code in (403, 404)


# --- ward counts -------------------------------------------------------------------------------------------


def test_ward_counts_are_numbers_only_with_small_numbers_suppressed(client, session, make, area):
    roads = make.service(name="Roads and pavements")
    for _ in range(6):
        make.case(make.user(Role.RESIDENT, full_name="Secret Name"), area["service"], ward_id=area["ward"].id,
                  what_happened="Private health details in a complaint.")
    for _ in range(2):
        make.case(make.user(Role.RESIDENT), roads, ward_id=area["ward"].id)
    make.case(make.user(Role.RESIDENT), roads, ward_id=area["other_ward"].id)  # another ward: not counted
    make.case(make.user(Role.RESIDENT), area["service"], ward_id=area["ward"].id,
              received_at=utcnow() - timedelta(days=200))  # outside the default period
    quick_sign_in(client, session, area["councillor"])
    body = client.get("/councillor/ward").get_data(as_text=True)
    assert "Riverside" in body
    waste = re.search(r"Waste and recycling</th>\s*<td[^>]*>([^<]+)</td>", body).group(1).strip()
    roads_cell = re.search(r"Roads and pavements</th>\s*<td[^>]*>([^<]+)</td>", body).group(1).strip()
    assert waste == "6"
    assert roads_cell == "fewer than 5"
    assert "Total" not in body.split("<tbody")[1]  # one hidden number: a total would give it away
    assert "fewer than 5" in body and "protect people" in body
    assert "Secret Name" not in body and "health details" not in body
    year = client.get("/councillor/ward?period=365").get_data(as_text=True)
    assert re.search(r"Waste and recycling</th>\s*<td[^>]*>\s*7\s*</td>", year)


def test_a_councillor_without_a_ward_is_told_so(client, session, make):
    quick_sign_in(client, session, make.user(Role.COUNCILLOR))
    body = client.get("/councillor/ward").get_data(as_text=True)
    assert "We do not have a ward recorded for you" in body


def test_the_sent_page_is_only_for_an_enquiry_of_theirs(client, session, make, area):
    case, _ = _enquiry_for(make, area)
    quick_sign_in(client, session, make.user(Role.COUNCILLOR))
    assert client.get(f"/councillor/enquiries/{case.reference}/sent").status_code == 404


def test_a_closed_enquiry_cannot_be_chased_from_its_page(client, session, make, area):
    case, _ = _enquiry_for(make, area, status=CaseStatus.CLOSED)
    quick_sign_in(client, session, area["councillor"])
    assert "Chase this enquiry" not in client.get(f"/councillor/enquiries/{case.reference}").get_data(as_text=True)
