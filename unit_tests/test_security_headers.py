"""The security headers, exact values, on every kind of response: pages, error pages, redirects, JSON,
CSV and file downloads, static files, the manifest and the service worker; and the production cookie."""

from __future__ import annotations

import re

import pytest

from shared.auth.access import public
from shared.config import load_settings
from shared.db import make_engine
from shared.domain.enums import Role
from shared.web import ratelimits
from unit_tests.factories import separate_app
from unit_tests.test_route_access import quick_sign_in

STRONG_KEY = "k3y-" + "x7Qp2" * 8
EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
    "Vary": "Cookie",
}
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
DOWNLOAD_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'"


def assert_common(response, *, compressible: bool = False, static: bool = False) -> None:
    """`compressible`: a style sheet, script or manifest, which may be sent compressed, so caches
    must keep one copy per Accept-Encoding (pages never are: BREACH). `static`: a static file, the
    same for everyone, so compressible but not varied by cookie."""
    expected = dict(EVERY_RESPONSE, Vary="Cookie, Accept-Encoding") if compressible else EVERY_RESPONSE
    if static:
        expected = dict(EVERY_RESPONSE, Vary="Accept-Encoding")
    for name, value in expected.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    assert "Strict-Transport-Security" not in response.headers  # only in production, over HTTPS


def assert_page(response, status: int) -> None:
    """A page (or an error page, or a redirect): the page policy with this response's own nonce, never stored."""
    assert response.status_code == status
    assert_common(response)
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([A-Za-z0-9_-]{24})'", policy).group(1)
    assert policy == PAGE_POLICY.format(nonce=nonce)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    body = response.get_data(as_text=True)
    if status != 302:
        assert f'nonce="{nonce}"' in body  # the inline script that the policy allows carries it


def assert_download(response, content_type: str, filename_pattern: str) -> None:
    assert response.status_code == 200
    assert_common(response)
    assert response.headers["Content-Type"] == content_type  # text with its charset (ASVS 4.1.1)
    assert response.headers["Content-Security-Policy"] == DOWNLOAD_POLICY
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(filename_pattern, response.headers["Content-Disposition"]), response.headers["Content-Disposition"]


# --- pages, errors, redirects -----------------------------------------------------------------------


def test_a_page(client):
    assert_page(client.get("/"), 200)


def test_a_redirect(client):
    response = client.get("/cases")
    assert_page(response, 302)
    assert response.location.startswith("/sign-in")


def test_not_found(client):
    assert_page(client.get("/no-such-page"), 404)


def test_forbidden(client, session, make):
    quick_sign_in(client, session, make.user(Role.OFFICER))
    assert_page(client.get("/staff/admin/users"), 403)


def test_method_not_allowed(client):
    response = client.post("/accessibility")
    assert_page(response, 405)
    assert sorted(response.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]


def test_too_many_attempts(client):
    for number in range(ratelimits.REGISTER[0].item.amount + 1):
        response = client.submit("/register",
                                 {"full_name": "Jo", "email": f"jo{number}@example.com",
                                  "password": "a long enough password", "confirm_password": "a long enough password"})
    assert_page(response, 429)
    assert 3590 < int(response.headers["Retry-After"]) <= 3600


def test_a_server_error(tmp_path, engine):
    settings = load_settings({"REDRESS_ENV": "testing", "REDRESS_INSTANCE_PATH": str(tmp_path),
                              "REDRESS_SECRET_KEY": STRONG_KEY})
    with separate_app(settings, engine) as failing:
        @failing.get("/fails")
        @public
        def fails():
            raise RuntimeError("a bug")

        response = failing.test_client().get("/fails")
        assert_page(response, 500)
        assert "a bug" not in response.get_data(as_text=True)


# --- JSON, downloads --------------------------------------------------------------------------------


