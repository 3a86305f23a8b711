"""Who reaches a resident's case pages: a guest whose browser followed the emailed link, for that
case only and for a few hours; the resident signed in; nobody else. Not theirs means 404, and the
404 page carries none of the other person's details."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import CaseStatus, EventType, MessageDirection, Role
from shared.models import Case, CaseEvent, CaseMessage
from shared.services import guest_access
from unit_tests.test_route_access import quick_sign_in

NOW = "2027-01-13T10:00:00"


@pytest.fixture(autouse=True)
def _fixed_time():
    clock.set_now(NOW)


def _person(make, name: str, email: str, *, guest: bool):
    person = make.user(Role.RESIDENT, full_name=name, email=email)
    if guest:
        person.password_hash = None  # made for a guest's feedback: nobody can sign in to it
        make.session.commit()
    return person


@pytest.fixture
def people(app, make):
    """Two people, each with a case that has a message with a file."""
    service = make.service(name="Housing repairs")
    ann = _person(make, "Annabel Guestly", "annabel@example.com", guest=True)
    bob = _person(make, "Bartholomew Otherby", "bartholomew@example.com", guest=False)
    ann_case = make.case_with_response(ann, service, what_happened="Mould in flat 12 since March, ann-secret.")
    bob_case = make.case_with_response(bob, service, what_happened="Leaking roof at number 7, bob-secret.")
    _m, (ann_file,) = make.message(app, ann_case, attachments=(("ann-file.txt", b"ann"),))
    _m, (bob_file,) = make.message(app, bob_case, attachments=(("bob-file.txt", b"bob"),))
    return {"ann": ann, "bob": bob, "ann_case": ann_case, "bob_case": bob_case, "ann_file": ann_file, "bob_file": bob_file}


def grant(client, case: Case, hours: float = 4) -> None:
    """What following the emailed link leaves in the browser's session cookie."""
    with client.session_transaction() as cookie:
        grants = dict(cookie.get(guest_access.SESSION_KEY, {}))
        grants[str(case.id)] = (clock.utcnow() + timedelta(hours=hours)).timestamp()
        cookie[guest_access.SESSION_KEY] = grants


def case_urls(case: Case, file_id: int) -> list[str]:
    base = f"/cases/{case.reference}"
    return [base, f"{base}/reply", f"{base}/escalate", f"{base}/escalation-requested", f"{base}/withdraw",
            f"{base}/withdrawn", f"{base}/files/{file_id}"]


def details_of(person, case: Case) -> list[str]:
    return [person.full_name, person.email, case.reference, case.what_happened, "bob-file.txt" if "bob" in person.email
            else "ann-file.txt"]


def assert_not_found_without_details(client, urls: list[str], person, case: Case) -> None:
    token = client.csrf_token("/sign-in")
    for url in urls:
        for response in (client.get(url), client.post(url, data={"csrf_token": token, "version": "1", "body": "x"})):
            if response.status_code == 405:
                continue  # a GET-only page
            # The language switch links back to the address the visitor typed: that is theirs, not a detail.
            body = response.get_data(as_text=True).replace(f'href="{url}?lang=', "")
            assert response.status_code == 404, f"{url}: {response.status_code}"
            for detail in details_of(person, case):
                assert detail not in body, f"{url} shows {detail!r}"


# --- a guest with the link ---------------------------------------------------------------------------


def test_following_the_emailed_link_opens_that_case_without_the_residents_menu(app, client, people):
    with app.test_request_context():
        from shared.db import db

        url = guest_access.issue_link(people["ann_case"], people["ann"], locale="en")
        db.session.commit()
    opened = client.get(urlsplit(url).path)
    assert opened.status_code == 302 and opened.location.endswith(f"/cases/{people['ann_case'].reference}")
    page = client.get(f"/cases/{people['ann_case'].reference}").get_data(as_text=True)
    assert "Mould in flat 12 since March" in page
    assert 'href="/cases"' not in page  # no "Your cases" in the menu, no back link to it
    assert "Sign in" in page


