"""A resident's case with JavaScript: the progress section refreshing itself and saying only what
changed, and a reply's files uploaded as soon as they are chosen, held for the reply until it is
sent (and only then part of the case), with every page still working without JavaScript."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import html5lib
import pytest
from sqlalchemy import func, select

from shared import clock
from shared.domain.enums import CaseStatus, MessageDirection, Role
from shared.models import Case, CaseMessage, CaseResponse, StoredFile
from shared.services import files, reply_files
from unit_tests.test_files import PDF
from unit_tests.test_guest_case_access import grant
from unit_tests.test_route_access import quick_sign_in

NOW = "2027-01-13T10:00:00"  # a Wednesday, London time
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _fixed_time():
    clock.set_now(NOW)


@pytest.fixture
def resident(make):
    return make.user(Role.RESIDENT, full_name="Jane Williams")


@pytest.fixture
def service(make):
    return make.service(name="Waste and recycling")


def tree_of(response):
    body = response.get_data(as_text=True)
    parser = html5lib.parseFragment if response.request.headers.get("HX-Request") else html5lib.parse
    return parser(body, namespaceHTMLElements=False)


def by_id(tree, element_id: str):
    return next((el for el in tree.iter() if el.get("id") == element_id), None)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def markup(element) -> str:
    element.tail = None
    return ElementTree.tostring(element, encoding="unicode", method="html")


def without_tokens(html: str) -> str:
    return re.sub(r'value="[^"]+" name="csrf_token"|name="csrf_token" type="hidden" value="[^"]+"', "", html)


# --- the progress section refreshes itself -----------------------------------------------------------


def test_the_progress_section_asks_to_refresh_every_minute_carrying_what_it_shows(app, client, session, make, resident,
                                                                                  service):
    case = make.case_with_response(resident, service)
    make.message(app, case, body="Could you send a photo?")
    quick_sign_in(client, session, resident)

    section = by_id(tree_of(client.get(f"/cases/{case.reference}")), "case-progress")

    # No filter in hx-trigger (it would need eval): app.mjs holds the request while the page is hidden.
    assert (section.get("hx-trigger"), section.get("hx-swap")) == ("every 60s", "outerHTML")
    assert section.get("data-refresh-while-idle") is not None
    address = urlsplit(section.get("hx-get"))
    assert address.path == f"/cases/{case.reference}"
    (message_id,) = session.scalars(select(CaseMessage.id).where(CaseMessage.case_id == case.id)).all()
    assert parse_qs(address.query) == {"status": ["response_sent"], "responses": ["1"], "messages": ["1"],
                                       "new": [str(message_id)]}
    for shown in ("Response sent", "What happens next", "We looked into your complaint", "Could you send a photo?"):
        assert shown in text_of(section)


def test_a_refresh_is_the_same_section_as_the_page_and_says_nothing_when_nothing_changed(app, client, session, make,
                                                                                         resident, service):
    case = make.case_with_response(resident, service)
    make.message(app, case, body="Could you send a photo?")
    quick_sign_in(client, session, resident)
    client.get(f"/cases/{case.reference}")  # the message is read now, so neither shows it as new
    page = tree_of(client.get(f"/cases/{case.reference}"))
    refresh_url = by_id(page, "case-progress").get("hx-get")

    response = client.get(refresh_url, headers=HX)

    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    refreshed = tree_of(response)
    assert markup(by_id(refreshed, "case-progress")) == markup(by_id(page, "case-progress"))
    announcement = by_id(refreshed, "case-announcement")
    assert announcement.get("hx-swap-oob") == "innerHTML" and text_of(announcement) == ""
    assert by_id(page, "case-announcement").get("role") == "status"
    assert refreshed.find(".//h1") is None


def test_a_refresh_says_what_changed_and_shows_it(app, client, session, make, resident, service):
    case = make.case(resident, service, status=CaseStatus.WITH_TEAM)
    quick_sign_in(client, session, resident)
    refresh_url = by_id(tree_of(client.get(f"/cases/{case.reference}")), "case-progress").get("hx-get")
    # Meanwhile the council sends a message and its response.
    make.message(app, case, body="We have visited the street.")
    sent_at = clock.utcnow()
    session.add(CaseResponse(case_id=case.id, stage=1, author_id=make.user(Role.OFFICER).id, body="Our response.",
                             findings={}, remedies=[], actions=[], created_at=sent_at, updated_at=sent_at, sent_at=sent_at))
    session.get(Case, case.id).status = CaseStatus.RESPONSE_SENT
    session.commit()

    refreshed = tree_of(client.get(refresh_url, headers=HX))

    assert text_of(by_id(refreshed, "case-announcement")) == (
        "We have sent you our response. The status of your case is now: Response sent. You have 1 new message from us.")
    section = text_of(by_id(refreshed, "case-progress"))
    assert "We have visited the street." in section and "New" in section and "Response sent" in section
    assert "status=response_sent" in by_id(refreshed, "case-progress").get("hx-get")


def test_messages_new_when_the_page_opened_stay_marked_new_on_refresh(app, client, session, make, resident, service):
    case = make.case(resident, service)
    ours, _files = make.message(app, case, body="Please call us.")
    quick_sign_in(client, session, resident)
    refresh_url = by_id(tree_of(client.get(f"/cases/{case.reference}")), "case-progress").get("hx-get")
    assert f"new={ours}" in refresh_url
    session.expire_all()
    assert session.get(CaseMessage, ours).read_at is not None  # read when the page opened
    assert "New" in text_of(by_id(tree_of(client.get(refresh_url, headers=HX)), "case-progress"))
    without = refresh_url.replace(f"new={ours}", "new=")
    assert "New" not in text_of(by_id(tree_of(client.get(without, headers=HX)), "case-progress"))


def test_a_refresh_with_fifty_messages_stays_within_the_query_budget(app, client, session, make, resident, service):
    case = make.case_with_response(resident, service)
    for n in range(50):
        make.message(app, case, body=f"Message {n}", attachments=((f"file-{n}.txt", b"text"),))
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{case.reference}?status=response_sent&responses=1&messages=50", headers=HX)
    assert response.status_code == 200 and int(response.headers["X-Redress-Queries"]) <= 10
    assert "file-49.txt" in response.get_data(as_text=True)


def test_someone_elses_case_cannot_be_refreshed(client, session, make, resident, service):
    theirs = make.case(make.user(Role.RESIDENT), service, what_happened="Their private matter.")
    quick_sign_in(client, session, resident)
    response = client.get(f"/cases/{theirs.reference}?status=received", headers=HX)
    assert response.status_code == 404 and "Their private matter." not in response.get_data(as_text=True)


def test_a_guest_with_the_link_gets_the_refresh_for_that_case_only(client, make, service):
    guest = make.user(Role.RESIDENT)
    case, other = make.case(guest, service), make.case(guest, service)
    grant(client, case)
    assert client.get(f"/cases/{case.reference}?status=received", headers=HX).status_code == 200
    assert client.get(f"/cases/{other.reference}?status=received", headers=HX).status_code == 404


# --- a reply's files, uploaded as they are chosen -------------------------------------------------------


def _token(client, case) -> str:
    return client.csrf_token(f"/cases/{case.reference}/reply")


def add_files(client, case, *named, headers=HX):
    return client.post(f"/cases/{case.reference}/reply/files",
                       data={"files": [(io.BytesIO(data), name) for name, data in named]},
                       headers={**headers, "X-CSRFToken": _token(client, case)}, content_type="multipart/form-data")


def held_names(session, resident) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(StoredFile.original_name).where(
        StoredFile.uploaded_by_id == resident.id, StoredFile.case_id.is_(None)).order_by(StoredFile.id)))


@pytest.fixture
def case(client, session, make, resident, service):
    found = make.case(resident, service, status=CaseStatus.WITH_TEAM)
    quick_sign_in(client, session, resident)
    return found


def test_the_reply_pages_file_box_uploads_on_choosing(client, case):
    page = tree_of(client.get(f"/cases/{case.reference}/reply"))
    chooser = by_id(page, "files")
    assert (chooser.get("hx-post"), chooser.get("hx-trigger"), chooser.get("hx-target"), chooser.get("hx-params")) == (
        f"/cases/{case.reference}/reply/files", "change", "#reply-files", "files")
    assert chooser.get("hx-encoding") == "multipart/form-data" and chooser.get("data-upload-status") == "files-status"
    assert by_id(page, "files-status").get("role") == "status"


def test_chosen_files_are_held_for_the_reply_each_named_accepted_or_refused(client, session, resident, case):
    response = add_files(client, case, ("letter.pdf", PDF), ("virus.pdf", b"MZ\x90\x00\x03\x00"))

    assert response.status_code == 200
    tree = tree_of(response)
    section = by_id(tree, "reply-files")
    assert "You have added 1 file" in text_of(section) and "letter.pdf" in text_of(section)
    assert "virus.pdf must be a PDF, JPEG, PNG, DOCX, ODT or TXT file" in text_of(by_id(section, "files-error"))
    assert text_of(by_id(tree, "files-status")) == (
        "letter.pdf has been added. virus.pdf must be a PDF, JPEG, PNG, DOCX, ODT or TXT file. You have added 1 file.")
    # Held, not yet part of the case: the council sees nothing until the message is sent.
    assert held_names(session, resident) == ["letter.pdf"]
    assert session.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.case_id == case.id)) == 0
    assert "letter.pdf" not in client.get(f"/cases/{case.reference}").get_data(as_text=True)
    # The reply page lists it, each with a Remove button that works without JavaScript.
    page = tree_of(client.get(f"/cases/{case.reference}/reply"))
    remove = next(b for b in page.iter("button") if b.get("name") == "remove_file")
    assert "Remove letter.pdf" in text_of(remove) and remove.get("type") == "submit"
    assert remove.get("hx-post") == f"/cases/{case.reference}/reply/files"


def test_sending_the_reply_attaches_the_held_files_and_any_chosen_then(client, session, resident, case):
    add_files(client, case, ("first.txt", b"chosen first"))
    response = client.post(f"/cases/{case.reference}/reply", content_type="multipart/form-data", data={
        "csrf_token": _token(client, case), "body": "Here are my files.", "files": [(io.BytesIO(b"later"), "second.txt")]})

    assert response.status_code == 302
    session.expire_all()
    (message,) = session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)).all()
    attached = session.scalars(select(StoredFile).where(StoredFile.message_id == message.id).order_by(StoredFile.id)).all()
    assert [(f.original_name, f.case_id) for f in attached] == [("first.txt", case.id), ("second.txt", case.id)]
    assert message.direction is MessageDirection.IN
    assert held_names(session, resident) == []
    assert "You have added" not in client.get(f"/cases/{case.reference}/reply").get_data(as_text=True)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "first.txt" in page and "second.txt" in page


def test_a_refused_reply_keeps_the_held_files(client, session, resident, case):
    add_files(client, case, ("kept.txt", b"kept"))
    response = client.post(f"/cases/{case.reference}/reply", data={"csrf_token": _token(client, case), "body": " "})
    assert response.status_code == 400
    assert "Enter your message" in response.get_data(as_text=True) and "kept.txt" in response.get_data(as_text=True)
    assert held_names(session, resident) == ["kept.txt"]


def test_held_files_count_towards_the_limit_for_one_message(client, session, resident, case, monkeypatch):
    from unit_tests.test_feedback_journey import writes

    with writes(monkeypatch):  # one row per file
        add_files(client, case, *[(f"{n}.txt", b"note") for n in range(9)])
    refused = tree_of(add_files(client, case, ("ten.txt", b"x"), ("eleven.txt", b"y")))
    assert "You can add up to 10 files" in text_of(by_id(refused, "reply-files"))
    assert len(held_names(session, resident)) == 9
    response = client.post(f"/cases/{case.reference}/reply", content_type="multipart/form-data", data={
        "csrf_token": _token(client, case), "body": "Two more.",
        "files": [(io.BytesIO(b"x"), "ten.txt"), (io.BytesIO(b"y"), "eleven.txt")]})
    assert response.status_code == 400 and "You can add up to 10 files" in response.get_data(as_text=True)
    with writes(monkeypatch):
        full = tree_of(add_files(client, case, ("ten.txt", b"x")))
    assert "You have added the most files you can" in text_of(by_id(full, "reply-files")) and by_id(full, "files") is None


def test_a_held_file_can_be_removed_with_htmx(client, session, resident, case):
    add_files(client, case, ("keep.txt", b"keep"), ("drop.txt", b"drop"))
    drop = session.scalar(select(StoredFile.id).where(StoredFile.original_name == "drop.txt"))
    response = client.post(f"/cases/{case.reference}/reply/files", data={"remove_file": str(drop)},
                           headers={**HX, "X-CSRFToken": _token(client, case)})
    section = by_id(tree_of(response), "reply-files")
    assert "drop.txt" not in text_of(section) and "keep.txt" in text_of(section)
    assert held_names(session, resident) == ["keep.txt"]


def test_without_javascript_remove_shows_the_page_again_with_what_was_typed(client, session, resident, case):
    add_files(client, case, ("drop.txt", b"drop"))
    drop = session.scalar(select(StoredFile.id).where(StoredFile.original_name == "drop.txt"))
    response = client.post(f"/cases/{case.reference}/reply", data={
        "csrf_token": _token(client, case), "body": "Half-written message.", "remove_file": str(drop)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Half-written message." in page and "drop.txt" not in page and "There is a problem" not in page
    assert held_names(session, resident) == []
    assert session.scalar(select(func.count()).select_from(CaseMessage).where(CaseMessage.case_id == case.id)) == 0


def test_posted_without_htmx_the_files_come_back_on_the_whole_page(client, session, resident, case):
    response = add_files(client, case, ("note.txt", b"a note"), headers={})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1" in page and "Add information or reply" in page and "note.txt" in page


def test_a_file_in_the_cookie_counts_only_if_the_same_person_added_it_and_it_is_unattached(app, client, session, make, resident,
                                                                                     case):
    someone = make.user(Role.RESIDENT)
    with app.app_context():
        from shared.db import db

        theirs = files.store([files.CheckedFile("theirs.txt", files.TXT, b"x")], uploaded_by=someone)[0].id
        # Already part of the case (as if sent with an earlier message): not to be taken again.
        attached_id = files.store([files.CheckedFile("sent.txt", files.TXT, b"y")], uploaded_by=resident,
                                  case_id=case.id)[0].id
        db.session.commit()
    with client.session_transaction() as cookie:
        cookie[reply_files.SESSION_KEY] = {str(case.id): [theirs, attached_id]}
    page = client.get(f"/cases/{case.reference}/reply").get_data(as_text=True)
    assert "theirs.txt" not in page and "sent.txt" not in page
    client.post(f"/cases/{case.reference}/reply", data={"csrf_token": _token(client, case), "body": "Hello."})
    session.expire_all()
    assert session.get(StoredFile, theirs).message_id is None and session.get(StoredFile, theirs).case_id is None


def test_another_residents_case_takes_no_files(client, session, make, resident, case, service):
    theirs = make.case(make.user(Role.RESIDENT), service)
    response = client.post(f"/cases/{theirs.reference}/reply/files", data={"files": [(io.BytesIO(b"x"), "x.txt")]},
                           headers={**HX, "X-CSRFToken": _token(client, case)}, content_type="multipart/form-data")
    assert response.status_code == 404
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_a_guest_with_the_link_adds_files_and_sends_them(client, session, make, service):
    guest = make.user(Role.RESIDENT)
    found = make.case(guest, service)
    grant(client, found)
    add_files(client, found, ("from-guest.txt", b"hello"))
    assert client.post(f"/cases/{found.reference}/reply", data={"csrf_token": _token(client, found), "body": "Sent."}
                       ).status_code == 302
    session.expire_all()
    stored = session.scalar(select(StoredFile).where(StoredFile.original_name == "from-guest.txt"))
    assert (stored.case_id, stored.uploaded_by_id) == (found.id, guest.id) and stored.message_id is not None


def test_files_never_sent_are_deleted_after_a_day(app, client, session, resident, case):
    add_files(client, case, ("forgotten.txt", b"old"))
    stored_name = session.scalar(select(StoredFile.stored_name).where(StoredFile.original_name == "forgotten.txt"))
    with app.app_context():
        from pathlib import Path

        from shared.db import db

        on_disk = Path(app.config["UPLOAD_PATH"]) / stored_name
        assert on_disk.exists()
        assert reply_files.delete_stale() == 0  # not a day old yet
        clock.set_now(clock.utcnow() + reply_files.LIFETIME + timedelta(minutes=1))
        assert reply_files.delete_stale() == 1
        db.session.commit()
    assert not on_disk.exists() and held_names(session, resident) == []