def test_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert_common(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_personal_data_export(client, session, make):
    quick_sign_in(client, session, make.user(Role.RESIDENT))
    assert_download(client.get("/your-data/download"), "application/json",
                    r'attachment; filename="your-data-\d{4}-\d{2}-\d{2}\.json"')


def test_a_csv_download(client, session, make):
    quick_sign_in(client, session, make.user(Role.MANAGER))
    assert_download(client.get("/staff/cases.csv"), "text/csv; charset=utf-8",
                    r'attachment; filename="cases-\d{4}-\d{2}-\d{2}-\d{4}\.csv"')


def test_a_report_csv_download(client, session, make):
    quick_sign_in(client, session, make.user(Role.MANAGER))
    assert_download(client.get("/staff/reports/timeliness.csv"), "text/csv; charset=utf-8", r'attachment; filename="[a-z0-9_-]+\.csv"')


def test_a_case_file_download(app, client, session, make):
    resident = make.user(Role.RESIDENT)
    case = make.case(resident, make.service(name="Waste"))
    _message, (stored,) = make.message(app, case, attachments=(("notes.txt", b"Damp since March."),))
    quick_sign_in(client, session, resident)
    assert_download(client.get(f"/cases/{case.reference}/files/{stored}"), "text/plain; charset=utf-8",
                    r"attachment; filename=\"notes\.txt\"; filename\*=UTF-8''notes\.txt")


# --- static files, the manifest and the service worker ----------------------------------------------


def test_a_static_file(client):
    response = client.get("/static/dist/portal.css")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    # The same for everyone, so not varied by cookie (see test_pwa.py for how long it is kept).
    assert_common(response, static=True)
    assert response.headers["Cache-Control"] == "no-cache"  # no content hash in this URL: revalidated
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self';")


def test_a_static_file_never_carries_the_session_cookie(client):
    """A guest's session is permanent, so every answer would send the cookie again; an asset a shared
    cache may keep for a year must not carry it."""
    client.get("/feedback/new")  # a form: the session now holds its CSRF token
    with client.session_transaction() as cookie:
        cookie["feedback_guest_key"] = "key"
        cookie.permanent = True
    assert client.get("/").headers.getlist("Set-Cookie")  # pages refresh it
    response = client.get("/static/dist/portal.css")
    assert response.status_code == 200 and response.headers.getlist("Set-Cookie") == []
    assert response.headers["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize(("url", "content_type"), [("/manifest.webmanifest", "application/manifest+json"),
                                                   ("/sw.js", "text/javascript; charset=utf-8")])
def test_the_manifest_and_service_worker(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Content-Type"] == content_type
    assert_common(response, compressible=True)
    assert response.headers["Cache-Control"] == "no-cache"
    # The worker runs under its script's policy: it may fetch our own pages and assets, nothing else.
    nonce = re.search(r"'nonce-([A-Za-z0-9_-]{24})'", response.headers["Content-Security-Policy"]).group(1)
    assert response.headers["Content-Security-Policy"] == PAGE_POLICY.format(nonce=nonce)


# --- production: HSTS and the session cookie -------------------------------------------------------------


@pytest.fixture
def production(tmp_path):
    settings = load_settings({"REDRESS_ENV": "production", "REDRESS_SECRET_KEY": STRONG_KEY, "REDRESS_MAIL_BACKEND": "smtp",
                              "REDRESS_INSTANCE_PATH": str(tmp_path)})
    with separate_app(settings, make_engine("sqlite://")) as app:
        yield app


def test_production_pages_carry_hsts(production):
    response = production.test_client().get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_production_session_cookie_is_host_only_secure_httponly_and_lax(production):
    response = production.test_client().get("/sign-in", base_url="https://localhost")
    [cookie] = response.headers.getlist("Set-Cookie")
    name_value, *attributes = [part.strip() for part in cookie.split(";")]
    assert name_value.startswith("__Host-redress=")
    # __Host-: Secure, Path=/ and no Domain, so no other host (a subdomain) can set or read it.
    assert sorted(attributes) == ["HttpOnly", "Path=/", "SameSite=Lax", "Secure"]
