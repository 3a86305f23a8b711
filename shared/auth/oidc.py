"""OpenID Connect, the protocol half: discovery, the authorization request (code flow with PKCE,
state and nonce), the code exchange through authlib, and ID token verification.

Who the verified claims belong to in Redress is shared.services.sso's business.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.urls import add_params_to_uri
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError, MissingClaimError
from joserfc.jwk import ECKey, KeySet, RSAKey

from shared.clock import utcnow
from shared.config import OidcSettings

# Asymmetric only: "none" and HS* (keyed with the client secret, which the client also holds)
# would let anyone who knows the secret, or nobody at all, make a token we accept.
ALLOWED_ALGORITHMS = ("RS256", "PS256", "ES256")
LEEWAY_SECONDS = 60  # clock skew between us and the provider
PENDING_MAX_AGE = 600  # seconds a started sign-in may take before its state is refused
METADATA_TTL = 3600
JWKS_MIN_REFETCH_SECONDS = 10  # an unknown kid refetches the keys, but not on every request
TIMEOUT = 10


class OidcError(Exception):
    """The provider's answer cannot be trusted or used. `reason` is for the log, never the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcError(f"could not fetch {url}: {error}") from None
    if not isinstance(document, dict):
        raise OidcError(f"{url} did not answer with a JSON object")
    return document


_lock = threading.Lock()
_metadata: dict[str, tuple[float, dict]] = {}


def metadata(issuer: str, fetch: Callable[[str], dict] | None = None) -> dict:
    """The provider's discovery document, cached for an hour; its issuer must be ours exactly."""
    with _lock:
        cached = _metadata.get(issuer)
    if cached and time.monotonic() - cached[0] < METADATA_TTL:
        return cached[1]
    document = (fetch or _get_json)(issuer + "/.well-known/openid-configuration")
    if document.get("issuer") != issuer:
        raise OidcError(f"discovery names issuer {document.get('issuer')!r}, not {issuer!r}")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(name), str):
            raise OidcError(f"discovery document has no {name}")
    with _lock:
        _metadata[issuer] = (time.monotonic(), document)
    return document


class Jwks:
    """A provider's signing keys, fetched when first needed and again (once) for an unknown kid:
    that is how a provider's key rotation reaches us without a restart."""

    def __init__(self, uri: str, fetch: Callable[[str], dict] | None = None) -> None:
        self.uri = uri
        self._fetch = fetch
        self._keys: KeySet | None = None
        self._fetched_at = 0.0

    def _refresh(self) -> None:
        try:
            self._keys = KeySet.import_key_set((self._fetch or _get_json)(self.uri))
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise OidcError(f"the provider's keys cannot be read: {error}") from None
        self._fetched_at = time.monotonic()

    def _find(self, kid: str | None, alg: str):
        assert self._keys is not None
        kty = "EC" if alg.startswith("ES") else "RSA"
        candidates = [key for key in self._keys if key.key_type == kty and key.get("use", "sig") == "sig"]
        if kid is not None:
            candidates = [key for key in candidates if key.kid == kid]
        elif len(candidates) != 1:
            return None  # without a kid, only a provider with one key of that type is unambiguous
        return candidates[0] if candidates else None

    def key_for(self, kid: str | None, alg: str):
        if self._keys is None:
            self._refresh()
        key = self._find(kid, alg)
        if key is None and time.monotonic() - self._fetched_at >= JWKS_MIN_REFETCH_SECONDS:
            self._refresh()
            key = self._find(kid, alg)
        if key is None:
            raise OidcError(f"no signing key with kid {kid!r} for {alg}")
        return key


_jwks: dict[str, Jwks] = {}


def jwks_for(uri: str) -> Jwks:
    with _lock:
        return _jwks.setdefault(uri, Jwks(uri))


def forget_cached() -> None:
    """Drop cached discovery documents and keys (tests; a provider changed its address)."""
    with _lock:
        _metadata.clear()
        _jwks.clear()


