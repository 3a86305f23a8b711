"""A real OpenID Connect provider for the sign-in tests: npm oidc-provider (a devDependency, put in
node_modules by `make test`'s npm step) run by unit_tests/oidc_provider.mjs on a free loopback port,
and a driver that walks a browser through it by following redirects by hand."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from joserfc.jwk import RSAKey

from shared.config import OidcSettings

ROOT = Path(__file__).resolve().parent.parent
APP_ORIGIN = "http://localhost"
STAFF_SECRET = "a-staff-client-secret-for-the-tests-only"

ACCOUNTS = {
    "alice": {"email": "alice@example.org", "email_verified": True, "name": "Alice Example"},
    "una": {"email": "una@example.org", "email_verified": False, "name": "Una Verified"},
    "clash": {"email": "taken@example.org", "email_verified": True, "name": "Someone Else"},
    "olu": {"email": "olu@council.example", "email_verified": True, "name": "Olu Officer",
            "groups": ["complaints-officers"]},
    "max": {"email": "max@council.example", "email_verified": True, "name": "Max Manager",
            "groups": ["everyone", "complaints-managers", "complaints-officers"]},
    "fin": {"email": "fin@council.example", "email_verified": True, "name": "Fin Finance", "groups": ["finance"]},
    "rita": {"email": "rita@council.example", "email_verified": True, "name": "Rita Repairs",
             "groups": ["everyone", "repairs-responders"]},
}


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen
    residents: OidcSettings
    staff: OidcSettings
    residents_key: dict  # the residents client's private JWK (private_key_jwt)

    def next_login(self, account: str | None = None, *, error: str | None = None, vot: str | None = None) -> None:
        """Who signs in at the next login prompt (and, like GOV.UK One Login, which vector of trust
        the ID token then says was met), or the error the provider answers with instead."""
        body = {"error": error} if error else {"account": account, "vot": vot}
        requests.post(f"{self.issuer}/__test/next-login", json=body, timeout=5).raise_for_status()

    def last_request(self) -> dict:
        """The authorization request's parameters the provider last saw at its login prompt."""
        response = requests.get(f"{self.issuer}/__test/last-request", timeout=5)
        response.raise_for_status()
        return response.json()


def start_provider(app_origin: str = APP_ORIGIN, *, logout: bool = True) -> RunningProvider:
    """Clients registered for the app at `app_origin` (the test client's, or a live server's). Without
    `logout`, the provider offers no RP-initiated logout (no end_session_endpoint)."""
    node = shutil.which("node")
    module = ROOT / "node_modules" / "oidc-provider"
    if node is None or not module.exists():
        pytest.fail("the OIDC tests need Node and node_modules/oidc-provider: run `make test` (or `npm ci`)")
    client_key = RSAKey.generate_key(2048, parameters={"kid": "redress-residents-1", "use": "sig", "alg": "RS256"},
                                     private=True)
    clients = [
        {
            "client_id": "redress-residents",
            "token_endpoint_auth_method": "private_key_jwt",
            "token_endpoint_auth_signing_alg": "RS256",
            "jwks": {"keys": [client_key.as_dict(private=False)]},
            "redirect_uris": [f"{app_origin}/sign-in/oidc/callback"],
            "post_logout_redirect_uris": [f"{app_origin}/signed-out/oidc"],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        },
        {
            "client_id": "redress-staff",
            "client_secret": STAFF_SECRET,
            "token_endpoint_auth_method": "client_secret_basic",
            "id_token_signed_response_alg": "ES256",
            "redirect_uris": [f"{app_origin}/staff/sign-in/oidc/callback"],
            "post_logout_redirect_uris": [f"{app_origin}/staff/signed-out/oidc"],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        },
    ]
    process = subprocess.Popen(
        [node, str(ROOT / "unit_tests" / "oidc_provider.mjs")], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdin and process.stdout
    process.stdin.write(json.dumps({"clients": clients, "accounts": ACCOUNTS, "logout": logout}))
    process.stdin.close()
    line = process.stdout.readline()
    if not line:
        process.wait(10)
        pytest.fail(f"oidc-provider did not start: {process.stderr.read() if process.stderr else ''}")
    issuer = json.loads(line)["issuer"]
    residents = OidcSettings(
        audience="residents", name="Example ID", issuer=issuer, client_id="redress-residents",
        private_key=json.dumps(client_key.as_dict(private=True)), private_key_alg="RS256",
    )
    staff = OidcSettings(
        audience="staff", name="Council Login", issuer=issuer, client_id="redress-staff", client_secret=STAFF_SECRET,
        scopes=("openid", "email", "profile", "groups"),
        role_map=(("complaints-officers", "officer"), ("complaints-managers", "manager")),
        responder_map=(("repairs-responders", "repairs"), ("waste-responders", "waste")),
    )
    return RunningProvider(issuer, process, residents, staff, client_key.as_dict(private=True))


def stop_provider(provider: RunningProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(10)
    except subprocess.TimeoutExpired:
        provider.process.kill()


def through_provider(client, start_path: str, *, browser: requests.Session | None = None):
    """Start a sign-in at the app, walk the provider's pages (the login and consent prompts answer
    themselves), and hand the callback back to the app. Returns the app's answer to the callback."""
    response = client.get(start_path)
    assert response.status_code == 302, response.status_code
    return follow_to_app(client, response.headers["Location"], browser=browser)


def callback_url(start_response_location: str, browser: requests.Session | None = None) -> str:
    """Walk the provider from its authorization address and return the app's callback address."""
    browser = browser or requests.Session()
    browser.trust_env = False  # straight to loopback, whatever proxy the machine has
    location = start_response_location
    for _ in range(12):
        if location.startswith(APP_ORIGIN + "/"):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        location = urljoin(location, answer.headers["Location"])
    raise AssertionError("the provider never sent the browser back to the app")


def follow_to_app(client, location: str, *, browser: requests.Session | None = None):
    return client.get(callback_url(location, browser)[len(APP_ORIGIN):])


_FORM = re.compile(r'<form[^>]*\baction="([^"]+)"', re.I)
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.I)


def sign_out_at_provider(location: str, browser: requests.Session) -> str:
    """Walk the provider's sign-out from its end_session_endpoint address, answering its "Do you want
    to sign out?" page with yes (or submitting the form it posts by itself when it has no session for
    this browser). Returns the app address the provider sends the browser back to."""
    browser.trust_env = False
    for _ in range(6):
        if location.startswith(APP_ORIGIN + "/"):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=10)
        if answer.status_code == 200:
            form = _FORM.search(answer.text)
            assert form, answer.text[:500]
            fields = dict(_HIDDEN.findall(answer.text))
            fields.setdefault("logout", "yes")
            answer = browser.post(urljoin(location, html.unescape(form.group(1))), data=fields,
                                  allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        location = urljoin(location, answer.headers["Location"])
    raise AssertionError("the provider never sent the browser back to the app")


def with_config(config: OidcSettings, **changes) -> OidcSettings:
    return replace(config, **changes)


_CONTINUE = re.compile(r'<a href="([^"]+)"[^>]*id="continue-to-provider"')


def leaving_for_provider(response) -> str:
    """The provider address a form's answer sends the browser on to: by an immediate refresh (a
    form's redirect to another site would be blocked by our form-action policy) and by its link."""
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[:1000]
    link = html.unescape(_CONTINUE.search(body).group(1))
    assert response.headers["Refresh"] == f"0; url={link}"
    return link

