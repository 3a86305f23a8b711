"""Giving feedback as a signed-in resident, through the test client: a complaint with evidence
from the start page to triage, a first-time request, a compliment and comments; saved drafts,
whose they are and deleting them; evidence files added, refused, removed and moved to the case."""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from sqlalchemy import func, select

from shared.domain.enums import (
    CaseKind,
    CaseStatus,
    Channel,
    ConsentMethod,
    ContactMethod,
    EventType,
    MessageChannel,
    Role,
)
from shared.models import Case, CaseEvent, FeedbackDraft, OutboxMessage, Procedure, StoredFile
from shared.services import files, intake
from unit_tests import strict_client
from unit_tests.crafted_files import plain_pdf
from unit_tests.factories import sign_in
from unit_tests.test_route_access import quick_sign_in

REFERENCE = re.compile(r"RDR-[0-9A-Z]{4}-[0-9A-Z]{4}")
PDF = plain_pdf()
COMPLETE = {
    "service": "waste", "what_happened": "The bin was missed.", "happened_on": "2026-03-02", "outcome_wanted": "Collect it.",
    "asked_before": "yes", "someone_else": "no", "support": "no", "contact_method": "email", "files_done": "yes",
}


@pytest.fixture
def service(make):
    return make.service("waste", "Waste and recycling")


@pytest.fixture
def resident(client, make, service):
    person = make.user(Role.RESIDENT, full_name="Jane Williams")
    sign_in(client, person)
    return person


@contextmanager
def writes(monkeypatch, limit: int = 20):
    """Allow more statements for one request that writes many rows, and say why where it is used.

    Pages stay within 10; these are redirects after a write.
    """
    monkeypatch.setattr(strict_client, "MAX_QUERIES", limit)
    try:
        yield
    finally:
        monkeypatch.setattr(strict_client, "MAX_QUERIES", 10)


def path(response) -> str:
    return urlsplit(response.location).path


def upload(*named: tuple[str, bytes]) -> list:
    return [(io.BytesIO(data), name) for name, data in named]


def new_draft(client, kind: str = "complaint") -> str:
    response = client.submit("/feedback/new", {"kind": kind})
    assert response.status_code == 302
    return path(response).rsplit("/", 1)[0]


def answer(client, url: str, slug: str, data: dict, then: str | None = None) -> None:
    response = client.submit(f"{url}/{slug}", data)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    if then is not None:
        assert path(response) == f"{url}/{then}", path(response)


def send(client, url: str, monkeypatch) -> tuple[str, str]:
    client.get(f"{url}/check-your-answers")
    # Held to the usual 10 too: sending reads the draft with the service, procedure, closure days and
    # what the draft has to move in one query, inserts the case, its event and stage, moves the
    # files and signposts (if any), queues the acknowledgement and deletes the draft.
    response = client.submit(f"{url}/check-your-answers")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = client.get(response.location).get_data(as_text=True)
    return REFERENCE.search(page).group(0), page


# --- a complaint, from start to triage ----------------------------------------------------------


