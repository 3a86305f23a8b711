"""ID token verification, and the callback refusing tampered answers: each bad token is made here
with joserfc and handed to the callback as the token endpoint's answer. Every one is a clear error
page, a reason in the log, no account and no session."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey
from sqlalchemy import func, select

from shared.auth import oidc
from shared.clock import utcnow
from shared.config import OidcSettings
from shared.models import User, UserSession

ISSUER = "https://idp.test"
CLIENT_ID = "redress-test"
SECRET = "a-client-secret-that-is-long-enough-to-be-an-hmac-key"
JWKS_URI = ISSUER + "/jwks"
DOCUMENT = {
    "issuer": ISSUER,
    "authorization_endpoint": ISSUER + "/authorize",
    "token_endpoint": ISSUER + "/token",
    "jwks_uri": JWKS_URI,
}
RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-good", "use": "sig"}, private=True)
EC = ECKey.generate_key("P-256", parameters={"kid": "ec-good", "use": "sig"}, private=True)
STRANGER = RSAKey.generate_key(2048, parameters={"kid": "stranger"}, private=True)
IMPOSTOR = RSAKey.generate_key(2048, parameters={"kid": "rsa-good"}, private=True)  # our kid, another key
CONFIG = OidcSettings(audience="residents", name="Test ID", issuer=ISSUER, client_id=CLIENT_ID, client_secret=SECRET)


def _jwks(*keys) -> dict:
    return {"keys": [key.as_dict(private=False) for key in keys]}


def _claims(expected_nonce: str, **changes) -> dict:
    now = int(utcnow().timestamp())
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "resident-7", "iat": now, "exp": now + 300, "nonce": expected_nonce,
              "email": "seren@example.org", "email_verified": True, "name": "Seren Jones"}
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def _sign(claims: dict, key=RSA, alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": key.kid} if key.kid else {"alg": alg}, claims, key, algorithms=[alg])


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


BAD_TOKENS = {
    "alg none": (lambda n: f"{_b64({'alg': 'none', 'kid': 'rsa-good'})}.{_b64(_claims(n))}.", "not allowed"),
    "HS256 keyed with the client secret": (
        lambda n: jwt.encode({"alg": "HS256"}, _claims(n), OctKey.import_key(SECRET), algorithms=["HS256"]),
        "not allowed"),
    "wrong nonce": (lambda n: _sign(_claims("another-sign-in")), "'nonce'"),
    "no nonce": (lambda n: _sign(_claims(n, nonce=None)), "'nonce'"),
    "wrong audience": (lambda n: _sign(_claims(n, aud="someone-else")), "'aud'"),
    "several audiences, not the authorised party": (
        lambda n: _sign(_claims(n, aud=[CLIENT_ID, "someone-else"], azp="someone-else")), "authorised party"),
    "wrong issuer": (lambda n: _sign(_claims(n, iss="https://evil.example")), "'iss'"),
    "expired": (lambda n: _sign(_claims(n, iat=int(utcnow().timestamp()) - 7200,
                                        exp=int(utcnow().timestamp()) - 3600)), "expired"),
    "issued in the future": (lambda n: _sign(_claims(n, iat=int(utcnow().timestamp()) + 3600)), "issued in the future"),
    "unknown kid": (lambda n: _sign(_claims(n), key=STRANGER), "no signing key with kid 'stranger'"),
    "our kid, another key": (lambda n: _sign(_claims(n), key=IMPOSTOR), "signature"),
    "not a JWT": (lambda n: "not-a-token", "not a signed JWT"),
}


@pytest.fixture
def provider(app, monkeypatch):
    fetched: list[str] = []

    def fetch(url: str) -> dict:
        fetched.append(url)
        if url == ISSUER + "/.well-known/openid-configuration":
            return DOCUMENT
        if url == JWKS_URI:
            return _jwks(RSA, EC)
        raise AssertionError(url)

    monkeypatch.setattr(oidc, "_get_json", fetch)
    monkeypatch.setitem(app.config, "OIDC", {"residents": CONFIG})
    oidc.forget_cached()
    yield fetched
    oidc.forget_cached()


def _start(client) -> dict:
    response = client.get("/sign-in/oidc")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return {name: values[0] for name, values in query.items()}


def _answer_with(monkeypatch, token: str) -> list:
    calls = []

    def exchange(config, code, redirect_uri, code_verifier):
        calls.append(code_verifier)
        return {"id_token": token, "token_type": "Bearer"}

    monkeypatch.setattr(oidc, "exchange_code", exchange)
    return calls


def _nobody(session) -> None:
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert session.scalar(select(User).where(User.email == "seren@example.org")) is None


def test_the_authorization_request_carries_pkce_state_and_nonce(client, provider):
    params = _start(client)
    assert params["response_type"] == "code" and params["client_id"] == CLIENT_ID
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32 and params["state"] != params["nonce"]
    assert params["redirect_uri"] == "http://localhost/sign-in/oidc/callback"
    assert params["scope"] == "openid email profile"


def test_a_good_token_signs_in_and_the_verifier_matches_the_challenge(client, session, provider, monkeypatch):
    params = _start(client)
    calls = _answer_with(monkeypatch, _sign(_claims(params["nonce"])))
    response = client.get(f"/sign-in/oidc/callback?code=c&state={params['state']}&iss={ISSUER}")
    assert response.status_code == 302 and response.location == "/cases"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(calls[0].encode()).digest()).rstrip(b"=").decode()
    assert challenge == params["code_challenge"]
    session.expire_all()
    assert session.scalar(select(User.full_name).where(User.email == "seren@example.org")) == "Seren Jones"


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_a_tampered_token_is_refused(client, session, provider, monkeypatch, caplog, case):
    make, reason = BAD_TOKENS[case]
    params = _start(client)
    _answer_with(monkeypatch, make(params["nonce"]))
    with caplog.at_level(logging.WARNING):
        response = client.get(f"/sign-in/oidc/callback?code=c&state={params['state']}")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ">Sorry, we could not sign you in</h1>" in body and "Nobody has been signed in" in body
    assert reason in caplog.text
    _nobody(session)
    assert client.get("/cases").status_code == 302  # still signed out


def test_the_state_is_good_for_one_return(client, session, provider, monkeypatch):
    params = _start(client)
    _answer_with(monkeypatch, _sign(_claims("wrong")))
    assert client.get(f"/sign-in/oidc/callback?code=c&state={params['state']}").status_code == 400
    _answer_with(monkeypatch, _sign(_claims(params["nonce"])))
    again = client.get(f"/sign-in/oidc/callback?code=c&state={params['state']}")
    assert again.status_code == 400 and ">Your sign-in has expired</h1>" in again.get_data(as_text=True)
    _nobody(session)


def test_a_missing_state_is_refused(client, session, provider, monkeypatch):
    params = _start(client)
    _answer_with(monkeypatch, _sign(_claims(params["nonce"])))
    response = client.get("/sign-in/oidc/callback?code=c")
    assert response.status_code == 400 and ">Your sign-in has expired</h1>" in response.get_data(as_text=True)
    _nobody(session)


def test_a_sign_in_started_too_long_ago_is_refused(client, session, provider, monkeypatch):
    params = _start(client)
    _answer_with(monkeypatch, _sign(_claims(params["nonce"])))
    monkeypatch.setattr(oidc, "PENDING_MAX_AGE", -1)
    assert client.get(f"/sign-in/oidc/callback?code=c&state={params['state']}").status_code == 400
    _nobody(session)


def test_an_unreachable_provider_gives_a_page_not_a_crash(client, app, monkeypatch):
    def down(url):
        raise oidc.OidcError("connection refused")

    monkeypatch.setattr(oidc, "_get_json", down)
    monkeypatch.setitem(app.config, "OIDC", {"residents": CONFIG})
    oidc.forget_cached()
    response = client.get("/sign-in/oidc")
    assert response.status_code == 503
    assert "Signing in with Test ID is not working at the moment" in response.get_data(as_text=True)


# --- verify_id_token itself -------------------------------------------------------------------


def _keys(*sets):
    answers = list(sets)
    fetched = []

    def fetch(url):
        fetched.append(url)
        return answers[min(len(fetched), len(answers)) - 1]

    return oidc.Jwks(JWKS_URI, fetch), fetched


@pytest.mark.parametrize(("key", "alg"), [(RSA, "RS256"), (RSA, "PS256"), (EC, "ES256")])
def test_each_allowed_algorithm_verifies(app, key, alg):
    keys, _ = _keys(_jwks(RSA, EC))
    claims = oidc.verify_id_token(_sign(_claims("n"), key=key, alg=alg), issuer=ISSUER, client_id=CLIENT_ID,
                                  nonce="n", keys=keys)
    assert claims["sub"] == "resident-7"


def test_an_unknown_kid_fetches_the_keys_again_once(app, monkeypatch):
    rotated = RSAKey.generate_key(2048, parameters={"kid": "rsa-2"}, private=True)
    keys, fetched = _keys(_jwks(RSA), _jwks(RSA, rotated))
    oidc.verify_id_token(_sign(_claims("n")), issuer=ISSUER, client_id=CLIENT_ID, nonce="n", keys=keys)
    monkeypatch.setattr(oidc, "JWKS_MIN_REFETCH_SECONDS", 0)
    token = _sign(_claims("n"), key=rotated)
    assert oidc.verify_id_token(token, issuer=ISSUER, client_id=CLIENT_ID, nonce="n", keys=keys)["sub"]
    assert len(fetched) == 2
    with pytest.raises(oidc.OidcError, match="stranger"):
        oidc.verify_id_token(_sign(_claims("n"), key=STRANGER), issuer=ISSUER, client_id=CLIENT_ID, nonce="n",
                             keys=keys)
    assert len(fetched) == 3  # once more for the unknown kid, and no more than once


def test_unknown_kids_do_not_refetch_on_every_request(app):
    keys, fetched = _keys(_jwks(RSA))
    for _ in range(3):
        with pytest.raises(oidc.OidcError):
            oidc.verify_id_token(_sign(_claims("n"), key=STRANGER), issuer=ISSUER, client_id=CLIENT_ID,
                                 nonce="n", keys=keys)
    assert len(fetched) == 1  # just fetched: asking again within the minimum interval is pointless


def test_a_discovery_document_for_another_issuer_is_refused():
    with pytest.raises(oidc.OidcError, match="discovery names issuer"):
        oidc.metadata("https://other.test", fetch=lambda url: DOCUMENT)
