"""Every form (portal, councillor, staff), driven from the route inventory: each POST endpoint's
form is fetched, filled as a browser would, with

- XSS payloads in every free-text field: what comes back (the form again with its errors, or the
  page it goes to) shows them escaped;
- fields no form has (status, owner, user_id, role, case_id, reference, resident_id, version…)
  pointing at someone else's case and account: nothing of theirs changes, nor the sender's role;
- numbers no database integer holds, and digits that are not ASCII, in every field: no 500.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shared.domain.enums import Role
from shared.models import Case, User
from unit_tests.security.support import (
    XSS,
    XSS_EMAIL,
    XSS_URL,
    allowed_visitor,
    endpoints,
    evaluated,
    live_payloads,
    plain_client,
    post_form,
    same_site,
    text_field_names,
)
from unit_tests.test_route_access import EXPECTED, _sample_url, _visit_as

# What a POST-only endpoint (a button on another page) is sent as text.
GENERIC_TEXT = ("body", "text", "name", "reason", "note", "detail", "q")


def _payload_for(kind: str) -> str:
    return {"email": XSS_EMAIL, "url": XSS_URL}.get(kind, XSS)


def _form_data(client, endpoint: str, url: str, value_for) -> dict[str, list[str]]:
    """The endpoint's form as a browser would send it, each free-text field set by `value_for(kind)`."""
    path = urlsplit(url).path
    if "GET" in EXPECTED[endpoint].methods:
        page = client.get(url)
        if page.status_code == 200 and page.mimetype == "text/html":
            body = page.get_data(as_text=True)
            fields = post_form(body, path)
            if fields is not None and "csrf_token" in fields:
                for name, kind in text_field_names(body, path).items():
                    fields[name] = [value_for(kind)]
                return fields
    token = _token(client)
    return {"csrf_token": [token], **{name: [value_for("text")] for name in GENERIC_TEXT}}


def _token(client) -> str:
    body = client.get("/sign-in").get_data(as_text=True)
    fields = post_form(body, "/sign-in")
    return fields["csrf_token"][0]


def _clients(app, session, make, world):
    """One signed-in client per visitor, made on first use; `client_for(visitor)` is (client, user)."""
    clients: dict[str, tuple] = {}

    def client_for(visitor: str):
        if visitor not in clients:
            client = plain_client(app)
            clients[visitor] = (client, _visit_as(visitor, client, session, make, world))
        return clients[visitor]

    return client_for


def test_the_check_finds_each_payload_live_and_nothing_once_escaped():
    from markupsafe import escape

    live = live_payloads(f"<!doctype html><title>t</title><p>{XSS}</p>")
    for part in ("<img src=x>", "onerror", "onload", "href='javascript:", "hx-get", "hx-on:click"):
        assert any(part in found for found in live), part
    assert live_payloads(f"<!doctype html><title>t</title><p>{escape(XSS)}</p><input value=\"{escape(XSS)}\">") == []
    assert evaluated("<a>1337</a>") and not evaluated(str(escape(XSS)))


def test_xss_in_every_text_field_of_every_form_comes_back_escaped(app, session, make, world):
    client_for = _clients(app, session, make, world)
    failures, echoed = [], 0
    for endpoint in endpoints("POST"):
        visitor = allowed_visitor(endpoint, "POST")
        client, _ = client_for(visitor)
        url = _sample_url(app, endpoint, world)
        response = client.post(url, data=_form_data(client, endpoint, url, _payload_for))
        answers = [response]
        if response.status_code in (301, 302, 303) and same_site(response.location):
            answers.append(client.get(response.location))
        for answer in answers:
            if answer.status_code >= 500:
                failures.append(f"{endpoint} as {visitor}: {answer.status_code}")
            if answer.mimetype != "text/html":
                continue
            body = answer.get_data(as_text=True)
            failures += [f"{endpoint} as {visitor}: {live}" for live in live_payloads(body)]
            if evaluated(body):
                failures.append(f"{endpoint} as {visitor}: the template expression was evaluated")
            echoed += "&lt;svg onload=alert(2)&gt;" in body or "onload=alert(2)&gt;" in body
    assert not failures, "\n".join(failures)
    assert echoed >= 20, f"only {echoed} forms showed the payload back: the test is not reaching the forms"


@pytest.fixture
def victims(make):
    """Someone else's case and account, which the extra fields point at."""
    owner = make.user(Role.RESIDENT)
    return {"case": make.case(owner, make.service()), "user": make.user(Role.OFFICER), "resident": owner}


