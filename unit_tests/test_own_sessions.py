"""Where you're signed in (ASVS 5.0 7.5.2): a person's own live sessions, never anyone else's, never
one that is over; signing one browser or all the others out, audited; in the portal and the back
office, in English and Welsh."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import Role
from shared.models import AuditEvent, UserSession
from shared.services import own_sessions
from unit_tests.factories import sign_in

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
EDGE = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86")


@pytest.fixture(autouse=True)
def _clock():
    clock.set_now(START)


def _browser(app, user_agent: str):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = user_agent
    return browser


def _session_in(session, user, *, user_agent: str | None = None, created: timedelta = timedelta(minutes=10),
                seen: timedelta = timedelta(minutes=1), revoked: bool = False, method: str = "password",
                client=None) -> UserSession:
    """A session made directly (argon2 would slow every sign-in); put into `client`'s cookie if given."""
    token = secrets.token_urlsafe(32)
    now = clock.utcnow()
    row = UserSession(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id,
                      created_at=now - created, last_seen_at=now - seen, revoked_at=now if revoked else None,
                      user_agent=user_agent, auth_method=method, authenticated_at=now - created)
    session.add(row)
    session.commit()
    if client is not None:
        with client.session_transaction() as cookie:
            cookie["sid"] = token
            cookie["_user_id"] = str(user.id)
    return row


def _revoked(session, row: UserSession) -> bool:
    session.expire_all()
    return session.get(UserSession, row.id).revoked_at is not None


def _events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _path(response) -> str:
    return urlsplit(response.location).path


# --- describing a browser -------------------------------------------------------------------------


@pytest.mark.parametrize(("user_agent", "shown"), [
    (FIREFOX, "Firefox 133 on Ubuntu"),
    (CHROME, "Chrome 131 on Windows 10"),
    (EDGE, "Edge 131 on Windows 10"),
    (IPHONE, "Mobile Safari 18 on iPhone (iOS 18)"),
    ("", "Unknown browser"),
    (None, "Unknown browser"),
    ("Werkzeug/3.1", "Unknown browser"),
])
def test_a_browser_is_described_from_its_user_agent(app, user_agent, shown):
    with app.test_request_context("/"):
        assert own_sessions.describe(user_agent) == shown


def test_descriptions_are_in_the_pages_language(app):
    with app.test_request_context("/?lang=cy"):
        from flask_babel import force_locale

        with force_locale("cy"):
            welsh = own_sessions.describe(FIREFOX)
    assert "Firefox 133" in welsh and "Ubuntu" in welsh and " on " not in welsh


# --- the portal's list ------------------------------------------------------------------------------


def test_the_list_shows_only_the_persons_own_live_sessions(app, session, make):
    resident = make.user(Role.RESIDENT)
    laptop = _browser(app, FIREFOX)
    mine = _session_in(session, resident, user_agent=FIREFOX, client=laptop)
    phone = _session_in(session, resident, user_agent=IPHONE, method="oidc", created=timedelta(hours=2),
                        seen=timedelta(minutes=20))
    _session_in(session, resident, user_agent=CHROME, revoked=True)  # signed out
    _session_in(session, resident, user_agent=EDGE, seen=timedelta(minutes=31))  # idle too long
    old = _session_in(session, resident, user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                      "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                      created=timedelta(hours=12), seen=timedelta(minutes=2))  # past the absolute limit
    someone_else = make.user(Role.RESIDENT)
    theirs = _session_in(session, someone_else, user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) "
                         "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15")

    response = laptop.get("/account/sessions")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Where you’re signed in" in page
    assert "Firefox 133 on Ubuntu" in page and "Mobile Safari 18 on iPhone (iOS 18)" in page
    for absent in ("Chrome 131 on Windows 10", "Edge 131", "Android", "Mac OS X", "Safari 18 on Mac"):
        assert absent not in page
    assert page.count("This device") == 1
    assert page.index("Firefox 133 on Ubuntu") < page.index("This device") < page.index("Mobile Safari")
    assert "Council sign-in" in page and "Password" in page
    assert "7 December 2026 at 8:50am" in page  # signed in, London time (GMT in December)
    assert "7 December 2026 at 7:00am" in page and "7 December 2026 at 8:40am" in page  # the phone
    for row in (mine, phone, old, theirs):
        assert row.token_hash not in page
    assert f"/account/sessions/{phone.id}/sign-out" in page
    assert f"/account/sessions/{mine.id}/sign-out" not in page  # this browser signs out from the header
    assert f"/account/sessions/{theirs.id}/" not in page


