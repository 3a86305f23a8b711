"""Staff 2-step verification: enrolment nobody can skip, the code step (no half-signed-in access),
one use per code, five tries, recovery codes, "confirm it's you" before admin actions, an admin's
reset, and how secrets are kept."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from limits import parse as parse_limit
from sqlalchemy import func, select

from shared import clock
from shared.auth import mfa
from shared.config import ConfigError, load_settings
from shared.domain.enums import Role
from shared.models import AuditEvent, RecoveryCode, User, UserSession
from shared.web import ratelimits
from unit_tests.factories import PASSWORD, sign_in
from unit_tests.mfa_support import actions, code, codes_on_page, enrol, later, secret_on_page
from unit_tests.test_route_access import quick_sign_in

NOW = "2026-12-09T10:00:00+00:00"


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_MFA", "required")
    clock.set_now(NOW)


def _busy_for(client, minutes: int) -> None:
    """Let time pass while the person keeps using the service, so no idle limit ends the session
    (an admin's is 15 minutes, the same as the recent sign-in admin actions need)."""
    for _ in range(minutes // 5):
        later(minutes=5)
        assert client.get("/staff/").status_code == 200
    later(minutes=minutes % 5)


# --- enrolment ------------------------------------------------------------------------------------


def test_staff_on_passwords_must_set_up_before_any_staff_page(client, make, session, required):
    officer = make.user(Role.OFFICER)
    sign_in(client, officer, staff=True)
    for path in ("/staff/", "/staff/cases", "/staff/account"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/staff/account/2-step-verification/set-up"), path
    page = client.get("/staff/account/2-step-verification/set-up")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # the QR code, made on the server
    assert "Before you use the back office" in html and "Sign out and do this later" in html
    secret = secret_on_page(html)
    assert secret == secret_on_page(client.get("/staff/account/2-step-verification/set-up").get_data(as_text=True))

    wrong = client.submit("/staff/account/2-step-verification/set-up", {"code": "000000"})
    assert wrong.status_code == 400 and "The code is not right" in wrong.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, officer.id).mfa_enabled_at is None

    done = client.submit("/staff/account/2-step-verification/set-up", {"code": code(secret)})
    codes = codes_on_page(done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10 == len(set(codes))
    assert client.get("/staff/").status_code == 200
    session.expire_all()
    stored = session.get(User, officer.id)
    assert stored.mfa_enabled_at is not None and secret not in stored.mfa_secret
    hashes = list(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == officer.id)
                                  .order_by(RecoveryCode.id)))
    assert all(stored.startswith("$argon2id$") for stored in hashes)  # salted: ASVS 6.5.2
    assert len(set(hashes)) == 10 and all(mfa.recovery_code_matches(h, c) for h, c in zip(hashes, codes, strict=True))
    assert "mfa.enrolled" in actions(session, officer)
    # never shown again
    assert client.get("/staff/account/2-step-verification/set-up").location.endswith("/staff/account")


def test_signing_out_is_allowed_before_setting_up(client, make, required):
    sign_in(client, make.user(Role.AGENT), staff=True)
    response = client.submit("/staff/sign-out", form_url="/staff/account/2-step-verification/set-up")
    assert response.location.endswith("/staff/sign-in")
    assert client.get("/staff/").location.startswith("/staff/sign-in")


def test_identity_provider_sign_ins_are_not_asked(client, make, session, required):
    manager = make.user(Role.MANAGER)
    quick_sign_in(client, session, manager)
    session.execute(UserSession.__table__.update().where(UserSession.user_id == manager.id).values(auth_method="oidc"))
    session.commit()
    assert client.get("/staff/").status_code == 200


def test_optional_lets_staff_in_and_off_asks_nobody(app, client, make, monkeypatch):
    clock.set_now(NOW)
    officer = make.user(Role.OFFICER)
    sign_in(client, officer, staff=True)
    assert client.get("/staff/").status_code == 200  # optional, in this suite's settings
    secret, _codes = enrol(client, officer, staff=True)
    monkeypatch.setitem(app.config, "STAFF_MFA", "off")
    response = sign_in(client, officer, staff=True)
    assert response.location.endswith("/staff/")


# --- the code step --------------------------------------------------------------------------------


def test_password_alone_is_not_a_sign_in(client, make, session, required):
    admin = make.user(Role.ADMIN)
    secret, _codes = enrol(client, admin, staff=True)
    response = sign_in(client, admin, staff=True)
    assert response.location.endswith("/staff/sign-in/code")
    for path in ("/staff/", "/staff/admin/users", "/staff/account", "/staff/account/2-step-verification/set-up",
                 "/staff/confirm-its-you"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.location.startswith("/staff/sign-in?next="), path
    assert session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == admin.id, UserSession.revoked_at.is_(None))) == 0

    later(seconds=30)
    done = client.submit("/staff/sign-in/code", {"code": code(secret)})
    assert done.status_code == 302 and done.location.endswith("/staff/")
    assert client.get("/staff/admin/users").status_code == 200
    event = session.scalars(select(AuditEvent).where(AuditEvent.person_id == admin.id,
                                                     AuditEvent.action == "user.signed_in")).all()[-1]
    assert event.details == {"method": "password", "second_factor": "totp"}


