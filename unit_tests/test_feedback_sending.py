"""Sending feedback: the case is written once, complete; the acknowledgement goes the way the person
asked (email, text or letter) through the outbox like every later message, and a guest's link to
follow the case always goes by email. And the sign-in page's word for guests sent there from a case.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from shared import clock
from shared.db import db
from shared.domain.enums import AdjustmentKind, CaseKind, ConsentMethod, MessageChannel, MessageFormat, Role
from shared.models import Case, CaseAccessLink, ClosureDay, FeedbackDraft, OutboxMessage, Signpost, StoredFile, User
from shared.services import guest_access
from unit_tests.factories import sign_in
from unit_tests.test_feedback_guests import guest_compliment, main_text
from unit_tests.test_feedback_guests import send as send_as_guest
from unit_tests.test_feedback_journey import COMPLETE, PDF, REFERENCE, answer, send, upload


@pytest.fixture
def service(make):
    return make.service("waste", "Waste and recycling")


@pytest.fixture
def resident(client, make, service):
    person = make.user(Role.RESIDENT, full_name="Jane Williams", email="jane@example.com")
    sign_in(client, person)
    return person


def outbox(session, case: Case) -> list[tuple[str, MessageChannel, str]]:
    session.expire_all()
    found = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id))
    return [(m.template, m.channel, m.recipient) for m in found]


def sent_case(session, page: str) -> Case:
    return session.scalar(select(Case).where(Case.reference == REFERENCE.search(page).group(0)))


# --- one write ------------------------------------------------------------------------------------------


@pytest.fixture
def statements(app):
    """The SQL statements run on the test's connection while the block runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()[:3]).upper())

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_complaint_with_all_its_details_is_one_insert_and_stays_at_version_one(client, session, make, resident,
                                                                                 statements, monkeypatch):
    url = f"/feedback/{make.feedback_draft(resident, answers=COMPLETE).id}"
    answer(client, url, "someone-else", {"someone_else": "yes"}, "their-details")
    answer(client, url, "their-details", {"subject_name": "Ann Williams", "subject_relationship": "Mother"}, "consent")
    answer(client, url, "consent", {"consent": "legal_authority"}, "check-your-answers")
    answer(client, url, "support", {"support": "yes"}, "support-needed")
    answer(client, url, "support-needed", {"support_note": "Large print, please."}, "check-your-answers")
    statements.clear()

    _reference, page = send(client, url, monkeypatch)

    case = sent_case(session, page)
    assert case.version == 1
    assert [s for s in statements if s.startswith(("INSERT INTO CASES", "UPDATE CASES"))] == ["INSERT INTO CASES"]
    assert (case.asked_before, case.for_someone_else, case.subject_name, case.subject_relationship, case.subject_address,
            case.consent, case.support_needed, case.support_note) == (
        True, True, "Ann Williams", "Mother", None, ConsentMethod.LEGAL_AUTHORITY, True, "Large print, please.")


def test_a_compliment_records_no_complaint_details(client, session, resident, monkeypatch, make):
    url = f"/feedback/{make.feedback_draft(resident, kind=CaseKind.COMPLIMENT, answers={'service': 'waste', 'what_happened': 'Thanks.'}).id}"
    _reference, page = send(client, url, monkeypatch)
    case = sent_case(session, page)
    assert (case.asked_before, case.for_someone_else, case.support_needed, case.version) == (None, False, False, 1)


# --- what sending costs ------------------------------------------------------------------------------------


SUPPORTED = {"someone_else": "yes", "subject_name": "Ann Williams", "subject_relationship": "Mother",
             "consent": "legal_authority", "support": "yes", "support_note": "Large print, please."}