def test_resident_complains_with_evidence_and_an_officer_sees_it_in_triage(client, make, session, service, resident, monkeypatch):
    officer = make.user(Role.OFFICER)
    start = client.get("/feedback").get_data(as_text=True)
    assert "Give feedback" in start and "Start new feedback" in start
    choose = client.get("/feedback/new").get_data(as_text=True)
    assert "What would you like to do?" in choose and "Give a compliment" in choose

    url = new_draft(client)
    answer(client, url, "service", {"service": "waste"}, "what-happened")
    answer(client, url, "what-happened", {"what_happened": "My bin was missed\nthree weeks running."}, "when")
    answer(client, url, "when", {"happened_on": ["3", "11", "2026"]}, "put-it-right")
    answer(client, url, "put-it-right", {"outcome_wanted": "Collect my bin."}, "asked-before")
    answer(client, url, "asked-before", {"asked_before": "yes"}, "someone-else")
    answer(client, url, "someone-else", {"someone_else": "yes"}, "their-details")
    answer(client, url, "their-details", {"subject_name": "Ann Williams", "subject_relationship": "Mother",
                                          "subject_address": "2 Mill Lane"}, "consent")
    answer(client, url, "consent", {"consent": "written"}, "support")
    answer(client, url, "support", {"support": "yes"}, "support-needed")
    answer(client, url, "support-needed", {"support_note": "A BSL interpreter, please."}, "contact")
    answer(client, url, "contact", {"contact_method": "phone"}, "phone-number")
    answer(client, url, "phone-number", {"contact_phone": "07700 900 982"}, "files")
    answer(client, url, "files", {"files": upload(("bin.pdf", PDF)), "action": "continue"}, "check-your-answers")

    check = client.get(f"{url}/check-your-answers").get_data(as_text=True)
    for shown in ("Waste and recycling", "07700 900 982", "3 November 2026", "Ann Williams", "Mother", "2 Mill Lane",
                  "A BSL interpreter, please.", "bin.pdf", f"{url}/when?change=1"):
        assert shown in check, shown

    reference, page = send(client, url, monkeypatch)
    assert "Complaint sent" in page and "What happens next" in page
    case = session.scalar(select(Case).where(Case.reference == reference))
    assert f"acknowledge your complaint by {case.acknowledge_by.day} " in page
    assert (case.kind, case.status, case.resident_id, case.service_id) == (CaseKind.COMPLAINT, CaseStatus.RECEIVED, resident.id, service.id)
    assert (case.contact_method, case.contact_phone, case.contact_address) == (ContactMethod.PHONE, "07700 900 982", None)
    assert (case.for_someone_else, case.subject_name, case.subject_relationship, case.subject_address, case.consent) == (
        True, "Ann Williams", "Mother", "2 Mill Lane", ConsentMethod.WRITTEN)
    assert (case.support_needed, case.support_note, case.asked_before) == (True, "A BSL interpreter, please.", True)
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert [(e.type, e.channel, e.details["procedure"]) for e in events] == [(EventType.RECEIVED, Channel.ONLINE, "corporate")]
    stored = session.scalars(select(StoredFile).where(StoredFile.case_id == case.id)).all()
    assert [(f.original_name, f.draft_id, f.content_type) for f in stored] == [("bin.pdf", None, files.PDF)]
    assert session.scalar(select(func.count()).select_from(FeedbackDraft).where(FeedbackDraft.user_id == resident.id)) == 0
    mail = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    assert (mail.template, mail.recipient) == ("complaint_received", resident.email)
    assert reference in mail.body and "missed" not in mail.body  # a link and dates, never what they told us

    assert reference in client.get("/cases").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/cases")})
    sign_in(client, officer, staff=True)
    queue = client.get("/staff/triage").get_data(as_text=True)
    assert reference in queue and "Jane Williams" in queue
    assert "Received (online)" in client.get(f"/staff/cases/{reference}").get_data(as_text=True)


def test_a_first_time_request_can_go_to_the_service(client, session, make, resident, monkeypatch):
    url = f"/feedback/{make.feedback_draft(resident, answers={k: v for k, v in COMPLETE.items() if k not in {'someone_else', 'support'}} | {'asked_before': 'no'}).id}"
    page = client.get(f"{url}/first-time-request").get_data(as_text=True)
    assert "Send it to the service as a request" in page and "Continue with my complaint" in page
    answer(client, url, "first-time-request", {"route": "request"}, "check-your-answers")
    check = client.get(f"{url}/check-your-answers").get_data(as_text=True)
    assert "Check your answers before sending your request" in check and "Send request" in check
    assert "Complaining for someone else" not in check  # not asked for a request

    reference, page = send(client, url, monkeypatch)
    assert "Request sent" in page and "pass it to Waste and recycling" in page
    case = session.scalar(select(Case).where(Case.reference == reference))
    assert case.kind is CaseKind.SERVICE_REQUEST and case.status is CaseStatus.RECEIVED and case.asked_before is False
    assert session.scalar(select(OutboxMessage.template).where(OutboxMessage.case_id == case.id)) == "service_request_received"


def test_they_can_keep_it_as_a_complaint(client, session, make, resident, monkeypatch):
    url = f"/feedback/{make.feedback_draft(resident, answers=COMPLETE | {'asked_before': 'no'}).id}"
    answer(client, url, "first-time-request", {"route": "complaint"}, "check-your-answers")
    reference, _page = send(client, url, monkeypatch)
    assert session.scalar(select(Case.kind).where(Case.reference == reference)) is CaseKind.COMPLAINT


def _feedback_procedure(session) -> int:
    return session.scalar(select(Procedure.id).where(Procedure.slug == "feedback", Procedure.is_current.is_(True)))


