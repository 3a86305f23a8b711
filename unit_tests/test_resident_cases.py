"""A resident's cases: the list, the case page (what happens next, messages, files), replying and
downloading. Escalating and withdrawing are in test_resident_case_actions.py; guests and other
people's cases in test_guest_case_access.py."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shared import clock
from shared.domain.enums import CaseStatus, EventType, MessageDirection, Role
from shared.models import CaseEvent, CaseMessage, OutboxMessage, StoredFile
from unit_tests.factories import sign_in
from unit_tests.test_files import PDF
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


def queries(response) -> int:
    return int(response.headers["X-Redress-Queries"])


def main_text(response) -> str:
    body = response.get_data(as_text=True)
    return body[body.index("<main"):body.index("</main>")]


# --- Your cases ---------------------------------------------------------------------------------


def test_your_cases_lists_each_case_with_its_stage_status_and_next_date(client, session, make, resident, service):
    received = make.case(resident, service, received_at=clock.utcnow() - timedelta(hours=3),
                         acknowledge_by=date(2027, 1, 20))
    investigating = make.case(resident, service, status=CaseStatus.WITH_TEAM, respond_by=date(2027, 2, 3),
                              received_at=clock.utcnow() - timedelta(days=10))
    responded = make.case_with_response(resident, service, escalation_ends=date(2027, 2, 10),
                                        received_at=clock.utcnow() - timedelta(days=40))
    final = make.case_with_response(resident, service, stage=2, escalation_ends=None, window_days=0,
                                    received_at=clock.utcnow() - timedelta(days=90))
    someone_elses = make.case(make.user(Role.RESIDENT), service)
    quick_sign_in(client, session, resident)

    response = client.get("/cases")
    page = main_text(response)

    assert response.status_code == 200
    references = [received.reference, investigating.reference, responded.reference, final.reference]
    assert [page.index(r) for r in references] == sorted(page.index(r) for r in references), "newest first"
    assert someone_elses.reference not in page
    assert "Complaint: Waste and recycling" in page
    assert "13 January 2027" in page  # received
    assert page.count("Stage 1 of 2") == 3 and "Stage 2 of 2" in page
    assert "We will acknowledge by 20 January 2027" in page
    assert "We will respond by 3 February 2027" in page
    assert "You can ask us to look again until 10 February 2027" in page
    row_of_final = page[page.index(final.reference):]
    assert "look again" not in row_of_final  # the final stage has no "next" date
    for label in ("Received", "Being investigated", "Response sent"):
        assert label in page


def test_your_cases_without_any_says_so_and_links_to_give_feedback(client, resident):
    sign_in(client, resident)
    page = main_text(client.get("/cases"))
    assert "You have not made a complaint, compliment or comment yet." in page
    assert 'href="/feedback"' in page


def test_your_cases_with_fifty_cases_stays_within_the_query_budget_and_pages(client, session, make, resident, service):
    for n in range(51):
        make.case(resident, service, received_at=clock.utcnow() - timedelta(days=n + 1))
    quick_sign_in(client, session, resident)

    first = client.get("/cases")
    second = client.get("/cases?page=2")

    assert queries(first) <= 10 and queries(second) <= 10
    assert main_text(first).count('href="/cases/RDR-') == 50
    assert main_text(second).count('href="/cases/RDR-') == 1
    assert "51 cases in total" in main_text(first)


# --- the case page: what happens next -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "fields", "expected"),
    [
        (CaseStatus.RECEIVED, {"acknowledge_by": date(2027, 1, 20)},
         ["We have received this", "We will acknowledge it by 20 January 2027"]),
        (CaseStatus.TRIAGED, {"acknowledge_by": date(2027, 1, 20)},
         ["We are dealing with this as a complaint.", "We will acknowledge it by 20 January 2027"]),
        (CaseStatus.ACKNOWLEDGED, {"respond_by": date(2027, 1, 27)},
         ["We are looking into your complaint.", "We will send you our response by 27 January 2027."]),
        (CaseStatus.WITH_SERVICE, {"respond_by": None},
         ["We are looking into your complaint.", "We will tell you when to expect our response."]),
        (CaseStatus.ESCALATED, {"stage": 2, "acknowledge_by": date(2027, 1, 20)},
         ["We are looking at your complaint again at stage 2.", "We will acknowledge it by 20 January 2027."]),
        (CaseStatus.WITHDRAWN, {"closed_at": clock._parse("2027-01-12T09:00:00")},
         ["This case was withdrawn on 12 January 2027."]),
        (CaseStatus.CLOSED, {"closed_at": clock._parse("2027-01-11T09:00:00")}, ["This case was closed on 11 January 2027."]),
        (CaseStatus.WITH_OMBUDSMAN, {}, ["Your complaint is with the Local Government and Social Care Ombudsman.",
                                         "www.lgo.org.uk"]),
        (CaseStatus.SERVICE_REQUEST, {}, ["we have passed it to them as a request"]),
        (CaseStatus.REFUSED, {}, ["We have decided not to take this complaint forward",
                                  "Local Government and Social Care Ombudsman"]),
    ],
)
def test_the_case_page_says_what_happens_next(client, session, make, resident, service, status, fields, expected):
    case = make.case(resident, service, status=status, **fields)
    quick_sign_in(client, session, resident)
    page = main_text(client.get(f"/cases/{case.reference}"))
    for text in expected:
        assert text in page
    assert "not satisfied with this response" not in page


def test_after_a_response_inside_the_window_the_resident_can_ask_for_the_next_stage(client, session, make, resident, service):
    case = make.case_with_response(resident, service, escalation_ends=date(2027, 2, 10))
    quick_sign_in(client, session, resident)
    page = main_text(client.get(f"/cases/{case.reference}"))
    assert "We sent you our response on 12 January 2027." in page
    assert "you can ask us to look at your complaint again at stage 2" in page
    assert "You can ask us until 10 February 2027." in page
    assert f'href="/cases/{case.reference}/escalate"' in page
    assert "Ombudsman" not in page  # not before our procedure has finished
    assert "We looked into your complaint and we are sorry." in page  # the response itself


@pytest.mark.parametrize(
    ("procedure", "name", "website", "phone", "when"),
    [
        ("corporate", "Local Government and Social Care Ombudsman", "www.lgo.org.uk", "0300 061 0614",
         "within 12 months of when you first knew about the problem"),
        ("housing", "Housing Ombudsman", "www.housing-ombudsman.org.uk", "0300 111 3000",
         "within 12 months of our final response"),
    ],
)
def test_after_the_final_response_the_page_shows_the_procedures_ombudsman(client, session, make, resident, service,
                                                                            procedure, name, website, phone, when):
    case = make.case_with_response(resident, service, stage=2, procedure=procedure, window_days=0)
    quick_sign_in(client, session, resident)
    page = main_text(client.get(f"/cases/{case.reference}"))
    assert "the final stage of our complaints procedure" in page
    assert f"If you are still not satisfied: the {name}" in page
    assert f'href="https://{website}"' in page and phone in page and when in page
    assert "/escalate" not in page


def test_once_the_window_has_closed_the_page_says_when_it_ended_and_shows_the_ombudsman(client, session, make, resident, service):
    case = make.case_with_response(resident, service, escalation_ends=date(2027, 1, 12))
    quick_sign_in(client, session, resident)
    page = main_text(client.get(f"/cases/{case.reference}"))
    assert "The time to ask us to look at your complaint again ended on 12 January 2027." in page
    assert "Local Government and Social Care Ombudsman" in page
    assert "/escalate" not in page


def test_a_council_in_wales_points_to_the_public_services_ombudsman(app, client, session, make, resident, service, monkeypatch):
    from dataclasses import replace

    monkeypatch.setitem(app.config, "SETTINGS", replace(app.config["SETTINGS"], nation="wales"))
    case = make.case_with_response(resident, service, stage=2, procedure="housing", window_days=0)
    quick_sign_in(client, session, resident)
    page = main_text(client.get(f"/cases/{case.reference}"))
    assert "Public Services Ombudsman for Wales" in page and "www.ombudsman.wales" in page
    assert "Housing Ombudsman" not in page


def test_a_waiting_escalation_request_shows_the_next_stages_expected_dates(client, session, make, resident, service):
    case = make.case_with_response(resident, service, status=CaseStatus.ESCALATION_REQUESTED)
    session.add(CaseEvent(case_id=case.id, type=EventType.ESCALATION_REQUESTED, at=clock.utcnow(), actor_id=resident.id,
                          stage=1, from_status=CaseStatus.RESPONSE_SENT, to_status=CaseStatus.ESCALATION_REQUESTED,
                          public=True, details={}))
    session.commit()
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{case.reference}")
    page = main_text(response)
    assert "You asked us to look at your complaint again on 13 January 2027." in page
    assert "We expect to acknowledge your request by 20 January 2027." in page
    assert "We expect to send you our stage 2 response by 17 February 2027." in page
    assert queries(response) <= 10


def test_withdrawing_is_offered_only_while_the_case_is_open(client, session, make, resident, service):
    open_case = make.case(resident, service, status=CaseStatus.WITH_TEAM)
    closed = make.case(resident, service, status=CaseStatus.CLOSED, closed_at=clock.utcnow())
    quick_sign_in(client, session, resident)
    assert f'href="/cases/{open_case.reference}/withdraw"' in main_text(client.get(f"/cases/{open_case.reference}"))
    assert "/withdraw" not in main_text(client.get(f"/cases/{closed.reference}"))


# --- messages and files on the case page -------------------------------------------------------------


def test_the_case_page_shows_messages_both_ways_with_their_files_and_marks_ours_read(app, client, session, make,
                                                                                  resident, service):
    case = make.case_with_response(resident, service)
    ours, (our_file,) = make.message(app, case, body="Could you send us a photo of the bin?",
                                     attachments=(("what-we-need.txt", b"A photo, please."),))
    theirs, _files = make.message(app, case, direction=MessageDirection.IN, author=resident, body="Here it is.")
    quick_sign_in(client, session, resident)

    page = main_text(client.get(f"/cases/{case.reference}"))

    assert page.index("Could you send us a photo of the bin?") < page.index("Here it is."), "oldest first"
    assert "We wrote" in page and "You wrote" in page
    assert f'href="/cases/{case.reference}/files/{our_file}"' in page and "what-we-need.txt" in page
    assert "New" in page
    session.expire_all()
    assert session.get(CaseMessage, ours).read_at is not None
    assert session.get(CaseMessage, theirs).read_at is None  # the officer has not read it yet
    assert "New" not in main_text(client.get(f"/cases/{case.reference}"))


def test_the_case_page_with_fifty_messages_stays_within_the_query_budget(app, client, session, make, resident, service):
    case = make.case_with_response(resident, service)
    for n in range(50):
        make.message(app, case, body=f"Message {n}", attachments=((f"file-{n}.txt", b"text"),))
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 200 and queries(response) <= 10
    assert "Message 49" in main_text(response) and "file-49.txt" in main_text(response)


def test_a_file_downloads_as_an_attachment_that_is_never_sniffed(app, client, session, make, resident, service):
    case = make.case(resident, service)
    _message, (stored,) = make.message(app, case, attachments=(("notes.txt", b"Damp since March."),))
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{case.reference}/files/{stored}")
    assert response.status_code == 200
    assert response.data == b"Damp since March."
    assert response.headers["Content-Disposition"].startswith("attachment;") and "notes.txt" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_file_of_another_case_is_not_found_even_under_the_residents_own_case(app, client, session, make, resident, service):
    own = make.case(resident, service)
    other_of_theirs = make.case(resident, service)
    _m, (other_file,) = make.message(app, other_of_theirs, attachments=(("b.txt", b"b"),))
    quick_sign_in(client, session, resident)
    assert client.get(f"/cases/{own.reference}/files/{other_file}").status_code == 404
    assert client.get(f"/cases/{other_of_theirs.reference}/files/{other_file}").status_code == 200


def test_a_file_staff_stored_on_the_case_without_a_message_stays_internal(app, client, session, make, resident, service):
    from shared.services import files

    case = make.case(resident, service)
    officer = make.user(Role.OFFICER)
    with app.app_context():
        from shared.db import db

        (internal,) = files.store([files.CheckedFile("file-note.txt", files.TXT, b"internal")], uploaded_by=officer,
                                  case_id=case.id)
        internal_id = internal.id
        db.session.commit()
    quick_sign_in(client, session, resident)
    assert client.get(f"/cases/{case.reference}/files/{internal_id}").status_code == 404
    assert "file-note.txt" not in main_text(client.get(f"/cases/{case.reference}"))


# --- add information or reply ----------------------------------------------------------------------------


def _upload(name: str, data: bytes):
    return (io.BytesIO(data), name)


def _reply(client, case, data: dict, uploads: list | None = None):
    token = client.csrf_token(f"/cases/{case.reference}/reply")
    return client.post(f"/cases/{case.reference}/reply", data={**data, "csrf_token": token, "files": uploads or []},
                       content_type="multipart/form-data")


def _outbox(session, case) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)))


def test_a_reply_with_files_reaches_the_case_and_tells_the_officer_without_its_text(client, session, make, resident, service):
    officer = make.user(Role.OFFICER, full_name="Priya Shah", email="priya@example.gov.uk")
    case = make.case(resident, service, status=CaseStatus.WITH_TEAM, officer_id=officer.id)
    quick_sign_in(client, session, resident)

    response = _reply(client, case, {"body": "The bin was missed again today, private detail 4471."},
                      [_upload("photo-note.txt", b"Bin still full."), _upload("letter.pdf", PDF)])

    assert response.status_code == 302 and response.location.endswith(f"/cases/{case.reference}#messages")
    session.expire_all()
    (message,) = session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)).all()
    assert message.direction is MessageDirection.IN and message.author_id == resident.id
    assert message.body == "The bin was missed again today, private detail 4471."
    stored = session.scalars(select(StoredFile).where(StoredFile.message_id == message.id).order_by(StoredFile.id)).all()
    assert [(f.original_name, f.content_type, f.case_id) for f in stored] == [
        ("photo-note.txt", "text/plain", case.id), ("letter.pdf", "application/pdf", case.id)]
    (mail,) = _outbox(session, case)
    assert mail.template == "case_message_received" and mail.recipient == "priya@example.gov.uk"
    assert case.reference in mail.subject and f"/staff/cases/{case.reference}" in mail.body
    assert "4471" not in mail.subject + mail.body and "missed again" not in mail.body
    page = main_text(client.get(f"/cases/{case.reference}"))
    assert "Your message has been sent." in page
    assert "private detail 4471" in page and "letter.pdf" in page


def test_a_reply_on_a_case_without_an_officer_queues_no_email(client, session, make, resident, service):
    case = make.case(resident, service)
    quick_sign_in(client, session, resident)
    assert _reply(client, case, {"body": "More information."}).status_code == 302
    assert _outbox(session, case) == []


def test_an_empty_reply_is_refused_with_a_govuk_message(client, session, make, resident, service):
    case = make.case(resident, service)
    quick_sign_in(client, session, resident)
    response = _reply(client, case, {"body": "   "})
    assert response.status_code == 400
    assert "Enter your message" in main_text(response)
    assert response.get_data(as_text=True).count("<title>Error:") == 1


def test_eleven_files_are_refused_and_the_text_is_kept(client, session, make, resident, service):
    case = make.case(resident, service)
    quick_sign_in(client, session, resident)
    response = _reply(client, case, {"body": "Eleven photos of the bins."},
                      [_upload(f"photo-{n}.txt", b"bin") for n in range(11)])
    page = main_text(response)
    assert response.status_code == 400
    assert "You can add up to 10 files" in page
    assert "Eleven photos of the bins." in page
    assert session.scalar(select(func.count()).select_from(CaseMessage).where(CaseMessage.case_id == case.id)) == 0
    assert session.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.case_id == case.id)) == 0


def test_each_refused_file_is_named_and_nothing_is_saved(client, session, make, resident, service):
    case = make.case(resident, service)
    quick_sign_in(client, session, resident)
    response = _reply(client, case, {"body": "Two files, one bad."},
                      [_upload("fine.txt", b"ok"), _upload("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
                       _upload("empty.txt", b"")])
    page = main_text(response)
    assert response.status_code == 400
    assert "virus.pdf must be a PDF, JPEG, PNG, DOCX, ODT or TXT file" in page
    assert "empty.txt is empty" in page
    summary = page[page.index("govuk-error-summary"):page.index("</ul>", page.index("govuk-error-summary"))]
    assert "virus.pdf" in summary and "empty.txt" in summary, "each refused file has its own line in the summary"
    assert "fine.txt" not in page
    assert "Two files, one bad." in page
    assert session.scalar(select(func.count()).select_from(CaseMessage).where(CaseMessage.case_id == case.id)) == 0


def test_a_too_long_reply_is_refused_and_kept(client, session, make, resident, service):
    case = make.case(resident, service)
    quick_sign_in(client, session, resident)
    response = _reply(client, case, {"body": "x" * 10_001})
    assert response.status_code == 400
    assert "Your message must be 10,000 characters or fewer" in main_text(response)
    assert "x" * 10_001 in main_text(response)
