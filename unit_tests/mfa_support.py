"""Helpers for the 2-step verification tests on both sides (test_mfa.py for staff,
test_councillor_mfa.py for councillors): the key and recovery codes read off the pages, the code an
app would show, and enrolling someone through the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select

from shared import clock
from shared.models import AuditEvent, User
from unit_tests.factories import sign_in


def later(**delta) -> None:
    clock.set_now(clock.utcnow() + timedelta(**delta))


def secret_on_page(html: str) -> str:
    match = re.search(r'id="secret-key"><code[^>]*>([A-Z2-7 ]+)</code>', html)
    assert match, "the key is shown as text for people who cannot scan"
    return match.group(1).replace(" ", "")


def codes_on_page(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", html)


def code(secret: str) -> str:
    """The code an authenticator app shows now (by the app's clock)."""
    return pyotp.TOTP(secret).at(clock.utcnow())


def actions(session, user: User) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.person_id == user.id).order_by(AuditEvent.id)))


def enrol(client, user: User, *, staff: bool) -> tuple[str, list[str]]:
    """Sign in with the password, set up 2-step verification and sign out; the secret and recovery
    codes. The clock then moves on a time step, so the next code is not the one just used."""
    sign_in(client, user, staff=staff)
    set_up = f"{'/staff' if staff else '/councillor'}/account/2-step-verification/set-up"
    secret = secret_on_page(client.get(set_up).get_data(as_text=True))
    done = client.submit(set_up, {"code": code(secret)})
    assert done.status_code == 200
    codes = codes_on_page(done.get_data(as_text=True))
    if staff:
        client.submit("/staff/sign-out", form_url="/staff/")
    else:
        client.submit("/sign-out", form_url="/councillor")
    later(seconds=30)
    return secret, codes
