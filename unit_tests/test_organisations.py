"""The signposting organisations admin: list, add, edit, deactivate; admins only."""

from __future__ import annotations

import pytest

from shared.domain.enums import Role
from shared.models import Organisation
from unit_tests.test_route_access import quick_sign_in


@pytest.fixture
def admin(client, session, make):
    user = make.user(Role.ADMIN)
    quick_sign_in(client, session, user)
    return user


def page(response) -> str:
    return response.get_data(as_text=True)


VALID = {
    "name": "Housing Ombudsman",
    "name_cy": "Yr Ombwdsmon Tai",
    "helps_with": "Complaints about social landlords once their complaints procedure is finished.",
    "contact": "0300 111 3000",
    "website": "https://www.housing-ombudsman.org.uk",
}


def test_an_admin_adds_an_organisation(client, session, admin):
    response = client.submit("/staff/admin/organisations/new", VALID)
    assert response.status_code == 302
    added = session.query(Organisation).filter_by(name="Housing Ombudsman").one()
    assert added.active and added.name_cy == "Yr Ombwdsmon Tai" and added.website == VALID["website"]
    listing = page(client.get("/staff/admin/organisations"))
    assert "Housing Ombudsman added." in listing and "Yr Ombwdsmon Tai" in listing


def test_optional_fields_may_be_left_blank(client, session, admin):
    response = client.submit("/staff/admin/organisations/new", {**VALID, "name_cy": "", "website": ""})
    assert response.status_code == 302
    added = session.query(Organisation).filter_by(name="Housing Ombudsman").one()
    assert added.name_cy is None and added.website is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the organisation"),
        ({"helps_with": ""}, "Enter what the organisation helps with"),
        ({"contact": ""}, "Enter how to contact the organisation"),
        ({"website": "http://www.housing-ombudsman.org.uk"}, "Enter a website address that starts with https://"),
        ({"website": "www.example.org"}, "Enter a website address that starts with https://"),
        ({"name": "x" * 201}, "Name must be 200 characters or fewer"),
    ],
)
def test_bad_input_keeps_what_was_typed(client, session, admin, changes, message):
    response = client.submit("/staff/admin/organisations/new", {**VALID, **changes})
    assert response.status_code == 400
    body = page(response)
    assert message in body and "<title>Error:" in body
    assert "0300 111 3000" in body or changes.get("contact") == ""
    assert session.query(Organisation).count() == 0


def test_an_admin_edits_and_deactivates_an_organisation(client, session, make, admin):
    organisation = make.organisation("Citizens Advice")
    url = f"/staff/admin/organisations/{organisation.id}"
    assert "Citizens Advice" in page(client.get(url))
    response = client.submit(url, {**VALID, "name": "Citizens Advice Redbury", "active": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Organisation, organisation.id).name == "Citizens Advice Redbury"
    bad = client.submit(url, {**VALID, "website": "ftp://example.org", "active": "y"})
    assert bad.status_code == 400 and "ftp://example.org" in page(bad)
    response = client.submit(f"{url}/deactivate", {}, form_url="/staff/admin/organisations")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Organisation, organisation.id).active is False
    listing = page(client.get("/staff/admin/organisations"))
    assert "Deactivated" in listing
    # and back again through the edit form
    client.submit(url, {**VALID, "name": "Citizens Advice Redbury", "active": "y"})
    session.expire_all()
    assert session.get(Organisation, organisation.id).active is True


def test_a_deactivated_organisation_is_not_offered_when_signposting(client, session, make):
    make.organisation("Age UK", active=False)
    make.organisation("NSPCC")
    resident = make.user(Role.RESIDENT)
    case = make.case(resident, make.service())
    quick_sign_in(client, session, make.user(Role.OFFICER))
    body = page(client.get(f"/staff/cases/{case.reference}/triage/signpost"))
    assert "NSPCC" in body and "Age UK" not in body


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.AGENT, Role.RESPONDER])
def test_only_admins_manage_organisations(client, session, make, role):
    quick_sign_in(client, session, make.user(role))
    assert client.get("/staff/admin/organisations").status_code == 403
    assert client.get("/staff/admin/organisations/new").status_code == 403


def test_admins_see_organisations_in_the_navigation(client, session, admin):
    assert 'href="/staff/admin/organisations"' in page(client.get("/staff/"))