def test_sending_with_two_files_and_signposts_runs_at_most_ten_queries(client, session, make, resident, statements):
    """The worst case a resident meets: evidence files, entries signposted on two pages, and a phone
    number (so the adjustments register decides the channel). The strict client holds the POST to 10."""
    make.support_service("Citizens Advice", topics=("general", "complaining_for_someone"))
    make.support_service("POhWER", topics=("advocacy", "general"))
    answers = COMPLETE | SUPPORTED | {"files_done": "no", "contact_method": "text", "contact_phone": "07700 900 982"}
    draft_id = make.feedback_draft(resident, answers=answers).id
    url = f"/feedback/{draft_id}"
    client.get(f"{url}/their-details")
    client.get(f"{url}/support-needed")
    answer(client, url, "files", {"files": upload(("photo.pdf", PDF), ("letter.pdf", PDF)), "action": "continue"},
           "check-your-answers")
    client.get(f"{url}/check-your-answers")
    token = client.csrf_token(f"{url}/check-your-answers")
    statements.clear()

    response = client.post(f"{url}/check-your-answers", data={"csrf_token": token})  # the strict client: ≤10

    # the session check; the draft with everything sending reads; the case, event, stage, files,
    # signposts, deletion and message
    assert response.status_code == 302 and int(response.headers["X-Redress-Queries"]) <= 9, statements
    case = sent_case(session, client.get(response.location).get_data(as_text=True))
    assert session.scalars(select(StoredFile.original_name).where(StoredFile.case_id == case.id)
                           .order_by(StoredFile.id)).all() == ["photo.pdf", "letter.pdf"]
    assert sorted(session.execute(select(Signpost.context, Signpost.person_id).where(Signpost.case_id == case.id))) \
        == [("someone_else", resident.id), ("support", resident.id)]
    assert outbox(session, case) == [("complaint_received", MessageChannel.SMS, "07700 900 982")]
    assert session.get(FeedbackDraft, draft_id) is None


def test_a_draft_without_files_or_signposts_moves_none(client, session, make, resident, statements):
    url = f"/feedback/{make.feedback_draft(resident, answers=COMPLETE).id}"
    client.get(f"{url}/check-your-answers")
    token = client.csrf_token(f"{url}/check-your-answers")
    statements.clear()
    response = client.post(f"{url}/check-your-answers", data={"csrf_token": token})
    assert response.status_code == 302 and int(response.headers["X-Redress-Queries"]) <= 7, statements
    assert not [s for s in statements if s.startswith(("UPDATE STORED_FILES", "UPDATE SIGNPOSTS", "SELECT SIGNPOSTS"))]


def test_closure_days_move_the_acknowledgement_date(client, session, make, service, monkeypatch):
    """Sending reads the closure days with the service (one query): both days count."""
    clock.set_now("2026-12-14T10:00")  # a Monday
    person = make.user(Role.RESIDENT)
    sign_in(client, person)
    for day in (date(2026, 12, 16), date(2026, 12, 17)):
        session.add(ClosureDay(day=day, reason="Office move", created_by_id=person.id, created_at=clock.utcnow()))
    session.commit()
    _reference, page = send(client, f"/feedback/{make.feedback_draft(person, answers=COMPLETE).id}", monkeypatch)
    case = sent_case(session, page)
    assert case.acknowledge_by == date(2026, 12, 23)  # 5 working days from the 14th, less the two closed


@pytest.mark.parametrize(("kind", "method", "extra", "expected"), [
    # read with the service, not by a query of their own
    (AdjustmentKind.EMAIL_ONLY, "text", {"contact_phone": "07700 900 982"},
     ("complaint_received", MessageChannel.EMAIL, "jane@example.com", MessageFormat.STANDARD)),
    (AdjustmentKind.LARGE_PRINT, "post", {"contact_address": "1 High Street"},
     ("complaint_received", MessageChannel.LETTER, "1 High Street", MessageFormat.LARGE_PRINT)),
])
def test_the_residents_adjustments_decide_how_the_acknowledgement_goes(client, session, make, resident, monkeypatch,
                                                                        kind, method, extra, expected):
    make.adjustment(resident, kind)
    url = f"/feedback/{make.feedback_draft(resident, answers=COMPLETE | {'contact_method': method} | extra).id}"
    _reference, page = send(client, url, monkeypatch)
    case = sent_case(session, page)
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    assert (message.template, message.channel, message.recipient, message.format) == expected


# --- the acknowledgement, the way they asked ----------------------------------------------------------------


