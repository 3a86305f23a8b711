"""Signing out of someone who signed in through the provider (OpenID Connect RP-Initiated Logout),
against the real npm oidc-provider on loopback: our session ends first, then the provider's, and
the browser comes back to "You have signed out" at our configured address with the state we sent."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import select

from shared.auth import oidc
from shared.models import User, UserSession
from unit_tests import oidc_support


def _signed_in(client, configured, account: str, start: str) -> requests.Session:
    browser = requests.Session()  # the provider's own session cookie lives here
    configured.next_login(account)
    assert oidc_support.through_provider(client, start, browser=browser).status_code == 302
    return browser


def _session_row(session, email: str) -> UserSession:
    session.expire_all()
    return session.scalar(select(UserSession).join(User, User.id == UserSession.user_id)
                          .where(User.email == email).order_by(UserSession.id.desc()))


def _id_token(session, row: UserSession) -> str | None:
    return session.scalar(select(UserSession.id_token).where(UserSession.id == row.id))


def _sign_out(client, path: str, form_url: str, **kwargs):
    return client.post(path, data={"csrf_token": client.csrf_token(form_url)}, **kwargs)


_to_provider = oidc_support.leaving_for_provider


def test_a_resident_signs_out_here_and_at_the_provider(client, session, configured):
    browser = _signed_in(client, configured, "alice", "/sign-in/oidc")
    row = _session_row(session, "alice@example.org")
    kept = _id_token(session, row)
    assert kept and kept.count(".") == 2
    with client.session_transaction() as cookie:
        assert kept not in repr(dict(cookie))  # kept with the session on the server, not in the cookie

    # While the provider still has its session, a new sign-in there needs no prompt at all (the test
    # provider would refuse one): this is what signing out at the provider must end.
    configured.next_login(error="access_denied")
    again = client.application.test_client()
    assert oidc_support.through_provider(again, "/sign-in/oidc", browser=browser).status_code == 302

    response = _sign_out(client, "/sign-out", "/cases")
    assert ">Signing you out of Example ID</h1>" in response.get_data(as_text=True)
    location = _to_provider(response)
    sent = urlsplit(location)
    document = oidc.metadata(configured.issuer)
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == document["end_session_endpoint"]
    asked = parse_qs(sent.query)
    assert asked["id_token_hint"] == [kept]
    assert asked["post_logout_redirect_uri"] == ["http://localhost/signed-out/oidc"]
    assert asked["client_id"] == ["redress-residents"] and len(asked["state"][0]) >= 40
    # Ours ended first, before the provider is asked anything; the token is not kept past it.
    session.expire_all()
    assert session.get(UserSession, row.id).revoked_at is not None
    assert _id_token(session, row) is None
    assert client.get("/cases").status_code == 302

    back = oidc_support.sign_out_at_provider(location, browser)
    assert urlsplit(back).path == "/signed-out/oidc" and parse_qs(urlsplit(back).query)["state"] == asked["state"]
    page = client.get(back[len(oidc_support.APP_ORIGIN):])
    body = page.get_data(as_text=True)
    assert page.status_code == 200, body[:1000]
    assert ">You have signed out</h1>" in body and "signed out of this service and of Example ID" in body
    # Used once: the same return again claims nothing.
    assert client.get(back[len(oidc_support.APP_ORIGIN):]).location == "/"

    # The provider's session is over: signing in there again needs a prompt, which it refuses.
    configured.next_login(error="access_denied")
    refused = oidc_support.through_provider(client.application.test_client(), "/sign-in/oidc", browser=browser)
    assert refused.status_code == 400 and "You did not finish signing in" in refused.get_data(as_text=True)


def test_the_return_address_comes_from_the_base_url_not_the_host_header(app, client, configured, monkeypatch):
    _signed_in(client, configured, "alice", "/sign-in/oidc")
    token = client.csrf_token("/cases")
    monkeypatch.setitem(app.config, "SERVER_NAME", None)  # nothing but the Host header to build from
    for cookie in list(client._cookies.values()):  # the same browser, reaching us under another name
        client.set_cookie(cookie.key, cookie.value, domain="evil.example")
    response = client.post("/sign-out", data={"csrf_token": token}, headers={"Host": "evil.example"})
    assert parse_qs(urlsplit(_to_provider(response)).query)["post_logout_redirect_uri"] == [
        "http://localhost/signed-out/oidc"]


def test_staff_sign_out_at_the_provider_too(client, session, configured):
    browser = _signed_in(client, configured, "olu", "/staff/sign-in/oidc")
    location = _to_provider(_sign_out(client, "/staff/sign-out", "/staff/"))
    asked = parse_qs(urlsplit(location).query)
    assert asked["post_logout_redirect_uri"] == ["http://localhost/staff/signed-out/oidc"]
    assert asked["client_id"] == ["redress-staff"]
    back = oidc_support.sign_out_at_provider(location, browser)
    body = client.get(back[len(oidc_support.APP_ORIGIN):]).get_data(as_text=True)
    assert ">You have signed out</h1>" in body and "of Council Login" in body
    assert 'href="/staff/sign-in"' in body


def test_a_return_without_our_state_claims_nothing(client, session, configured):
    browser = _signed_in(client, configured, "alice", "/sign-in/oidc")
    back = oidc_support.sign_out_at_provider(_to_provider(_sign_out(client, "/sign-out", "/cases")), browser)
    forged = back.replace("state=", "state=x")[len(oidc_support.APP_ORIGIN):]
    assert client.get(forged).location == "/"
    # Nor does one with no state, or one in a browser that never signed out.
    assert client.get("/signed-out/oidc").location == "/"
    assert client.application.test_client().get(back[len(oidc_support.APP_ORIGIN):]).location == "/"
    assert client.get("/staff/signed-out/oidc?state=anything").location == "/staff/sign-in"


def test_someone_signed_in_with_a_password_signs_out_as_before(client, session, make, configured):
    resident = make.user(email="local@example.org")
    session.commit()
    response = client.post("/sign-in", data={"csrf_token": client.csrf_token("/sign-in"), "email": resident.email,
                                             "password": "correct horse battery staple"})
    assert response.status_code == 302
    response = _sign_out(client, "/sign-out", "/cases")
    assert response.location == "/"
    assert "You have signed out." in client.get("/").get_data(as_text=True)


def test_signing_out_at_the_provider_can_be_switched_off(app, client, session, configured, monkeypatch):
    _signed_in(client, configured, "alice", "/sign-in/oidc")
    monkeypatch.setitem(app.config, "OIDC", {"residents": replace(configured.residents, logout=False),
                                             "staff": configured.staff})
    response = _sign_out(client, "/sign-out", "/cases")
    assert response.location == "/"
    assert _session_row(session, "alice@example.org").revoked_at is not None


def test_a_provider_without_an_end_session_endpoint_signs_out_as_before(app, client, session, monkeypatch):
    without = oidc_support.start_provider(logout=False)
    try:
        monkeypatch.setitem(app.config, "OIDC", {"residents": without.residents, "staff": without.staff})
        assert "end_session_endpoint" not in oidc.metadata(without.issuer)
        _signed_in(client, without, "alice", "/sign-in/oidc")
        response = _sign_out(client, "/sign-out", "/cases")
        assert response.location == "/"
        assert _session_row(session, "alice@example.org").revoked_at is not None
        assert "You have signed out." in client.get("/").get_data(as_text=True)
    finally:
        oidc.forget_cached()
        oidc_support.stop_provider(without)


def test_the_switch_is_read_from_the_environment():
    from shared.config import _oidc_settings

    base = {"REDRESS_OIDC_RESIDENTS_ISSUER": "https://id.example", "REDRESS_OIDC_RESIDENTS_CLIENT_ID": "c",
            "REDRESS_OIDC_RESIDENTS_CLIENT_SECRET": "s"}
    assert _oidc_settings(base, "residents").logout is True
    assert _oidc_settings({**base, "REDRESS_OIDC_RESIDENTS_LOGOUT": "off"}, "residents").logout is False