def test_the_code_step_keeps_where_they_were_going(client, make, required):
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, officer, staff=True)
    token = client.csrf_token("/staff/sign-in")
    response = client.post("/staff/sign-in?next=/staff/cases",
                           data={"email": officer.email, "password": PASSWORD, "csrf_token": token})
    assert response.location.endswith("/staff/sign-in/code")
    later(seconds=30)
    assert client.submit("/staff/sign-in/code", {"code": code(secret)}).location.endswith("/staff/cases")


def test_a_code_cannot_be_used_twice(client, make, session, required):
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, officer, staff=True)
    later(seconds=30)
    used = code(secret)
    sign_in(client, officer, staff=True)
    assert client.submit("/staff/sign-in/code", {"code": used}).location.endswith("/staff/")
    client.submit("/staff/sign-out", form_url="/staff/")
    sign_in(client, officer, staff=True)
    again = client.submit("/staff/sign-in/code", {"code": used})
    assert again.status_code == 200 and "The security code is not right" in again.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    assert actions(session, officer)[-1] == "mfa.failed"


def test_five_wrong_codes_and_the_password_is_asked_again(app, client, make, session, required):
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, officer, staff=True)
    sign_in(client, officer, staff=True)
    for attempt in range(1, 5):
        answer = client.submit("/staff/sign-in/code", {"code": "123456"})
        assert answer.status_code == 200, attempt
        assert 'class="govuk-error-summary' in answer.get_data(as_text=True)
    fifth = client.submit("/staff/sign-in/code", {"code": "123456"})
    assert fifth.location.endswith("/staff/sign-in")
    assert client.get("/staff/sign-in/code").location.endswith("/staff/sign-in")
    assert actions(session, officer).count("mfa.failed") == 5
    later(seconds=30)
    sign_in(client, officer, staff=True)  # the password again does not buy more tries at once
    held = client.submit("/staff/sign-in/code", {"code": code(secret)})
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0
    page = held.get_data(as_text=True)
    assert "You have tried too many times. Wait 5 minutes, then try again." in page
    assert client.get("/staff/").status_code == 302  # not signed in
    with app.app_context():
        ratelimits.limiter().reset()  # the five minutes have passed
    sign_in(client, officer, staff=True)
    assert client.submit("/staff/sign-in/code", {"code": code(secret)}).location.endswith("/staff/")