def test_a_compliment_is_thanked_by_email(client, session, resident, monkeypatch):
    url = new_draft(client, "compliment")
    assert "Which service is your compliment about?" in client.get(f"{url}/service").get_data(as_text=True)
    answer(client, url, "service", {"service": "waste"}, "your-message")
    assert "You can name the staff who helped you" in client.get(f"{url}/your-message").get_data(as_text=True)
    answer(client, url, "your-message", {"what_happened": "Dave on the crew was brilliant."}, "check-your-answers")
    reference, page = send(client, url, monkeypatch)
    assert "Compliment sent" in page
    case = session.scalar(select(Case).where(Case.reference == reference))
    assert (case.kind, case.procedure_id, case.contact_method, case.outcome_wanted) == (
        CaseKind.COMPLIMENT, _feedback_procedure(session), ContactMethod.EMAIL, "")
    assert case.what_happened == "Dave on the crew was brilliant."
    assert session.scalar(select(OutboxMessage.template).where(OutboxMessage.case_id == case.id)) == "compliment_received"


@pytest.mark.parametrize("reply", [True, False])
def test_a_comment_asks_how_to_reply_only_if_they_want_one(client, session, resident, reply, monkeypatch):
    url = new_draft(client, "comment")
    answer(client, url, "service", {"service": "waste"}, "your-message")
    answer(client, url, "your-message", {"what_happened": "Collect recycling weekly."}, "reply")
    if reply:
        answer(client, url, "reply", {"reply_wanted": "yes"}, "contact")
        assert "How would you like us to reply to your comment?" in client.get(f"{url}/contact").get_data(as_text=True)
        answer(client, url, "contact", {"contact_method": "post"}, "postal-address")
        answer(client, url, "postal-address", {"contact_address": "1 High Street"}, "check-your-answers")
    else:
        answer(client, url, "reply", {"reply_wanted": "no"}, "check-your-answers")
    reference, page = send(client, url, monkeypatch)
    assert "Comment sent" in page
    case = session.scalar(select(Case).where(Case.reference == reference))
    assert (case.kind, case.procedure_id) == (CaseKind.COMMENT, _feedback_procedure(session))
    if reply:
        assert (case.contact_method, case.contact_address) == (ContactMethod.POST, "1 High Street")
        # They asked for letters: the acknowledgement is a letter to print, not an email.
        letter = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
        assert (letter.template, letter.channel, letter.recipient) == ("comment_received", MessageChannel.LETTER, "1 High Street")
        assert "We will send you a letter to confirm we have received it." in page
        assert "Keep your reference number" in page and "We have sent a confirmation" not in page
    else:
        assert case.contact_method is ContactMethod.EMAIL
        assert session.scalar(select(OutboxMessage.template).where(OutboxMessage.case_id == case.id)) == "comment_received"


def test_the_confirmation_is_only_for_the_person_who_sent_it(client, session, make, service, resident):
    case = make.case(resident, service)
    assert client.get(f"/feedback/sent/{case.reference}").status_code == 200
    quick_sign_in(client, session, make.user(Role.RESIDENT))
    assert client.get(f"/feedback/sent/{case.reference}").status_code == 404
    assert client.get("/feedback/sent/RDR-0000-0000").status_code == 404


# --- saved drafts -------------------------------------------------------------------------------


def test_unfinished_feedback_is_listed_and_each_continues_where_it_stopped(client, session, make, resident):
    first = make.feedback_draft(resident, answers={"service": "waste", "what_happened": "x"})
    second = make.feedback_draft(resident, kind=CaseKind.COMPLIMENT)
    page = client.get("/feedback").get_data(as_text=True)
    assert "Your unfinished feedback" in page
    assert "Complaint about Waste and recycling" in page and "Compliment, service not chosen yet" in page
    assert f'href="/feedback/{first.id}/when"' in page and f'href="/feedback/{second.id}/service"' in page
    assert f'href="/feedback/{first.id}/delete"' in page


def test_starting_new_feedback_makes_a_new_draft_each_time(client, session, resident):
    one, two = new_draft(client), new_draft(client, "comment")
    assert one != two
    kinds = session.scalars(select(FeedbackDraft.kind).where(FeedbackDraft.user_id == resident.id).order_by(FeedbackDraft.id)).all()
    assert kinds == [CaseKind.COMPLAINT, CaseKind.COMMENT]


def test_starting_needs_a_choice(client, session, resident):
    page = client.submit("/feedback/new", {}).get_data(as_text=True)
    assert "Select what you would like to do" in page
    assert session.scalar(select(func.count()).select_from(FeedbackDraft)) == 0


def test_there_is_a_limit_on_unfinished_drafts(client, session, make, resident):
    for _ in range(intake.MAX_DRAFTS):
        make.feedback_draft(resident)
    page = client.submit("/feedback/new", {"kind": "complaint"}).get_data(as_text=True)
    assert "Send or delete one before you start another" in page
    assert session.scalar(select(func.count()).where(FeedbackDraft.user_id == resident.id)) == intake.MAX_DRAFTS


