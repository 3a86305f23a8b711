"""Giving feedback without an account, and following a case by an emailed link.

A guest's draft is found only through the random key in their own session cookie; sending it
files the case under a record for their email address (never revealing whether one existed) and
emails a link; the link can be asked for again, the same answer every time, with a rate limit.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from shared import clock
from shared.db import db
from shared.domain import references
from shared.domain.enums import CaseKind, Role
from shared.models import Case, CaseAccessLink, FeedbackDraft, OutboxMessage, StoredFile, User
from shared.services import files, guest_access, intake
from shared.web import ratelimits
from unit_tests.test_feedback_journey import PDF, REFERENCE, answer, upload, writes
from unit_tests.test_route_access import quick_sign_in

GUEST_KEY = "feedback_guest_key"


@pytest.fixture
def service(make):
    return make.service("waste", "Waste and recycling")


def path(response) -> str:
    return urlsplit(response.location).path


def start_as_guest(client, kind: str = "compliment") -> str:
    response = client.submit("/feedback/new", {"kind": kind})
    assert response.status_code == 302
    return path(response).rsplit("/", 1)[0]


def guest_compliment(client, email: str, name: str = "Sam Guest") -> str:
    url = start_as_guest(client)
    answer(client, url, "service", {"service": "waste"}, "your-message")
    answer(client, url, "your-message", {"what_happened": "The crew were kind."}, "your-name")
    answer(client, url, "your-name", {"your_name": name}, "your-email")
    answer(client, url, "your-email", {"your_email": email}, "check-your-answers")
    return url


def send(client, url: str, monkeypatch) -> str:
    """Send the draft and return the confirmation page."""
    # Held to the usual 10 (the strict client), like a resident's: the draft is read with the service,
    # procedure, closure days, council details and the record for the guest's address in one query,
    # then the person (if new), the case, its event and stage, the files and signposts (if any), the
    # link, the messages (one INSERT) and the draft's deletion are written (test_feedback_sending.py).
    response = client.submit(f"{url}/check-your-answers")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return client.get(response.location).get_data(as_text=True)


def main_text(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


# --- the start page -----------------------------------------------------------------------------


def test_the_start_page_offers_an_account_or_none_with_the_trade_offs(client):
    page = client.get("/feedback").get_data(as_text=True)
    assert "/sign-in?next=/feedback" in page and 'href="/register"' in page
    assert "Continue without an account" in page and 'href="/feedback/new"' in page
    assert "you will need an email address" in page


def test_a_guest_draft_is_kept_under_a_hash_of_the_key_in_their_cookie(client, session, service):
    url = start_as_guest(client, "complaint")
    with client.session_transaction() as cookie:
        key = cookie[GUEST_KEY]
    draft = session.get(FeedbackDraft, int(url.split("/")[2]))
    assert draft.user_id is None and draft.kind is CaseKind.COMPLAINT
    assert draft.guest_key_hash == hashlib.sha256(key.encode()).hexdigest() != key
    assert "Continue where you left off" in client.get("/feedback").get_data(as_text=True)


def test_starting_again_as_a_guest_replaces_the_draft(client, session, service):
    start_as_guest(client)
    assert "Starting again deletes the answers" in client.get("/feedback/new").get_data(as_text=True)
    start_as_guest(client, "comment")
    kinds = session.scalars(select(FeedbackDraft.kind).where(FeedbackDraft.guest_key_hash.is_not(None))).all()
    assert kinds == [CaseKind.COMMENT]


def test_another_browser_cannot_see_a_guests_draft(app, client, session, make, service):
    url = start_as_guest(client)
    answer(client, url, "service", {"service": "waste"})
    answer(client, url, "your-message", {"what_happened": "A private thing."})

    other = app.test_client()
    start_as_guest(other)  # it has its own key, which is not this draft's
    for slug in ("service", "your-message", "check-your-answers", "delete"):
        response = other.get(f"{url}/{slug}")
        assert response.status_code == 404, slug
        assert "A private thing." not in response.get_data(as_text=True)
    token = other.csrf_token("/feedback/new")
    assert other.post(f"{url}/your-message", data={"csrf_token": token, "what_happened": "Changed"}).status_code == 404

    resident = app.test_client()
    quick_sign_in(resident, session, make.user(Role.RESIDENT))
    assert resident.get(f"{url}/your-message").status_code == 404
    session.expire_all()
    assert session.get(FeedbackDraft, int(url.split("/")[2])).answers["what_happened"] == "A private thing."


def test_guests_are_asked_their_name_and_email(client, session, service):
    url = start_as_guest(client, "complaint")
    page = client.get(f"{url}/your-email").get_data(as_text=True)
    assert "What is your email address?" in page and "We will email you a link to follow your case" in page
    for data, message in [({"your_email": ""}, "Enter your email address"),
                          ({"your_email": "not an email"}, "Enter an email address in the correct format, like name@example.com")]:
        assert message in client.submit(f"{url}/your-email", data).get_data(as_text=True)
    assert "Enter your full name" in client.submit(f"{url}/your-name", {"your_name": " "}).get_data(as_text=True)
    session.expire_all()
    assert session.get(FeedbackDraft, int(url.split("/")[2])).answers == {}


@pytest.mark.parametrize("role", [Role.OFFICER, Role.AGENT, Role.ADMIN, Role.COUNCILLOR])
def test_a_staff_or_councillor_address_is_refused(client, session, make, service, role):
    member = make.user(role, email=f"someone.{role.value}@redbury.gov.uk")
    url = start_as_guest(client)
    response = client.submit(f"{url}/your-email", {"your_email": member.email.upper()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter your own personal email address" in page
    assert member.email.upper() in page  # what they typed is kept
    session.expire_all()
    assert "your_email" not in session.get(FeedbackDraft, int(url.split("/")[2])).answers


# --- sending as a guest -------------------------------------------------------------------------


def test_a_guest_compliment_makes_a_record_and_emails_a_link(client, session, service, monkeypatch):
    url = guest_compliment(client, "Sam.Guest@Example.com ")
    check = client.get(f"{url}/check-your-answers").get_data(as_text=True)
    assert "Sam Guest" in check and "Sam.Guest@Example.com" in check and "We will email you a link" in check

    page = send(client, url, monkeypatch)
    reference = REFERENCE.search(page).group(0)
    assert "Compliment sent" in page and "We have sent an email to sam.guest@example.com with a link" in page
    person = session.scalar(select(User).where(User.email == "sam.guest@example.com"))
    assert (person.role, person.password_hash, person.full_name, person.has_account) == (Role.RESIDENT, None, "Sam Guest", False)
    case = session.scalar(select(Case).where(Case.reference == reference))
    assert (case.kind, case.resident_id, case.entered_by_id) == (CaseKind.COMPLIMENT, person.id, person.id)
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
    assert [(m.template, m.recipient) for m in mails] == [("guest_case_link", "sam.guest@example.com")]
    assert "/follow/" in mails[0].body and "The crew were kind." not in mails[0].body
    assert session.scalar(select(func.count()).select_from(CaseAccessLink).where(CaseAccessLink.case_id == case.id)) == 1
    assert session.scalar(select(func.count()).select_from(FeedbackDraft)) == 0
    with client.session_transaction() as cookie:
        assert GUEST_KEY not in cookie  # the draft is gone, and so is its key

    # The confirmation is for this browser only.
    other = client.application.test_client()
    assert other.get(f"/feedback/sent/{reference}").status_code == 404


def test_the_confirmation_is_the_same_whether_or_not_the_address_has_an_account(app, session, make, service, monkeypatch):
    existing = make.user(Role.RESIDENT, email="known@example.com", full_name="Known Person")
    people_before = session.scalar(select(func.count()).select_from(User))
    pages = []
    for email in ("known@example.com", "unknown@example.com"):
        client = app.test_client()
        page = send(client, guest_compliment(client, email, name="Typed Name"), monkeypatch)
        reference = REFERENCE.search(page).group(0)
        pages.append(main_text(page).replace(reference, "REF").replace(email, "EMAIL"))
        case = session.scalar(select(Case).where(Case.reference == reference))
        recipient = session.scalar(select(OutboxMessage.recipient).where(OutboxMessage.case_id == case.id))
        assert recipient == email
        if email == "known@example.com":
            assert case.resident_id == existing.id  # filed under the person; the link goes only to them
    assert pages[0] == pages[1]
    assert session.scalar(select(func.count()).select_from(User)) == people_before + 1
    session.expire_all()
    assert session.get(User, existing.id).full_name == "Known Person"  # a guest form changes nobody's record


def test_a_guest_complaint_with_evidence(client, session, service, monkeypatch):
    url = start_as_guest(client, "complaint")
    for slug, data in [("service", {"service": "waste"}), ("what-happened", {"what_happened": "Missed again."}),
                       ("when", {"happened_on": ["2", "3", "2026"]}), ("put-it-right", {"outcome_wanted": "Collect it."}),
                       ("asked-before", {"asked_before": "yes"}), ("someone-else", {"someone_else": "no"}),
                       ("support", {"support": "no"}), ("your-name", {"your_name": "Guest Person"}),
                       ("your-email", {"your_email": "guest@example.com"})]:
        answer(client, url, slug, data)
    contact = client.get(f"{url}/contact").get_data(as_text=True)
    assert "To the email address you gave us" in contact and "We will always email you a link" in contact
    answer(client, url, "contact", {"contact_method": "text"}, "phone-number")
    answer(client, url, "phone-number", {"contact_phone": "07700 900 982"}, "files")
    answer(client, url, "files", {"files": upload(("photo.pdf", PDF)), "action": "continue"}, "check-your-answers")
    page = send(client, url, monkeypatch)
    case = session.scalar(select(Case).where(Case.reference == REFERENCE.search(page).group(0)))
    assert (case.kind, case.contact_phone) == (CaseKind.COMPLAINT, "07700 900 982")
    uploaded = session.scalar(select(StoredFile).where(StoredFile.case_id == case.id))
    assert (uploaded.original_name, uploaded.uploaded_by_id, uploaded.draft_id) == ("photo.pdf", None, None)


def test_an_address_that_became_a_staff_members_is_refused_on_sending(client, session, make, service, monkeypatch):
    url = guest_compliment(client, "later.staff@example.com")
    make.user(Role.OFFICER, email="later.staff@example.com")
    response = client.submit(f"{url}/check-your-answers")
    assert path(response) == f"{url}/your-email"
    assert session.scalar(select(func.count()).select_from(Case)) == 0


# --- stale guest drafts -------------------------------------------------------------------------


def test_stale_guest_drafts_are_deleted_with_their_files(app, session, make):
    clock.set_now("2026-06-15T12:00:00")
    now = clock.utcnow()
    stale = make.feedback_draft(guest_key="old", updated_at=now - timedelta(days=8))
    fresh = make.feedback_draft(guest_key="new", updated_at=now - timedelta(days=6))
    residents = make.feedback_draft(make.user(Role.RESIDENT), updated_at=now - timedelta(days=300))
    with app.test_request_context():
        stored = files.store([files.CheckedFile("a.txt", files.TXT, b"a")], uploaded_by=None, draft_id=stale.id)[0]
        on_disk = files.upload_dir() / stored.stored_name
        db.session.commit()
    stale_id = stale.id
    assert on_disk.exists()

    with app.test_request_context():
        assert intake.delete_stale_guest_drafts(timedelta(days=7)) == 1
        db.session.commit()

    remaining = set(session.scalars(select(FeedbackDraft.id)))
    assert stale_id not in remaining and {fresh.id, residents.id} <= remaining
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert not on_disk.exists()


# --- following a case by its link ---------------------------------------------------------------


@pytest.fixture
def guest_case(app, make, service):
    person = make.user(Role.RESIDENT, email="guest@example.com")
    person_id = person.id
    case = make.case(person, service)
    with app.test_request_context():
        url = guest_access.issue_link(db.session.get(Case, case.id), db.session.get(User, person_id), locale="en")
        db.session.commit()
    return {"case": case, "token": url.rsplit("/", 1)[1]}


def test_a_valid_link_opens_the_case(client, guest_case):
    response = client.get(f"/follow/{guest_case['token']}")
    assert response.status_code == 302
    assert path(response) == f"/cases/{guest_case['case'].reference}"
    with client.session_transaction() as cookie:
        assert str(guest_case["case"].id) in cookie[guest_access.SESSION_KEY]
    assert guest_case["case"].reference in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("which", ["expired", "unknown"])
def test_an_expired_or_unknown_link_offers_a_new_one(client, guest_case, which):
    token = guest_case["token"]
    if which == "expired":
        clock.set_now(clock.utcnow() + guest_access.LINK_LIFETIME + timedelta(minutes=1))
    else:
        token = token[:-4] + "AAAA"
    response = client.get(f"/follow/{token}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "This link has expired or is not valid" in page
    assert 'action="/follow-a-case"' in page and 'name="reference"' in page and 'name="email"' in page
    assert guest_case["case"].reference not in page
    with client.session_transaction() as cookie:
        assert guest_access.SESSION_KEY not in cookie


# --- asking for a new link ----------------------------------------------------------------------


def _without_tokens(body: str) -> str:
    """The page without what differs on every response anyway: the CSRF token and the CSP nonce."""
    body = re.sub(r'(csrf_token"[^>]*value="|"X-CSRFToken": ")[^"]+', r"\1TOKEN", body)
    return re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', body)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reference": "", "email": "guest@example.com"}, "Enter your case reference"),
        ({"reference": "not a reference", "email": "guest@example.com"}, "Enter your case reference in the correct format"),
        ({"reference": "RDR-0000-0000", "email": ""}, "Enter your email address"),
        ({"reference": "RDR-0000-0000", "email": "nope"}, "Enter an email address in the correct format"),
    ],
)
def test_asking_for_a_link_needs_a_reference_and_an_email_address(client, session, data, message):
    page = client.submit("/follow-a-case", data).get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_answer_is_the_same_whether_or_not_the_details_match(app, session, guest_case, monkeypatch):
    reference = guest_case["case"].reference
    answers = []
    for email in ("guest@example.com", "someone.else@example.com"):
        client = app.test_client()
        with writes(monkeypatch):  # see ask_for_link
            sent = client.submit("/follow-a-case", {"reference": reference.lower().replace("-", " "), "email": email})
        page = client.get(sent.location)
        answers.append((sent.status_code, sent.location, _without_tokens(sent.get_data(as_text=True)),
                        page.status_code, _without_tokens(page.get_data(as_text=True))))
    assert answers[0] == answers[1]
    assert "If the details match a case, we have sent a new link" in answers[0][4]
    mails = session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.template == "guest_case_link")).all()
    assert mails == ["guest@example.com", "guest@example.com"]  # the first link, then the new one: none to the other


def ask_for_link(client, data: dict, monkeypatch):
    # The rate limits are counted outside the database (shared.web.ratelimits): the page, the look-up,
    # the link and its email fit within the strict client's 10 statements.
    return client.submit("/follow-a-case", data)


def test_asking_too_often_is_refused_with_the_form_again_and_nothing_sent(client, session, guest_case, monkeypatch):
    data = {"reference": guest_case["case"].reference, "email": "guest@example.com"}
    per_email = ratelimits.GUEST_LINK[1]
    assert per_email.scope == "guest-link-email"
    for _ in range(per_email.item.amount):
        assert ask_for_link(client, data, monkeypatch).status_code == 302
    response = ask_for_link(client, data, monkeypatch)
    assert response.status_code == 429
    assert 3540 < int(response.headers["Retry-After"]) <= 3600  # the oldest attempt leaves the hour's window
    page = response.get_data(as_text=True)
    assert "You have tried too many times. Wait 60 minutes, then try again." in page
    assert f'value="{guest_case["case"].reference}"' in page and 'value="guest@example.com"' in page  # kept as typed
    sent = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.template == "guest_case_link"))
    assert sent == 1 + per_email.item.amount


def test_one_address_trying_many_cases_and_emails_is_limited_per_address(client, guest_case, monkeypatch):
    per_client = ratelimits.GUEST_LINK[0]
    for number in range(per_client.item.amount):
        data = {"reference": references.new_reference(), "email": f"someone{number}@example.com"}
        assert ask_for_link(client, data, monkeypatch).status_code == 302
    response = ask_for_link(client, {"reference": guest_case["case"].reference, "email": "guest@example.com"}, monkeypatch)
    assert response.status_code == 429


def test_the_link_sent_page_and_the_form_are_public(client):
    assert "Get a link to follow your case" in client.get("/follow-a-case").get_data(as_text=True)
    assert "Check your email" in client.get("/follow-a-case/check-your-email").get_data(as_text=True)