def test_wrong_codes_from_one_address_are_limited_across_accounts(client, make, required):
    """Someone holding many staff passwords cannot try codes for each in turn from one address."""
    allowed = next(parse_limit(rule.limit).amount for rule in ratelimits.mfa_code(0) if rule.scope == "mfa-code-client")
    people = [make.user(Role.OFFICER) for _ in range(allowed // 4 + 1)]
    for person in people:
        enrol(client, person, staff=True)
    tries = 0
    for person in people:
        sign_in(client, person, staff=True)
        for _ in range(4):
            answer = client.submit("/staff/sign-in/code", {"code": "123456"})
            tries += 1
            if tries > allowed:
                assert answer.status_code == 429
                return
            assert answer.status_code == 200
    raise AssertionError("the address was never limited")


def test_the_tries_are_counted_on_the_server_not_in_the_cookie(client, make, session, required):
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, officer, staff=True)
    sign_in(client, officer, staff=True)
    with client.session_transaction() as cookie:
        saved = dict(cookie)
    for _ in range(5):
        client.submit("/staff/sign-in/code", {"code": "123456"})
    with client.session_transaction() as cookie:
        cookie.update(saved)  # an attacker replays the cookie from before the tries
    later(seconds=30)
    response = client.post("/staff/sign-in/code", data={"code": code(secret),
                                                        "csrf_token": client.csrf_token("/staff/sign-in")})
    assert response.location.endswith("/staff/sign-in")
    assert client.get("/staff/").status_code == 302


def test_the_code_step_in_welsh(client, make, required):
    officer = make.user(Role.OFFICER)
    enrol(client, officer, staff=True)
    sign_in(client, officer, staff=True)
    page = client.get("/staff/sign-in/code?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in page and "Rhowch eich cod diogelwch" in page


def test_the_code_step_expires(client, make, required):
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, officer, staff=True)
    sign_in(client, officer, staff=True)
    later(minutes=6)
    assert client.get("/staff/sign-in/code").location.endswith("/staff/sign-in")


def test_a_recovery_code_works_once(client, make, session, required):
    responder = make.user(Role.RESPONDER, service_id=make.service().id)
    _secret, codes = enrol(client, responder, staff=True)
    sign_in(client, responder, staff=True)
    used = client.submit("/staff/sign-in/code", {"code": codes[3].upper().replace("-", " ")})
    assert used.location.endswith("/staff/")
    assert "You have 9 left" in client.get("/staff/").get_data(as_text=True)
    assert actions(session, responder)[-2:] == ["mfa.recovery_code_used", "user.signed_in"]
    client.submit("/staff/sign-out", form_url="/staff/")
    sign_in(client, responder, staff=True)
    assert client.submit("/staff/sign-in/code", {"code": codes[3]}).status_code == 200  # refused


def test_new_recovery_codes_replace_the_old(client, make, required):
    officer = make.user(Role.OFFICER)
    secret, old = enrol(client, officer, staff=True)
    sign_in(client, officer, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(secret)})
    assert "You have 10 recovery codes left." in client.get("/staff/account").get_data(as_text=True)
    page = client.submit("/staff/account/2-step-verification/recovery-codes", form_url="/staff/account")
    new = codes_on_page(page.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    client.submit("/staff/sign-out", form_url="/staff/")
    sign_in(client, officer, staff=True)
    assert client.submit("/staff/sign-in/code", {"code": old[0]}).status_code == 200
    assert client.submit("/staff/sign-in/code", {"code": new[0]}).location.endswith("/staff/")


def test_turning_off_only_where_not_required(app, client, make, session, monkeypatch):
    clock.set_now(NOW)
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, officer, staff=True)
    monkeypatch.setitem(app.config, "STAFF_MFA", "required")
    sign_in(client, officer, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(secret)})
    assert "cannot turn it off" in client.get("/staff/account").get_data(as_text=True)
    assert client.get("/staff/account/2-step-verification/turn-off").status_code == 404
    monkeypatch.setitem(app.config, "STAFF_MFA", "optional")
    done = client.submit("/staff/account/2-step-verification/turn-off")
    assert done.location.endswith("/staff/account")
    session.expire_all()
    stored = session.get(User, officer.id)
    assert stored.mfa_enabled_at is None and stored.mfa_secret is None
    assert "mfa.turned_off" in actions(session, officer)


# --- confirm it's you -----------------------------------------------------------------------------


def test_admin_changes_need_a_recent_sign_in(client, make, session, required):
    admin = make.user(Role.ADMIN)
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, admin, staff=True)
    sign_in(client, admin, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(secret)})
    user_page = f"/staff/admin/users/{officer.id}"

    _busy_for(client, 16)
    token = client.csrf_token(user_page)
    refused = client.post(f"/staff/admin/users/{officer.id}/sign-out", data={"csrf_token": token},
                          headers={"Referer": f"http://localhost{user_page}"})
    assert refused.status_code == 302
    assert refused.location.endswith(f"/staff/confirm-its-you?next=/staff/admin/users/{officer.id}")
    assert "user.signed_out" not in actions(session, officer)
    # a form's own page is where they come back to
    edit = client.post(f"/staff/admin/users/{officer.id}/edit", data={"csrf_token": token})
    assert edit.location.endswith(f"/staff/confirm-its-you?next=/staff/admin/users/{officer.id}/edit")

    confirm = refused.location
    wrong = client.submit(confirm, {"password": "not it", "code": code(secret)})
    assert wrong.status_code == 200 and "The password is not right" in wrong.get_data(as_text=True)
    back = client.submit(confirm, {"password": PASSWORD, "code": code(secret)})
    assert back.location.endswith(user_page)
    assert "user.identity_confirmed" in actions(session, admin)
    done = client.submit(f"/staff/admin/users/{officer.id}/sign-out", form_url=user_page)
    assert done.location.endswith(user_page)
    assert "user.signed_out" in actions(session, officer)


def test_reading_admin_pages_needs_no_recent_sign_in(client, make, required):
    admin = make.user(Role.ADMIN)
    secret, _codes = enrol(client, admin, staff=True)
    sign_in(client, admin, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(secret)})
    _busy_for(client, 16)
    assert client.get("/staff/admin/users").status_code == 200


