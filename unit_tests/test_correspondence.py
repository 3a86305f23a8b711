"""The case page's correspondence, files and linked cases, writing to the person, downloads, the
htmx sections, and the page's query budget with a long-running case."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import html5lib
import pytest
from sqlalchemy import func, select

from shared import clock
from shared.clock import utcnow
from shared.db import db
from shared.domain import policy
from shared.domain.enums import AdjustmentKind, CaseStatus, ContactMethod, EventType, MessageDirection, Role
from shared.models import Case, CaseEvent, CaseMessage, OutboxMessage, StoredFile, User
from shared.services import files, messages
from unit_tests.crafted_files import plain_pdf
from unit_tests.strict_client import MAX_QUERIES
from unit_tests.test_route_access import quick_sign_in

PDF = plain_pdf()
HX = {"HX-Request": "true"}


@pytest.fixture
def world(app, make):
    clock.set_now("2026-12-14T10:00")
    service = make.service("bins", "Waste and recycling")
    other_service = make.service("parks", "Parks")
    resident = make.user(Role.RESIDENT, full_name="Jane Resident", locale="cy", email="jane@example.com")
    handler = make.user(Role.OFFICER, full_name="Priya Handler")
    case = make.case(resident, service, status=CaseStatus.ACKNOWLEDGED, officer_id=handler.id)
    return {
        "service": service,
        "resident": resident,
        "handler": handler,
        "officer": make.user(Role.OFFICER, full_name="Olly Other"),
        "manager": make.user(Role.MANAGER),
        "agent": make.user(Role.AGENT),
        "admin": make.user(Role.ADMIN),
        "responder": make.user(Role.RESPONDER, service_id=service.id),
        "outsider": make.user(Role.RESPONDER, service_id=other_service.id),
        "other_service": other_service,
        "case": case,
    }


def client_for(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


def in_request(app, work):
    with app.test_request_context():
        result = work()
        db.session.commit()
        return result


def add_message(app, case: Case, author: User | None, direction: MessageDirection, body: str,
                attachments: tuple[tuple[str, bytes], ...] = (), at=None) -> int:
    """A message as the portal or this page would write it (checked files stored with it)."""

    def work():
        checked = [files.CheckedFile(name, files.PDF if data.startswith(b"%PDF") else files.TXT, data)
                   for name, data in attachments]
        found = db.session.get(Case, case.id)
        writer = db.session.get(User, author.id) if author else None
        return messages.post(found, author=writer, direction=direction, body=body, attachments=checked, at=at).id

    return in_request(app, work)


def add_evidence(app, case: Case, uploader: User, name: str, data: bytes = PDF) -> int:
    """A file sent with the complaint (not on a message)."""

    def work():
        stored = files.store([files.CheckedFile(name, files.PDF, data)], uploaded_by=db.session.get(User, uploader.id),
                             case_id=case.id)
        return stored[0].id

    return in_request(app, work)


def page_of(response) -> str:
    return response.get_data(as_text=True)


def send(client, case: Case, body: str = "", uploads=(), *, headers=None):
    token = client.csrf_token(f"/staff/cases/{case.reference}")
    data = {"csrf_token": token, "body": body,
            "attachments": [(io.BytesIO(content), name) for name, content in uploads]}
    return client.post(f"/staff/cases/{case.reference}/messages", data=data, content_type="multipart/form-data",
                       headers=headers or {})


def outbox(session, case: Case) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id,
                                                            OutboxMessage.template == "case_message_sent")))


def messages_of(session, case: Case) -> list[CaseMessage]:
    session.expire_all()
    return list(session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)))


def files_of(session, case: Case) -> list[StoredFile]:
    session.expire_all()
    return list(session.scalars(select(StoredFile).where(StoredFile.case_id == case.id).order_by(StoredFile.id)))


def section(html: str, element_id: str):
    """An element of a page or fragment, parsed, by its id."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    return next(el for el in document.iter() if el.get("id") == element_id)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


