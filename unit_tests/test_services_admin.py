"""Admins keep the council's services: add, edit (the short name fixed), social care, offered or
not; every change audited and shown as who, when, from → to."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.domain.enums import CareKind, Role
from shared.models import AuditEvent, Service
from shared.services import intake
from unit_tests.test_route_access import quick_sign_in

NEW = {"slug": "libraries", "name": "Libraries", "name_cy": "Llyfrgelloedd", "description": "Branches and loans.",
       "description_cy": "Canghennau a benthyciadau.", "care_kind": "none", "active": "y"}


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    person = make.user(Role.ADMIN, full_name="Alex Admin")
    quick_sign_in(client, session, person)
    client.person = person
    return client


def test_an_admin_adds_a_service_and_residents_can_choose_it(app, admin, session, make):
    response = admin.submit("/staff/admin/services/new", NEW)
    assert response.status_code == 302
    service = session.scalars(select(Service).where(Service.slug == "libraries")).one()
    assert (service.name_cy, service.care_kind, service.active) == ("Llyfrgelloedd", None, True)
    with app.test_request_context():
        assert "libraries" in {s.slug for s in intake.active_services()}
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "service.created")).one()
    assert (event.actor_id, event.subject_id) == (admin.person.id, service.id)
    assert event.details["changes"]["name"] == [None, "Libraries"]
    page = admin.get("/staff/admin/services").get_data(as_text=True)
    assert "Libraries" in page and "<code>libraries</code>" in page


def test_editing_records_what_each_field_was_and_became(app, admin, session, make):
    service = make.service(slug="childrens-services", name="Children's services")
    make.user(Role.RESPONDER, full_name="Rhian Responder", service_id=service.id)
    session.commit()
    page = admin.get(f"/staff/admin/services/{service.id}").get_data(as_text=True)
    assert "Rhian Responder" in page and 'name="slug"' not in page
    response = admin.submit(f"/staff/admin/services/{service.id}", {
        **NEW, "slug": "ignored", "name": "Children's social care", "care_kind": "children", "active": ""})
    assert response.status_code == 302
    session.refresh(service)
    assert (service.slug, service.name, service.care_kind, service.active) == (
        "childrens-services", "Children's social care", CareKind.CHILDREN, False)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "service.changed")).one()
    assert event.details["changes"]["care_kind"] == [None, "children"]
    assert event.details["changes"]["active"] == [True, False]
    assert "slug" not in event.details["changes"]
    with app.test_request_context():
        assert "childrens-services" not in {s.slug for s in intake.active_services()}  # no longer offered
    page = admin.get(f"/staff/admin/services/{service.id}").get_data(as_text=True)
    assert "Alex Admin" in page and "→ Children&#39;s social care" in page
    # saving again without a change records nothing more
    admin.submit(f"/staff/admin/services/{service.id}", {
        **NEW, "name": "Children's social care", "care_kind": "children", "active": "",
        "description": service.description, "description_cy": service.description_cy, "name_cy": service.name_cy})
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "service")).all()) == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"slug": "Not A Slug"}, "Short name must be lower-case letters, digits and single hyphens"),
    ({"name": ""}, "Enter the service"),
    ({"description_cy": "x" * 301}, "What it covers, in Welsh, must be 300 characters or fewer"),
])
def test_mistakes_are_shown_and_what_was_typed_stays(admin, session, changes, message):
    response = admin.submit("/staff/admin/services/new", {**NEW, **changes})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body
    assert "Llyfrgelloedd" in body  # kept
    assert session.scalars(select(Service).where(Service.slug == "libraries")).first() is None


def test_a_short_name_in_use_is_refused(admin, session, make):
    make.service(slug="libraries", name="Libraries")
    session.commit()
    response = admin.submit("/staff/admin/services/new", NEW)
    assert response.status_code == 400
    assert "Another service already has this short name" in response.get_data(as_text=True)
