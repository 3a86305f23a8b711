"""Accounts through the browser's eye: register, confirm, sign in and out, reset, disable."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from shared import clock
from shared.auth.passwords import hash_password, verify_password
from shared.clock import utcnow
from shared.domain.enums import Role
from shared.models import OutboxMessage, User, UserSession
from unit_tests.factories import PASSWORD, sign_in

NEW_PASSWORD = "a brand new passphrase"
COOKIE = "redress"


def _messages(session, recipient: str, template: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.recipient == recipient)
    if template:
        query = query.where(OutboxMessage.template == template)
    session.expire_all()
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def _link(message: OutboxMessage, path: str) -> str:
    match = re.search(rf"http://localhost({re.escape(path)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _user(session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def _path(response) -> str:
    return urlsplit(response.location).path


def _register(client, email: str, password: str = NEW_PASSWORD, name: str = "Jane Williams"):
    return client.submit(
        "/register", {"full_name": name, "email": email, "password": password, "confirm_password": password}
    )


# --- registration -----------------------------------------------------------------------------


def test_registration_sends_a_confirmation_link_that_confirms_the_account(client, session):
    response = _register(client, "Jane@Example.com")
    assert response.status_code == 302
    assert response.location.endswith("/check-your-email?sent=confirm")

    user = _user(session, "jane@example.com")  # stored in lower case
    assert user is not None and user.role is Role.RESIDENT and user.email_confirmed_at is None
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash

    [message] = _messages(session, "jane@example.com")
    assert message.template == "confirm_email"
    link = _link(message, "/confirm-email/")

    # not confirmed yet: signing in sends another link instead
    assert client.submit("/sign-in", {"email": "jane@example.com", "password": NEW_PASSWORD}).location.endswith(
        "/check-your-email?sent=confirm"
    )

    confirmed = client.get(link)
    assert confirmed.status_code == 302 and _path(confirmed) == "/sign-in"
    assert _user(session, "jane@example.com").email_confirmed_at is not None
    assert "Your email address is confirmed" in client.get("/sign-in").get_data(as_text=True)

    signed_in = client.submit("/sign-in", {"email": "jane@example.com", "password": NEW_PASSWORD})
    assert _path(signed_in) == "/cases"
    assert client.get("/cases").status_code == 200


def test_a_tampered_confirmation_link_is_refused(client, session):
    _register(client, "tamper@example.com")
    link = _link(_messages(session, "tamper@example.com")[0], "/confirm-email/")
    response = client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB"))
    assert response.status_code == 404
    assert "This link has expired or has already been used" in response.get_data(as_text=True)
    assert _user(session, "tamper@example.com").email_confirmed_at is None


def test_registering_an_existing_email_sends_account_exists_and_looks_the_same(client, session, make):
    existing = make.user(Role.RESIDENT, email="taken@example.com")
    original_hash = existing.password_hash

    fresh = _register(client, "fresh@example.com")
    again = _register(client, "TAKEN@example.com", name="Someone Else")

    assert again.status_code == fresh.status_code == 302
    assert again.location == fresh.location
    assert [m.template for m in _messages(session, "taken@example.com")] == ["account_exists"]
    message = _messages(session, "taken@example.com")[0]
    assert "/sign-in" in message.body and "/forgotten-password" in message.body
    assert len(session.scalars(select(User).where(User.email.ilike("taken@example.com"))).all()) == 1
    unchanged = _user(session, "taken@example.com")
    assert unchanged.password_hash == original_hash and unchanged.full_name == existing.full_name


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"full_name": ""}, "Enter your full name"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format, like name@example.com"),
        ({"password": "short", "confirm_password": "short"}, "Password must be 10 characters or more"),
        ({"confirm_password": "something different"}, "Enter the same password in both fields"),
    ],
)
def test_registration_errors(client, session, fields, message):
    data = {"full_name": "Jane", "email": "errors@example.com", "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD, **fields}
    response = client.submit("/register", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert _user(session, "errors@example.com") is None
    assert NEW_PASSWORD not in page


# --- signing in -------------------------------------------------------------------------------


def test_sign_in_with_empty_fields_shows_govuk_messages(client):
    response = client.submit("/sign-in", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter your email address" in page and "Enter your password" in page
    assert re.search(r"<title>Error:", page)


def test_wrong_password_keeps_the_email_and_never_echoes_the_password(client, make):
    user = make.user(Role.RESIDENT, email="kept@example.com")
    response = client.submit("/sign-in", {"email": user.email, "password": "wrong-password-typed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the email address and password for your account" in page
    assert 'value="kept@example.com"' in page
    assert "wrong-password-typed" not in page
    assert client.get("/cases").status_code == 302  # still not signed in


def test_unknown_email_gets_the_same_error(client):
    page = client.submit("/sign-in", {"email": "nobody@example.com", "password": PASSWORD}).get_data(as_text=True)
    assert "Enter the email address and password for your account" in page


def test_unconfirmed_account_gets_check_email_and_a_new_link(client, session, make):
    user = make.user(Role.RESIDENT, confirmed=False)
    response = client.submit("/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location.endswith("/check-your-email?sent=confirm")
    assert [m.template for m in _messages(session, user.email)] == ["confirm_email"]
    assert client.get("/cases").status_code == 302  # not signed in
    assert client.get(response.location).status_code == 200


def test_unconfirmed_account_with_a_wrong_password_gets_no_link(client, session, make):
    user = make.user(Role.RESIDENT, confirmed=False)
    response = client.submit("/sign-in", {"email": user.email, "password": "not the password"})
    assert response.status_code == 200
    assert _messages(session, user.email) == []


def test_staff_cannot_sign_in_on_the_portal(client, make):
    officer = make.user(Role.OFFICER)
    response = client.submit("/sign-in", {"email": officer.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Enter the email address and password for your account" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_residents_cannot_sign_in_on_the_back_office(client, make):
    for role in (Role.RESIDENT, Role.COUNCILLOR):
        person = make.user(role)
        response = client.submit("/staff/sign-in", {"email": person.email, "password": PASSWORD})
        assert response.status_code == 200
        assert "Enter the email address and password for your staff account" in response.get_data(as_text=True)
        assert client.get("/cases").status_code == 302


@pytest.mark.parametrize(("role", "landing"), [(Role.RESIDENT, "/cases"), (Role.COUNCILLOR, "/councillor")])
def test_portal_sign_in_lands_on_the_persons_own_list(client, make, role, landing):
    response = sign_in(client, make.user(role))
    assert urlsplit(response.location).path == landing
    assert client.get(response.location).status_code == 200


def test_staff_sign_in_with_empty_fields(client):
    page = client.submit("/staff/sign-in", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your work email address" in page and "Enter your password" in page


def test_staff_sign_in_goes_to_the_back_office(client, make):
    response = sign_in(client, make.user(Role.MANAGER), staff=True)
    assert _path(response) == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_disabled_accounts_cannot_sign_in(client, make):
    user = make.user(Role.RESIDENT, disabled_at=utcnow())
    response = client.submit("/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/cases").status_code == 302


def test_sign_in_gives_a_fresh_session_cookie(client, make):
    client.get("/sign-in")
    before = client.get_cookie(COOKIE).value
    sign_in(client, make.user(Role.RESIDENT))
    assert client.get_cookie(COOKIE).value != before


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example/cases", "http://evil.example", "/\\evil.example", "\\\\evil.example",
     "javascript:alert(1)", "evil.example/cases", "///evil.example"],
)
@pytest.mark.parametrize(("staff", "home"), [(False, "/cases"), (True, "/staff/")])
def test_next_never_leaves_the_site(client, make, target, staff, home):
    user = make.user(Role.OFFICER if staff else Role.RESIDENT)
    url = ("/staff/sign-in" if staff else "/sign-in")
    response = client.submit(url + "?" + "next=" + target.replace("&", "%26"),
                             {"email": user.email, "password": PASSWORD}, form_url=url)
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.netloc in ("", "localhost")
    assert location.path == home


def test_next_within_the_site_is_followed(client, make):
    user = make.user(Role.RESIDENT)
    response = client.submit("/sign-in?next=/complaint", {"email": user.email, "password": PASSWORD}, form_url="/sign-in")
    assert _path(response) == "/complaint"


# --- passwords --------------------------------------------------------------------------------


def test_stored_hashes_are_argon2id():
    stored = hash_password("anything at all")
    assert stored.startswith("$argon2id$v=19$")
    assert verify_password(stored, "anything at all") and not verify_password(stored, "anything at al")
    assert not verify_password(None, "anything at all")  # unknown email: the dummy hash never matches


def test_forgotten_password_looks_the_same_for_known_and_unknown_emails(client, session, make):
    user = make.user(Role.RESIDENT)
    known = client.submit("/forgotten-password", {"email": user.email})
    unknown = client.submit("/forgotten-password", {"email": "nobody-here@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert known.location.endswith("/check-your-email?sent=reset")
    assert [m.template for m in _messages(session, user.email)] == ["reset_password"]
    assert _messages(session, "nobody-here@example.com") == []
    page = client.get(known.location).get_data(as_text=True)
    assert "If there is an account for that email address" in page


def test_forgotten_password_needs_an_email(client):
    page = client.submit("/forgotten-password", {"email": ""}).get_data(as_text=True)
    assert "There is a problem" in page and "Enter your email address" in page


def _reset_link(client, session, user) -> str:
    client.submit("/forgotten-password", {"email": user.email})
    return _link(_messages(session, user.email, "reset_password")[-1], "/reset-password/")


def test_a_reset_link_works_once(client, session, make):
    user = make.user(Role.RESIDENT)
    link = _reset_link(client, session, user)
    assert client.get(link).status_code == 200

    response = client.submit(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302 and _path(response) == "/sign-in"
    assert _user(session, user.email).password_hash.startswith("$argon2id$")

    again = client.get(link)
    assert again.status_code == 404
    assert "This link has expired or has already been used" in again.get_data(as_text=True)

    # the old password no longer works; the new one does
    assert client.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 200
    assert _path(sign_in(client, user, password=NEW_PASSWORD)) == "/cases"


def test_a_reset_link_expires_after_an_hour(client, session, make):
    user = make.user(Role.RESIDENT)
    clock.set_now(clock.utcnow() - timedelta(seconds=3601))
    link = _reset_link(client, session, user)
    clock.set_now(None)
    assert client.get(link).status_code == 404
    response = client.submit(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, form_url="/sign-in")
    assert response.status_code == 404
    assert _user(session, user.email).password_hash == user.password_hash


def test_a_reset_link_for_staff_leads_to_the_staff_sign_in(client, session, make):
    officer = make.user(Role.OFFICER)
    link = _reset_link(client, session, officer)
    response = client.submit(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert _path(response) == "/staff/sign-in"


def test_resetting_the_password_ends_every_other_session(app, client, session, make):
    user = make.user(Role.RESIDENT)
    other_browser = app.test_client()
    sign_in(other_browser, user)
    assert other_browser.get("/cases").status_code == 200

    link = _reset_link(client, session, user)
    client.submit(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})

    response = other_browser.get("/cases")
    assert response.status_code == 302 and _path(response) == "/sign-in"
    session.expire_all()
    assert session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                      UserSession.revoked_at.is_(None))).all() == []


def test_reset_password_errors_keep_the_link_usable(client, session, make):
    user = make.user(Role.RESIDENT)
    link = _reset_link(client, session, user)
    page = client.submit(link, {"password": "short", "confirm_password": "short"}).get_data(as_text=True)
    assert "Password must be 10 characters or more" in page
    assert client.get(link).status_code == 200


# --- sessions ---------------------------------------------------------------------------------


def test_sign_out_ends_the_server_side_session(client, session, make):
    user = make.user(Role.RESIDENT)
    sign_in(client, user)
    assert client.get("/cases").status_code == 200
    stolen = client.get_cookie(COOKIE).value

    response = client.post("/sign-out", data={"csrf_token": client.csrf_token("/cases")})
    assert response.status_code == 302 and _path(response) == "/"
    assert "You have signed out." in client.get("/").get_data(as_text=True)

    client.set_cookie(COOKIE, stolen, domain="localhost")
    replay = client.get("/cases")
    assert replay.status_code == 302 and _path(replay) == "/sign-in"
    session.expire_all()
    [row] = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert row.revoked_at is not None


def test_staff_sign_out_ends_the_session(client, make):
    sign_in(client, make.user(Role.OFFICER), staff=True)
    stolen = client.get_cookie(COOKIE).value
    response = client.post("/staff/sign-out", data={"csrf_token": client.csrf_token("/staff/sign-in")})
    assert _path(response) == "/staff/sign-in"
    client.set_cookie(COOKIE, stolen, domain="localhost")
    assert _path(client.get("/staff/triage")) == "/staff/sign-in"


def test_disabling_an_account_ends_its_session_at_once(client, session, make):
    user = make.user(Role.RESIDENT)
    sign_in(client, user)
    assert client.get("/cases").status_code == 200

    session.get(User, user.id).disabled_at = utcnow()
    session.commit()

    response = client.get("/cases")
    assert response.status_code == 302 and _path(response) == "/sign-in"
    assert "Sign out" not in client.get("/").get_data(as_text=True)


def test_a_session_cookie_without_a_server_side_session_is_anonymous(client, make):
    user = make.user(Role.RESIDENT)
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = str(user.id)  # forged: no server-side token
        cookie_session["sid"] = "made-up-token"
    assert _path(client.get("/cases")) == "/sign-in"


# --- a guest's record (no password) becoming an account -----------------------------------------


def _guest(make, email: str):
    """A record made for someone who complained without an account: no password, never signed in."""
    guest = make.user(Role.RESIDENT, email=email, confirmed=False, full_name="Guest Person")
    make.session.execute(update(User).where(User.id == guest.id).values(password_hash=None))
    make.session.commit()
    return guest


def _without_tokens(page: str) -> str:
    return re.sub(r'(value|nonce|content)="[^"]*"|"X-CSRFToken": "[^"]*"', "", page)


def test_registering_with_a_guests_email_sends_a_link_to_finish_the_account(client, session, make):
    guest = _guest(make, "guest@example.com")
    case = make.case(guest, make.service())

    new = _register(client, "brand-new@example.com")
    finishing = _register(client, "Guest@Example.com", name="Someone Else")
    assert finishing.status_code == new.status_code == 302 and finishing.location == new.location
    # the page shown next is the same whichever email was sent
    assert _without_tokens(client.get(finishing.location).get_data(as_text=True)) == _without_tokens(
        client.get(new.location).get_data(as_text=True))

    assert [m.template for m in _messages(session, "guest@example.com")] == ["finish_account"]
    link = _link(_messages(session, "guest@example.com")[0], "/reset-password/")
    unchanged = _user(session, "guest@example.com")
    assert unchanged.password_hash is None and unchanged.full_name == "Guest Person"

    page = client.get(link).get_data(as_text=True)
    assert "Create your password" in page
    done = client.submit(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert _path(done) == "/sign-in"
    assert "Your account is ready" in client.get("/sign-in").get_data(as_text=True)
    assert client.get(link).status_code == 404  # single use

    assert _path(sign_in(client, guest, password=NEW_PASSWORD)) == "/cases"
    assert case.reference in client.get("/cases").get_data(as_text=True)
    finished = _user(session, "guest@example.com")
    assert finished.has_account and finished.email_confirmed_at is not None


def test_a_finish_account_link_lasts_three_days_not_one_hour(client, session, make):
    _guest(make, "slow@example.com")
    clock.set_now(clock.utcnow() - timedelta(hours=2))
    _register(client, "slow@example.com")
    clock.set_now(None)
    link = _link(_messages(session, "slow@example.com", "finish_account")[0], "/reset-password/")
    assert client.get(link).status_code == 200

    clock.set_now(clock.utcnow() + timedelta(days=3))
    assert client.get(link).status_code == 404
    assert _user(session, "slow@example.com").password_hash is None


def test_a_closed_account_can_be_opened_again_by_registering(client, session, make):
    user = make.user(Role.RESIDENT, email="back@example.com")
    sign_in(client, user)
    client.submit("/close-account", {"password": PASSWORD})

    # a reset link is never sent for a closed account
    client.submit("/forgotten-password", {"email": "back@example.com"})
    assert _messages(session, "back@example.com", "reset_password") == []

    _register(client, "back@example.com")
    link = _link(_messages(session, "back@example.com", "finish_account")[0], "/reset-password/")
    client.submit(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    reopened = _user(session, "back@example.com")
    assert reopened.closed_at is None and reopened.is_active
    assert _path(sign_in(client, user, password=NEW_PASSWORD)) == "/cases"


def test_an_ordinary_reset_link_cannot_open_a_closed_account(client, session, make):
    user = make.user(Role.RESIDENT, email="gone@example.com")
    link = _reset_link(client, session, user)
    sign_in(client, user)
    client.submit("/close-account", {"password": PASSWORD})
    assert client.get(link).status_code == 404


def test_a_link_sent_to_an_old_email_address_stops_working_when_the_address_changes(app, session, make):
    """A contact-centre agent corrects a record's email: the finish-account link already sent to the
    wrong address must not let whoever holds it take the account."""
    from shared.services import accounts as account_service

    person = make.user(email="wrong@example.com", confirmed=False)
    person.password_hash = None
    session.commit()
    with app.test_request_context():
        url = account_service.finish_account_url(person)
        token = url.rsplit("/", 1)[-1]
        assert account_service.user_for_reset_token(token).id == person.id
        person_in_request = account_service.db.session.get(type(person), person.id)
        person_in_request.email = "right@example.com"
        account_service.db.session.flush()
        assert account_service.user_for_reset_token(token) is None
