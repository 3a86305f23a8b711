"""Councillors' optional 2-step verification: set up from their account, the portal sign-in's code
step (no session from the password alone), recovery codes, the same limits and one use per code as
staff, "confirm it's you" before changing it, turning it off, an admin's reset, and residents and
other people's pages untouched."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared import clock
from shared.auth import mfa
from shared.domain.enums import Role
from shared.models import AuditEvent, RecoveryCode, User, UserSession
from shared.web import ratelimits
from unit_tests.factories import PASSWORD, sign_in
from unit_tests.mfa_support import actions, code, codes_on_page, enrol, later, secret_on_page
from unit_tests.test_route_access import quick_sign_in

NOW = "2026-12-09T10:00:00+00:00"
SETUP = "/councillor/account/2-step-verification/set-up"
CODES = "/councillor/account/2-step-verification/recovery-codes"
TURN_OFF = "/councillor/account/2-step-verification/turn-off"


@pytest.fixture(autouse=True)
def _clock():
    clock.set_now(NOW)


def _live_sessions(session, user: User) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)))


def _signed_in_with_code(client, councillor, secret) -> None:
    assert sign_in(client, councillor).location.endswith("/sign-in/code")
    assert client.submit("/sign-in/code", {"code": code(secret)}).location.endswith("/councillor")


# --- setting up -----------------------------------------------------------------------------------


def test_a_councillor_sets_it_up_from_their_account(client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    assert sign_in(client, councillor).location.endswith("/councillor")  # not asked: it is optional
    home = client.get("/councillor").get_data(as_text=True)
    assert 'href="/councillor/account"' in home  # in their navigation
    account = client.get("/councillor/account").get_data(as_text=True)
    assert 'id="mfa-status">Off' in account and f'href="{SETUP}"' in account
    assert councillor.email in account

    page = client.get(SETUP).get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and "Before you use the back office" not in page
    assert 'href="/councillor/account">Cancel' in page
    secret = secret_on_page(page)
    assert secret == secret_on_page(client.get(SETUP).get_data(as_text=True))  # the same on reload

    wrong = client.submit(SETUP, {"code": "000000"})
    assert wrong.status_code == 400 and "The code is not right" in wrong.get_data(as_text=True)
    assert 'class="govuk-error-summary' in wrong.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, councillor.id).mfa_enabled_at is None

    done = client.submit(SETUP, {"code": code(secret)})
    html = done.get_data(as_text=True)
    codes = codes_on_page(html)
    assert done.status_code == 200 and len(codes) == 10 == len(set(codes))
    assert "2-step verification is on" in html and 'href="/councillor"' in html
    session.expire_all()
    stored = session.get(User, councillor.id)
    assert stored.mfa_enabled_at is not None and secret not in stored.mfa_secret
    hashes = list(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == councillor.id)))
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    assert "mfa.enrolled" in actions(session, councillor)
    assert client.get("/councillor").status_code == 200  # this browser stays signed in
    account = client.get("/councillor/account").get_data(as_text=True)
    assert 'id="mfa-status">On' in account and "You have 10 recovery codes left." in account
    assert client.get(SETUP).location.endswith("/councillor/account")  # the key is never shown again


def test_setting_it_up_ends_the_councillors_other_sessions(app, client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    elsewhere = app.test_client()
    sign_in(elsewhere, councillor)
    sign_in(client, councillor)
    secret = secret_on_page(client.get(SETUP).get_data(as_text=True))
    client.submit(SETUP, {"code": code(secret)})
    assert client.get("/councillor").status_code == 200
    assert elsewhere.get("/councillor").status_code == 302


# --- the code step --------------------------------------------------------------------------------


def test_the_password_alone_gives_a_councillor_no_session(client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    secret, _codes = enrol(client, councillor, staff=False)
    response = sign_in(client, councillor)
    assert response.location.endswith("/sign-in/code")
    for path in ("/councillor", "/councillor/account", SETUP, "/account/sessions", "/councillor/confirm-its-you"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.location.startswith("/sign-in?next="), path
    assert _live_sessions(session, councillor) == 0
    page = client.get("/sign-in/code").get_data(as_text=True)
    assert "Enter your security code" in page and "complaints team" in page and "administrator" not in page

    done = client.submit("/sign-in/code", {"code": code(secret)})
    assert done.status_code == 302 and done.location.endswith("/councillor")
    assert client.get("/councillor/account").status_code == 200
    event = session.scalars(select(AuditEvent).where(AuditEvent.person_id == councillor.id,
                                                     AuditEvent.action == "user.signed_in")).all()[-1]
    assert event.details == {"method": "password", "second_factor": "totp"}


def test_the_code_step_keeps_where_they_were_going_and_expires(client, make):
    councillor = make.user(Role.COUNCILLOR)
    secret, _codes = enrol(client, councillor, staff=False)
    token = client.csrf_token("/sign-in")
    response = client.post("/sign-in?next=/councillor/ward",
                           data={"email": councillor.email, "password": PASSWORD, "csrf_token": token})
    assert response.location.endswith("/sign-in/code")
    assert client.submit("/sign-in/code", {"code": code(secret)}).location.endswith("/councillor/ward")
    client.submit("/sign-out", form_url="/councillor")
    sign_in(client, councillor)
    later(minutes=6)
    assert client.get("/sign-in/code").location.endswith("/sign-in")


def test_a_recovery_code_signs_a_councillor_in_once(client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    _secret, codes = enrol(client, councillor, staff=False)
    sign_in(client, councillor)
    used = client.submit("/sign-in/code", {"code": codes[2].upper().replace("-", " ")})
    assert used.location.endswith("/councillor")
    assert "You have 9 left" in client.get("/councillor").get_data(as_text=True)
    assert actions(session, councillor)[-2:] == ["mfa.recovery_code_used", "user.signed_in"]
    client.submit("/sign-out", form_url="/councillor")
    sign_in(client, councillor)
    again = client.submit("/sign-in/code", {"code": codes[2]})
    assert again.status_code == 200 and "The security code is not right" in again.get_data(as_text=True)
    assert _live_sessions(session, councillor) == 0


def test_a_councillors_code_cannot_be_used_twice(client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    secret, _codes = enrol(client, councillor, staff=False)
    used = code(secret)
    sign_in(client, councillor)
    assert client.submit("/sign-in/code", {"code": used}).location.endswith("/councillor")
    client.submit("/sign-out", form_url="/councillor")
    sign_in(client, councillor)
    replayed = client.submit("/sign-in/code", {"code": used})
    assert replayed.status_code == 200 and "The security code is not right" in replayed.get_data(as_text=True)
    assert client.get("/councillor").status_code == 302
    assert actions(session, councillor)[-1] == "mfa.failed"


def test_wrong_codes_are_limited_as_for_staff(app, client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    secret, _codes = enrol(client, councillor, staff=False)
    sign_in(client, councillor)
    for attempt in range(1, 5):
        answer = client.submit("/sign-in/code", {"code": "123456"})
        assert answer.status_code == 200 and 'class="govuk-error-summary' in answer.get_data(as_text=True), attempt
    fifth = client.submit("/sign-in/code", {"code": "123456"})
    assert fifth.location.endswith("/sign-in")
    assert client.get("/sign-in/code").location.endswith("/sign-in")
    assert actions(session, councillor).count("mfa.failed") == 5
    later(seconds=30)
    sign_in(client, councillor)  # the password again buys no more tries at once
    held = client.submit("/sign-in/code", {"code": code(secret)})
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0
    assert "You have tried too many times. Wait 5 minutes, then try again." in held.get_data(as_text=True)
    assert _live_sessions(session, councillor) == 0
    with app.app_context():
        ratelimits.limiter().reset()  # the five minutes have passed
    sign_in(client, councillor)
    assert client.submit("/sign-in/code", {"code": code(secret)}).location.endswith("/councillor")


def test_the_code_step_in_welsh(client, make):
    councillor = make.user(Role.COUNCILLOR)
    enrol(client, councillor, staff=False)
    sign_in(client, councillor)
    page = client.get("/sign-in/code?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in page and "Rhowch eich cod diogelwch" in page


def test_staff_mfa_off_does_not_take_a_councillors_away(app, client, make, monkeypatch):
    councillor = make.user(Role.COUNCILLOR)
    enrol(client, councillor, staff=False)
    monkeypatch.setitem(app.config, "STAFF_MFA", "off")
    assert sign_in(client, councillor).location.endswith("/sign-in/code")


def test_one_sides_password_does_not_open_the_other_sides_code_step(client, make):
    councillor = make.user(Role.COUNCILLOR)
    secret, _codes = enrol(client, councillor, staff=False)
    sign_in(client, councillor)
    answer = client.submit("/staff/sign-in/code", {"code": code(secret)}, form_url="/staff/sign-in")
    assert answer.location.endswith("/staff/sign-in")
    assert client.get("/councillor").status_code == 302


# --- confirm it's you, new codes, turning it off --------------------------------------------------


def test_changing_it_needs_a_recent_sign_in_then_it_can_be_turned_off(client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    secret, old = enrol(client, councillor, staff=False)
    _signed_in_with_code(client, councillor, secret)
    for _ in range(4):  # busy, not idle, for 20 minutes
        later(minutes=5)
        assert client.get("/councillor").status_code == 200
    made = client.post(CODES, data={"csrf_token": client.csrf_token("/councillor/account")},
                       headers={"Referer": "http://localhost/councillor/account"})
    assert made.location.endswith("/councillor/confirm-its-you?next=/councillor/account")
    off = client.submit(TURN_OFF)
    assert off.location.endswith(f"/councillor/confirm-its-you?next={TURN_OFF}")
    assert "mfa.recovery_codes_made" not in actions(session, councillor)

    confirm = off.location
    page = client.get(confirm).get_data(as_text=True)
    assert "Confirm it’s you" in page and 'name="code"' in page
    wrong = client.submit(confirm, {"password": "not it", "code": code(secret)})
    assert wrong.status_code == 200 and "The password is not right" in wrong.get_data(as_text=True)
    later(seconds=30)
    back = client.submit(confirm, {"password": PASSWORD, "code": code(secret)})
    assert back.location.endswith(TURN_OFF)
    assert "user.identity_confirmed" in actions(session, councillor)

    new = codes_on_page(client.submit(CODES, form_url="/councillor/account").get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert "mfa.recovery_codes_made" in actions(session, councillor)

    assert "You will sign in with your password alone" in client.get(TURN_OFF).get_data(as_text=True)
    done = client.submit(TURN_OFF)
    assert done.location.endswith("/councillor/account")
    account = client.get("/councillor/account").get_data(as_text=True)
    assert "2-step verification is off" in account and 'id="mfa-status">Off' in account
    session.expire_all()
    stored = session.get(User, councillor.id)
    assert stored.mfa_enabled_at is None and stored.mfa_secret is None
    assert "mfa.turned_off" in actions(session, councillor)
    client.submit("/sign-out", form_url="/councillor")
    assert sign_in(client, councillor).location.endswith("/councillor")  # the password alone again


def test_five_wrong_tries_when_confirming_sign_a_councillor_out(client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    secret, _codes = enrol(client, councillor, staff=False)
    _signed_in_with_code(client, councillor, secret)
    for _ in range(4):
        assert client.submit("/councillor/confirm-its-you", {"password": "wrong", "code": "000000"}).status_code == 200
    last = client.submit("/councillor/confirm-its-you", {"password": "wrong", "code": "000000"})
    assert last.location.endswith("/sign-in")
    assert client.get("/councillor").status_code == 302
    assert actions(session, councillor).count("user.confirm_failed") == 5


# --- an admin's reset -----------------------------------------------------------------------------


def test_an_admin_resets_a_councillors_and_it_stays_optional(app, client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    secret, _codes = enrol(client, councillor, staff=False)
    theirs = app.test_client()
    _signed_in_with_code(theirs, councillor, secret)
    admin = make.user(Role.ADMIN)
    quick_sign_in(client, session, admin)
    user_page = f"/staff/admin/users/{councillor.id}"
    page = client.get(user_page).get_data(as_text=True)
    assert "Reset 2-step verification" in page
    done = client.submit(f"{user_page}/2-step-verification/reset", form_url=user_page, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "they sign in with their password alone until they choose to set it up again" in html
    assert "set it up again when they next sign in" not in html and "must set it up" not in html
    assert "signed out of 1 session" in html and "On → Off" in html
    session.expire_all()
    assert session.get(User, councillor.id).mfa_enabled_at is None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa.reset")).one()
    assert event.actor_id == admin.id and event.subject_id == councillor.id
    assert theirs.get("/councillor").status_code == 302  # signed out at once
    assert sign_in(theirs, councillor).location.endswith("/councillor")  # not asked to set it up
    assert 'id="mfa-status">Off' in theirs.get("/councillor/account").get_data(as_text=True)


# --- who else --------------------------------------------------------------------------------------


def test_residents_are_not_offered_it_and_sign_in_as_before(app, client, make, session):
    resident = make.user(Role.RESIDENT)
    with app.app_context():
        assert not mfa.offered_to(resident)
    assert sign_in(client, resident).location.endswith("/cases")
    assert "2-step verification" not in client.get("/your-details").get_data(as_text=True)
    for path in ("/councillor/account", SETUP, TURN_OFF, "/councillor/confirm-its-you"):
        assert client.get(path).status_code == 403, path
    assert client.post(CODES, data={"csrf_token": client.csrf_token("/your-details")}).status_code == 403
    event = session.scalars(select(AuditEvent).where(AuditEvent.person_id == resident.id,
                                                     AuditEvent.action == "user.signed_in")).one()
    assert event.details == {"method": "password"}


def test_staff_cannot_use_the_councillors_pages(client, make, session):
    quick_sign_in(client, session, make.user(Role.OFFICER))
    for path in ("/councillor/account", SETUP, "/councillor/confirm-its-you"):
        assert client.get(path).status_code == 403, path


def test_what_is_not_there_is_not_found(client, make, session):
    councillor = make.user(Role.COUNCILLOR)
    sign_in(client, councillor)
    assert client.get(TURN_OFF).status_code == 404  # nothing to turn off
    on_provider = make.user(Role.COUNCILLOR, password_hash=None)
    other = client.application.test_client()
    quick_sign_in(other, session, on_provider)
    assert not mfa.offered_to(on_provider)
    assert other.get(SETUP).status_code == 404
    assert other.get("/councillor/confirm-its-you").status_code == 404
    assert "2-step verification is not used for your account." in other.get("/councillor/account").get_data(as_text=True)
