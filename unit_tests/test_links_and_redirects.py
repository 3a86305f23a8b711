"""Links in messages come from REDRESS_BASE_URL, never the request's Host header, and every `next`
address is refused unless it is one of our own pages."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from shared.domain.enums import Role
from shared.models import OutboxMessage
from shared.web.redirects import safe_next
from unit_tests.factories import PASSWORD, sign_in
from unit_tests.strict_client import StrictClient
from unit_tests.test_feedback_guests import guest_compliment, send, service  # noqa: F401 - a fixture
from unit_tests.test_users_admin import NEW

EVIL = "evil.example"


@pytest.fixture
def spoofing_client(app, monkeypatch):
    """A client whose every request says `Host: evil.example`, with no SERVER_NAME to fall back on."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)

    class SpoofingClient(StrictClient):
        def open(self, *args, **kwargs):
            kwargs.setdefault("base_url", f"http://{EVIL}")
            return super().open(*args, **kwargs)

    return SpoofingClient(app, app.response_class, use_cookies=True)


def _bodies(session, recipient: str) -> list[str]:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)).all()
    assert rows, f"nothing queued for {recipient}"
    return [row.body for row in rows]


def _assert_links_are_ours(bodies: list[str]) -> None:
    for body in bodies:
        assert EVIL not in body
        assert "http://localhost/" in body  # REDRESS_BASE_URL in the tests


def test_the_spoofing_client_really_sends_the_evil_host(app, spoofing_client):
    page = spoofing_client.get("/sign-in")
    assert page.status_code == 200
    assert page.request.host == EVIL


def test_a_confirmation_link_after_registering(spoofing_client, session):
    response = spoofing_client.submit("/register", {"full_name": "Jo Bloggs", "email": "jo@example.com",
                                                    "password": PASSWORD, "confirm_password": PASSWORD})
    assert response.status_code == 302
    _assert_links_are_ours(_bodies(session, "jo@example.com"))


def test_a_password_reset_link(spoofing_client, session, make):
    make.user(email="jane@example.com")
    assert spoofing_client.submit("/forgotten-password", {"email": "jane@example.com"}).status_code == 302
    bodies = _bodies(session, "jane@example.com")
    assert any("/reset-password/" in body for body in bodies)
    _assert_links_are_ours(bodies)


def test_a_guests_follow_link_when_sending_and_when_asked_again(spoofing_client, session, service, monkeypatch):  # noqa: F811
    url = guest_compliment(spoofing_client, "guest@example.com")
    send(spoofing_client, url, monkeypatch)
    bodies = _bodies(session, "guest@example.com")
    assert any("/follow/" in body for body in bodies)
    _assert_links_are_ours(bodies)


def test_an_invitation_from_an_admin(spoofing_client, session, make):
    admin = make.user(Role.ADMIN)
    sign_in(spoofing_client, admin, staff=True)
    response = spoofing_client.submit("/staff/admin/users/invite", NEW)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    _assert_links_are_ours(_bodies(session, NEW["email"]))


# --- next= after signing in ---------------------------------------------------------------------------

# As the view reads them (decoded once from the address)…
HOSTILE_NEXT = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
    "http:evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "/\t/evil.example", "/\n/evil.example", " //evil.example", "evil.example", "https:/\\evil.example",
    "%2F%2Fevil.example",
]
# …and percent-encoded in the address, as a link in a phishing email would carry them.
ENCODED_NEXT = ["%2F%2Fevil.example", "/%2F/evil.example", "/%5Cevil.example", "/%09/evil.example", "/%0a/evil.example",
                "%2F%5Cevil.example", "https%3A%2F%2Fevil.example", "javascript%3Aalert(1)", "%252F%252Fevil.example"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_safe_next_refuses_anything_but_our_own_paths(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/cases", "/cases/RDR-7K2M-9QXD?tab=messages#messages", "/staff/cases?page=2"])
def test_safe_next_keeps_our_own_paths(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize("staff", [False, True], ids=["portal", "staff"])
@pytest.mark.parametrize("target", [quote(value, safe="") for value in HOSTILE_NEXT[:3]] + ENCODED_NEXT)
def test_signing_in_never_sends_anyone_elsewhere(client, make, staff, target):
    """Over HTTP, the encoded forms (each sign-in hashes a password: the rest are checked above)."""
    user = make.user(Role.OFFICER if staff else Role.RESIDENT)
    sign_in_url = "/staff/sign-in" if staff else "/sign-in"
    response = client.submit(f"{sign_in_url}?next={target}", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == ("/staff/" if staff else "/cases")


@pytest.mark.parametrize("staff", [False, True], ids=["portal", "staff"])
def test_signing_in_follows_next_to_our_own_page(client, make, staff):
    user = make.user(Role.OFFICER if staff else Role.RESIDENT)
    ours = "/staff/cases?page=2" if staff else "/cases/RDR-7K2M-9QXD"
    response = client.submit(f"{'/staff' if staff else ''}/sign-in?next={quote(ours, safe='')}",
                             {"email": user.email, "password": PASSWORD})
    assert response.location == ours


def test_double_encoded_next_stays_on_our_site(client, make):
    user = make.user()
    response = client.submit("/sign-in?next=%252F%252Fevil.example", {"email": user.email, "password": PASSWORD})
    assert response.location == "/cases"  # "%2F%2Fevil.example" after one decoding: not a path
    response = client.submit("/sign-in?next=/%252F%252Fevil.example", {"email": user.email, "password": PASSWORD})
    assert response.location.startswith("/%2F%2Fevil.example")  # a path here, which browsers do not decode
