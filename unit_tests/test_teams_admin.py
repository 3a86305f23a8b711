"""Teams (issue 12): admins make named teams of officers, managers and responders, each handling
some services' cases; a case of those services offers the team's members first at allocation, and
"My team" in the case list is the cases of your teams' services. Teams never change who may see a
case. Every change is audited and shown as who, when, from → to."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.db import db
from shared.domain.enums import Role
from shared.models import AuditEvent, Team
from shared.services import team_admin
from unit_tests.test_route_access import quick_sign_in


@pytest.fixture
def world(make, session):
    waste, housing, parks = make.service(name="Waste"), make.service(name="Housing"), make.service(name="Parks")
    resident = make.user(Role.RESIDENT, full_name="Jane Williams")
    people = {
        "amy": make.user(Role.OFFICER, full_name="Amy Price"),
        "bo": make.user(Role.OFFICER, full_name="Bo Evans"),
        "cai": make.user(Role.MANAGER, full_name="Cai Jones"),
        "responder": make.user(Role.RESPONDER, full_name="Wyn Waste", service_id=waste.id),
        "agent": make.user(Role.AGENT, full_name="Ann Agent"),
    }
    session.commit()
    return {"waste": waste, "housing": housing, "parks": parks, "resident": resident, **people}


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()  # the strict client: ≤10 queries a page, one h1
    person = make.user(Role.ADMIN, full_name="Alex Admin")
    quick_sign_in(client, session, person)
    client.person = person
    return client


def _form(name, services, members, active=True, name_cy=""):
    return {"name": name, "name_cy": name_cy, "services": [str(s.id) for s in services],
            "members": [str(p.id) for p in members], **({"active": "y"} if active else {})}


def _team(session, name, services, members, active=True) -> Team:
    team = Team(name=name, services=list(services), members=list(members), active=active)
    session.add(team)
    session.commit()
    return team


def test_an_admin_adds_a_team_and_it_is_listed_with_its_services_people_and_open_cases(admin, session, make, world):
    make.case(world["resident"], world["waste"])
    make.case(world["resident"], world["housing"])
    session.commit()
    response = admin.submit("/staff/admin/teams/new", _form("Street scene", [world["waste"], world["parks"]],
                                                            [world["amy"], world["responder"]], name_cy="Golwg stryd"))
    assert response.status_code == 302
    team = session.scalars(select(Team)).one()
    assert (team.name, team.name_cy, team.active) == ("Street scene", "Golwg stryd", True)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "team.created")).one()
    assert (event.actor_id, event.subject_id) == (admin.person.id, team.id)
    assert event.details["changes"]["members"] == [None, "Amy Price, Wyn Waste"]
    assert event.details["changes"]["services"] == [None, "Parks, Waste"]
    body = admin.get("/staff/admin/teams").get_data(as_text=True)
    row = body[body.index(">Street scene</a>"):]
    row = row[:row.index("</tr>")]
    assert "Parks" in row and "Waste" in row and "Housing" not in row
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in row  # people
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in row  # the waste case


def test_the_form_offers_only_people_cases_are_allocated_to(admin, world):
    body = admin.get("/staff/admin/teams/new").get_data(as_text=True)
    assert "Amy Price" in body and "Cai Jones" in body and "Wyn Waste" in body
    assert "Service responder, Waste" in body
    assert "Ann Agent" not in body and "Alex Admin" not in body and "Jane Williams" not in body


def test_an_incomplete_or_duplicate_team_is_refused_keeping_what_was_typed(admin, session, world):
    _team(session, "Street scene", [world["waste"]], [])
    empty = admin.submit("/staff/admin/teams/new", {"name": "", "name_cy": "Tîm", "members": [str(world["bo"].id)]})
    assert empty.status_code == 400
    body = empty.get_data(as_text=True)
    assert "There is a problem" in body and "Enter the team's name" in body and "Select at least one service" in body
    assert 'value="Tîm"' in body and f'value="{world["bo"].id}" checked' in body
    clash = admin.submit("/staff/admin/teams/new", _form("street SCENE", [world["parks"]], [world["bo"]]))
    assert clash.status_code == 400
    assert "Another team already has this name" in clash.get_data(as_text=True)
    assert session.scalars(select(Team.name)).all() == ["Street scene"]
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "team.created")) is None


def test_editing_records_each_field_from_and_to_and_shows_the_history(admin, session, world):
    team = _team(session, "Street scene", [world["waste"]], [world["amy"]])
    response = admin.submit(f"/staff/admin/teams/{team.id}", _form("Street scene", [world["waste"], world["parks"]],
                                                                   [world["amy"], world["bo"]], active=False))
    assert response.status_code == 302
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "team.changed")).one()
    assert event.details["changes"] == {"active": [True, False], "services": ["Waste", "Parks, Waste"],
                                        "members": ["Amy Price", "Amy Price, Bo Evans"]}
    body = admin.get(f"/staff/admin/teams/{team.id}").get_data(as_text=True)
    assert "Alex Admin" in body
    assert ('<span class="govuk-!-font-weight-bold">People</span>: <span class="redress-pre-line" dir="auto">Amy Price</span> → '
            '<span class="redress-pre-line" dir="auto">Amy Price, Bo Evans</span>') in body
    assert '<span class="redress-pre-line" dir="auto">Yes</span> → <span class="redress-pre-line" dir="auto">No</span>' in body
    again = admin.submit(f"/staff/admin/teams/{team.id}", _form("Street scene", [world["waste"], world["parks"]],
                                                                [world["amy"], world["bo"]], active=False))
    assert again.status_code == 302
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "team.changed")).all()) == 1


def test_allocation_offers_the_members_of_the_teams_covering_the_service_first(app, session, make, world):
    _team(session, "Housing team", [world["housing"]], [world["cai"]])
    _team(session, "Street scene", [world["waste"]], [world["bo"], world["responder"]])
    _team(session, "Old team", [world["waste"]], [world["amy"]], active=False)
    case = make.case(world["resident"], world["waste"])
    session.commit()
    client = app.test_client()
    quick_sign_in(client, session, world["cai"])
    body = client.get(f"/staff/cases/{case.reference}/allocate").get_data(as_text=True)
    names = [name for name in ("Bo Evans", "Wyn Waste", "Amy Price", "Cai Jones") if name in body]
    assert sorted(names, key=body.index) == ["Bo Evans", "Wyn Waste", "Amy Price", "Cai Jones"]
    assert body.count("Street scene handles this service.") == 2
    assert "Housing team" not in body and "Old team" not in body


def test_my_team_is_the_cases_of_my_teams_services_or_every_case_for_someone_in_no_team(app, session, make, world):
    _team(session, "Street scene", [world["waste"], world["parks"]], [world["bo"]])
    _team(session, "Old housing team", [world["housing"]], [world["bo"]], active=False)
    waste = make.case(world["resident"], world["waste"])
    parks = make.case(world["resident"], world["parks"])
    housing = make.case(world["resident"], world["housing"])
    session.commit()
    client = app.test_client()
    quick_sign_in(client, session, world["bo"])
    body = client.get("/staff/cases?teams=mine&state=open").get_data(as_text=True)
    assert waste.reference in body and parks.reference in body and housing.reference not in body
    assert "My teams&#39; services" in body  # the filter is shown, and can be removed
    listing = client.get("/staff/cases").get_data(as_text=True)
    assert "teams=mine" in listing  # the "My team" saved view
    other = app.test_client()
    quick_sign_in(other, session, world["amy"])
    everything = other.get("/staff/cases?teams=mine&state=open").get_data(as_text=True)
    assert all(case.reference in everything for case in (waste, parks, housing))


def test_teams_do_not_widen_what_a_responder_sees(app, session, make, world):
    _team(session, "Everything", [world["waste"], world["housing"]], [world["responder"]])
    housing = make.case(world["resident"], world["housing"])
    session.commit()
    client = app.test_client()
    quick_sign_in(client, session, world["responder"])
    assert client.get(f"/staff/cases/{housing.reference}").status_code == 404
    assert housing.reference not in client.get("/staff/cases?teams=mine").get_data(as_text=True)


def test_a_team_s_members_are_only_those_cases_are_allocated_to(app, world):
    with app.test_request_context():
        def mine(thing):
            return db.session.get(type(thing), thing.id)

        team = team_admin.save(None, mine(world["cai"]), name="Mixed", name_cy=None, active=True,
                               services=[mine(world["waste"])], members=[mine(world["amy"]), mine(world["agent"])])
        assert [person.full_name for person in team.members] == ["Amy Price"]