def test_five_wrong_passwords_when_confirming_sign_you_out(client, make, session, required):
    admin = make.user(Role.ADMIN)
    secret, _codes = enrol(client, admin, staff=True)
    sign_in(client, admin, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(secret)})
    for _ in range(4):
        assert client.submit("/staff/confirm-its-you", {"password": "wrong", "code": "000000"}).status_code == 200
    last = client.submit("/staff/confirm-its-you", {"password": "wrong", "code": "000000"})
    assert last.location.endswith("/staff/sign-in")
    assert client.get("/staff/").status_code == 302
    assert actions(session, admin).count("user.confirm_failed") == 5


# --- an admin's reset -----------------------------------------------------------------------------


def test_an_admin_resets_someones_mfa(client, make, session, required):
    admin = make.user(Role.ADMIN)
    officer = make.user(Role.OFFICER)
    officer_secret, _codes = enrol(client, officer, staff=True)
    other = client.application.test_client()
    sign_in(other, officer, staff=True)
    later(seconds=30)
    other.submit("/staff/sign-in/code", {"code": code(officer_secret)})
    assert other.get("/staff/").status_code == 200

    admin_secret, _codes = enrol(client, admin, staff=True)
    sign_in(client, admin, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(admin_secret)})
    listed = client.get(f"/staff/admin/users?q={officer.email}").get_data(as_text=True)
    assert '<td class="govuk-table__cell">On</td>' in listed
    page = client.get(f"/staff/admin/users/{officer.id}").get_data(as_text=True)
    assert "Reset 2-step verification" in page
    assert "Reset 2-step verification" not in client.get(f"/staff/admin/users/{admin.id}").get_data(as_text=True)
    done = client.submit(f"/staff/admin/users/{officer.id}/2-step-verification/reset",
                         form_url=f"/staff/admin/users/{officer.id}", follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "2-step verification is reset" in html and "signed out of 1 session" in html
    assert "2-step verification reset" in html and "On → Off" in html  # the account's history
    session.expire_all()
    stored = session.get(User, officer.id)
    assert stored.mfa_enabled_at is None and stored.mfa_secret is None
    assert session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == officer.id)) == 0
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa.reset")).one()
    assert event.actor_id == admin.id and event.subject_id == officer.id
    assert event.details == {"changes": {"mfa": ["on", "off"]}, "sessions_ended": 1}
    assert other.get("/staff/").status_code == 302  # signed out at once
    listed = client.get(f"/staff/admin/users?q={officer.email}").get_data(as_text=True)
    assert '<td class="govuk-table__cell">Off</td>' in listed
    sign_in(other, officer, staff=True)  # no code asked: they set it up again
    assert other.get("/staff/").location.endswith("/staff/account/2-step-verification/set-up")


def test_an_admin_cannot_reset_their_own(client, make, session, required):
    admin = make.user(Role.ADMIN)
    secret, _codes = enrol(client, admin, staff=True)
    sign_in(client, admin, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(secret)})
    token = client.csrf_token("/staff/account")
    assert client.post(f"/staff/admin/users/{admin.id}/2-step-verification/reset",
                       data={"csrf_token": token}).status_code == 404
    session.expire_all()
    assert session.get(User, admin.id).mfa_enabled_at is not None


# --- the mechanics --------------------------------------------------------------------------------


def test_codes_around_now_are_accepted_and_older_steps_refused():
    secret = mfa.new_secret()
    now = clock.utcnow()
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    assert mfa.matching_step(secret, totp.at(now), now, None) == step
    assert mfa.matching_step(secret, totp.at(now - timedelta(seconds=30)), now, None) == step - 1
    assert mfa.matching_step(secret, totp.at(now - timedelta(seconds=90)), now, None) is None
    assert mfa.matching_step(secret, totp.at(now), now, step) is None
    assert mfa.matching_step(secret, totp.at(now + timedelta(seconds=30)), now, step) == step + 1
    assert mfa.matching_step(secret, "12345", now, None) is None


def test_secrets_are_sealed_with_a_key_from_the_secret_key(app):
    with app.app_context():
        sealed = mfa.seal("JBSWY3DPEHPK3PXP")
        assert "JBSWY3DPEHPK3PXP" not in sealed and mfa.unseal(sealed) == "JBSWY3DPEHPK3PXP"
        app.config["SECRET_KEY"], saved = "another-secret-key-entirely-for-this-test", app.config["SECRET_KEY"]
        try:
            assert mfa.unseal(sealed) is None
        finally:
            app.config["SECRET_KEY"] = saved