# --- who may write ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("handler", True), ("officer", True), ("manager", True), ("agent", False), ("admin", False),
     ("responder", False), ("outsider", False), ("resident", False)],
)
def test_who_may_send_a_message(world, who, allowed):
    assert policy.can_send_message(world[who], world["case"]) is allowed


def test_a_responder_may_write_on_a_case_allocated_to_them_in_their_service(world, make):
    case = world["case"]
    case.officer_id = world["responder"].id
    assert policy.can_send_message(world["responder"], case)
    case.service_id = world["other_service"].id  # no longer their service: they cannot even see it
    assert not policy.can_send_message(world["responder"], case)


# --- reading ------------------------------------------------------------------------------------


def test_the_page_lists_messages_in_and_out_with_files_oldest_first(app, session, world):
    case = world["case"]
    first = add_message(app, case, world["resident"], MessageDirection.IN, "The bin is still there.",
                        (("photo-notes.txt", b"Bin outside number 4"),), at=utcnow() - timedelta(hours=3))
    add_message(app, case, world["handler"], MessageDirection.OUT, "We will collect it on Friday.",
                at=utcnow() - timedelta(hours=2))
    add_evidence(app, case, world["resident"], "receipt.pdf")
    body = page_of(client_for(app, session, world["officer"]).get(f"/staff/cases/{case.reference}"))
    correspondence = text_of(section(body, "case-correspondence"))
    assert correspondence.index("The bin is still there.") < correspondence.index("We will collect it on Friday.")
    assert "From the resident" in correspondence and "From the council" in correspondence
    assert "Jane Resident" in correspondence and "Priya Handler" in correspondence
    assert "1 new message" in correspondence and "New" in correspondence
    stored = files_of(session, case)
    on_message = next(f for f in stored if f.message_id == first)
    assert f'href="/staff/cases/{case.reference}/files/{on_message.id}"' in body
    listed = text_of(section(body, "case-files"))
    assert "photo-notes.txt" in listed and "receipt.pdf" in listed
    assert "Jane Resident" in listed and "20 bytes" in listed and "14 December 2026" in listed
    # Another officer looking does not mark the message read: only the handler's opening counts.
    assert messages_of(session, case)[0].read_at is None


def test_the_handler_opening_the_case_marks_messages_in_as_read(app, session, world):
    case = world["case"]
    add_message(app, case, world["resident"], MessageDirection.IN, "Any news?")
    add_message(app, case, world["handler"], MessageDirection.OUT, "Not yet.")
    client = client_for(app, session, world["handler"])
    first = page_of(client.get(f"/staff/cases/{case.reference}"))
    assert "1 new message" in first  # shown as new the first time…
    incoming, outgoing = messages_of(session, case)
    assert incoming.read_at is not None and outgoing.read_at is None  # …and recorded as read
    assert "new message" not in page_of(client.get(f"/staff/cases/{case.reference}"))


def test_a_page_with_no_correspondence_says_so(app, session, world):
    body = page_of(client_for(app, session, world["agent"]).get(f"/staff/cases/{world['case'].reference}"))
    assert "There are no messages on this case." in body and "There are no files on this case." in body
    assert 'id="message-body"' not in body  # the contact centre does not write on cases


def test_the_identity_bar_names_the_procedure_and_its_version(app, session, world):
    body = page_of(client_for(app, session, world["agent"]).get(f"/staff/cases/{world['case'].reference}"))
    bar = text_of(section(body.replace('role="region"', 'id="identity-bar" role="region"', 1), "identity-bar"))
    assert re.search(r"Complaint, stage 1 .*Corporate complaints.*\(version \d+\)", bar), bar


# --- linked cases -------------------------------------------------------------------------------