def _snapshot(session, ids) -> dict:
    session.expire_all()
    case = session.get(Case, ids["case"])
    return {
        "case": (case.status, case.officer_id, case.resident_id, case.reference, case.version, case.service_id),
        "users": {u.id: (u.role, u.disabled_at, u.email) for u in
                  session.scalars(select(User).where(User.id.in_(ids["users"])))},
    }


def test_extra_fields_on_every_form_change_nothing_they_name(app, session, make, world, victims):
    client_for = _clients(app, session, make, world)
    attacker = make.user(Role.OFFICER)
    victim_case, victim_user = victims["case"], victims["user"]
    extras = {"status": "closed", "officer_id": str(attacker.id), "owner": str(attacker.id),
              "allocated_to": str(attacker.id), "handler_id": str(attacker.id), "user_id": str(victim_user.id),
              "role": "admin", "case_id": str(victim_case.id), "reference": victim_case.reference,
              "resident_id": str(victims["resident"].id), "version": "999", "id": str(victim_case.id),
              "is_admin": "y", "disabled_at": "", "email_confirmed_at": "2020-01-01"}
    failures = []
    for endpoint in endpoints("POST"):
        visitor = allowed_visitor(endpoint, "POST")
        client, me = client_for(visitor)
        url = _sample_url(app, endpoint, world)
        data = _form_data(client, endpoint, url, lambda kind: "a@example.com" if kind == "email" else "Some text")
        data.update({name: [value] for name, value in extras.items() if name not in data})
        ids = {"case": victim_case.id, "users": [victim_user.id, victims["resident"].id] + ([me.id] if me else [])}
        before = _snapshot(session, ids)
        response = client.post(url, data=data)
        if response.status_code >= 500:
            failures.append(f"{endpoint} as {visitor}: {response.status_code}")
        after = _snapshot(session, ids)
        if after != before:
            failures.append(f"{endpoint} as {visitor}: {before} -> {after}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("number", ["99999999999999999999999", "²", "-1"])
def test_odd_numbers_in_every_field_of_every_form_are_not_a_500(app, session, make, world, number):
    client_for = _clients(app, session, make, world)
    failures = []
    for endpoint in endpoints("POST"):
        visitor = allowed_visitor(endpoint, "POST")
        client, _ = client_for(visitor)
        url = _sample_url(app, endpoint, world)
        data = _form_data(client, endpoint, url, lambda kind: number)
        data = {name: values if name == "csrf_token" else [number] for name, values in data.items()}
        for extra in ("version", "page", "stage", "owner", "responder", "named_officer", "services", "officer"):
            data.setdefault(extra, [number])
        response = client.post(url, data=data)
        if response.status_code >= 500:
            failures.append(f"{endpoint} as {visitor}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_resident_changing_their_name_cannot_also_change_their_role_or_confirmation(app, session, make, world, victims):
    client, me = _clients(app, session, make, world)("resident")
    token = _token(client)
    response = client.post("/your-details/name", data={"csrf_token": token, "full_name": "New Name", "role": "admin",
                                                       "email": "x@example.com", "user_id": str(victims["user"].id),
                                                       "password_hash": "x", "disabled_at": "2020-01-01"})
    assert response.status_code == 302
    session.expire_all()
    changed, other = session.get(User, me.id), session.get(User, victims["user"].id)
    assert (changed.full_name, changed.role, changed.email, changed.disabled_at) == ("New Name", Role.RESIDENT, me.email, None)
    assert other.full_name != "New Name" and other.role is Role.OFFICER


def test_a_note_goes_on_the_case_in_the_address_not_the_one_named_in_the_form(app, session, make, world, victims):
    from shared.domain.enums import EventType
    from shared.models import CaseEvent

    client, _ = _clients(app, session, make, world)("officer")
    reference = world["case"].reference
    data = _form_data(client, "staff.case", f"/staff/cases/{reference}", lambda kind: "x")
    response = client.post(f"/staff/cases/{reference}/notes",
                           data={"csrf_token": data["csrf_token"], "text": "A note.", "case_id": str(victims["case"].id),
                                 "reference": victims["case"].reference, "status": "closed"})
    assert response.status_code == 302
    notes = session.scalars(select(CaseEvent.case_id).where(CaseEvent.type == EventType.NOTE_ADDED)).all()
    assert notes == [world["case"].id]
    session.expire_all()
    assert session.get(Case, world["case"].id).status.value == "received"