def verify_id_token(token: str, *, issuer: str, client_id: str, nonce: str, keys: Jwks) -> dict:
    """The ID token's claims if it is signed by the provider with an allowed algorithm, for us,
    from our issuer, unexpired, and answers this sign-in's nonce; OidcError otherwise."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise OidcError("the ID token is not a signed JWT")
    try:
        header = jws.extract_compact(token.encode()).protected
    except (JoseError, ValueError) as error:
        raise OidcError(f"the ID token cannot be read: {error}") from None
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise OidcError(f"the ID token is signed with {alg!r}, which is not allowed")
    key = keys.key_for(header.get("kid"), alg)
    try:
        decoded = jwt.decode(token, key, algorithms=[alg])
    except JoseError as error:
        raise OidcError(f"the ID token's signature does not verify: {error}") from None
    claims = decoded.claims
    registry = jwt.JWTClaimsRegistry(
        now=int(utcnow().timestamp()),
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        sub={"essential": True},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise OidcError("the ID token has expired") from None
    except MissingClaimError as error:
        raise OidcError(f"the ID token lacks a claim: {error}") from None
    except JoseError as error:
        raise OidcError(f"the ID token's claims are wrong: {error}") from None
    # Several audiences: the authorised party must be us (OpenID Connect Core 3.1.3.7).
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and claims.get("azp") != client_id:
        raise OidcError("the ID token is for several audiences and we are not its authorised party")
    if not isinstance(claims.get("sub"), str) or not claims["sub"] or len(claims["sub"]) > 255:
        raise OidcError("the ID token's subject is not usable")
    return claims


# --- the flow -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """What the browser's session keeps between sending someone to the provider and their return."""

    state: str
    nonce: str
    code_verifier: str
    next_url: str | None
    started_at: float
    reauth: bool = False  # "confirm it's you": the provider must sign them in again, not reuse its session
    link_user_id: int | None = None  # linking: the signed-in account the provider's account is for

    def to_dict(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_dict(cls, data: dict) -> Pending:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})

    @property
    def expired(self) -> bool:
        return time.time() - (self.started_at or 0) > PENDING_MAX_AGE


def _client_key(config: OidcSettings):
    text = config.private_key.strip()
    key_class = ECKey if config.private_key_alg.startswith("ES") else RSAKey
    value = json.loads(text) if text.startswith("{") else text
    return key_class.import_key(value)


def _session(config: OidcSettings, redirect_uri: str, token_endpoint: str | None = None) -> OAuth2Session:
    client = OAuth2Session(
        config.client_id,
        _client_key(config) if config.private_key else config.client_secret,
        token_endpoint_auth_method=config.auth_method,
        redirect_uri=redirect_uri,
        scope=" ".join(config.scopes),
        code_challenge_method="S256",
    )
    if config.private_key:
        # The assertion's audience is the token endpoint (RFC 7523), which providers accept.
        client.register_client_auth_method(PrivateKeyJWT(token_endpoint, alg=config.private_key_alg))
    return client


def begin(config: OidcSettings, redirect_uri: str, next_url: str | None, *, reauth: bool = False,
          link_user_id: int | None = None) -> tuple[str, Pending]:
    """The provider's authorization address to send the browser to, and what to keep for the callback.
    With `reauth`, the provider is asked to sign the person in afresh (`prompt=login`, `max_age=0`,
    OpenID Connect Core 3.1.2.1) and `complete` checks that it did."""
    document = metadata(config.issuer)
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters: within PKCE's 43 to 128
        next_url=next_url,
        started_at=time.time(),
        reauth=reauth,
        link_user_id=link_user_id,
    )
    extra = {"prompt": "login", "max_age": "0"} if reauth else {}
    if config.vtr:  # GOV.UK One Login: the levels of authentication (and identity) asked for
        extra["vtr"] = json.dumps(list(config.vtr), separators=(",", ":"))
    url, _state = _session(config, redirect_uri).create_authorization_url(
        document["authorization_endpoint"], state=pending.state, nonce=pending.nonce, code_verifier=pending.code_verifier,
        **extra,
    )
    return url, pending