def test_linked_cases_show_both_directions_with_kind_and_status(app, session, make, world):
    case = world["case"]
    parent = make.case(world["resident"], world["service"], status=CaseStatus.CLOSED)
    original = make.case(world["resident"], world["service"], status=CaseStatus.WITH_TEAM)
    case.split_from_id, case.duplicate_of_id = parent.id, original.id
    child = make.case(world["resident"], world["service"], split_from_id=case.id)
    copy = make.case(world["resident"], world["service"], status=CaseStatus.DUPLICATE, duplicate_of_id=case.id)
    hidden = make.case(world["resident"], world["other_service"], split_from_id=case.id)
    session.commit()
    body = page_of(client_for(app, session, world["officer"]).get(f"/staff/cases/{case.reference}"))
    links = section(body, "case-links")
    rows = {text_of(row.find(".//dt")): text_of(row.find(".//dd")) for row in links.iter("div")}
    assert rows["Split from"] == f"{parent.reference} Complaint Closed"
    assert rows["Duplicate of"] == f"{original.reference} Complaint Being investigated"
    split_into = [r for r in links.iter("div") if text_of(r.find(".//dt")) == "Split into"]
    assert {text_of(r.find(".//dd")).split()[0] for r in split_into} == {child.reference, hidden.reference}
    assert rows["Duplicate of this case"].startswith(copy.reference)
    assert f'href="/staff/cases/{parent.reference}"' in body
    # A responder sees only the links within their own service.
    responder = page_of(client_for(app, session, world["responder"]).get(f"/staff/cases/{case.reference}"))
    assert child.reference in responder and hidden.reference not in responder


def test_no_linked_cases_no_section(app, session, world):
    body = page_of(client_for(app, session, world["officer"]).get(f"/staff/cases/{world['case'].reference}"))
    assert 'id="case-links"' not in body


# --- writing ------------------------------------------------------------------------------------


def test_an_officer_sends_a_message_with_files_and_the_person_is_emailed_a_link_only(app, session, world):
    case = world["case"]
    client = client_for(app, session, world["officer"])
    response = send(client, case, "Please send a photo of the bin.",
                    [("letter.pdf", PDF), ("notes.txt", b"Collection day is Friday")])
    assert response.status_code == 302
    assert response.location.endswith(f"/staff/cases/{case.reference}#case-correspondence")
    [message] = messages_of(session, case)
    assert message.direction is MessageDirection.OUT and message.author_id == world["officer"].id
    assert message.body == "Please send a photo of the bin."
    stored = files_of(session, case)
    assert [(f.original_name, f.message_id, f.uploaded_by_id) for f in stored] == [
        ("letter.pdf", message.id, world["officer"].id), ("notes.txt", message.id, world["officer"].id)]
    [mail] = outbox(session, case)
    assert mail.recipient == "jane@example.com" and mail.locale == "cy" and mail.user_id == world["resident"].id
    assert case.reference in mail.subject + mail.body
    assert f"/cases/{case.reference}" in mail.body
    assert "photo of the bin" not in mail.subject + mail.body  # never the text itself
    page = page_of(client.get(response.location))
    assert "Message sent. The person has been told, in the way they chose, that there is a message to read." in page
    assert "Please send a photo of the bin." in text_of(section(page, "case-correspondence"))
    assert "letter.pdf" in text_of(section(page, "case-files"))


def test_a_person_who_asked_for_post_gets_no_email_and_the_message_is_to_print(app, session, world):
    case = world["case"]
    case.contact_method = ContactMethod.POST
    case.contact_address = "4 Bin Lane\nTowny\nTT1 1TT"
    session.commit()
    client = client_for(app, session, world["handler"])
    assert "This person gets letters, not emails." in page_of(client.get(f"/staff/cases/{case.reference}"))
    response = send(client, case, "We have rearranged your collection.")
    assert response.status_code == 302
    assert outbox(session, case) == []
    page = page_of(client.get(response.location))
    assert "Message saved. Print it and post it to the person." in page
    [message] = messages_of(session, case)
    card = text_of(section(page, f"message-{message.id}"))
    assert "To post" in card
    letter_url = f"/staff/cases/{case.reference}/messages/{message.id}/letter"
    assert f'href="{letter_url}"' in page
    letter = page_of(client.get(letter_url))
    assert "We have rearranged your collection." in letter and "4 Bin Lane" in letter and "Jane Resident" in letter
    assert f"About your case {case.reference}" in letter