def test_your_details_links_to_the_list(app, session, make):
    resident = make.user(Role.RESIDENT)
    browser = _browser(app, FIREFOX)
    _session_in(session, resident, user_agent=FIREFOX, client=browser)
    assert 'href="/account/sessions"' in browser.get("/your-details").get_data(as_text=True)


def test_alone_there_is_nothing_else_to_sign_out(app, session, make):
    resident = make.user(Role.RESIDENT)
    browser = _browser(app, FIREFOX)
    _session_in(session, resident, user_agent=FIREFOX, client=browser)
    page = browser.get("/account/sessions").get_data(as_text=True)
    assert "You are not signed in anywhere else." in page
    assert "Sign out of all other devices" not in page


@pytest.mark.parametrize(("role", "url"), [(Role.RESIDENT, "/account/sessions"), (Role.OFFICER, "/staff/account/sessions")])
def test_a_user_agent_is_shown_as_text_never_as_markup(app, session, make, role, url):
    """The parser passes an Android device's name through as sent: it is escaped, in the heading or
    row and in the button's hidden text alike."""
    person = make.user(role)
    browser = _browser(app, FIREFOX)
    _session_in(session, person, user_agent=FIREFOX, client=browser)
    _session_in(session, person, user_agent="Mozilla/5.0 (Linux; Android 14; <img src=x onerror=alert(1)>) "
                "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")
    page = browser.get(url).get_data(as_text=True)
    assert "<img src=x" not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") == 2


# --- signing one browser out ------------------------------------------------------------------------


def test_signing_out_another_browser_signs_it_out_on_its_next_request(app, session, make):
    resident = make.user(Role.RESIDENT)
    laptop, phone = _browser(app, FIREFOX), _browser(app, IPHONE)
    sign_in(laptop, resident)
    sign_in(phone, resident)
    assert phone.get("/cases").status_code == 200
    phone_session = session.scalars(select(UserSession).where(UserSession.user_id == resident.id,
                                                              UserSession.user_agent == IPHONE)).one()

    response = laptop.submit(f"/account/sessions/{phone_session.id}/sign-out", {}, form_url="/account/sessions")
    assert response.status_code == 302 and _path(response) == "/account/sessions"
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Mobile Safari 18 on iPhone (iOS 18) has been signed out." in page
    assert "govuk-notification-banner--success" in page
    assert "You are not signed in anywhere else." in page

    after = phone.get("/cases")
    assert after.status_code == 302 and _path(after) == "/sign-in"  # anonymous now
    assert _revoked(session, phone_session)
    assert laptop.get("/cases").status_code == 200  # the laptop is still signed in
    [event] = _events(session, "session.ended_by_owner")
    assert (event.actor_id, event.person_id, event.subject_type) == (resident.id, resident.id, "session")
    assert event.details == {"session_id": phone_session.id, "method": "password"}
    assert phone_session.token_hash not in str(event.details)


def test_someone_elses_session_is_not_found_and_stays_signed_in(app, session, make):
    resident = make.user(Role.RESIDENT)
    browser = _browser(app, FIREFOX)
    _session_in(session, resident, user_agent=FIREFOX, client=browser)
    stranger = make.user(Role.RESIDENT)
    stranger_browser = _browser(app, CHROME)
    theirs = _session_in(session, stranger, user_agent=CHROME, client=stranger_browser)

    response = browser.submit(f"/account/sessions/{theirs.id}/sign-out", {}, form_url="/account/sessions")
    assert response.status_code == 404
    assert not _revoked(session, theirs)
    assert stranger_browser.get("/cases").status_code == 200
    assert _events(session, "session.ended_by_owner") == []
    assert browser.submit("/account/sessions/999999/sign-out", {}, form_url="/account/sessions").status_code == 404