@pytest.mark.parametrize(("method", "extra", "expected", "said"), [
    ("email", {}, (MessageChannel.EMAIL, "jane@example.com"), "We have sent a confirmation to jane@example.com."),
    ("phone", {"contact_phone": "01632 960 001"}, (MessageChannel.EMAIL, "jane@example.com"),
     "We have sent a confirmation to jane@example.com."),
    ("text", {"contact_phone": "07700 900 982"}, (MessageChannel.SMS, "07700 900 982"),
     "We have sent a text message to 07700 900 982 to confirm we have received it."),
    ("post", {"contact_address": "1 High Street\nRedress RD1 1AA"}, (MessageChannel.LETTER, "1 High Street\nRedress RD1 1AA"),
     "We will send you a letter to confirm we have received it."),
])
def test_a_resident_is_acknowledged_the_way_they_asked(client, session, make, resident, monkeypatch, method, extra,
                                                       expected, said):
    url = f"/feedback/{make.feedback_draft(resident, answers=COMPLETE | {'contact_method': method} | extra).id}"
    _reference, page = send(client, url, monkeypatch)
    case = sent_case(session, page)
    assert outbox(session, case) == [("complaint_received", *expected)]
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    assert case.reference in message.body and f"/cases/{case.reference}" in message.body
    assert "The bin was missed." not in message.body  # never what they told us
    assert said in main_text(page)
    assert ("Keep your reference number" in page) is (method == "post")


@pytest.mark.parametrize(("method", "extra", "also"), [
    ("email", {}, []),
    ("text", {"contact_phone": "07700 900 982"}, [("complaint_received", MessageChannel.SMS, "07700 900 982")]),
    ("post", {"contact_address": "2 Mill Lane"}, [("complaint_received", MessageChannel.LETTER, "2 Mill Lane")]),
])
def test_a_guest_gets_the_link_by_email_and_the_acknowledgement_their_way(client, session, service, monkeypatch,
                                                                          method, extra, also):
    from unit_tests.test_feedback_guests import start_as_guest

    url = start_as_guest(client, "complaint")
    for slug, data in [("service", {"service": "waste"}), ("what-happened", {"what_happened": "Missed again."}),
                       ("when", {"happened_on": ["2", "3", "2026"]}), ("put-it-right", {"outcome_wanted": "Collect it."}),
                       ("asked-before", {"asked_before": "yes"}), ("someone-else", {"someone_else": "no"}),
                       ("support", {"support": "no"}), ("your-name", {"your_name": "Guest Person"}),
                       ("your-email", {"your_email": "guest@example.com"}), ("contact", {"contact_method": method})]:
        answer(client, url, slug, data)
    if extra:
        answer(client, url, "phone-number" if method == "text" else "postal-address", extra)
    answer(client, url, "files", {"action": "continue"}, "check-your-answers")

    page = send_as_guest(client, url, monkeypatch)

    case = sent_case(session, page)
    assert outbox(session, case) == [("guest_case_link", MessageChannel.EMAIL, "guest@example.com"), *also]
    if also:  # no account to sign in to: the text or letter gives the reference, not a link
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()[-1]
        assert f"Quote your reference {case.reference}" in message.body and "None" not in message.body
    assert "We have sent an email to guest@example.com with a link to follow your case" in page
    assert ("We have sent a text message to 07700 900 982" in page) is (method == "text")
    assert ("We will send you a letter" in page) is (method == "post")


def test_a_guest_compliment_is_acknowledged_by_its_link_alone(client, session, service, monkeypatch):
    page = send_as_guest(client, guest_compliment(client, "sam@example.com"), monkeypatch)
    assert outbox(session, sent_case(session, page)) == [("guest_case_link", MessageChannel.EMAIL, "sam@example.com")]
    assert "We have sent a confirmation" not in page


# --- the sign-in page, reached from a case ------------------------------------------------------------


def test_signing_in_from_a_case_offers_guests_a_new_link(client, make, service):
    case = make.case(make.user(Role.RESIDENT), service)
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    inset = page[page.index('<div class="govuk-inset-text">'):]
    inset = inset[:inset.index("</div>")]
    assert "Made your complaint without an account?" in inset
    assert '<a class="govuk-link" href="/follow-a-case">Ask for a new link to follow it</a>' in inset


def test_a_guest_whose_link_has_run_out_is_offered_a_new_one(app, client, session, make, service):
    from shared.models import User

    person = make.user(Role.RESIDENT)
    case = make.case(person, service)
    with app.test_request_context():
        url = guest_access.issue_link(db.session.get(Case, case.id), db.session.get(User, person.id), locale="en")
        db.session.commit()
    assert client.get(url.replace("http://localhost", "")).status_code == 302
    assert client.get(f"/cases/{case.reference}").status_code == 200  # the link's grant, for a few hours

    clock.set_now(clock.utcnow() + guest_access.GRANT_LIFETIME + timedelta(minutes=1))
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 302 and "/sign-in?next=" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "Made your complaint without an account?" in page and 'href="/follow-a-case"' in page
    assert case.what_happened not in page