def test_the_message_goes_the_way_notifications_write_to_the_person(app, session, make, world):
    """One rule for how we write to someone: a large-print adjustment means a printed letter (not a
    note nobody sends), "email only" outweighs asking for post, and post with no address is email."""
    case = world["case"]
    case.contact_address = "4 Bin Lane\nTowny\nTT1 1TT"
    make.adjustment(world["resident"], AdjustmentKind.LARGE_PRINT)
    session.commit()
    client = client_for(app, session, world["handler"])
    response = client.get(f"/staff/cases/{case.reference}")
    assert "This person gets letters, not emails." in page_of(response)
    assert int(response.headers["X-Redress-Queries"]) <= MAX_QUERIES
    send(client, case, "In large print, please.")
    assert outbox(session, case) == []
    assert "Message saved. Print it and post it to the person." in page_of(client.get(f"/staff/cases/{case.reference}"))

    make.adjustment(world["resident"], AdjustmentKind.EMAIL_ONLY)
    case.contact_method = ContactMethod.POST
    session.commit()
    assert "This person gets letters, not emails." not in page_of(client.get(f"/staff/cases/{case.reference}"))
    send(client, case, "By email after all.")
    assert [m.recipient for m in outbox(session, case)] == ["jane@example.com"]


def test_post_with_no_address_is_email(app, session, world):
    case = world["case"]
    case.contact_method = ContactMethod.POST
    case.contact_address = None
    session.commit()
    send(client_for(app, session, world["handler"]), case, "Where do we post this?")
    assert [m.recipient for m in outbox(session, case)] == ["jane@example.com"]


def test_only_messages_out_of_this_case_have_a_letter(app, session, make, world):
    case = world["case"]
    incoming = add_message(app, case, world["resident"], MessageDirection.IN, "Hello")
    other = make.case(world["resident"], world["service"])
    elsewhere = add_message(app, other, world["handler"], MessageDirection.OUT, "Elsewhere")
    client = client_for(app, session, world["officer"])
    assert client.get(f"/staff/cases/{case.reference}/messages/{incoming}/letter").status_code == 404
    assert client.get(f"/staff/cases/{case.reference}/messages/{elsewhere}/letter").status_code == 404
    assert client_for(app, session, world["outsider"]).get(
        f"/staff/cases/{other.reference}/messages/{elsewhere}/letter").status_code == 404


def test_a_refused_file_is_named_the_text_is_kept_and_nothing_is_saved(app, session, world):
    case = world["case"]
    response = send(client_for(app, session, world["officer"]), case, "Keep these words",
                    [("good.pdf", PDF), ("virus.exe", b"MZ" + b"\x00" * 40), ("empty.txt", b"")])
    body = page_of(response)
    assert response.status_code == 400
    assert "There is a problem" in body and 'href="#message-files"' in body
    assert "virus.exe must be a PDF, JPEG, PNG, DOCX, ODT or TXT file" in body
    assert "empty.txt is empty" in body and "good.pdf" not in body
    assert "Keep these words" in body
    assert messages_of(session, case) == [] and files_of(session, case) == [] and outbox(session, case) == []


def test_more_than_ten_files_are_refused(app, session, world):
    uploads = [(f"note-{n}.txt", b"a note") for n in range(11)]
    response = send(client_for(app, session, world["officer"]), world["case"], "Eleven files", uploads)
    assert response.status_code == 400 and "You can add up to 10 files" in page_of(response)
    assert messages_of(session, world["case"]) == []


