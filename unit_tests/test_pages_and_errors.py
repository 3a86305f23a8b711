"""Public pages in English and Welsh, error pages (full and htmx partial), health check, headers."""

from __future__ import annotations

import json
import re
import socket
from dataclasses import replace

import pytest
import sqlalchemy
from flask import abort
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from shared.auth.access import PUBLIC, public
from shared.db import CONNECT_TIMEOUT, make_engine
from shared.domain.enums import Role
from shared.models import User
from unit_tests.factories import PASSWORD, separate_app, sign_in

PUBLIC_PAGES = [
    "/", "/accessibility", "/privacy", "/cookies", "/contact", "/sign-in", "/register", "/forgotten-password",
    "/check-your-email", "/check-your-email?sent=reset", "/staff/sign-in", "/you-said-we-did",
    "/offline", "/account-closed", "/signed-out?reason=idle", "/staff/signed-out?reason=absolute",
    "/feedback", "/feedback/new", "/follow-a-case", "/follow-a-case/check-your-email",
]
# Public, without arguments, but not pages: tested in test_pwa.py, and single sign-on's redirects
# to and from the identity provider (404 unless configured), tested in test_oidc.py, and the return
# from signing out there (a redirect home without this browser's state; test_oidc_logout.py); the staff
# and councillors' sign-in code steps, pages only just after a password (test_mfa.py and
# test_councillor_mfa.py check them in Welsh); the timeout warning's JSON answers, tested in
# test_session_timeouts.py.
NOT_PAGES = {"/manifest.webmanifest", "/sw.js", "/sign-in/oidc", "/sign-in/oidc/callback",
             "/staff/sign-in/oidc", "/staff/sign-in/oidc/callback", "/staff/sign-in/code", "/sign-in/code",
             "/signed-out/oidc", "/staff/signed-out/oidc", "/session", "/staff/session"}
HX = {"HX-Request": "true"}


def _lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert match, "no <html lang>"
    return match.group(1)


def test_every_public_page_is_listed(app):
    """A new public page without arguments must be added to PUBLIC_PAGES (and so checked in Welsh)."""
    listed = {page.split("?")[0] for page in PUBLIC_PAGES}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        is_public_page = getattr(view, "access_rule", None) is PUBLIC and "GET" in rule.methods and not rule.arguments
        if is_public_page and not rule.endpoint.startswith("health.") and rule.rule not in NOT_PAGES:
            assert rule.rule in listed, f"{rule.rule} is public but not in PUBLIC_PAGES"


# --- languages --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)  # not "page": pytest-playwright owns that fixture name
def test_public_pages_render_in_english_and_welsh(client, url):
    english = client.get(url)
    assert english.status_code == 200 and _lang(english) == "en"
    joiner = "&" if "?" in url else "?"
    welsh = client.get(f"{url}{joiner}lang=cy")
    assert welsh.status_code == 200 and _lang(welsh) == "cy"
    assert 'dir="ltr"' in welsh.get_data(as_text=True)


def test_the_language_choice_is_remembered(client):
    client.get("/?lang=cy")
    assert _lang(client.get("/privacy")) == "cy"
    assert _lang(client.get("/staff/sign-in")) == "cy"
    client.get("/?lang=en")
    assert _lang(client.get("/privacy")) == "en"


def test_an_unknown_language_is_ignored(client):
    assert _lang(client.get("/?lang=xx")) == "en"
    client.get("/?lang=cy")
    assert _lang(client.get("/?lang=de")) == "cy"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("cy", "cy"), ("cy-GB,cy;q=0.9,en;q=0.5", "cy"), ("en-GB,en;q=0.9", "en"), ("fr-FR", "en"), ("", "en")],
)
def test_accept_language_picks_the_language(client, accept, expected):
    assert _lang(client.get("/", headers={"Accept-Language": accept})) == expected


def test_a_chosen_language_wins_over_accept_language(client):
    client.get("/?lang=en")
    assert _lang(client.get("/", headers={"Accept-Language": "cy"})) == "en"


def test_a_signed_in_persons_saved_language_wins_over_accept_language(client, make):
    person = make.user(Role.RESIDENT, locale="cy")
    sign_in(client, person)
    assert _lang(client.get("/cases", headers={"Accept-Language": "en"})) == "cy"