@pytest.mark.parametrize("next_url", [None, "/feedback", "/your-details"])
def test_signing_in_from_anywhere_else_says_nothing_about_guests(client, next_url):
    page = client.get("/sign-in", query_string={"next": next_url} if next_url else None).get_data(as_text=True)
    assert "Made your complaint without an account?" not in page


def test_a_signed_in_resident_is_not_offered_a_guest_link(client, resident):
    page = client.get("/sign-in?next=/cases/RDR-0000-0000").get_data(as_text=True)
    assert "Made your complaint without an account?" not in page


# --- what a guest's sending costs ----------------------------------------------------------------------------


GUEST = {"your_name": "Guest Person", "your_email": "Guest@Example.com"}
GUEST_KEY = "feedback_guest_key"


def guest_draft(client, make, answers: dict) -> tuple[int, str]:
    """A guest's finished draft, found by the key in this client's session cookie: its id and URL."""
    with client.session_transaction() as cookie:
        cookie[GUEST_KEY] = "guest-key"
    draft = make.feedback_draft(guest_key="guest-key", answers=answers)
    return draft.id, f"/feedback/{draft.id}"


def press_send(client, url: str, statements: list[str]):
    client.get(f"{url}/check-your-answers")
    token = client.csrf_token(f"{url}/check-your-answers")
    statements.clear()
    response = client.post(f"{url}/check-your-answers", data={"csrf_token": token})  # the strict client: ≤10
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return response


TEXT = {"contact_method": "text", "contact_phone": "07700 900 982"}


@pytest.mark.parametrize("known", [False, True], ids=["new-person", "known-person"])
@pytest.mark.parametrize(("files", "signposts", "extra", "most"), [
    (0, False, {}, 8),
    (2, False, {}, 9),
    (0, True, {}, 9),
    (0, False, TEXT, 8),  # the link and the text: one INSERT
    (2, True, TEXT, 10),
], ids=["plain", "two-files", "signposts", "text", "all"])
def test_a_guests_sending_runs_at_most_ten_queries(client, session, make, service, statements, known, files,
                                                   signposts, extra, most):
    """Sending reads the draft with the service, procedure, closure days, council details, the record
    for the guest's address and its adjustments in one query, then writes: the person (if new), the
    case, its event and stage, the files and signposts (if any), the link, the messages (one INSERT)
    and the draft's deletion. A known address costs one statement fewer."""
    person = make.user(Role.RESIDENT, full_name="Guest Person", email="guest@example.com") if known else None
    if signposts:
        make.support_service("Citizens Advice", topics=("general", "complaining_for_someone"))
        make.support_service("POhWER", topics=("advocacy", "general"))
    answers = COMPLETE | GUEST | (SUPPORTED if signposts else {}) | extra | ({"files_done": "no"} if files else {})
    draft_id, url = guest_draft(client, make, answers)
    if signposts:
        client.get(f"{url}/their-details")
        client.get(f"{url}/support-needed")
    if files:
        answer(client, url, "files", {"files": upload(*[(f"photo{n}.pdf", PDF) for n in range(files)]),
                                      "action": "continue"}, "check-your-answers")

    response = press_send(client, url, statements)

    assert int(response.headers["X-Redress-Queries"]) <= most - known, statements
    assert statements.count("INSERT INTO OUTBOX_MESSAGES") == 1 and "SELECT ADJUSTMENTS.KIND FROM" not in statements
    case = sent_case(session, client.get(response.location).get_data(as_text=True))
    people = session.scalars(select(User).where(User.email == "guest@example.com")).all()
    assert [p.id for p in people] == [case.resident_id] and (not known or people[0].id == person.id)
    assert session.scalars(select(StoredFile.original_name).where(StoredFile.case_id == case.id)
                           .order_by(StoredFile.id)).all() == [f"photo{n}.pdf" for n in range(files)]
    assert sorted(session.execute(select(Signpost.context, Signpost.person_id).where(Signpost.case_id == case.id))) \
        == ([("someone_else", case.resident_id), ("support", case.resident_id)] if signposts else [])
    assert outbox(session, case) == [("guest_case_link", MessageChannel.EMAIL, "guest@example.com")] + (
        [("complaint_received", MessageChannel.SMS, "07700 900 982")] if extra else [])
    assert session.scalar(select(func.count()).select_from(CaseAccessLink).where(CaseAccessLink.case_id == case.id)) == 1
    assert session.get(FeedbackDraft, draft_id) is None