def test_another_residents_draft_is_not_found(client, session, make, resident):
    other = make.user(Role.RESIDENT)
    theirs = make.feedback_draft(other, answers=COMPLETE)
    url = f"/feedback/{theirs.id}"
    for slug in ("service", "files", "check-your-answers", "delete"):
        response = client.get(f"{url}/{slug}")
        assert response.status_code == 404, slug
        assert "The bin was missed." not in response.get_data(as_text=True)
    token = client.csrf_token("/feedback")
    for target in ("service", "check-your-answers", "delete", "files/1/remove"):
        assert client.post(f"{url}/{target}", data={"csrf_token": token, "service": "waste"}).status_code == 404, target
    session.expire_all()
    assert session.get(FeedbackDraft, theirs.id).answers == COMPLETE
    assert session.scalar(select(func.count()).select_from(Case)) == 0


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.OFFICER, Role.AGENT])
def test_staff_and_councillors_cannot_give_feedback_here(client, session, make, role):
    quick_sign_in(client, session, make.user(role))
    assert client.get("/feedback").status_code == 403
    assert client.submit("/feedback/new", {"kind": "complaint"}, form_url="/sign-in").status_code == 403
    assert session.scalar(select(func.count()).select_from(FeedbackDraft)) == 0


def test_deleting_a_draft_asks_first_then_deletes_it_and_its_files(app, client, session, make, resident):
    draft_id = make.feedback_draft(resident, answers={"service": "waste"}).id
    url = f"/feedback/{draft_id}"
    answer(client, url, "files", {"files": upload(("a.txt", b"hello")), "action": "add"})
    stored_name = session.scalar(select(StoredFile.stored_name).where(StoredFile.draft_id == draft_id))
    on_disk = Path(app.config["UPLOAD_PATH"]) / stored_name
    assert on_disk.exists()

    page = client.get(f"{url}/delete").get_data(as_text=True)
    assert "Are you sure you want to delete this unfinished feedback?" in page and "Complaint about Waste and recycling" in page
    response = client.submit(f"{url}/delete")
    assert path(response) == "/feedback"
    assert "Your unfinished feedback has been deleted." in client.get("/feedback").get_data(as_text=True)
    assert session.scalar(select(func.count()).where(FeedbackDraft.id == draft_id)) == 0
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert not on_disk.exists()


# --- evidence files -----------------------------------------------------------------------------


@pytest.fixture
def complaint(make, resident) -> str:
    return f"/feedback/{make.feedback_draft(resident, answers={k: v for k, v in COMPLETE.items() if k != 'files_done'}).id}"


def draft_files(session, url: str) -> list[str]:
    session.expire_all()
    draft_id = int(url.split("/")[2])
    return list(session.scalars(select(StoredFile.original_name).where(StoredFile.draft_id == draft_id).order_by(StoredFile.id)))


def test_files_are_added_and_listed_with_name_and_size(client, session, complaint):
    response = client.submit(f"{complaint}/files", {"files": upload(("letter.pdf", PDF), ("notes.txt", b"x" * 2048)), "action": "add"})
    assert path(response) == f"{complaint}/files"
    assert draft_files(session, complaint) == ["letter.pdf", "notes.txt"]
    page = client.get(f"{complaint}/files").get_data(as_text=True)
    assert "You have added 2 files" in page and "letter.pdf" in page and "2 KB" in page
    assert page.count(">Remove<") == 2