def exchange_code(config: OidcSettings, code: str, redirect_uri: str, code_verifier: str) -> dict:
    """Swap the authorization code for tokens at the token endpoint, authenticating as the client."""
    token_endpoint = metadata(config.issuer)["token_endpoint"]
    try:
        return dict(
            _session(config, redirect_uri, token_endpoint).fetch_token(
                token_endpoint, grant_type="authorization_code", code=code, code_verifier=code_verifier, timeout=TIMEOUT
            )
        )
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:
        raise OidcError(f"the token endpoint refused the code: {error}") from None


def userinfo(config: OidcSettings, access_token: str, subject: str) -> dict:
    """Claims from the userinfo endpoint (where many providers keep email and groups); its
    subject must be the ID token's, or the answer is someone else's."""
    endpoint = metadata(config.issuer).get("userinfo_endpoint")
    if not endpoint or not access_token:
        return {}
    try:
        response = requests.get(endpoint, timeout=TIMEOUT, headers={"Authorization": f"Bearer {access_token}",
                                                                  "Accept": "application/json"})
        response.raise_for_status()
        claims = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcError(f"userinfo failed: {error}") from None
    if not isinstance(claims, dict) or claims.get("sub") != subject:
        raise OidcError("userinfo is for a different subject")
    return claims


def complete(config: OidcSettings, pending: Pending, *, code: str, redirect_uri: str,
             returned_issuer: str | None) -> tuple[dict, str]:
    """The verified claims of the person who signed in (ID token first, userinfo added under it),
    and the ID token itself, to name when they sign out at the provider."""
    # RFC 9207: a response naming another issuer came from another provider (a mix-up attack).
    if returned_issuer is not None and returned_issuer != config.issuer:
        raise OidcError(f"the response names issuer {returned_issuer!r}")
    tokens = exchange_code(config, code, redirect_uri, pending.code_verifier)
    if "id_token" not in tokens:
        raise OidcError("the token response has no ID token")
    document = metadata(config.issuer)
    claims = verify_id_token(tokens["id_token"], issuer=config.issuer, client_id=config.client_id,
                             nonce=pending.nonce, keys=jwks_for(document["jwks_uri"]))
    if pending.reauth:
        check_signed_in_since(claims, pending.started_at)
    if config.vtr:
        check_vector_of_trust(claims, config.vtr)
    extra = userinfo(config, tokens.get("access_token", ""), claims["sub"])
    return {**extra, **claims}, tokens["id_token"]


def check_vector_of_trust(claims: dict, asked: tuple[str, ...]) -> None:
    """GOV.UK One Login says in the ID token's `vot` which vector of trust it met: it must be one we
    asked for, or the person signed in at a lower level than the council requires."""
    if claims.get("vot") not in asked:
        raise OidcError(f"the ID token's vot {claims.get('vot')!r} is not one asked for ({', '.join(asked)})")


def check_signed_in_since(claims: dict, started_at: float) -> None:
    """For a re-authentication: the ID token's `auth_time` (which `max_age` makes the provider send)
    must be no earlier than when we sent the person there; a provider that reused its own older
    session, or left `auth_time` out, is refused."""
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
        raise OidcError("the ID token does not say when the person signed in (auth_time)")
    if auth_time < int(started_at) - LEEWAY_SECONDS:  # auth_time is in whole seconds
        raise OidcError("the provider did not sign the person in again (auth_time is before the request)")


# --- signing out at the provider (OpenID Connect RP-Initiated Logout 1.0) -------------------------


def logout_url(config: OidcSettings, id_token: str, post_logout_redirect_uri: str, state: str) -> str | None:
    """Where to send a browser whose session of ours has ended so the provider ends its own too, or
    None when this provider has no end_session_endpoint (or signing out there is switched off).
    The ID token names whose session (the provider checks it is its own, for us); it was verified
    at sign-in, and only its issuer is read here, so a token from a provider since replaced in the
    configuration is not sent to the new one."""
    if not config.logout:
        return None
    try:
        issued_by = json.loads(jws.extract_compact(id_token.encode()).payload).get("iss")
    except (JoseError, ValueError, AttributeError):
        return None
    if issued_by != config.issuer:
        return None
    endpoint = metadata(config.issuer).get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    return add_params_to_uri(endpoint, [("id_token_hint", id_token), ("post_logout_redirect_uri", post_logout_redirect_uri),
                                        ("state", state), ("client_id", config.client_id)])