def test_this_browsers_own_session_is_not_ended_from_the_list(app, session, make):
    resident = make.user(Role.RESIDENT)
    browser = _browser(app, FIREFOX)
    mine = _session_in(session, resident, user_agent=FIREFOX, client=browser)
    response = browser.submit(f"/account/sessions/{mine.id}/sign-out", {}, form_url="/account/sessions")
    assert response.status_code == 404
    assert not _revoked(session, mine)


def test_a_browser_already_signed_out_is_said_so(app, session, make):
    resident = make.user(Role.RESIDENT)
    browser = _browser(app, FIREFOX)
    _session_in(session, resident, user_agent=FIREFOX, client=browser)
    gone = _session_in(session, resident, user_agent=IPHONE, revoked=True)
    timed_out = _session_in(session, resident, user_agent=CHROME, seen=timedelta(minutes=45))
    for row, device in ((gone, "Mobile Safari 18 on iPhone (iOS 18)"), (timed_out, "Chrome 131 on Windows 10")):
        response = browser.submit(f"/account/sessions/{row.id}/sign-out", {}, form_url="/account/sessions")
        assert response.status_code == 302
        assert f"{device} was already signed out." in browser.get("/account/sessions").get_data(as_text=True)
    session.expire_all()
    # The timed-out one is left for its browser to be told why it was signed out.
    assert session.get(UserSession, timed_out.id).revoked_at is None
    assert _events(session, "session.ended_by_owner") == []


def test_signing_out_needs_the_csrf_token(app, session, make):
    resident = make.user(Role.RESIDENT)
    browser = _browser(app, FIREFOX)
    _session_in(session, resident, user_agent=FIREFOX, client=browser)
    other = _session_in(session, resident, user_agent=IPHONE)
    assert browser.post(f"/account/sessions/{other.id}/sign-out", data={}).status_code == 400
    assert browser.post("/account/sessions/sign-out-others", data={}).status_code == 400
    assert not _revoked(session, other)


# --- signing out of all other devices ---------------------------------------------------------------


def test_signing_out_of_all_other_devices_keeps_this_one(app, session, make):
    resident = make.user(Role.RESIDENT)
    laptop, phone, tablet = _browser(app, FIREFOX), _browser(app, IPHONE), _browser(app, CHROME)
    mine = _session_in(session, resident, user_agent=FIREFOX, client=laptop)
    phones = _session_in(session, resident, user_agent=IPHONE, client=phone)
    tablets = _session_in(session, resident, user_agent=CHROME, client=tablet)
    timed_out = _session_in(session, resident, user_agent=EDGE, seen=timedelta(hours=1))
    someone_else = _session_in(session, make.user(Role.RESIDENT), user_agent=EDGE)

    response = laptop.submit("/account/sessions/sign-out-others", {}, form_url="/account/sessions")
    assert response.status_code == 302 and _path(response) == "/account/sessions"
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "You have been signed out of 2 other devices." in page
    assert "This device" in page and "You are not signed in anywhere else." in page

    for browser in (phone, tablet):
        after = browser.get("/cases")
        assert after.status_code == 302 and _path(after) == "/sign-in"
    assert laptop.get("/cases").status_code == 200
    assert not _revoked(session, mine) and _revoked(session, phones) and _revoked(session, tablets)
    assert not _revoked(session, someone_else)
    assert session.get(UserSession, timed_out.id).revoked_at is None  # over already: its browser is told why
    [event] = _events(session, "session.others_ended_by_owner")
    assert (event.actor_id, event.person_id, event.details) == (resident.id, resident.id, {"sessions_ended": 2})

    again = laptop.submit("/account/sessions/sign-out-others", {}, form_url="/account/sessions")
    assert _path(again) == "/account/sessions"
    assert "You were not signed in anywhere else." in laptop.get("/account/sessions").get_data(as_text=True)


# --- councillors, staff -----------------------------------------------------------------------------