def test_a_known_guests_adjustments_decide_how_the_acknowledgement_goes(client, session, make, service, statements):
    """Read with the draft: a record for the address with "email only" gets no text, only the link."""
    make.adjustment(make.user(Role.RESIDENT, email="guest@example.com"), AdjustmentKind.EMAIL_ONLY)
    _draft_id, url = guest_draft(client, make, COMPLETE | GUEST | TEXT)
    response = press_send(client, url, statements)
    assert "SELECT ADJUSTMENTS.KIND FROM" not in statements
    case = sent_case(session, client.get(response.location).get_data(as_text=True))
    assert outbox(session, case) == [("guest_case_link", MessageChannel.EMAIL, "guest@example.com"),
                                     ("complaint_received", MessageChannel.EMAIL, "guest@example.com")]


def test_a_guests_council_details_and_closure_days_come_with_the_draft(client, session, make, service, statements):
    clock.set_now("2026-12-14T10:00")  # a Monday
    staff = make.user(Role.ADMIN)
    for day in (date(2026, 12, 16), date(2026, 12, 17)):
        session.add(ClosureDay(day=day, reason="Office move", created_by_id=staff.id, created_at=clock.utcnow()))
    session.commit()
    _draft_id, url = guest_draft(client, make, COMPLETE | GUEST)
    response = press_send(client, url, statements)
    assert [s for s in statements if s.startswith("SELECT")] == ["SELECT FEEDBACK_DRAFTS.ID, FEEDBACK_DRAFTS.USER_ID,"]
    case = sent_case(session, client.get(response.location).get_data(as_text=True))
    assert case.acknowledge_by == date(2026, 12, 23)  # 5 working days from the 14th, less the two closed


def test_a_guests_send_pressed_again_while_the_first_was_saving_shows_the_same_case(client, session, make, service,
                                                                                     statements):
    """As for a resident (test_feedback_journey.py): the second press's case fails on the draft's
    submission key and is rolled back whole (no second link, message or person), within 10 statements."""
    answers = COMPLETE | GUEST | TEXT
    draft_id, url = guest_draft(client, make, answers)
    started = session.get(FeedbackDraft, draft_id).created_at
    first = press_send(client, url, statements)
    session.expunge_all()
    # The second press still holds the draft it read before the first committed (and its cookie).
    session.add(FeedbackDraft(id=draft_id, guest_key_hash=hashlib.sha256(b"guest-key").hexdigest(),
                              kind=CaseKind.COMPLAINT, answers=answers, created_at=started, updated_at=started))
    session.commit()
    with client.session_transaction() as cookie:
        cookie[GUEST_KEY] = "guest-key"
    again = press_send(client, url, statements)
    assert again.location == first.location
    assert session.scalar(select(func.count(Case.id))) == 1
    assert session.scalar(select(func.count(User.id)).where(User.email == "guest@example.com")) == 1
    assert session.scalar(select(func.count(CaseAccessLink.id))) == 1
    assert session.scalar(select(func.count(OutboxMessage.id))) == 2
    assert client.get(again.location).status_code == 200


def test_an_address_sql_lowers_differently_is_looked_up_again(client, session, make, service, statements):
    """SQLite's lower() leaves letters outside ASCII alone: the record read with the draft is then not
    trusted, and the address is looked up as Python lowers it, so the case still goes to that record."""
    person = make.user(Role.RESIDENT, full_name="Éva Kovács", email="éva@example.com")
    _draft_id, url = guest_draft(client, make, COMPLETE | {"your_name": "Éva Kovács", "your_email": "ÉVA@example.com"})
    response = press_send(client, url, statements)
    assert int(response.headers["X-Redress-Queries"]) <= 10
    assert "INSERT INTO USERS" not in statements  # not a new record that the unique address then refuses
    case = sent_case(session, client.get(response.location).get_data(as_text=True))
    assert case.resident_id == person.id
    assert session.scalar(select(func.count(User.id))) == 1


def test_a_service_withdrawn_before_sending_asks_for_another(client, session, make, service, resident, statements):
    url = f"/feedback/{make.feedback_draft(resident, answers=COMPLETE).id}"
    client.get(f"{url}/check-your-answers")
    token = client.csrf_token(f"{url}/check-your-answers")
    service.active = False
    session.commit()
    response = client.post(f"{url}/check-your-answers", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith(f"{url}/service?change=1")
    assert session.scalar(select(func.count(Case.id))) == 0
