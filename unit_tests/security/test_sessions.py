"""Sessions as an attacker would try them, on both sides: a cookie replayed after signing out, a
session fixed before sign-in, a disabled account's cookie, and sessions past their time."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner

from shared import clock
from shared.domain.enums import Role
from unit_tests.factories import PASSWORD
from unit_tests.security.support import plain_client, post_form

SIDES = {"portal": (Role.RESIDENT, "/sign-in", "/cases", "/sign-out"),
         "staff": (Role.OFFICER, "/staff/sign-in", "/staff/", "/staff/sign-out")}


def _cookie(app, client) -> str | None:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def _with_cookie(app, value: str):
    client = plain_client(app)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], value, domain="localhost")
    return client


def _sign_in(client, user, sign_in: str):
    token = post_form(client.get(sign_in).get_data(as_text=True), sign_in)["csrf_token"][0]
    response = client.post(sign_in, data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def _signed_in(client, page: str) -> bool:
    response = client.get(page)
    return response.status_code == 200


@pytest.mark.parametrize("side", SIDES)
def test_a_cookie_replayed_after_signing_out_is_signed_out(app, make, side):
    role, sign_in, page, sign_out = SIDES[side]
    client = plain_client(app)
    _sign_in(client, make.user(role), sign_in)
    stolen = _cookie(app, client)
    assert _signed_in(_with_cookie(app, stolen), page)  # the copy works while the session lives
    token = post_form(client.get(page).get_data(as_text=True), sign_out)["csrf_token"][0]
    assert client.post(sign_out, data={"csrf_token": token}).status_code == 302
    replayed = _with_cookie(app, stolen)
    response = replayed.get(page)
    assert response.status_code == 302 and sign_in in response.location


@pytest.mark.parametrize("side", SIDES)
def test_signing_in_starts_a_new_session_and_never_adopts_one_set_before(app, make, side):
    """Fixation: an attacker plants a cookie (their own session's) in the victim's browser before
    the victim signs in. Signing in replaces it; the planted cookie is still not signed in."""
    role, sign_in, page, _ = SIDES[side]
    attacker = plain_client(app)
    attacker.get(sign_in)
    planted = _cookie(app, attacker)
    assert planted
    victim = _with_cookie(app, planted)
    _sign_in(victim, make.user(role), sign_in)
    assert _cookie(app, victim) != planted
    assert not _signed_in(_with_cookie(app, planted), page)
    assert not _signed_in(attacker, page)


def test_a_made_up_session_token_signs_nobody_in(app, make):
    """A cookie signed with our key but holding a token the server never issued (or a user id
    alone, as flask-login would accept): nobody is signed in."""
    user = make.user(Role.RESIDENT)
    client = plain_client(app)
    with client.session_transaction() as cookie:
        cookie["sid"] = "made-up-token"
        cookie["_user_id"] = str(user.id)
    assert not _signed_in(client, "/cases")
    with client.session_transaction() as cookie:
        cookie.pop("sid")
    assert not _signed_in(client, "/cases")


@pytest.mark.parametrize("side", SIDES)
def test_a_disabled_accounts_cookie_is_refused_on_its_next_request(app, session, make, side):
    role, sign_in, page, _ = SIDES[side]
    user = make.user(role)
    client = plain_client(app)
    _sign_in(client, user, sign_in)
    assert _signed_in(client, page)
    user.disabled_at = clock.utcnow()
    session.commit()
    assert not _signed_in(client, page)


def test_a_cookie_older_than_the_session_lifetime_is_not_read(app, make, monkeypatch):
    """The signed cookie carries when it was issued; past PERMANENT_SESSION_LIFETIME it is ignored."""
    client = plain_client(app)
    _sign_in(client, make.user(Role.RESIDENT), "/sign-in")
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(_cookie(app, client))
    lifetime = app.permanent_session_lifetime.total_seconds()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time() - lifetime - 60))
    old = serializer.dumps(data)
    monkeypatch.undo()
    assert not _signed_in(_with_cookie(app, old), "/cases")
    assert _signed_in(_with_cookie(app, serializer.dumps(data)), "/cases")


@pytest.mark.parametrize("side", SIDES)
def test_a_session_idle_for_more_than_30_minutes_is_signed_out(app, make, side):
    role, sign_in, page, _ = SIDES[side]
    client = plain_client(app)
    clock.set_now(clock.utcnow())
    _sign_in(client, make.user(role), sign_in)
    clock.set_now(clock.utcnow() + timedelta(minutes=31))
    assert not _signed_in(client, page)


def test_a_session_in_constant_use_ends_at_its_absolute_limit(app, make):
    client = plain_client(app)
    clock.set_now(clock.utcnow())
    _sign_in(client, make.user(Role.OFFICER), "/staff/sign-in")
    for _ in range(14 * 4):  # every 15 minutes for 14 hours
        clock.set_now(clock.utcnow() + timedelta(minutes=15))
        client.get("/staff/")
    assert not _signed_in(client, "/staff/")