def test_choosing_a_language_while_signed_in_is_saved_for_next_time(app, client, session, make):
    person = make.user(Role.RESIDENT, locale="en")
    sign_in(client, person)
    assert _lang(client.get("/cases?lang=cy")) == "cy"
    session.expire_all()
    assert session.scalar(select(User.locale).where(User.id == person.id)) == "cy"

    other_browser = app.test_client()
    sign_in(other_browser, person)
    assert _lang(other_browser.get("/cases", headers={"Accept-Language": "en"})) == "cy"


def test_the_language_switch_keeps_the_page_and_its_query(client):
    page = client.get("/check-your-email?sent=reset").get_data(as_text=True)
    assert 'href="/check-your-email?sent=reset&amp;lang=cy"' in page


# --- error pages ------------------------------------------------------------------------------


def _assert_full_error(response, status: int, text: str) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert "<html" in body and text in body
    assert "Traceback" not in body
    return body


def get_partial(client, url: str, **kwargs):
    """An htmx request; the strict client checks the fragment it gets back."""
    return client.open(url, headers=HX, **kwargs)


def _assert_partial_error(response, status: int, text: str) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert "<html" not in body and "<title" not in body and "<body" not in body
    assert f'id="error-{status}"' in body
    assert re.search(r"<h1[^>]*>\s*" + re.escape(text), body)
    assert "Traceback" not in body
    return body


def test_404_page(client):
    _assert_full_error(client.get("/no-such-page"), 404, "Page not found")
    _assert_partial_error(get_partial(client, "/no-such-page"), 404, "Page not found")


def test_404_under_staff_has_the_back_office_header(client):
    body = _assert_full_error(client.get("/staff/no-such-page"), 404, "Page not found")
    assert "Complaints back office" in body


def test_403_page(client, make):
    sign_in(client, make.user(Role.RESIDENT))
    _assert_full_error(client.get("/staff/"), 403, "You cannot see this page")
    _assert_partial_error(get_partial(client, "/staff/"), 403, "You cannot see this page")


def test_405_page_says_which_methods_are_allowed(client):
    response = client.get("/sign-out")
    _assert_full_error(response, 405, "Sorry, that action is not possible here")
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert "POST" in allowed and "GET" not in allowed
    _assert_partial_error(get_partial(client, "/sign-out"), 405, "Sorry, that action is not possible here")


def test_413_page(client):
    token = client.csrf_token("/sign-in")
    big = {"csrf_token": token, "email": "x" * (1024 * 1024 + 10), "password": "p"}
    _assert_full_error(client.post("/sign-in", data=big), 413, "The file or text you sent is too large")
    _assert_partial_error(get_partial(client, "/sign-in", method="POST", data=big), 413, "The file or text you sent is too large")


def test_csrf_failure_as_htmx_partial(client):
    client.get("/sign-in")
    _assert_partial_error(get_partial(client, "/sign-out", method="POST", data={}), 400, "Your page timed out")


def test_500_page_never_shows_the_error(app):
    with separate_app(app.config["SETTINGS"], make_engine("sqlite://")) as failing:

        @failing.get("/boom")
        @public
        def boom():
            raise ZeroDivisionError("secret internals: password=hunter2")

        client = failing.test_client()
        full = _assert_full_error(client.get("/boom"), 500, "Sorry, there is a problem with the service")
        partial = _assert_partial_error(get_partial(client, "/boom"), 500, "Sorry, there is a problem with the service")
        for body in (full, partial):
            assert "hunter2" not in body and "ZeroDivisionError" not in body


@pytest.mark.parametrize(
    ("status", "title"),
    [(409, "Sorry, someone else changed this first"), (429, "Sorry, too many attempts")],
)
def test_conflict_and_rate_limit_pages(app, status, title):
    with separate_app(app.config["SETTINGS"], make_engine("sqlite://")) as other:

        @other.get("/refuse")
        @public
        def refuse():
            if status == 429:
                raise TooManyRequests(retry_after=120)
            abort(status)

        client = other.test_client()
        full = client.get("/refuse")
        _assert_full_error(full, status, title)
        _assert_partial_error(get_partial(client, "/refuse"), status, title)
        if status == 429:
            assert full.headers["Retry-After"] == "120"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data()) == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_the_benchmarks_floor_runs_one_query(client):
    response = client.get("/healthz/floor")
    assert response.status_code == 200
    assert json.loads(response.get_data()) == {"status": "ok"}
    assert response.headers["X-Redress-Queries"] == "1"