def test_refused_files_are_named_and_the_others_kept(client, session, complaint):
    client.submit(f"{complaint}/files", {"files": upload(("first.pdf", PDF)), "action": "add"})
    response = client.submit(f"{complaint}/files", {
        "files": upload(("photo.exe", b"MZ\x90\x00\x03\x00\x00\x00binary"), ("ok.txt", b"fine"), ("empty.pdf", b"")),
        "action": "continue",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.count("There is a problem") == 1
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    assert doc.find(".//title").text.strip().startswith("Error: Add files")
    summary = [(a.get("href"), "".join(a.itertext())) for a in doc.find(".//*[@class='govuk-error-summary']").iter("a")]
    assert summary == [("#files", "photo.exe must be a PDF, JPEG, PNG, DOCX, ODT or TXT file"), ("#files", "empty.pdf is empty")]
    at_field = "".join(doc.find(".//*[@id='files-error']").itertext())
    assert "photo.exe must be a PDF" in at_field and "empty.pdf is empty" in at_field
    assert draft_files(session, complaint) == ["first.pdf", "ok.txt"]
    assert "first.pdf" in page and "ok.txt" in page
    session.expire_all()
    assert "files_done" not in session.get(FeedbackDraft, int(complaint.split("/")[2])).answers  # stays on the page


def test_a_file_over_the_size_limit_is_refused_by_name(client, session, complaint, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    page = client.submit(f"{complaint}/files", {"files": upload(("big.pdf", PDF + b"0" * 200)), "action": "add"}).get_data(as_text=True)
    assert "big.pdf must be smaller than 10 MB" in page
    assert draft_files(session, complaint) == []


def test_the_eleventh_file_is_refused(client, session, complaint, monkeypatch):
    with writes(monkeypatch):  # one row per file (SQLite does not batch these inserts)
        client.submit(f"{complaint}/files", {"files": upload(*[(f"{n}.txt", b"note %d" % n) for n in range(10)]), "action": "add"})
    assert len(draft_files(session, complaint)) == 10
    page = client.get(f"{complaint}/files").get_data(as_text=True)
    assert "You have added the most files you can" in page and 'type="file"' not in page
    response = client.submit(f"{complaint}/files", {"files": upload(("11.txt", b"one too many")), "action": "add"})
    assert "You can add up to 10 files" in response.get_data(as_text=True)
    assert len(draft_files(session, complaint)) == 10


def test_a_file_can_be_removed(client, session, complaint):
    client.submit(f"{complaint}/files", {"files": upload(("keep.txt", b"keep"), ("drop.txt", b"drop")), "action": "add"})
    drop = session.scalar(select(StoredFile.id).where(StoredFile.original_name == "drop.txt"))
    response = client.submit(f"{complaint}/files/{drop}/remove", form_url=f"{complaint}/files")
    assert path(response) == f"{complaint}/files"
    assert draft_files(session, complaint) == ["keep.txt"]
    token = client.csrf_token(f"{complaint}/files")
    assert client.post(f"{complaint}/files/{drop}/remove", data={"csrf_token": token}).status_code == 404


def test_another_drafts_file_cannot_be_removed_through_mine(client, session, make, resident, complaint):
    other = make.feedback_draft(make.user(Role.RESIDENT))
    with client.application.test_request_context():
        from shared.db import db

        stored = files.store([files.CheckedFile("theirs.txt", files.TXT, b"theirs")], uploaded_by=None, draft_id=other.id)[0]
        stored_id = stored.id
        db.session.commit()
    token = client.csrf_token(f"{complaint}/files")
    assert client.post(f"{complaint}/files/{stored_id}/remove", data={"csrf_token": token}).status_code == 404
    session.expire_all()
    assert session.get(StoredFile, stored_id) is not None


def test_continue_adds_chosen_files_too(client, session, complaint):
    response = client.submit(f"{complaint}/files", {"files": upload(("late.txt", b"late")), "action": "continue"})
    assert path(response) == f"{complaint}/check-your-answers"
    assert draft_files(session, complaint) == ["late.txt"]


def test_a_refused_files_name_is_shown_escaped(client, session, complaint):
    page = client.submit(f"{complaint}/files", {"files": upload(("<i>x.exe", b"MZ\x90\x00\x03")), "action": "add"}).get_data(as_text=True)
    assert page.count("&lt;i&gt;x.exe must be a PDF") == 2  # in the summary and at the field
    assert "<i>x" not in page


def test_send_pressed_again_while_the_first_was_saving_shows_the_same_case(client, session, make, resident,
                                                                           monkeypatch):
    """Two presses of "Send" at once: both found the draft; the first made the case. The second's
    case fails on the draft's unique submission key, is rolled back whole, and the person sees the
    first one's confirmation: one case, however often it is pressed (bench/load.py presses 10 at once)."""
    draft = make.feedback_draft(resident, answers=COMPLETE)
    draft_id, started = draft.id, draft.created_at
    url = f"/feedback/{draft_id}"
    reference, _page = send(client, url, monkeypatch)
    # The second press still holds the draft it read before the first committed.
    session.expunge_all()
    session.add(FeedbackDraft(id=draft_id, user_id=resident.id, kind=CaseKind.COMPLAINT, answers=COMPLETE,
                              created_at=started, updated_at=started))
    session.commit()
    with writes(monkeypatch):
        again = client.submit(f"{url}/check-your-answers")
    assert again.status_code == 302 and path(again) == f"/feedback/sent/{reference}"
    assert session.scalar(select(func.count(Case.id))) == 1
    assert session.scalar(select(Case.submission_key).where(Case.reference == reference))
