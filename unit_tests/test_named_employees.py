"""Employees a staff attitude complaint names: recorded at triage (with GOV.UK errors that keep what
was typed), added, corrected and removed from the staff case page (each audited), and never shown to
residents, representatives, councillors, agents or responders, nor in the resident's data export."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.domain.enums import CaseReason, CaseStatus, RepresentativeKind, Role
from shared.domain.named_employees import name_key
from shared.models import AuditEvent, NamedEmployee
from unit_tests import strict_client
from unit_tests.test_route_access import quick_sign_in
from unit_tests.test_triage import complaint_answers, page, reload

SECRET = "Zebedee Quartermain"  # a name that appears nowhere else in the application


@pytest.fixture
def world(make):
    service = make.service(name="Waste and recycling")
    other_service = make.service(name="Housing repairs")
    resident = make.user(Role.RESIDENT, full_name="Jane Williams")
    case = make.case(resident, service, what_happened="Bins missed. Crew rude.", outcome_wanted="Apologise.")
    return {"service": service, "other_service": other_service, "resident": resident, "case": case}


def _signed_in(client, session, make, role: Role, **fields):
    user = make.user(role, **fields)
    quick_sign_in(client, session, user)
    return user


def _named(session, case) -> list[NamedEmployee]:
    session.expire_all()
    return list(session.scalars(select(NamedEmployee).where(NamedEmployee.case_id == case.id).order_by(NamedEmployee.id)))


def _audits(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_names_are_compared_without_case_spaces_or_punctuation():
    assert name_key("  Jo   BLOGGS. ") == name_key("jo bloggs") == name_key("Jo-Bloggs") == "jo bloggs"
    assert name_key("O'Neill") == name_key("ONeill")
    assert name_key("Jo Bloggs") != name_key("Jo Blogs")
    assert name_key(" . ") == ""


# --- at triage ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER])
def test_triage_records_the_employees_a_staff_attitude_complaint_names(client, session, make, world, role,
                                                                        monkeypatch):
    actor = _signed_in(client, session, make, role)
    driver = make.user(Role.RESPONDER, full_name="Pat Driver", service_id=world["service"].id)
    url = f"/staff/cases/{world['case'].reference}/triage/complaint"
    form = page(client.get(url))
    assert "Employees the complaint names" in form and 'name="employee_3_name"' in form
    assert f'<option value="{driver.id}">Pat Driver</option>' in form
    # The POST: each employee is checked (service, staff user, not named twice), inserted and audited.
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 16)
    response = client.submit(url, complaint_answers(
        world, employee_1_name="  Sam   the driver ", employee_1_service=str(world["service"].id),
        employee_1_user=str(driver.id),
        employee_2_name="The receptionist", employee_2_service=str(world["other_service"].id)))
    assert response.status_code == 302
    rows = _named(session, world["case"])
    assert [(r.name, r.name_key, r.service_id, r.user_id, r.recorded_by_id) for r in rows] == [
        ("Sam the driver", "sam the driver", world["service"].id, driver.id, actor.id),
        ("The receptionist", "the receptionist", world["other_service"].id, None, actor.id),
    ]
    added = _audits(session, "named_employee.added")
    assert [(a.actor_id, a.subject_id, a.details["name"], a.details["case_reference"]) for a in added] == [
        (actor.id, rows[0].id, "Sam the driver", world["case"].reference),
        (actor.id, rows[1].id, "The receptionist", world["case"].reference),
    ]
    assert added[0].person_id == driver.id  # the staff user's own audit trail shows they were named
    assert reload(session, world["case"]).reason is CaseReason.STAFF_ATTITUDE


def test_a_complaint_naming_nobody_records_nobody(client, session, make, world):
    _signed_in(client, session, make, Role.OFFICER)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage/complaint", complaint_answers(world))
    assert response.status_code == 302
    assert _named(session, world["case"]) == [] and _audits(session, "named_employee.added") == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"employee_1_name": "Sam"}, "Select the service employee 1 works in"),
        ({"employee_2_service": "SERVICE"}, "Enter the name of employee 2"),
        ({"employee_1_name": "Sam", "employee_1_service": "SERVICE", "reason": CaseReason.TIMELINESS.value},
         "Only name employees when the complaint is mainly about staff attitude and behaviour"),
        ({"employee_1_name": "Sam Jones", "employee_1_service": "SERVICE",
          "employee_2_name": "sam  JONES.", "employee_2_service": "SERVICE"}, "Employee 2 is the same as employee 1"),
        ({"employee_1_name": "S" * 201, "employee_1_service": "SERVICE"},
         "The name of employee 1 must be 200 characters or fewer"),
        ({"employee_1_name": "Sam", "employee_1_service": "SERVICE", "employee_1_user": "999999"},
         "Select a member of staff from the list, or none"),
        ({"employee_1_name": "Sam", "employee_1_service": "999999"}, "Select the service employee 1 works in"),
    ],
)
def test_wrong_employee_answers_are_govuk_errors_that_keep_what_was_typed(client, session, make, world, changes,
                                                                          message):
    _signed_in(client, session, make, Role.OFFICER)
    answers = complaint_answers(world, **{k: (str(world["service"].id) if v == "SERVICE" else v)
                                          for k, v in changes.items()})
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage/complaint", answers)
    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body and message in body
    for key, value in changes.items():
        if key.endswith("_name"):
            assert f'value="{value}"' in body
    assert "Lives alone and uses a wheelchair." in body  # the rest of the form is kept too
    assert _named(session, world["case"]) == []
    assert reload(session, world["case"]).status is CaseStatus.RECEIVED  # nothing recorded


def test_choosing_a_member_of_staff_is_checked_within_the_post_query_budget(client, session, make, world, monkeypatch):
    # Choosing a staff user reads the staff list on the POST too (its one extra query).
    _signed_in(client, session, make, Role.OFFICER)
    driver = make.user(Role.AGENT, full_name="Pat Driver")
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 12)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage/complaint", complaint_answers(
        world, employee_1_name="Pat", employee_1_service=str(world["service"].id), employee_1_user=str(driver.id)))
    assert response.status_code == 302
    assert [r.user_id for r in _named(session, world["case"])] == [driver.id]


def test_a_resident_cannot_be_linked_as_a_named_employee(client, session, make, world):
    _signed_in(client, session, make, Role.OFFICER)
    response = client.submit(f"/staff/cases/{world['case'].reference}/triage/complaint", complaint_answers(
        world, employee_1_name="Jane", employee_1_service=str(world["service"].id),
        employee_1_user=str(world["resident"].id)))
    assert response.status_code == 400
    assert "Select a member of staff from the list, or none" in page(response)
    assert _named(session, world["case"]) == []


def test_the_contact_centre_triages_without_naming_employees(client, session, make, world):
    _signed_in(client, session, make, Role.AGENT)
    url = f"/staff/cases/{world['case'].reference}/triage/complaint"
    assert "employee_1_name" not in page(client.get(url))
    response = client.submit(url, complaint_answers(world, employee_1_name=SECRET,
                                                    employee_1_service=str(world["service"].id)))
    assert response.status_code == 302
    assert _named(session, world["case"]) == []


# --- on the case page, afterwards ------------------------------------------------------------------------


@pytest.fixture
def complaint(make, world):
    return make.case(world["resident"], world["service"], status=CaseStatus.WITH_TEAM, reason=CaseReason.STAFF_ATTITUDE)


def _add(client, case, **fields):
    return client.submit(f"/staff/cases/{case.reference}/named-employees/new", fields)


def test_the_team_adds_corrects_and_removes_a_named_employee_each_audited(client, session, make, world, complaint):
    officer = _signed_in(client, session, make, Role.OFFICER)
    case_page = page(client.get(f"/staff/cases/{complaint.reference}"))
    assert "No employee is recorded as named by this complaint." in case_page
    assert f'href="/staff/cases/{complaint.reference}/named-employees/new"' in case_page

    added = _add(client, complaint, name=SECRET, service=str(world["service"].id))
    assert added.status_code == 302 and added.location.endswith(f"/staff/cases/{complaint.reference}#named-employees")
    (row,) = _named(session, complaint)
    assert (row.name, row.service_id, row.user_id) == (SECRET, world["service"].id, None)
    case_page = page(client.get(f"/staff/cases/{complaint.reference}"))  # the strict client: ≤ 10 queries
    assert SECRET in case_page and "Waste and recycling" in case_page

    edit_url = f"/staff/cases/{complaint.reference}/named-employees/{row.id}"
    assert f'value="{SECRET}"' in page(client.get(edit_url))
    corrected = client.submit(edit_url, {"name": "Zebedee Quartermaine", "service": str(world["other_service"].id),
                                         "user": str(officer.id)})
    assert corrected.status_code == 302
    (row,) = _named(session, complaint)
    assert (row.name, row.name_key, row.service_id, row.user_id) == (
        "Zebedee Quartermaine", "zebedee quartermaine", world["other_service"].id, officer.id)
    (audit,) = _audits(session, "named_employee.corrected")
    assert audit.details["before"] == {"name": SECRET, "service_id": world["service"].id, "user_id": None}
    assert audit.details["name"] == "Zebedee Quartermaine" and audit.actor_id == officer.id

    row_id = row.id
    removed = client.submit(f"{edit_url}/remove", {}, form_url=f"/staff/cases/{complaint.reference}")
    assert removed.status_code == 302 and _named(session, complaint) == []
    (audit,) = _audits(session, "named_employee.removed")
    assert audit.details["name"] == "Zebedee Quartermaine" and audit.subject_id == row_id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  ", "service": "SERVICE"}, "Enter the name of the employee"),
        ({"name": "Sam Jones", "service": ""}, "Select the service the employee works in"),
        ({"name": "Sam Jones", "service": "SERVICE", "user": "999999"}, "Select a member of staff from the list, or none"),
        ({"name": "sam jones.", "service": "SERVICE"}, "This employee is already named on this case"),
    ],
)
def test_the_case_page_form_shows_govuk_errors_and_keeps_what_was_typed(client, session, make, world, complaint,
                                                                        fields, message):
    _signed_in(client, session, make, Role.MANAGER)
    assert _add(client, complaint, name="Sam Jones", service=str(world["service"].id)).status_code == 302
    response = _add(client, complaint, **{k: str(world["service"].id) if v == "SERVICE" else v for k, v in fields.items()})
    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body and message in body
    if fields["name"].strip():
        assert f'value="{fields["name"]}"' in body
    assert len(_named(session, complaint)) == 1


def test_only_staff_attitude_complaints_name_employees(client, session, make, world):
    _signed_in(client, session, make, Role.OFFICER)
    other = make.case(world["resident"], world["service"], status=CaseStatus.WITH_TEAM, reason=CaseReason.TIMELINESS)
    assert client.get(f"/staff/cases/{other.reference}/named-employees/new").status_code == 404
    assert "Employees the complaint names" not in page(client.get(f"/staff/cases/{other.reference}"))


def test_an_employee_of_another_case_is_not_found(client, session, make, world, complaint):
    _signed_in(client, session, make, Role.OFFICER)
    _add(client, complaint, name=SECRET, service=str(world["service"].id))
    (row,) = _named(session, complaint)
    elsewhere = make.case(world["resident"], world["service"], status=CaseStatus.WITH_TEAM,
                          reason=CaseReason.STAFF_ATTITUDE)
    assert client.get(f"/staff/cases/{elsewhere.reference}/named-employees/{row.id}").status_code == 404


@pytest.mark.parametrize("role", [Role.AGENT, Role.RESPONDER, Role.ADMIN, Role.RESIDENT, Role.COUNCILLOR])
def test_other_roles_cannot_reach_the_named_employee_pages(client, session, make, world, complaint, role):
    _signed_in(client, session, make, role, **({"service_id": world["service"].id} if role is Role.RESPONDER else {}))
    assert client.get(f"/staff/cases/{complaint.reference}/named-employees/new").status_code == 403


# --- privacy: nobody outside the complaints team sees the names -------------------------------------------


def test_names_never_reach_residents_representatives_councillors_exports_or_other_staff(app, client, session, make,
                                                                                        world, complaint):
    officer = make.user(Role.OFFICER)
    quick_sign_in(client, session, officer)
    assert _add(client, complaint, name=SECRET, service=str(world["service"].id),
                user=str(officer.id)).status_code == 302
    assert SECRET in page(client.get(f"/staff/cases/{complaint.reference}"))  # the test can see it when shown

    relative = make.user(Role.RESIDENT, full_name="Ray Relative")
    councillor = make.user(Role.COUNCILLOR, full_name="Cllr Cara")
    make.representative(complaint, relative)
    make.representative(complaint, councillor, kind=RepresentativeKind.COUNCILLOR)

    def bodies(user, urls):
        browser = app.test_client()
        quick_sign_in(browser, session, user)
        return {url: page(browser.get(url)) for url in urls}

    seen = {
        **bodies(world["resident"], ["/cases", f"/cases/{complaint.reference}", "/your-data", "/your-data/download"]),
        **{f"relative {url}": body for url, body in bodies(relative, ["/cases", f"/cases/{complaint.reference}"]).items()},
        **{f"councillor {url}": body for url, body in bodies(
            councillor, ["/councillor", f"/councillor/enquiries/{complaint.reference}", f"/cases/{complaint.reference}",
                         "/councillor/ward"]).items()},
        **{f"agent {url}": body for url, body in bodies(make.user(Role.AGENT), [f"/staff/cases/{complaint.reference}"]).items()},
        **{f"responder {url}": body for url, body in bodies(
            make.user(Role.RESPONDER, service_id=world["service"].id), [f"/staff/cases/{complaint.reference}"]).items()},
    }
    # The resident and their representative do see the case itself.
    assert f"Case {complaint.reference}" in seen[f"/cases/{complaint.reference}"]
    assert f"Case {complaint.reference}" in seen[f"relative /cases/{complaint.reference}"]
    for where, body in seen.items():
        assert SECRET not in body, where
        assert "Quartermain" not in body, where