def test_healthz_and_pages_answer_503_when_the_database_is_unreachable(app):
    with separate_app(app.config["SETTINGS"], make_engine("sqlite:////nonexistent-dir/redress/x.db")) as broken:
        client = broken.test_client()
        response = client.get("/healthz")
        assert response.status_code == 503
        assert json.loads(response.get_data()) == {"status": "unavailable", "database": "unreachable"}
        assert client.get("/healthz/floor").status_code == 503

        # a page that needs the database gets the "unavailable" page, not a stack trace
        token = client.csrf_token("/sign-in")
        page = client.post("/sign-in", data={"csrf_token": token, "email": "a@example.com", "password": PASSWORD})
        body = _assert_full_error(page, 503, "Sorry, the service is unavailable")
        assert "OperationalError" not in body and "nonexistent-dir" not in body


def test_a_signed_in_visitor_gets_the_503_page_when_the_database_is_unreachable(app):
    """The error page itself needs no database: asking who is signed in would fail again inside
    the handler, and gunicorn would answer its own bare 500 (bench/load.py found this)."""
    with separate_app(app.config["SETTINGS"], make_engine("sqlite:////nonexistent-dir/redress/x.db")) as broken:
        client = broken.test_client()
        with client.session_transaction() as cookie:
            cookie["sid"], cookie["_user_id"] = "a-session-token", "1"
        page = client.get("/cases")
        body = _assert_full_error(page, 503, "Sorry, the service is unavailable")
        assert "Sign out" not in body