def test_a_message_needs_words(app, session, world):
    response = send(client_for(app, session, world["officer"]), world["case"], "   ")
    assert response.status_code == 400 and "Enter your message" in page_of(response)
    too_long = send(client_for(app, session, world["officer"]), world["case"], "x" * 10_001)
    assert too_long.status_code == 400 and "Your message must be 10,000 characters or fewer" in page_of(too_long)
    assert messages_of(session, world["case"]) == []


@pytest.mark.parametrize(("who", "status"), [("responder", 404), ("outsider", 404), ("agent", 403), ("admin", 403),
                                              ("resident", 403)])
def test_who_is_refused_writing(app, session, world, who, status):
    client = client_for(app, session, world[who])
    response = client.post(f"/staff/cases/{world['case'].reference}/messages",
                           data={"csrf_token": client.csrf_token("/sign-in"), "body": "Hello"})
    assert response.status_code == status
    assert messages_of(session, world["case"]) == []


def test_a_manager_may_write(app, session, world):
    assert send(client_for(app, session, world["manager"]), world["case"], "From the manager").status_code == 302
    assert messages_of(session, world["case"])[0].author_id == world["manager"].id


def test_the_responder_handling_the_case_may_write(app, session, world):
    case = world["case"]
    case.officer_id = world["responder"].id
    session.commit()
    client = client_for(app, session, world["responder"])
    assert 'id="message-body"' in page_of(client.get(f"/staff/cases/{case.reference}"))
    assert send(client, case, "From the service handling your complaint.").status_code == 302
    assert messages_of(session, case)[0].author_id == world["responder"].id


def test_a_responder_not_handling_the_case_sees_no_form(app, session, world):
    body = page_of(client_for(app, session, world["responder"]).get(f"/staff/cases/{world['case'].reference}"))
    assert "Correspondence" in body and 'id="message-body"' not in body


# --- downloads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["handler", "agent", "responder", "manager"])
def test_anyone_who_may_see_the_case_downloads_its_files(app, session, world, who):
    file_id = add_evidence(app, world["case"], world["resident"], "receipt", PDF)
    response = client_for(app, session, world[who]).get(f"/staff/cases/{world['case'].reference}/files/{file_id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;") and "receipt.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_file_is_not_found_elsewhere_or_for_those_who_may_not_see_the_case(app, session, make, world):
    case = world["case"]
    file_id = add_evidence(app, case, world["resident"], "receipt.pdf")
    other = make.case(world["resident"], world["service"])
    other_file = add_evidence(app, other, world["resident"], "other.pdf")
    officer = client_for(app, session, world["officer"])
    assert officer.get(f"/staff/cases/{case.reference}/files/{other_file}").status_code == 404  # not this case's
    assert officer.get(f"/staff/cases/{case.reference}/files/999999").status_code == 404
    assert officer.get(f"/staff/cases/RDR-0000-0000/files/{file_id}").status_code == 404
    assert client_for(app, session, world["outsider"]).get(f"/staff/cases/{case.reference}/files/{file_id}").status_code == 404
    assert client_for(app, session, world["admin"]).get(f"/staff/cases/{case.reference}/files/{file_id}").status_code == 403
    assert client_for(app, session, world["resident"]).get(f"/staff/cases/{case.reference}/files/{file_id}").status_code == 403


def test_a_file_whose_bytes_are_gone_is_not_found(app, session, world):
    file_id = add_evidence(app, world["case"], world["resident"], "receipt.pdf")
    stored = session.get(StoredFile, file_id)
    with app.test_request_context():
        (files.upload_dir() / stored.stored_name).unlink()
    assert client_for(app, session, world["officer"]).get(
        f"/staff/cases/{world['case'].reference}/files/{file_id}").status_code == 404


# --- htmx sections ------------------------------------------------------------------------------