def test_recovery_codes_are_random_and_typed_loosely():
    codes = mfa.new_recovery_codes()
    assert len(set(codes)) == 10
    assert mfa.normalise_recovery_code(codes[0].upper().replace("-", " ")) == codes[0]
    assert mfa.normalise_recovery_code("0000000000") is None


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "optional"),  # development: the demo staff sign in with their password
    ({"REDRESS_ENV": "testing"}, "required"),
    ({"REDRESS_ENV": "development", "REDRESS_STAFF_MFA": "required"}, "required"),
    ({"REDRESS_ENV": "testing", "REDRESS_STAFF_MFA": "OFF"}, "off"),
])
def test_staff_mfa_setting(tmp_path, env, expected):
    assert load_settings({"REDRESS_INSTANCE_PATH": str(tmp_path), **env}).staff_mfa == expected


def test_staff_mfa_setting_is_checked(tmp_path):
    with pytest.raises(ConfigError, match="REDRESS_STAFF_MFA"):
        load_settings({"REDRESS_INSTANCE_PATH": str(tmp_path), "REDRESS_STAFF_MFA": "sometimes"})
    with pytest.raises(ConfigError, match="REDRESS_REAUTH_MINUTES"):
        load_settings({"REDRESS_INSTANCE_PATH": str(tmp_path), "REDRESS_REAUTH_MINUTES": "0"})


def test_sessions_from_before_the_method_was_recorded_are_held_to_the_rules(client, make, session, required):
    admin = make.user(Role.ADMIN)
    quick_sign_in(client, session, admin)
    session.execute(UserSession.__table__.update().where(UserSession.user_id == admin.id)
                    .values(auth_method=None, authenticated_at=None))
    session.commit()
    assert client.get("/staff/").location.endswith("/staff/account/2-step-verification/set-up")


def test_changing_your_own_2_step_verification_needs_a_recent_sign_in(app, client, make, session, monkeypatch):
    clock.set_now(NOW)
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, officer, staff=True)
    sign_in(client, officer, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(secret)})
    later(minutes=16)
    made = client.post("/staff/account/2-step-verification/recovery-codes",
                       data={"csrf_token": client.csrf_token("/staff/account")},
                       headers={"Referer": "http://localhost/staff/account"})
    assert made.location.endswith("/staff/confirm-its-you?next=/staff/account")
    off = client.submit("/staff/account/2-step-verification/turn-off")
    assert off.location.endswith("/staff/confirm-its-you?next=/staff/account/2-step-verification/turn-off")
    assert "mfa.recovery_codes_made" not in actions(session, officer)
    assert "mfa.turned_off" not in actions(session, officer)


# --- sessions after proving it again, or changing how (ASVS 7.2.4, 7.4.3) -------------------------


def _copy_of(app, client):
    """Another browser holding a copy of this one's session cookie, as a thief would."""
    copy = app.test_client()
    name = app.config["SESSION_COOKIE_NAME"]
    copy.set_cookie(name, client.get_cookie(name).value)
    return copy


def test_confirming_its_you_gives_a_new_session_token(app, client, make, session, required):
    admin = make.user(Role.ADMIN)
    secret, _codes = enrol(client, admin, staff=True)
    sign_in(client, admin, staff=True)
    later(seconds=30)
    client.submit("/staff/sign-in/code", {"code": code(secret)})
    _busy_for(client, 16)
    stolen = _copy_of(app, client)
    assert stolen.get("/staff/").status_code == 200
    later(seconds=30)
    client.submit("/staff/confirm-its-you", {"password": PASSWORD, "code": code(secret)})
    assert client.get("/staff/").status_code == 200
    assert stolen.get("/staff/").status_code == 302  # the old token no longer signs anyone in
    live = session.scalars(select(UserSession).where(UserSession.user_id == admin.id,
                                                     UserSession.revoked_at.is_(None))).all()
    assert len(live) == 1 and live[0].auth_method == "password"


def test_changing_your_2_step_verification_signs_you_out_everywhere_else(app, client, make, session, required):
    officer = make.user(Role.OFFICER)
    secret, _codes = enrol(client, officer, staff=True)
    elsewhere = app.test_client()
    for browser in (client, elsewhere):
        sign_in(browser, officer, staff=True)
        later(seconds=30)
        browser.submit("/staff/sign-in/code", {"code": code(secret)})
        assert browser.get("/staff/").status_code == 200
    made = client.submit("/staff/account/2-step-verification/recovery-codes", form_url="/staff/account")
    assert made.status_code == 200
    assert client.get("/staff/").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302