def test_a_commit_that_fails_because_the_database_went_away_answers_the_503_page(client, monkeypatch):
    """The work went through, then the database stopped before the commit (bench/load.py saw it):
    the person gets the service-unavailable page, with the usual headers, not a bare 500."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    def lost(_self):
        raise OperationalError("COMMIT", {}, Exception("terminating connection due to administrator command"))

    monkeypatch.setattr(Session, "commit", lost)
    response = client.get("/healthz")
    _assert_full_error(response, 503, "Sorry, the service is unavailable")
    assert "Content-Security-Policy" in response.headers


def test_a_postgresql_server_that_never_answers_gets_the_503_page(app, monkeypatch):
    """A host that takes the connection and says nothing (a hung server, a dropped route): libpq
    would wait for ever; make_engine gives the driver a connect timeout, so the page is the 503.
    (How long it takes is bench/load.py's to measure, not a test's; the timeout is shortened here.)"""
    engine = make_engine("postgresql://postgres@127.0.0.1:1/redress")  # nothing listens on port 1
    given = {}
    sqlalchemy.event.listen(engine, "do_connect", lambda _dialect, _record, _args, params: given.update(params))
    with pytest.raises(sqlalchemy.exc.OperationalError):
        engine.connect()
    assert given["connect_timeout"] == CONNECT_TIMEOUT  # what the driver is told by default
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever replies
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql://postgres@127.0.0.1:{port}/redress", connect_timeout=1)
        with separate_app(app.config["SETTINGS"], engine) as broken:
            client = broken.test_client()
            response = client.get("/healthz")
            assert response.status_code == 503
            token = client.csrf_token("/sign-in")
            page = client.post("/sign-in", data={"csrf_token": token, "email": "a@example.com", "password": PASSWORD})
            _assert_full_error(page, 503, "Sorry, the service is unavailable")


# --- security headers -------------------------------------------------------------------------


def _expected_csp(nonce: str) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; "
        "font-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'; "
        "object-src 'none'"
    )


@pytest.mark.parametrize("url", ["/", "/sign-in", "/staff/sign-in", "/no-such-page"])
def test_security_headers_on_html(client, url):
    response = client.get(url)
    body = response.get_data(as_text=True)
    nonces = set(re.findall(r'nonce="([^"]+)"', body))
    assert len(nonces) == 1, nonces  # the inline script and style share this response's nonce
    nonce = nonces.pop()
    assert len(nonce) >= 16
    headers = response.headers
    assert headers["Content-Security-Policy"] == _expected_csp(nonce)
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Cookie" in headers["Vary"]
    assert "Strict-Transport-Security" not in headers  # only when served over HTTPS (production)


def test_each_response_gets_a_new_nonce(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert first != second


def test_signed_in_pages_are_not_cached(client, make):
    sign_in(client, make.user(Role.RESIDENT))
    assert client.get("/cases").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(client, make):
    response = sign_in(client, make.user(Role.RESIDENT))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- the information pages' content -----------------------------------------------------------


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_accessibility_statement_is_specific(app, client):
    settings = app.config["SETTINGS"]
    page = _text(client.get("/accessibility"))
    for text in (
        "Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA",
        "fully compliant",
        "do nothing for 30 minutes, we sign you out to keep your information safe. We warn you 2 minutes before, and you can choose to stay signed in",
        "the warning before you are signed out is checked to appear in time, to be read out by screen readers",
        "using only a keyboard",
        "at a width of 320 pixels, in English and in Urdu",
        "This service was last tested on 7 December 2026.",
        "axe accessibility engine checks every page of every journey in the Chromium browser, once with JavaScript turned on and once with it turned off",
        "using only a keyboard",
        "Equality and Human Rights Commission (EHRC)",
        "Equality Advisory and Support Service (EASS)",
        "This statement was prepared on 23 November 2026.",
        settings.council_name, settings.contact_phone, settings.contact_email,
    ):
        assert text in page, text
    assert "Equality Commission for Northern Ireland" not in page
    assert "partially compliant" not in page and "Non-compliance" not in page  # nothing left to name


def test_in_northern_ireland_the_statement_names_the_ecni_and_the_ombudsman(app, engine, tmp_path):
    settings = replace(app.config["SETTINGS"], nation="northern-ireland")
    with separate_app(settings, engine) as other:
        client = other.test_client()
        statement = _text(client.get("/accessibility"))
        assert "Equality Commission for Northern Ireland (ECNI)" in statement
        assert "(EHRC)" not in statement
        assert "Northern Ireland Public Services Ombudsman" in _text(client.get("/contact"))
        assert "Northern Ireland Public Services Ombudsman" in _text(client.get("/privacy"))


def test_the_privacy_notice_covers_what_a_notice_must(app, client):
    settings = app.config["SETTINGS"]
    page = _text(client.get("/privacy"))
    for text in (
        f"{settings.council_name} is the data controller",
        "public task: UK GDPR article 6(1)(e)",
        "substantial public interest: UK GDPR article 9(2)(g)",
        "Local Government and Social Care Ombudsman or the Housing Ombudsman",
        "an advocate, relative, councillor or someone else acting for you, only with your consent",
        "for 6 years after the case closes",
        "Information Commissioner's Office (ICO)",
        "0303 123 1113",
        "Data Protection Officer",
    ):
        assert text in page, text


def test_the_cookies_page_names_both_essential_cookies(app, client):
    from shared.web import session_timeout

    page = _text(client.get("/cookies"))
    assert "We use two cookies, both essential" in page
    with app.app_context():
        kept = session_timeout.kept_cookie_name()
    for name in (app.config["SESSION_COOKIE_NAME"], kept):
        assert f'<td class="govuk-table__cell">{name}</td>' in page
    assert "We do not use analytics" in page
    assert "holds no information about you or your cases" in page  # the service worker's store


def test_the_help_and_contact_page_gives_every_way_to_reach_us(app, client):
    settings = app.config["SETTINGS"]
    page = _text(client.get("/contact"))
    for text in (
        settings.contact_phone, f'href="mailto:{settings.contact_email}"', "Relay UK", "In person",
        "Someone can complain for you", "British Sign Language (BSL)", "What we cannot deal with as a complaint",
        "Valuation Office Agency", "Local Government and Social Care Ombudsman",
    ):
        assert text in page, text
    for line in settings.contact_address.split(", "):
        assert line in page
