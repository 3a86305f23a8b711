"""Learning actions through the test client: who may do what, linking cases, "you said, we did"."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import CaseStatus, LearningStatus, Role
from shared.models import LearningAction, learning_action_cases
from unit_tests.test_route_access import quick_sign_in

MONDAY_14_DEC = "2026-12-14T10:00"


@pytest.fixture
def world(app, make):
    clock.set_now(MONDAY_14_DEC)
    service = make.service("bins", "Waste and recycling")
    other = make.service("parks", "Parks")
    resident = make.user(Role.RESIDENT, full_name="Jane Resident")
    return {
        "service": service,
        "other": other,
        "resident": resident,
        "case": make.case(resident, service, status=CaseStatus.CLOSED),
        "officer": make.user(Role.OFFICER, full_name="Olive Officer"),
        "manager": make.user(Role.MANAGER),
        "agent": make.user(Role.AGENT),
        "admin": make.user(Role.ADMIN),
        "responder": make.user(Role.RESPONDER, service_id=service.id),
        "other_responder": make.user(Role.RESPONDER, service_id=other.id),
    }


def make_action(session, service, *, status=LearningStatus.PLANNED, due_on=None, cases=(), **fields) -> LearningAction:
    action = LearningAction(title=fields.pop("title", "Add collection reminders"), description="", service_id=service.id,
                            status=status, due_on=due_on, published=fields.pop("published", False),
                            created_at=clock.utcnow(), **fields)
    session.add(action)
    session.flush()
    for case in cases:
        session.execute(learning_action_cases.insert().values(learning_action_id=action.id, case_id=case.id))
    session.commit()
    return action


def as_user(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


def fresh(session, action_id: int) -> LearningAction:
    session.expire_all()
    return session.get(LearningAction, action_id)


def linked_ids(session, action_id: int) -> set[int]:
    return set(session.scalars(select(learning_action_cases.c.case_id)
                               .where(learning_action_cases.c.learning_action_id == action_id)))


def date_parts(name: str, value: date) -> dict:
    return {name: [str(value.day), str(value.month), str(value.year)]}


# --- creating ----------------------------------------------------------------------------------------


def test_an_officer_adds_an_action_from_the_case_page_linked_to_the_case(app, session, world):
    client = as_user(app, session, world["officer"])
    reference = world["case"].reference
    case_page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert f"/staff/learning/new?case={reference}" in case_page
    form = client.get(f"/staff/learning/new?case={reference}").get_data(as_text=True)
    assert f'value="{world["service"].id}" selected' in form  # the case's service, prefilled
    response = client.submit(f"/staff/learning/new?case={reference}", {
        "title": "Remind crews about assisted collections", "description": "Briefing at the depot.",
        "service": str(world["service"].id), "owner": str(world["officer"].id),
        **date_parts("due_on", date(2027, 1, 29)), "status": "planned",
    })
    assert response.status_code == 302
    assert response.location.endswith(f"/staff/cases/{reference}")
    action = session.scalar(select(LearningAction).where(LearningAction.title == "Remind crews about assisted collections"))
    assert action.owner_id == world["officer"].id and action.due_on == date(2027, 1, 29)
    assert linked_ids(session, action.id) == {world["case"].id}
    # The case is closed, and the action is still shown on it.
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "Remind crews about assisted collections" in page


def test_a_standalone_action_needs_a_title_and_service_and_keeps_what_was_typed(app, session, world):
    client = as_user(app, session, world["manager"])
    response = client.submit("/staff/learning/new", {"title": "", "description": "Kept text",
                                                     "due_on": ["31", "2", "2027"], "status": "planned"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a title" in page and "Choose the service" in page and "The date must be a real date" in page
    assert "Kept text" in page and 'value="31"' in page
    assert session.scalar(select(LearningAction)) is None


def test_an_unknown_case_to_start_from_is_not_found(app, session, world):
    client = as_user(app, session, world["officer"])
    assert client.get("/staff/learning/new?case=RDR-0000-0000").status_code == 404


@pytest.mark.parametrize("who", ["agent", "responder", "admin"])
def test_only_the_complaints_team_adds_and_edits(app, session, world, who):
    action = make_action(session, world["service"])
    client = as_user(app, session, world[who])
    assert client.get("/staff/learning/new").status_code == 403
    assert client.get(f"/staff/learning/{action.id}/edit").status_code == 403
    assert client.get(f"/staff/learning/{action.id}").status_code == 200  # but everyone on the staff may read


# --- the list ----------------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_service_and_flags_overdue(app, session, world):
    make_action(session, world["service"], title="Late bins action", due_on=date(2026, 12, 1))
    make_action(session, world["service"], title="Finished late action", due_on=date(2026, 12, 1),
                status=LearningStatus.DONE)
    make_action(session, world["other"], title="Parks action", status=LearningStatus.IN_PROGRESS,
                due_on=date(2027, 3, 1))
    client = as_user(app, session, world["agent"])
    page = client.get("/staff/learning").get_data(as_text=True)
    assert "Late bins action" in page and "Parks action" in page and "3 learning actions" in page
    assert page.count(">Overdue</strong>") == 1  # done actions are never overdue
    by_service = client.get(f"/staff/learning?service={world['other'].id}").get_data(as_text=True)
    assert "Parks action" in by_service and "Late bins action" not in by_service
    by_status = client.get("/staff/learning?status=done").get_data(as_text=True)
    assert "Finished late action" in by_status and "Late bins action" not in by_status
    # Unknown filter values are ignored, not errors.
    assert client.get("/staff/learning?status=nonsense&service=x&page=99").status_code == 200


def test_the_list_is_paginated(app, session, world):
    for n in range(27):
        make_action(session, world["service"], title=f"Action number {n:02d}")
    client = as_user(app, session, world["officer"])
    first = client.get("/staff/learning").get_data(as_text=True)
    assert "27 learning actions in total" in first and "page=2" in first
    second = client.get("/staff/learning?page=2").get_data(as_text=True)
    assert second.count('href="/staff/learning/') - second.count('href="/staff/learning/new') == 2


# --- editing, status ---------------------------------------------------------------------------------


def test_completing_sets_completed_at_and_reopening_clears_it(app, session, world):
    action = make_action(session, world["service"])
    client = as_user(app, session, world["officer"])
    response = client.submit(f"/staff/learning/{action.id}/status", {"status": "done"}, form_url=f"/staff/learning/{action.id}")
    assert response.status_code == 302
    assert fresh(session, action.id).completed_at is not None
    client.submit(f"/staff/learning/{action.id}/status", {"status": "in_progress"}, form_url=f"/staff/learning/{action.id}")
    assert fresh(session, action.id).completed_at is None


def test_a_responder_updates_their_own_services_actions_only(app, session, world):
    own = make_action(session, world["service"])
    others = make_action(session, world["other"])
    client = as_user(app, session, world["responder"])
    assert 'name="status"' in client.get(f"/staff/learning/{own.id}").get_data(as_text=True)
    assert 'name="status"' not in client.get(f"/staff/learning/{others.id}").get_data(as_text=True)
    ok = client.submit(f"/staff/learning/{own.id}/status", {"status": "in_progress"}, form_url=f"/staff/learning/{own.id}")
    assert ok.status_code == 302 and fresh(session, own.id).status is LearningStatus.IN_PROGRESS
    refused = client.submit(f"/staff/learning/{others.id}/status", {"status": "done"}, form_url="/staff/learning")
    assert refused.status_code == 404 and fresh(session, others.id).status is LearningStatus.PLANNED
    # A responder never gets the full edit form.
    assert client.get(f"/staff/learning/{own.id}/edit").status_code == 403


def test_an_agent_cannot_change_the_status(app, session, world):
    action = make_action(session, world["service"])
    client = as_user(app, session, world["agent"])
    token = client.csrf_token("/staff/learning")
    assert client.post(f"/staff/learning/{action.id}/status", data={"csrf_token": token, "status": "done"}).status_code == 403


def test_an_empty_status_is_refused_on_the_page(app, session, world):
    action = make_action(session, world["service"])
    client = as_user(app, session, world["officer"])
    response = client.submit(f"/staff/learning/{action.id}/status", {}, form_url=f"/staff/learning/{action.id}")
    assert response.status_code == 400 and "Choose the status" in response.get_data(as_text=True)


def test_publishing_needs_the_public_text_and_keeps_what_was_typed(app, session, world):
    action = make_action(session, world["service"])
    client = as_user(app, session, world["manager"])
    response = client.submit(f"/staff/learning/{action.id}/edit", {
        "title": "Changed title", "service": str(world["service"].id), "status": "done",
        "you_said": "Bins were missed", "published": "y",
    })
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter what the council did before publishing" in page
    assert "Changed title" in page and "Bins were missed" in page
    assert fresh(session, action.id).title == "Add collection reminders"


def test_unknown_actions_are_not_found(app, session, world):
    client = as_user(app, session, world["officer"])
    assert client.get("/staff/learning/999999").status_code == 404
    assert client.get("/staff/learning/999999/edit").status_code == 404


# --- linking cases -----------------------------------------------------------------------------------


def test_linking_and_unlinking_cases_by_a_loosely_typed_reference(app, session, world, make):
    action = make_action(session, world["service"])
    second = make.case(world["resident"], world["other"])
    client = as_user(app, session, world["officer"])
    typed = second.reference.lower().replace("-", " ")
    response = client.submit(f"/staff/learning/{action.id}/cases", {"reference": typed},
                             form_url=f"/staff/learning/{action.id}")
    assert response.status_code == 302
    assert linked_ids(session, action.id) == {second.id}
    # Linking again changes nothing.
    client.submit(f"/staff/learning/{action.id}/cases", {"reference": second.reference}, form_url=f"/staff/learning/{action.id}")
    assert linked_ids(session, action.id) == {second.id}
    page = client.get(f"/staff/learning/{action.id}").get_data(as_text=True)
    assert second.reference in page
    response = client.submit(f"/staff/learning/{action.id}/cases/{second.reference}/remove", {},
                             form_url=f"/staff/learning/{action.id}")
    assert response.status_code == 302
    assert linked_ids(session, action.id) == set()
    # Unlinking a case that is not linked: not found.
    again = client.submit(f"/staff/learning/{action.id}/cases/{second.reference}/remove", {},
                          form_url=f"/staff/learning/{action.id}")
    assert again.status_code == 404


@pytest.mark.parametrize("typed", ["RDR-0000-0000", "not a reference"])
def test_an_unknown_reference_is_a_govuk_error_that_keeps_what_was_typed(app, session, world, typed):
    action = make_action(session, world["service"])
    client = as_user(app, session, world["officer"])
    response = client.submit(f"/staff/learning/{action.id}/cases", {"reference": typed},
                             form_url=f"/staff/learning/{action.id}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "There is no case with that reference" in page
    assert f'value="{typed}"' in page
    assert linked_ids(session, action.id) == set()


def test_a_responder_cannot_link_cases(app, session, world):
    action = make_action(session, world["service"])
    client = as_user(app, session, world["responder"])
    token = client.csrf_token(f"/staff/learning/{action.id}")
    response = client.post(f"/staff/learning/{action.id}/cases", data={"csrf_token": token,
                                                                        "reference": world["case"].reference})
    assert response.status_code == 403


# --- you said, we did --------------------------------------------------------------------------------


def test_only_published_done_actions_reach_the_public_page_newest_first(app, session, world, client):
    def publishable(title, **fields):
        return make_action(session, world["service"], title=title, you_said=f"{title} said", we_did=f"{title} did",
                           owner_id=world["officer"].id, cases=[world["case"]], **fields)

    publishable("Older", status=LearningStatus.DONE, published=True, completed_at=clock.utcnow().replace(month=11))
    publishable("Newer", status=LearningStatus.DONE, published=True, completed_at=clock.utcnow())
    publishable("Unpublished", status=LearningStatus.DONE, published=False, completed_at=clock.utcnow())
    publishable("Not done", status=LearningStatus.IN_PROGRESS, published=True)
    response = client.get("/you-said-we-did")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Newer said" in page and "Older did" in page
    assert page.index("Newer said") < page.index("Older said")
    assert "Unpublished" not in page and "Not done" not in page
    # No personal data: no case reference, owner or resident.
    for private in (world["case"].reference, "Olive Officer", "Jane Resident", "Add collection"):
        assert private not in page
    assert 'href="/you-said-we-did"' in client.get("/").get_data(as_text=True)  # in the footer


def test_publishing_through_the_edit_page(app, session, world, client):
    action = make_action(session, world["service"])
    staff_client = as_user(app, session, world["officer"])
    response = staff_client.submit(f"/staff/learning/{action.id}/edit", {
        "title": "Reminders", "service": str(world["service"].id), "status": "done",
        "you_said": "Crews forgot assisted collections.", "we_did": "We added a reminder to every round.",
        "published": "y",
    })
    assert response.status_code == 302
    saved = fresh(session, action.id)
    assert saved.published and saved.completed_at is not None
    assert "We added a reminder to every round." in client.get("/you-said-we-did").get_data(as_text=True)


def test_the_public_page_when_there_is_nothing_yet(client, world):
    assert "There is nothing to show yet." in client.get("/you-said-we-did").get_data(as_text=True)


def test_navigation_shows_learning_and_ombudsman_to_the_team_only(app, session, world):
    team = as_user(app, session, world["officer"]).get("/staff/").get_data(as_text=True)
    assert 'href="/staff/learning"' in team and 'href="/staff/ombudsman"' in team
    agent = as_user(app, session, world["agent"]).get("/staff/").get_data(as_text=True)
    assert 'href="/staff/ombudsman"' not in agent