def test_a_note_posted_with_htmx_returns_only_the_timeline_with_the_new_note(app, session, world):
    case = world["case"]
    client = client_for(app, session, world["officer"])
    token = client.csrf_token(f"/staff/cases/{case.reference}")
    version = session.get(Case, case.id).version
    response = client.post(f"/staff/cases/{case.reference}/notes", headers=HX,
                           data={"csrf_token": token, "version": version, "text": "Rang the resident."})
    body = page_of(response)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="case-timeline"')
    assert "<html" not in body and "<h1" not in body and "case-correspondence" not in body
    assert 'data-focus-after-swap=".moj-timeline__item:last-child"' in body
    assert "HX-Request" in response.headers["Vary"] and "Cookie" in response.headers["Vary"]
    partial = section(body, "case-timeline")
    items = [text_of(item) for item in partial.iter("div") if item.get("class") == "moj-timeline__item"]
    assert "Rang the resident." in items[-1]
    assert f'name="version" type="hidden" value="{version + 1}"' in body  # the form is ready for the next note
    # The same data as the whole page shows.
    whole = section(page_of(client.get(f"/staff/cases/{case.reference}")), "case-timeline")
    assert [text_of(i) for i in whole.iter("div") if i.get("class") == "moj-timeline__item"] == items
    session.expire_all()
    assert session.scalar(select(func.count()).where(CaseEvent.case_id == case.id,
                                                     CaseEvent.type == EventType.NOTE_ADDED)) == 1


def test_a_refused_htmx_note_comes_back_with_its_error_summary_and_what_was_typed(app, session, world):
    case = world["case"]
    client = client_for(app, session, world["officer"])
    token = client.csrf_token(f"/staff/cases/{case.reference}")
    stale = client.post(f"/staff/cases/{case.reference}/notes", headers=HX,
                        data={"csrf_token": token, "version": "0", "text": "Typed before someone else."})
    body = page_of(stale)
    assert stale.status_code == 409 and body.lstrip().startswith('<section id="case-timeline"')
    assert "There is a problem" in body and "Someone else changed this case" in body
    assert "Typed before someone else." in body and "data-focus-after-swap" not in body
    assert f'value="{session.get(Case, case.id).version}"' in body
    empty = client.post(f"/staff/cases/{case.reference}/notes", headers=HX, data={"csrf_token": token, "text": ""})
    assert empty.status_code == 400 and "Enter the note" in page_of(empty)
    # Without htmx the whole page comes back, the same way.
    whole = client.post(f"/staff/cases/{case.reference}/notes",
                        data={"csrf_token": token, "version": "0", "text": "Typed again."})
    assert whole.status_code == 409 and "<h1" in page_of(whole) and "Typed again." in page_of(whole)


def test_a_message_sent_with_htmx_returns_the_correspondence_and_the_files_list(app, session, world):
    case = world["case"]
    client = client_for(app, session, world["officer"])
    response = send(client, case, "Sent in place.", [("plan.pdf", PDF)], headers=HX)
    body = page_of(response)
    [message] = messages_of(session, case)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="case-correspondence"')
    assert f'data-focus-after-swap="#message-{message.id}"' in body
    assert '<section id="case-files" aria-labelledby="case-files-heading" hx-swap-oob="true">' in body
    assert "<h1" not in body and "case-timeline" not in body
    assert "Sent in place." in text_of(section(body, f"message-{message.id}"))
    assert "plan.pdf" in text_of(section(body, "case-files"))
    whole = page_of(client.get(f"/staff/cases/{case.reference}"))
    assert text_of(section(whole, "case-correspondence")) == text_of(section(body, "case-correspondence"))
    assert text_of(section(whole, "case-files")) == text_of(section(body, "case-files"))
    assert len(outbox(session, case)) == 1


