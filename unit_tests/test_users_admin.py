"""The users admin pages: the list with its filters and pages, inviting (and the invited person
choosing a password and signing in), changing a role and service, disabling with every session
ended (two browsers), enabling, inviting again; refusals keep what was typed; every change is
audited and shown as who, when, from → to. Admins only."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shared.clock import utcnow
from shared.domain.enums import Role
from shared.models import AuditEvent, OutboxMessage, User, Ward
from shared.services.user_admin import PAGE_SIZE
from unit_tests.factories import sign_in
from unit_tests.test_route_access import quick_sign_in

NEW = {"full_name": "Nia Roberts", "email": "nia.roberts@example.gov.uk", "role": "officer", "service_id": "",
       "ward_id": "", "locale": "en"}
PASSWORD = "a long enough password"


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    person = make.user(Role.ADMIN, full_name="Alex Admin", last_sign_in_at=utcnow())
    quick_sign_in(client, session, person)
    client.person = person
    return client


def _path(response) -> str:
    return urlsplit(response.location).path


def _user(session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def _events(session, user_id: int, action: str | None = None) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.subject_type == "user", AuditEvent.subject_id == user_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query.order_by(AuditEvent.id)))


def _invitation_link(session, email: str) -> str:
    session.expire_all()
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email,
                                                          OutboxMessage.template == "user_invited")
                              .order_by(OutboxMessage.id.desc())).first()
    match = re.search(r"http://localhost(/(?:staff/)?invitation/\S+)", message.body)
    return match.group(1)


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER])
def test_other_staff_are_refused_as_on_every_admin_page(client, session, make, role):
    person = make.user(Role.OFFICER, full_name="Olive")
    quick_sign_in(client, session, make.user(role))
    for url in ("/staff/admin/users", "/staff/admin/users/invite", f"/staff/admin/users/{person.id}",
                f"/staff/admin/users/{person.id}/edit", f"/staff/admin/users/{person.id}/disable"):
        assert client.get(url).status_code == 403, url
    token = client.csrf_token("/staff/")
    for action in ("disable", "enable", "invitation", "sign-out"):
        assert client.post(f"/staff/admin/users/{person.id}/{action}", data={"csrf_token": token}).status_code == 403
    assert _events(session, person.id) == []


def test_a_residents_record_is_not_an_admins_to_open(admin, make):
    resident = make.user(Role.RESIDENT)
    assert admin.get(f"/staff/admin/users/{resident.id}").status_code == 404
    assert admin.get(f"/staff/admin/users/{resident.id}/edit").status_code == 404


def test_the_navigation_and_home_link_to_users(admin):
    page = admin.get("/staff/").get_data(as_text=True)
    assert page.count('href="/staff/admin/users"') == 2  # menu and the home page's administration list


# --- the list --------------------------------------------------------------------------------------


def test_the_list_shows_role_service_status_and_last_sign_in(admin, make):
    service = make.service(name="Waste and recycling")
    make.user(Role.RESPONDER, full_name="Rita Responder", service_id=service.id, last_sign_in_at=utcnow())
    make.user(Role.OFFICER, full_name="Ivan Invited", password_hash=None)
    make.user(Role.AGENT, full_name="Dora Disabled", disabled_at=utcnow())
    make.user(Role.RESIDENT, full_name="Rhian Resident")
    page = admin.get("/staff/admin/users").get_data(as_text=True)
    assert "Rhian Resident" not in page
    rita = page[page.index("Rita Responder"):]
    assert "Service responder" in rita[:600] and "Waste and recycling" in rita[:600] and "Active" in rita[:600]
    assert "Invited, not yet signed in" in page[page.index("Ivan Invited"):][:600]
    assert "Never" in page[page.index("Ivan Invited"):][:600]
    assert "Disabled" in page[page.index("Dora Disabled"):][:600]


def test_filters_and_search_narrow_the_list_and_keep_their_values(admin, make):
    make.user(Role.OFFICER, full_name="Olwen Price", email="olwen@example.gov.uk", last_sign_in_at=utcnow())
    make.user(Role.COUNCILLOR, full_name="Cllr Bryn Price")
    make.user(Role.MANAGER, full_name="Mali Morgan")
    page = admin.get("/staff/admin/users?q=price&role=councillor").get_data(as_text=True)
    assert "Cllr Bryn Price" in page and "Olwen Price" not in page and "Mali Morgan" not in page
    assert 'value="price"' in page and '<option value="councillor" selected>' in page
    page = admin.get("/staff/admin/users?q=OLWEN@example&status=active").get_data(as_text=True)
    assert "Olwen Price" in page and "Cllr Bryn Price" not in page
    page = admin.get("/staff/admin/users?status=disabled&role=nonsense").get_data(as_text=True)
    assert "No users match these filters." in page


def test_the_list_is_paged_within_the_query_limit(admin, make):
    for n in range(PAGE_SIZE + 2):
        make.user(Role.AGENT, full_name=f"Agent {n:02d}", email=f"pager{n}@example.gov.uk")
    first = admin.get("/staff/admin/users?role=agent")
    assert int(first.headers["X-Redress-Queries"]) <= 10
    body = first.get_data(as_text=True)
    assert "Agent 00" in body and f"Agent {PAGE_SIZE + 1}" not in body
    assert "/staff/admin/users?page=2&amp;role=agent" in body
    second = admin.get("/staff/admin/users?role=agent&page=2").get_data(as_text=True)
    assert f"Agent {PAGE_SIZE + 1}" in second and "Agent 00" not in second


# --- inviting ---------------------------------------------------------------------------------------


def test_an_admin_invites_an_officer_who_chooses_a_password_and_signs_in(app, admin, session):
    response = admin.submit("/staff/admin/users/invite", NEW)
    assert response.status_code == 302
    person = _user(session, "nia.roberts@example.gov.uk")
    assert _path(response) == f"/staff/admin/users/{person.id}"
    assert person.password_hash is None and person.role is Role.OFFICER
    page = admin.get(f"/staff/admin/users/{person.id}").get_data(as_text=True)
    assert "Nia Roberts is invited: we have emailed nia.roberts@example.gov.uk" in page
    assert "Invited, not yet signed in" in page and "Send the invitation again" in page
    assert "Alex Admin" in page and "Invited" in page and "Role: Complaints officer" in page
    [event] = _events(session, person.id)
    assert (event.action, event.actor_id) == ("user.invited", admin.person.id)

    # the invited person, in their own browser
    link = _invitation_link(session, "nia.roberts@example.gov.uk")
    invited = app.test_client()
    page = invited.get(link).get_data(as_text=True)
    assert "Choose your password" in page and "Complaints officer" in page
    mismatch = invited.submit(link, {"password": PASSWORD, "confirm_password": "something else"})
    assert mismatch.status_code == 200 and "Enter the same password in both fields" in mismatch.get_data(as_text=True)
    done = invited.submit(link, {"password": PASSWORD, "confirm_password": PASSWORD})
    assert _path(done) == "/staff/sign-in"
    assert invited.get(link).status_code == 404  # once only
    assert _path(sign_in(invited, _user(session, "nia.roberts@example.gov.uk"), staff=True, password=PASSWORD)) == "/staff/"
    page = admin.get(f"/staff/admin/users/{person.id}").get_data(as_text=True)
    assert "Send the invitation again" not in page and "Password chosen from the invitation" in page
    assert "Invited, not yet signed in" not in page


def test_a_councillor_is_invited_with_a_ward_and_chooses_a_password_in_the_portal(app, admin, session):
    ward = Ward(name="Castle", name_cy="Castell")
    session.add(ward)
    session.commit()
    response = admin.submit("/staff/admin/users/invite", {**NEW, "role": "councillor", "ward_id": str(ward.id),
                                                          "email": "cllr.ann@example.gov.uk"})
    assert response.status_code == 302
    person = _user(session, "cllr.ann@example.gov.uk")
    assert person.ward_id == ward.id
    link = _invitation_link(session, "cllr.ann@example.gov.uk")
    assert link.startswith("/invitation/")
    assert app.test_client().get("/staff" + link).status_code == 404  # not the back office's link
    done = app.test_client().submit(link, {"password": PASSWORD, "confirm_password": PASSWORD})
    assert _path(done) == "/sign-in"


@pytest.mark.parametrize(("changes", "message"), [
    ({"full_name": ""}, "Enter their full name"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"role": "resident"}, "Choose a role"),
    ({"role": "responder"}, "Choose the service this responder answers for"),
    ({"locale": ""}, "Choose the language for their emails"),
])
def test_mistakes_are_shown_and_what_was_typed_stays(admin, session, changes, message):
    response = admin.submit("/staff/admin/users/invite", {**NEW, **changes})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body and "<title>Error:" in body
    for field, value in {**NEW, **changes}.items():
        if field in ("full_name", "email") and value:
            assert f'value="{value}"' in body
    assert _user(session, "nia.roberts@example.gov.uk") is None
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.template == "user_invited")).first() is None


def test_a_service_for_another_role_is_refused(admin, session, make):
    service = make.service()
    response = admin.submit("/staff/admin/users/invite", {**NEW, "service_id": str(service.id)})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Only a service responder answers for a service" in body
    assert f'<option value="{service.id}" selected>' in body  # the choice is kept, to be corrected
    assert _user(session, "nia.roberts@example.gov.uk") is None


@pytest.mark.parametrize(("holder_role", "message"), [
    (Role.MANAGER, "Mo Manager’s account already uses this email address"),
    (Role.RESIDENT, "A resident’s account already uses this email address"),
])
def test_an_email_already_in_use_is_refused_clearly(admin, session, make, holder_role, message):
    make.user(holder_role, full_name="Mo Manager", email="nia.roberts@example.gov.uk")
    response = admin.submit("/staff/admin/users/invite", {**NEW, "email": "Nia.Roberts@example.gov.uk"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message.replace("’", "&rsquo;") in body or message in body
    assert 'value="Nia Roberts"' in body and 'value="Nia.Roberts@example.gov.uk"' in body
    assert session.scalar(select(User).where(User.full_name == "Nia Roberts")) is None


def test_the_invitation_goes_again_to_someone_who_has_not_signed_in_only(admin, session, make):
    waiting = make.user(Role.OFFICER, full_name="Wyn Waiting", password_hash=None)
    response = admin.submit(f"/staff/admin/users/{waiting.id}/invitation", {}, form_url=f"/staff/admin/users/{waiting.id}")
    assert response.status_code == 302
    assert "A new invitation has gone to" in admin.get(_path(response)).get_data(as_text=True)
    assert [e.action for e in _events(session, waiting.id)] == ["user.invitation_sent"]
    assert _invitation_link(session, waiting.email).startswith("/staff/invitation/")
    active = make.user(Role.OFFICER, last_sign_in_at=utcnow())
    token = admin.csrf_token(f"/staff/admin/users/{active.id}")
    refused = admin.post(f"/staff/admin/users/{active.id}/invitation", data={"csrf_token": token})
    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert "They have already signed in" in body and 'href="#account-status"' in body
    assert _events(session, active.id) == []


# --- changing ---------------------------------------------------------------------------------------


def test_changing_role_and_service_is_shown_as_from_and_to(admin, session, make):
    service = make.service(name="Waste and recycling")
    person = make.user(Role.OFFICER, full_name="Owen Officer", last_sign_in_at=utcnow())
    page = admin.get(f"/staff/admin/users/{person.id}/edit").get_data(as_text=True)
    assert 'name="email"' not in page and person.email in page  # theirs once they have signed in
    assert 'value="councillor"' not in page  # staff stay staff
    response = admin.submit(f"/staff/admin/users/{person.id}/edit",
                            {**NEW, "full_name": "Owen Officer", "role": "responder", "service_id": str(service.id)})
    assert response.status_code == 302
    session.expire_all()
    email = person.email
    person = session.get(User, person.id)
    assert (person.role, person.service_id, person.email) == (Role.RESPONDER, service.id, email)  # email not taken
    [event] = _events(session, person.id, "user.changed")
    assert event.details["changes"] == {"service": [None, "Waste and recycling"], "role": ["officer", "responder"]}
    page = admin.get(f"/staff/admin/users/{person.id}").get_data(as_text=True)
    assert "Role: Complaints officer → Service responder" in page
    assert "Service: Waste and recycling" in page and "Alex Admin" in page


def test_an_admin_cannot_remove_their_own_admin_role(admin, session):
    url = f"/staff/admin/users/{admin.person.id}/edit"
    assert "You cannot remove your own administrator role: another administrator must do it." in admin.get(url).get_data(as_text=True)
    response = admin.submit(url, {**NEW, "full_name": "Alex Renamed", "role": "manager",
                                  "email": admin.person.email})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "You cannot remove your own administrator role: ask another administrator to do it" in body
    assert 'value="Alex Renamed"' in body  # kept
    session.expire_all()
    assert session.get(User, admin.person.id).role is Role.ADMIN
    assert _events(session, admin.person.id) == []


def test_a_councillors_ward_is_changed_but_not_their_side(admin, session, make):
    castle, harbour = Ward(name="Castle"), Ward(name="Harbour")
    session.add_all([castle, harbour])
    session.commit()
    person = make.user(Role.COUNCILLOR, full_name="Cllr Ann", ward_id=castle.id, password_hash=None)
    page = admin.get(f"/staff/admin/users/{person.id}/edit").get_data(as_text=True)
    assert 'name="role"' not in page and 'name="service_id"' not in page and 'name="email"' in page
    response = admin.submit(f"/staff/admin/users/{person.id}/edit",
                            {"full_name": "Cllr Ann", "email": person.email, "ward_id": str(harbour.id), "locale": "cy"})
    assert response.status_code == 302
    [event] = _events(session, person.id, "user.changed")
    assert event.details["changes"] == {"ward": ["Castle", "Harbour"], "locale": ["en", "cy"]}
    assert "Ward: Castle → Harbour" in admin.get(f"/staff/admin/users/{person.id}").get_data(as_text=True)


# --- disabling -------------------------------------------------------------------------------------


def test_disabling_signs_the_person_out_of_every_browser_at_once(app, admin, session, make):
    person = make.user(Role.OFFICER, full_name="Owen Officer", last_sign_in_at=utcnow())
    laptop, phone = app.test_client(), app.test_client()
    quick_sign_in(laptop, session, person)
    quick_sign_in(phone, session, person)
    assert laptop.get("/staff/").status_code == 200 and phone.get("/staff/triage").status_code == 200
    page = admin.get(f"/staff/admin/users/{person.id}").get_data(as_text=True)
    assert "2 sessions" in page
    confirm = admin.get(f"/staff/admin/users/{person.id}/disable").get_data(as_text=True)
    assert "signed out everywhere at once" in confirm
    response = admin.submit(f"/staff/admin/users/{person.id}/disable", {})
    assert _path(response) == f"/staff/admin/users/{person.id}"
    for browser, url in ((laptop, "/staff/"), (phone, "/staff/triage")):
        next_request = browser.get(url)
        assert next_request.status_code == 302 and _path(next_request) == "/staff/sign-in"
    page = admin.get(f"/staff/admin/users/{person.id}").get_data(as_text=True)
    assert "Owen Officer’s account is disabled." in page or "Owen Officer&rsquo;s account is disabled." in page
    assert "They were signed out of 2 sessions at once." in page
    assert "0 sessions" in page and "Status: Active → Disabled" in page and "2 sessions ended" in page
    assert "Enable the account" in page
    [event] = _events(session, person.id, "user.disabled")
    assert event.actor_id == admin.person.id and event.details["sessions_ended"] == 2


def test_the_disable_page_warns_of_open_cases_allocated(admin, session, make):
    officer = make.user(Role.OFFICER, last_sign_in_at=utcnow())
    make.case(make.user(Role.RESIDENT), make.service(), officer_id=officer.id)
    page = admin.get(f"/staff/admin/users/{officer.id}/disable").get_data(as_text=True)
    assert "1 open case is allocated to them." in page


def test_an_admin_cannot_disable_themselves(admin, session):
    assert "Disable the account" not in admin.get(f"/staff/admin/users/{admin.person.id}").get_data(as_text=True)
    response = admin.submit(f"/staff/admin/users/{admin.person.id}/disable", {})
    assert response.status_code == 409
    assert "You cannot disable your own account" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, admin.person.id).disabled_at is None
    assert admin.get("/staff/admin/users").status_code == 200  # still signed in


def test_enabling_lets_them_sign_in_again(client, admin, session, make):
    person = make.user(Role.OFFICER, full_name="Owen", last_sign_in_at=utcnow(), disabled_at=utcnow())
    assert client.get("/staff/sign-in").status_code == 200
    response = admin.submit(f"/staff/admin/users/{person.id}/enable", {}, form_url=f"/staff/admin/users/{person.id}")
    assert response.status_code == 302
    sign_in(client, _user(session, person.email), staff=True)
    assert [e.action for e in _events(session, person.id)] == ["user.enabled", "user.signed_in"]  # sign-ins are audited
    assert "Status: Disabled → Active" in admin.get(f"/staff/admin/users/{person.id}").get_data(as_text=True)


def test_signing_someone_out_everywhere_keeps_the_account(app, admin, session, make):
    person = make.user(Role.AGENT, last_sign_in_at=utcnow())
    browser = app.test_client()
    quick_sign_in(browser, session, person)
    response = admin.submit(f"/staff/admin/users/{person.id}/sign-out", {}, form_url=f"/staff/admin/users/{person.id}")
    assert response.status_code == 302
    assert _path(browser.get("/staff/")) == "/staff/sign-in"
    session.expire_all()
    assert session.get(User, person.id).disabled_at is None
    assert _events(session, person.id)[0].details == {"sessions_ended": 1}


def test_an_account_made_on_the_command_line_starts_its_history_there(app, admin, session):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "cli.officer@example.gov.uk", "--name",
                                                "Cli Officer", "--role", "officer", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    person = _user(session, "cli.officer@example.gov.uk")
    page = admin.get(f"/staff/admin/users/{person.id}").get_data(as_text=True)
    assert "Account made from the command line" in page and "Role: Complaints officer" in page
    assert ">Redress<" in page  # made by no person
