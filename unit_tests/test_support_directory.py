"""The advocacy and support directory's admin pages: list, add, edit, deactivate, audited; admins only;
and the demo's entries."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shared.domain.enums import Role, SupportTopic
from shared.models import AuditEvent, SupportService
from unit_tests.test_route_access import quick_sign_in

URL = "/staff/admin/support-services"
VALID = {
    "name": "Coram Voice",
    "name_cy": "",
    "helps_with": "Advocacy for children and young people.",
    "helps_with_cy": "",
    "who_for": "Children and young people in care.",
    "contact": "0808 800 5792",
    "website": "https://coramvoice.org.uk",
    "areas": "England",
    "languages": "English",
    "topics": ["children", "childrens_social_care", "advocacy"],
}


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def admin(client, session, make):
    user = make.user(Role.ADMIN)
    quick_sign_in(client, session, user)
    return user


def test_an_admin_adds_a_service_with_topics_and_it_is_audited(client, session, admin):
    assert "No services have been added yet." in page(client.get(URL))
    response = client.submit(f"{URL}/new", VALID)
    assert response.status_code == 302
    added = session.scalars(select(SupportService)).one()
    assert added.active and added.topics == ["children", "childrens_social_care", "advocacy"]
    assert added.name_cy is None and added.helps_with_cy is None  # optional Welsh left blank
    listing = page(client.get(URL))
    assert "Coram Voice added." in listing and "Children's social care" in listing
    event = session.scalars(select(AuditEvent)).one()
    assert event.action == "support_service.added" and event.actor_id == admin.id and event.subject_id == added.id


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Enter the service's name"),
    ({"topics": []}, "Select at least one topic"),
    ({"contact": ""}, "Enter how to contact the service"),
    ({"website": "coramvoice.org.uk"}, "Enter a website address starting with https://"),
    ({"name": "x" * 201}, "Name must be 200 characters or fewer"),
])
def test_bad_input_is_shown_with_what_was_typed_and_nothing_saved(client, session, admin, changes, message):
    response = client.submit(f"{URL}/new", {**VALID, **changes})
    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body and message in body
    assert "Advocacy for children and young people." in body  # kept
    assert session.scalar(select(SupportService.id)) is None


def test_an_admin_edits_and_deactivates_a_service(client, session, admin, make):
    service = make.support_service("POhWER", topics=("advocacy",))
    form = page(client.get(f"{URL}/{service.id}"))
    assert re.search(r'value="advocacy"\s+checked', form) and not re.search(r'value="general"\s+checked', form)
    response = client.submit(f"{URL}/{service.id}", {**VALID, "name": "POhWER", "name_cy": "POhWER (Cymraeg)",
                                                      "topics": ["advocacy", "general"], "active": "y"})
    assert response.status_code == 302
    session.refresh(service)
    assert service.name_cy == "POhWER (Cymraeg)" and service.topics == ["advocacy", "general"]
    client.submit(f"{URL}/{service.id}/deactivate", {}, form_url=URL)
    session.refresh(service)
    assert not service.active
    assert "Deactivated" in page(client.get(URL))
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == service.id).order_by(AuditEvent.id)).all()
    assert actions == ["support_service.changed", "support_service.deactivated"]


def test_an_unknown_service_is_not_found(client, admin):
    assert client.get(f"{URL}/999999").status_code == 404
    assert client.submit(f"{URL}/999999/deactivate", {}, form_url=URL).status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.AGENT, Role.RESPONDER])
def test_other_staff_may_not_edit_the_directory(client, session, make, role):
    quick_sign_in(client, session, make.user(role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/new").status_code == 403


def test_the_admin_navigation_links_to_the_directory(client, admin):
    assert f'href="{URL}"' in page(client.get("/staff/"))


def test_the_demo_directory_is_real_national_services_with_topics(app):
    from shared.services.demo_support import SUPPORT_SERVICES

    names = {row[0] for row in SUPPORT_SERVICES}
    assert {"POhWER", "Citizens Advice", "Mind", "Mencap", "Carers UK", "Coram Voice", "Shelter", "SignHealth",
            "Age UK"} <= names
    for row in SUPPORT_SERVICES:
        assert row[5].startswith("https://") and row[8], row[0]
        assert all(isinstance(topic, SupportTopic) for topic in row[8])
    children = [row[0] for row in SUPPORT_SERVICES if SupportTopic.CHILDRENS_SOCIAL_CARE in row[8]]
    assert len(children) >= 2