def test_a_refused_htmx_message_keeps_the_text_and_swaps_nothing_else(app, session, world):
    response = send(client_for(app, session, world["officer"]), world["case"], "Keep me", [("bad.exe", b"MZ\x00\x00")],
                    headers=HX)
    body = page_of(response)
    assert response.status_code == 400 and body.lstrip().startswith('<section id="case-correspondence"')
    assert "There is a problem" in body and "bad.exe must be" in body and "Keep me" in body
    assert "hx-swap-oob" not in body and "data-focus-after-swap" not in body


# --- the query budget -----------------------------------------------------------------------------


def test_a_long_case_page_stays_within_the_query_budget(app, session, make, world):
    """100 events, 50 messages (unread ones the handler marks read), 30 files and linked cases."""
    case = world["case"]
    start = utcnow() - timedelta(days=40)
    for n in range(99):
        session.add(CaseEvent(case_id=case.id, type=EventType.NOTE_ADDED, at=start + timedelta(minutes=n),
                              actor_id=(world["handler"], world["officer"], world["manager"])[n % 3].id,
                              from_status=case.status, to_status=case.status, public=False, details={"text": f"Note {n}"}))
    session.commit()
    for n in range(50):
        incoming = n % 2 == 0
        attached = ((f"file-{n}.txt", f"File {n}".encode()),) if n < 25 else ()
        add_message(app, case, world["resident"] if incoming else world["handler"],
                    MessageDirection.IN if incoming else MessageDirection.OUT, f"Message {n}", attached,
                    at=start + timedelta(hours=n))
    for n in range(5):
        add_evidence(app, case, world["resident"], f"evidence-{n}.pdf")
    case.split_from_id = make.case(world["resident"], world["service"]).id
    case.duplicate_of_id = make.case(world["resident"], world["service"]).id
    session.commit()
    for _ in range(3):
        make.case(world["resident"], world["service"], split_from_id=case.id)
        make.case(world["resident"], world["service"], duplicate_of_id=case.id)
    assert session.scalar(select(func.count()).where(CaseEvent.case_id == case.id)) == 100
    assert len(files_of(session, case)) == 30

    handler = client_for(app, session, world["handler"])
    response = handler.get(f"/staff/cases/{case.reference}")  # the strict client also fails any page over 10
    body = page_of(response)
    counted = int(response.headers["X-Redress-Queries"])
    assert counted <= MAX_QUERIES, counted
    assert body.count('class="govuk-summary-card redress-message"') == 50
    assert body.count('class="moj-timeline__item"') == 100
    assert "25 new messages" in body and len(re.findall(r"/files/\d+\"", body)) == 55  # 25 on messages, 30 listed
    # counted as whole references: a random one can hold "RDR-" again inside it (RDR-BRDR-QGDG)
    assert len(re.findall(r"RDR-[0-9A-Z]{4}-[0-9A-Z]{4}", text_of(section(body, "case-links")))) == 8
    assert all(m.read_at is not None for m in messages_of(session, case) if m.direction is MessageDirection.IN)

    # The sections served alone to htmx, and the other readers' pages, are within it too.
    assert int(handler.get(f"/staff/cases/{case.reference}").headers["X-Redress-Queries"]) <= MAX_QUERIES
    for who in ("agent", "responder", "manager"):
        assert int(client_for(app, session, world[who]).get(
            f"/staff/cases/{case.reference}").headers["X-Redress-Queries"]) <= MAX_QUERIES
    token = handler.csrf_token(f"/staff/cases/{case.reference}")
    note = handler.post(f"/staff/cases/{case.reference}/notes", headers=HX,
                        data={"csrf_token": token, "version": session.get(Case, case.id).version, "text": "One more"})
    assert note.status_code == 200 and int(note.headers["X-Redress-Queries"]) <= MAX_QUERIES
    sent = send(handler, case, "And one more message", [("last.pdf", PDF)], headers=HX)
    assert sent.status_code == 200 and int(sent.headers["X-Redress-Queries"]) <= MAX_QUERIES