def test_a_councillor_sees_and_ends_their_own_sessions(app, session, make):
    councillor = make.user(Role.COUNCILLOR)
    browser = _browser(app, FIREFOX)
    _session_in(session, councillor, user_agent=FIREFOX, client=browser)
    other = _session_in(session, councillor, user_agent=IPHONE)
    assert 'href="/account/sessions"' in browser.get("/councillor").get_data(as_text=True)
    page = browser.get("/account/sessions").get_data(as_text=True)
    assert "Mobile Safari 18 on iPhone (iOS 18)" in page
    browser.submit(f"/account/sessions/{other.id}/sign-out", {}, form_url="/account/sessions")
    assert _revoked(session, other)


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER, Role.ADMIN])
def test_staff_see_and_end_their_own_sessions(app, session, make, role):
    person = make.user(role)
    desk, phone = _browser(app, CHROME), _browser(app, IPHONE)
    _session_in(session, person, user_agent=CHROME, client=desk)
    phones = _session_in(session, person, user_agent=IPHONE, method="oidc", client=phone)
    colleague = _session_in(session, make.user(role), user_agent=FIREFOX)

    assert 'href="/staff/account/sessions"' in desk.get("/staff/account").get_data(as_text=True)
    response = desk.get("/staff/account/sessions")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "govuk-table" in page and "Chrome 131 on Windows 10" in page and "Council sign-in" in page
    assert "Firefox" not in page and colleague.token_hash not in page and phones.token_hash not in page

    assert desk.submit(f"/staff/account/sessions/{colleague.id}/sign-out", {},
                       form_url="/staff/account/sessions").status_code == 404
    assert not _revoked(session, colleague)
    done = desk.submit(f"/staff/account/sessions/{phones.id}/sign-out", {}, form_url="/staff/account/sessions")
    assert _path(done) == "/staff/account/sessions"
    assert "has been signed out." in desk.get("/staff/account/sessions").get_data(as_text=True)
    after = phone.get("/staff/")
    assert after.status_code == 302 and _path(after) == "/staff/sign-in"
    assert desk.get("/staff/").status_code == 200
    assert len(_events(session, "session.ended_by_owner")) == 1


def test_staff_sign_out_of_all_other_devices(app, session, make):
    officer = make.user(Role.OFFICER)
    desk = _browser(app, CHROME)
    mine = _session_in(session, officer, user_agent=CHROME, client=desk)
    others = [_session_in(session, officer, user_agent=IPHONE) for _ in range(3)]
    desk.submit("/staff/account/sessions/sign-out-others", {}, form_url="/staff/account/sessions")
    assert "You have been signed out of 3 other devices." in desk.get("/staff/account/sessions").get_data(as_text=True)
    assert not _revoked(session, mine) and all(_revoked(session, row) for row in others)


def test_a_long_list_stays_within_the_query_budget(app, session, make):
    """The strict client holds every page to 10 queries; many sessions are still one query."""
    officer = make.user(Role.OFFICER)
    desk = _browser(app, CHROME)
    _session_in(session, officer, user_agent=CHROME, client=desk)
    for n in range(own_sessions.SHOWN + 5):
        _session_in(session, officer, user_agent=f"{FIREFOX} build/{n}", seen=timedelta(seconds=n + 1))
    response = desk.get("/staff/account/sessions")
    assert response.status_code == 200
    assert int(response.headers["X-Redress-Queries"]) <= 10
    page = response.get_data(as_text=True)
    assert "These are the 50 most recently used." in page
    assert len(re.findall(r'/staff/account/sessions/\d+/sign-out"', page)) == own_sessions.SHOWN - 1  # and this one
    assert "This device" in page


# --- Welsh ----------------------------------------------------------------------------------------


def test_the_portal_page_in_welsh(app, session, make):
    resident = make.user(Role.RESIDENT)
    browser = _browser(app, FIREFOX)
    _session_in(session, resident, user_agent=FIREFOX, client=browser)
    _session_in(session, resident, user_agent=IPHONE, method="oidc")
    response = browser.get("/account/sessions?lang=cy")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'lang="cy"' in page
    assert "Where you’re signed in" not in page and "This device" not in page and "Sign out of all other" not in page
    assert "7 Rhagfyr 2026" in page


def test_the_staff_page_in_welsh(app, session, make):
    manager = make.user(Role.MANAGER)
    desk = _browser(app, CHROME)
    _session_in(session, manager, user_agent=CHROME, client=desk)
    response = desk.get("/staff/account/sessions?lang=cy")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Where you’re signed in" not in page and "Last active" not in page
