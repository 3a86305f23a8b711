"""Requests as an attacker shapes them, on every route of the inventory: CSRF tokens from another
session, methods a route does not take, oversized bodies, redirect targets off the site, and
CR/LF in what ends up in a header (redirects, file downloads, emails)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from sqlalchemy import select

from shared.domain.enums import MessageChannel, Role
from shared.models import OutboxMessage, StoredFile
from shared.notify.base import Outgoing
from shared.notify.smtp import SmtpProvider
from unit_tests.mail_servers import SmtpSink
from unit_tests.security.support import allowed_visitor, endpoints, plain_client, post_form, same_site
from unit_tests.test_route_access import EXPECTED, _sample_url, _visit_as, quick_sign_in


def _token(client, url: str = "/sign-in") -> str:
    return post_form(client.get(url).get_data(as_text=True), url)["csrf_token"][0]


def test_the_suite_runs_with_csrf_protection_on(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True and app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True


def test_every_post_refuses_a_token_from_another_session(app, session, make, world):
    """A token that was valid in another browser, signed in as someone else, is refused everywhere,
    with the "page timed out" page (route access tests the missing and forged token)."""
    other = plain_client(app)
    quick_sign_in(other, session, make.user(Role.OFFICER))
    stolen = _token(other)
    clients: dict[str, object] = {}
    failures = []
    for endpoint in endpoints("POST"):
        visitor = allowed_visitor(endpoint, "POST")
        if visitor not in clients:
            clients[visitor] = plain_client(app)
            _visit_as(visitor, clients[visitor], session, make, world)
            clients[visitor].get("/sign-in")  # a session with its own CSRF secret
        response = clients[visitor].post(_sample_url(app, endpoint, world), data={"csrf_token": stolen})
        if response.status_code != 400 or "Your page timed out" not in response.get_data(as_text=True):
            failures.append(f"{endpoint} as {visitor}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_token_outlives_nothing_it_belongs_to(app, session, make):
    """The token from before signing out is no good after signing in again: a new session, a new secret."""
    client = plain_client(app)
    user = make.user(Role.RESIDENT)
    from unit_tests.factories import PASSWORD

    old = _token(client)
    signed_in = client.post("/sign-in", data={"csrf_token": old, "email": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    response = client.post("/sign-out", data={"csrf_token": old})
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE"])
def test_methods_a_route_does_not_take_are_refused_with_the_405_page(app, world, method):
    client = plain_client(app)
    failures = []
    for endpoint in endpoints("GET") + [e for e in endpoints("POST") if "GET" not in EXPECTED[e].methods]:
        url = _sample_url(app, endpoint, world)
        response = client.open(url, method=method)
        body = response.get_data(as_text=True)
        allowed = set(response.headers.get("Allow", "").replace(" ", "").split(","))
        if response.status_code != 405 or "Sorry, that action is not possible here" not in body or \
                method in allowed or not allowed & {"GET", "POST"}:
            failures.append(f"{method} {endpoint}: {response.status_code} Allow={sorted(allowed)}")
    assert not failures, "\n".join(failures)


def test_get_on_a_post_only_route_is_the_405_page_not_an_action(app, session, make, world):
    """(Unless the address is also another route's page: /staff/assisted/1/discard is a step's name too.)"""
    from werkzeug.exceptions import MethodNotAllowed

    client = plain_client(app)
    adapter = app.url_map.bind("localhost")
    failures = []
    for endpoint in [e for e in endpoints("POST") if "GET" not in EXPECTED[e].methods]:
        url = _sample_url(app, endpoint, world)
        try:
            adapter.match(url, method="GET")
            continue
        except MethodNotAllowed:
            pass
        response = client.get(url)
        if response.status_code != 405 or response.headers.get("Allow", "").replace(" ", "") not in ("POST", "OPTIONS,POST", "POST,OPTIONS"):
            failures.append(f"{endpoint}: {response.status_code} {response.headers.get('Allow')}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("kind", ["form", "multipart"])
def test_an_oversized_body_is_the_413_page(app, kind):
    client = plain_client(app)
    token = _token(client)
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    if kind == "form":
        response = client.post("/sign-in", data={"csrf_token": token, "email": "a" * too_big, "password": "x"})
    else:
        response = client.post("/sign-in", data={"csrf_token": token, "file": (io.BytesIO(b"x" * too_big), "big.txt")},
                               content_type="multipart/form-data")
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "The file or text you sent is too large" in body and "govuk-template" in body
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


# --- redirects ---------------------------------------------------------------------------------

EVIL = ("https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example", "https:evil.example",
        "javascript:alert(1)", "/%2F%2Fevil.example", " //evil.example", "\t//evil.example", "/\r\nLocation: //evil.example",
        "http://localhost@evil.example/", "//localhost.evil.example/")
NEXT_PARAMETERS = ("next", "return_to", "returnTo", "redirect", "redirect_uri", "url", "continue", "back", "came_from",
                   "destination")


@pytest.mark.parametrize("round_", range(3))
def test_no_get_route_redirects_off_the_site(app, session, make, world, round_):
    """Every GET endpoint, anonymous and as a visitor it lets in, with every next-style parameter set
    to somewhere else (a different target each, rotating between rounds): any redirect stays on this
    site. Sign-in tries every target on `next`; test_safe_next_… every target on the check itself."""
    clients = {"anonymous": plain_client(app)}
    failures = []
    query = "&".join(f"{name}={quote(EVIL[(i * 3 + round_) % len(EVIL)], safe='')}" for i, name in enumerate(NEXT_PARAMETERS))
    for endpoint in endpoints("GET"):
        visitor = allowed_visitor(endpoint, "GET")
        if visitor not in clients:
            clients[visitor] = plain_client(app)
            _visit_as(visitor, clients[visitor], session, make, world)
        url = f"{_sample_url(app, endpoint, world)}?{query}"
        for who in {"anonymous", visitor}:
            response = clients[who].get(url)
            location = response.headers.get("Location")
            response.close()  # a streamed CSV export is not read: closing ends its request context
            if not same_site(location) or (location and ("\r" in location or "\n" in location)):
                failures.append(f"{endpoint} as {who}: {location}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("target", EVIL)
def test_safe_next_refuses_every_target_off_the_site(target):
    """(An encoded "/%2F%2F…" is a path here, which 404s: kept, as any path on the site is.)"""
    from shared.web.redirects import safe_next

    kept = safe_next(target, "/home")
    assert kept == "/home" or (target.startswith("/%2F") and kept == target and same_site(kept))
    assert safe_next("/cases/RDR-AAAA-BBBB?tab=1", "/home") == "/cases/RDR-AAAA-BBBB?tab=1"


@pytest.mark.parametrize("side", ["/sign-in", "/staff/sign-in"])
@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_sends_anyone_off_the_site(app, make, side, target):
    from unit_tests.factories import PASSWORD

    user = make.user(Role.RESIDENT if side == "/sign-in" else Role.OFFICER)
    client = plain_client(app)
    url = f"{side}?next={quote(target, safe='')}"
    response = client.post(url, data={"csrf_token": _token(client, side), "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert same_site(response.location)


def test_links_in_messages_come_from_the_base_url_not_the_host_header(app, session):
    client = plain_client(app)
    token = _token(client, "/register")
    response = client.post("/register", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
                           base_url="http://evil.example",
                           data={"csrf_token": token, "full_name": "Jane", "email": "jane.host@example.com",
                                 "password": "correct horse battery staple", "confirm_password": "correct horse battery staple"})
    assert response.status_code in (302, 400, 404)
    bodies = session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == "jane.host@example.com")).all()
    assert all("evil.example" not in body for body in bodies)


# --- header injection --------------------------------------------------------------------------

CRLF_NAME = "Eve\r\nBcc: victim@example.com\r\nX-Evil: 1"


def test_cr_lf_in_a_name_never_splits_an_email_header(app, session):
    """A person registering with header lines in their name: the queued message's name and subject
    are one line, and the email the SMTP provider sends has no extra header."""
    client = plain_client(app)
    password = "correct horse battery staple"
    response = client.post("/register", data={"csrf_token": _token(client, "/register"), "full_name": CRLF_NAME,
                                              "email": "eve.crlf@example.com", "password": password,
                                              "confirm_password": password})
    assert response.status_code in (302, 400)
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "eve.crlf@example.com")).all()
    for row in rows:
        assert "\n" not in (row.recipient_name or "") and "\r" not in (row.recipient_name or "")
        assert "\n" not in row.subject and "\r" not in row.subject
    with SmtpSink() as sink:
        provider = SmtpProvider("127.0.0.1", sink.port, sender="complaints@example.gov.uk", sender_name="Council",
                                timeout=5)
        provider.send(Outgoing(id=1, reference="msg-crlf", channel=MessageChannel.EMAIL, recipient="eve.crlf@example.com",
                               recipient_name=CRLF_NAME, subject=f"Your account {CRLF_NAME}", body="Hello", locale="en",
                               attempts=1, queued_at=datetime(2027, 1, 13, tzinfo=UTC)))
        provider.close()
    [received] = sink.received
    assert received["Bcc"] is None and received["X-Evil"] is None
    assert [a.addr_spec for a in received["To"].addresses] == ["eve.crlf@example.com"]


@pytest.mark.parametrize("sent", ["../../etc/passwd", "..\\..\\windows\\win.ini", "evil\x00.txt", "a" * 400 + ".txt",
                                  "invoice\u202etxt.exe", "report%0D%0ASet-Cookie: evil=1.txt", "\u0000", "..", "CON",
                                  "résumé \"quoted\"; filename=evil.html"])
def test_file_names_cannot_travel_paths_split_headers_or_disguise_themselves(app, session, make, world, sent):
    client = plain_client(app)
    quick_sign_in(client, session, world["resident"])
    reference = world["case"].reference
    url = f"/cases/{reference}/reply"
    token = _token(client, url)
    response = client.post(url, data={"csrf_token": token, "body": "Here is my file.",
                                      "files": (io.BytesIO(b"Plain text, nothing more."), sent)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    stored = session.scalars(select(StoredFile).where(StoredFile.case_id == world["case"].id)).one()
    assert stored.stored_name.isalnum() and len(stored.stored_name) == 40  # the server's name on disk
    for bad in ("/", "\\", "\x00", "\r", "\n", "\u202e"):
        assert bad not in stored.original_name
    assert len(stored.original_name) <= 255 and stored.original_name not in ("", ".", "..")
    download = client.get(f"/cases/{reference}/files/{stored.id}")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition
    assert "Set-Cookie" not in download.headers and "evil=1" not in str(download.headers.get("Set-Cookie"))
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'"
    assert download.mimetype == "text/plain"


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: evil=1", "/%0d%0aSet-Cookie:%20evil=1", "/\nX-Evil: 1"])
def test_cr_lf_in_a_redirect_target_never_splits_the_response(app, make, target):
    from unit_tests.factories import PASSWORD

    user = make.user(Role.RESIDENT)
    client = plain_client(app)
    response = client.post(f"/sign-in?next={quote(target, safe='')}",
                           data={"csrf_token": _token(client), "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "\r" not in response.location and "\n" not in response.location
    assert response.headers.get("X-Evil") is None
    assert all("evil=1" not in cookie for cookie in response.headers.getlist("Set-Cookie"))