def test_a_guest_can_reply_with_a_file_and_download_their_files(client, session, people):
    case = people["ann_case"]
    grant(client, case)
    assert client.get(f"/cases/{case.reference}/files/{people['ann_file']}").data == b"ann"
    url = f"/cases/{case.reference}/reply"
    response = client.post(url, data={"csrf_token": client.csrf_token(url), "body": "More about the mould.",
                                      "files": [(io.BytesIO(b"photo notes"), "notes.txt")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    message = session.scalar(select(CaseMessage).where(CaseMessage.case_id == case.id,
                                                       CaseMessage.direction == MessageDirection.IN))
    assert message.body == "More about the mould." and message.author_id == people["ann"].id


def test_a_guest_can_escalate_as_the_cases_resident(client, session, people):
    case = people["ann_case"]
    grant(client, case)
    url = f"/cases/{case.reference}/escalate"
    response = client.post(url, data={"csrf_token": client.csrf_token(url), "version": str(case.version)})
    assert response.status_code == 302
    assert client.get(response.location).status_code == 200
    session.expire_all()
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.type == EventType.ESCALATION_REQUESTED))
    assert event.actor_id == people["ann"].id


def test_a_guest_can_withdraw_as_the_cases_resident(client, session, people):
    case = people["ann_case"]
    grant(client, case)
    url = f"/cases/{case.reference}/withdraw"
    response = client.post(url, data={"csrf_token": client.csrf_token(url), "version": str(case.version)})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Case withdrawn" in page and 'href="/cases"' not in page
    session.expire_all()
    assert session.get(Case, case.id).status is CaseStatus.WITHDRAWN


def test_a_guest_link_for_one_case_never_shows_another(client, people):
    grant(client, people["ann_case"])
    assert_not_found_without_details(client, case_urls(people["bob_case"], people["bob_file"]), people["bob"],
                                     people["bob_case"])
    # Another case's file under the granted case's own address is not found either.
    response = client.get(f"/cases/{people['ann_case'].reference}/files/{people['bob_file']}")
    assert response.status_code == 404 and b"bob" not in response.data
    assert client.get("/cases/RDR-0000-0000").status_code == 404


def test_a_guest_grant_expires_and_then_the_case_asks_for_sign_in(client, people):
    case = people["ann_case"]
    grant(client, case)
    assert client.get(f"/cases/{case.reference}").status_code == 200
    clock.set_now("2027-01-13T14:01:00")  # 4 hours and a minute later
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 302 and urlsplit(response.location).path == "/sign-in"
    assert b"Mould" not in response.data


def test_a_guest_has_no_list_of_cases(client, people):
    grant(client, people["ann_case"])
    response = client.get("/cases")
    assert response.status_code == 302 and urlsplit(response.location).path == "/sign-in"


# --- nobody else -------------------------------------------------------------------------------------------


def test_without_a_grant_every_case_address_asks_for_sign_in_alike(client, people):
    """The same answer for a real case and a made-up one: nothing to learn from it."""
    for url in [*case_urls(people["bob_case"], people["bob_file"]), "/cases/RDR-0000-0000/reply"]:
        response = client.get(url)
        assert response.status_code == 302, url
        location = urlsplit(response.location)
        assert location.path == "/sign-in" and parse_qs(location.query) == {"next": [url]}
        assert b"bob-secret" not in response.data


def test_another_resident_gets_not_found_for_every_page_and_file_of_the_case(client, session, people):
    quick_sign_in(client, session, people["bob"])
    assert_not_found_without_details(client, case_urls(people["ann_case"], people["ann_file"]), people["ann"],
                                     people["ann_case"])
    assert people["ann_case"].reference not in client.get("/cases").get_data(as_text=True)


def test_a_signed_in_resident_is_not_shown_a_case_through_a_guest_grant(client, session, people):
    grant(client, people["ann_case"])
    quick_sign_in(client, session, people["bob"])
    assert client.get(f"/cases/{people['ann_case'].reference}").status_code == 404


def test_the_resident_signed_in_sees_their_own_case(client, session, people):
    quick_sign_in(client, session, people["bob"])
    for url in case_urls(people["bob_case"], people["bob_file"])[:3] + [case_urls(people["bob_case"], people["bob_file"])[-1]]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.OFFICER, Role.ADMIN])
def test_other_roles_are_refused_even_holding_a_grant(client, session, make, people, role):
    grant(client, people["ann_case"])
    quick_sign_in(client, session, make.user(role))
    response = client.get(f"/cases/{people['ann_case'].reference}")
    assert response.status_code == 403
    assert b"Mould" not in response.data
