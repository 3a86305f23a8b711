"""Admins keep the council's own complaint reasons: add, edit, stop offering; a reason on cases
keeps its report category; every change audited and shown as who, when, from → to."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.domain.enums import CaseReason, Role
from shared.models import AuditEvent, ComplaintReason
from shared.services import reason_admin
from unit_tests.test_route_access import quick_sign_in

NEW = {"name": "Missed bin collection", "name_cy": "Casgliad bin wedi'i fethu", "category": "quality_of_service",
       "service": "all", "sort_order": "10", "active": "y"}


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    person = make.user(Role.ADMIN, full_name="Alex Admin")
    quick_sign_in(client, session, person)
    client.person = person
    return client


def _reason(session, name="Rude or unhelpful staff", category=CaseReason.STAFF_ATTITUDE, service_id=None,
            active=True, sort_order=10) -> ComplaintReason:
    reason = ComplaintReason(name=name, name_cy=f"{name} (cy)", category=category, service_id=service_id,
                             active=active, sort_order=sort_order)
    session.add(reason)
    session.commit()
    return reason


# --- the service -------------------------------------------------------------------------------


def test_offered_for_a_service_is_every_service_s_and_its_own_by_category_then_order(app, session, make):
    waste, housing = make.service(name="Waste"), make.service(name="Housing")
    session.commit()
    late = _reason(session, "Late", CaseReason.TIMELINESS, sort_order=1)
    bins = _reason(session, "Missed bin", CaseReason.QUALITY_OF_SERVICE, service_id=waste.id, sort_order=20)
    _reason(session, "Repair not done", CaseReason.QUALITY_OF_SERVICE, service_id=housing.id)
    poor = _reason(session, "Poor work", CaseReason.QUALITY_OF_SERVICE, sort_order=5)
    _reason(session, "Old reason", CaseReason.POLICY, active=False)
    rude = _reason(session, "Rude", CaseReason.STAFF_ATTITUDE)
    with app.test_request_context():
        assert [r.name for r in reason_admin.offered_for(waste.id)] == ["Poor work", "Missed bin", "Late", "Rude"]
        assert [r.id for r in reason_admin.offered_for(None)] == [poor.id, late.id, rude.id]
    assert bins.id


def test_saving_audits_each_field_from_and_to_and_a_change_without_difference_records_nothing(app, session, make):
    actor = make.user(Role.ADMIN)
    session.commit()
    with app.test_request_context():
        reason = reason_admin.save(None, actor, name=" Missed bin ", name_cy="Bin", category=CaseReason.TIMELINESS,
                                   service_id=None, active=True, sort_order=3)
        reason_admin.save(reason, actor, name="Missed bin", name_cy="Bin wedi'i fethu", category=CaseReason.TIMELINESS,
                          service_id=None, active=False, sort_order=3)
        reason_admin.save(reason, actor, name="Missed bin", name_cy="Bin wedi'i fethu", category=CaseReason.TIMELINESS,
                          service_id=None, active=False, sort_order=3)
        history = reason_admin.history(reason.id)
    assert [change.action for change in history] == ["reason.changed", "reason.created"]
    assert history[1].changes["name"] == [None, "Missed bin"]
    assert history[1].changes["category"] == [None, "timeliness"]
    assert history[0].changes == {"name_cy": ["Bin", "Bin wedi'i fethu"], "active": [True, False]}


def test_a_name_is_unique_whatever_its_case_and_a_category_on_cases_is_fixed(app, session, make):
    actor = make.user(Role.ADMIN)
    service = make.service()
    reason = _reason(session)
    make.case(None, service, reason=CaseReason.STAFF_ATTITUDE, reason_detail_id=reason.id)
    session.commit()
    with app.test_request_context(), pytest.raises(reason_admin.NameTaken):
        reason_admin.save(None, actor, name="RUDE OR UNHELPFUL STAFF", name_cy="x", category=CaseReason.POLICY,
                          service_id=None, active=True, sort_order=1)
    with app.test_request_context(), pytest.raises(reason_admin.CategoryInUse):
        reason_admin.save(reason_admin.get(reason.id), actor, name=reason.name, name_cy="x",
                          category=CaseReason.POLICY, service_id=None, active=True, sort_order=1)
    assert session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "complaint_reason")).all() == []


def test_demo_defaults_are_a_few_per_category_and_skip_services_a_council_lacks(app, session, make):
    waste = make.service(slug="waste-recycling", name="Waste and recycling")
    session.commit()
    with app.test_request_context():
        added = reason_admin.load_defaults({"waste-recycling": waste})
    categories = {category: [r for r in added if r.category is category] for category in CaseReason}
    assert all(len(found) >= 3 for found in categories.values())
    assert {r.name for r in added if r.service_id == waste.id} == {"Missed bin collection"}
    assert "Repair not done or not fixed" not in {r.name for r in added}
    assert all(r.name_cy and r.name_cy != r.name for r in added)


# --- the pages ---------------------------------------------------------------------------------


def test_an_admin_adds_a_reason_and_sees_it_listed_under_its_category(admin, session, make):
    waste = make.service(name="Waste and recycling")
    session.commit()
    response = admin.submit("/staff/admin/reasons/new", {**NEW, "service": str(waste.id)})
    assert response.status_code == 302
    reason = session.scalars(select(ComplaintReason)).one()
    assert (reason.category, reason.service_id, reason.sort_order, reason.active) == (
        CaseReason.QUALITY_OF_SERVICE, waste.id, 10, True)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "reason.created")).one()
    assert (event.actor_id, event.subject_id) == (admin.person.id, reason.id)
    page = admin.get("/staff/admin/reasons").get_data(as_text=True)
    quality = page.index("Quality of service</caption>")
    assert quality < page.index("Missed bin collection</a>") < page.index("Timeliness</caption>")
    assert "Waste and recycling" in page and "No reasons in this category yet." in page


def test_editing_shows_who_changed_what_from_and_to_and_stopping_offering_keeps_it_listed(admin, session, make):
    waste = make.service(name="Waste and recycling")
    reason = _reason(session, "Missed bin collection", CaseReason.QUALITY_OF_SERVICE)
    response = admin.submit(f"/staff/admin/reasons/{reason.id}", {
        **NEW, "category": "timeliness", "service": str(waste.id), "active": ""})
    assert response.status_code == 302
    session.refresh(reason)
    assert (reason.category, reason.service_id, reason.active) == (CaseReason.TIMELINESS, waste.id, False)
    page = admin.get(f"/staff/admin/reasons/{reason.id}").get_data(as_text=True)
    assert "Alex Admin" in page
    assert "Quality of service → Timeliness" in page
    assert "All services → Waste and recycling" in page
    assert "Offered → Not offered" in page
    listing = admin.get("/staff/admin/reasons").get_data(as_text=True)
    assert "No longer offered" in listing


def test_a_reason_on_cases_shows_its_category_fixed_and_says_why(admin, session, make):
    service = make.service()
    reason = _reason(session)
    make.case(None, service, reason=CaseReason.STAFF_ATTITUDE, reason_detail_id=reason.id)
    session.commit()
    page = admin.get(f"/staff/admin/reasons/{reason.id}").get_data(as_text=True)
    assert 'name="category"' not in page
    assert "1 case records this reason, so its category cannot change" in page
    # A category posted anyway is ignored: the rest is saved.
    response = admin.submit(f"/staff/admin/reasons/{reason.id}", {
        **NEW, "name": reason.name, "category": "policy", "sort_order": "7"})
    assert response.status_code == 302
    session.refresh(reason)
    assert (reason.category, reason.sort_order) == (CaseReason.STAFF_ATTITUDE, 7)


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Enter the reason"),
    ({"name_cy": "x" * 121}, "Welsh name must be 120 characters or fewer"),
    ({"category": "other"}, "Select the report category the reason belongs to"),
    ({"service": "99999"}, "Select the service the reason is for, or all services"),
    ({"sort_order": "first"}, "The place in the list must be a whole number from 0 to 9999"),
    ({"sort_order": ""}, "place in the list, as a whole number"),
])
def test_mistakes_are_shown_and_what_was_typed_stays(admin, session, changes, message):
    response = admin.submit("/staff/admin/reasons/new", {**NEW, **changes, "name_cy": changes.get("name_cy", "Cadw hwn")})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body
    assert ("Cadw hwn" in body) or "name_cy" in changes  # kept
    if "sort_order" in changes and changes["sort_order"]:
        assert 'value="first"' in body
    assert session.scalars(select(ComplaintReason)).first() is None
    assert session.scalars(select(AuditEvent)).first() is None


def test_a_name_in_use_is_refused(admin, session):
    _reason(session, "Missed bin collection")
    response = admin.submit("/staff/admin/reasons/new", {**NEW, "name": "missed bin collection"})
    assert response.status_code == 400
    assert "Another reason already has this name" in response.get_data(as_text=True)
    assert len(session.scalars(select(ComplaintReason)).all()) == 1


def test_a_reason_that_is_not_there_is_not_found(admin):
    assert admin.get("/staff/admin/reasons/999").status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.AGENT, Role.RESPONDER])
def test_only_admins_reach_the_reason_pages(app, session, make, role):
    client = app.test_client()
    quick_sign_in(client, session, make.user(role, **({"service_id": make.service().id} if role is Role.RESPONDER else {})))
    reason = _reason(session)
    for url in ("/staff/admin/reasons", "/staff/admin/reasons/new", f"/staff/admin/reasons/{reason.id}"):
        assert client.get(url).status_code == 403
    assert client.post(f"/staff/admin/reasons/{reason.id}", data=NEW).status_code in {400, 403}
    session.refresh(reason)
    assert reason.name == "Rude or unhelpful staff"
