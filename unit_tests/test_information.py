"""Requests for information: asking a service, the task list, answering, reminders, the case panel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.clock import utcnow
from shared.domain.enums import EventType, Role
from shared.models import CaseEvent, InformationRequest, OutboxMessage
from unit_tests.test_route_access import quick_sign_in

MONDAY_14_DEC = "2026-12-14T10:00"  # five working days on: Monday 21 December 2026


@pytest.fixture
def team(app, make):
    clock.set_now(MONDAY_14_DEC)
    service = make.service("bins", "Waste and recycling")
    other = make.service("parks", "Parks")
    resident = make.user(Role.RESIDENT, full_name="Jane Resident")
    return {
        "service": service,
        "other": other,
        "resident": resident,
        "case": make.case(resident, service, what_happened="A secret about my neighbour."),
        "officer": make.user(Role.OFFICER, full_name="Olive Officer"),
        "manager": make.user(Role.MANAGER),
        "agent": make.user(Role.AGENT),
        "admin": make.user(Role.ADMIN),
        "responder": make.user(Role.RESPONDER, service_id=service.id, full_name="Rita Responder"),
        "colleague": make.user(Role.RESPONDER, service_id=service.id, full_name="Carl Colleague"),
        "disabled": make.user(Role.RESPONDER, service_id=service.id, disabled_at=utcnow()),
        "outsider": make.user(Role.RESPONDER, service_id=other.id, full_name="Pat Parks"),
    }


def client_for(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


def ask_url(team) -> str:
    return f"/staff/cases/{team['case'].reference}/information/new"


def ask(client, team, **fields):
    data = {"question": "When was the bin last emptied?", "service": str(team["service"].id), "responder": "",
            "due_on": ["21", "12", "2026"], **fields}
    token = client.csrf_token(ask_url(team))
    return client.post(ask_url(team), data={"csrf_token": token, **data})


def add_request(session, team, *, due_on=date(2026, 12, 21), responder=None, service=None, **fields):
    request = InformationRequest(
        case_id=team["case"].id, stage=1, service_id=(service or team["service"]).id,
        responder_id=responder.id if responder else None, requested_by_id=team["officer"].id,
        question=fields.pop("question", "What happened on the day?"), due_on=due_on, requested_at=utcnow(), **fields,
    )
    session.add(request)
    session.commit()
    return request


def messages(session, template: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)))


def requests(session) -> list[InformationRequest]:
    session.expire_all()
    return list(session.scalars(select(InformationRequest).order_by(InformationRequest.id)))


# --- asking --------------------------------------------------------------------------------------


def test_the_case_page_links_to_the_ask_page_for_the_complaints_team(app, session, team):
    reference = team["case"].reference
    for who in ("officer", "manager"):
        page = client_for(app, session, team[who]).get(f"/staff/cases/{reference}").get_data(as_text=True)
        assert "Requests for information" in page and f'href="{ask_url(team)}"' in page
    for who in ("agent", "responder"):
        page = client_for(app, session, team[who]).get(f"/staff/cases/{reference}").get_data(as_text=True)
        assert "Requests for information" in page and ask_url(team) not in page


def test_the_ask_page_suggests_five_working_days_and_the_case_service(app, session, team):
    page = client_for(app, session, team["officer"]).get(ask_url(team)).get_data(as_text=True)
    assert "Five working days from today is 21 December 2026" in page
    assert f'<option selected value="{team["service"].id}">' in page or \
        f'<option value="{team["service"].id}" selected>' in page
    assert "Rita Responder (Waste and recycling)" in page and "Pat Parks (Parks)" in page


@pytest.mark.parametrize("who", ["agent", "responder", "admin", "resident"])
def test_only_the_complaints_team_may_ask(app, session, team, who):
    assert client_for(app, session, team[who]).get(ask_url(team)).status_code == 403


def test_asking_a_named_responder(app, session, team):
    client = client_for(app, session, team["officer"])
    response = ask(client, team, responder=str(team["responder"].id))
    assert response.status_code == 302 and response.location.endswith(f"/staff/cases/{team['case'].reference}")
    [saved] = requests(session)
    assert (saved.service_id, saved.responder_id, saved.due_on) == (team["service"].id, team["responder"].id, date(2026, 12, 21))
    assert saved.requested_by_id == team["officer"].id and saved.answered_at is None
    note = session.scalar(select(CaseEvent).where(CaseEvent.case_id == team["case"].id, CaseEvent.type == EventType.NOTE_ADDED))
    assert note is not None and not note.public
    assert "When was the bin last emptied?" in note.details["text"] and "21 December 2026" in note.details["text"]
    [mail] = messages(session, "information_requested")
    assert mail.recipient == team["responder"].email
    assert team["case"].reference in mail.subject + mail.body and "21 December 2026" in mail.body
    assert f"/staff/information/{saved.id}" in mail.body
    # No complaint text, and not even the question, leaves the back office by email.
    assert "secret" not in mail.body and "bin last emptied" not in mail.body
    page = client.get(f"/staff/cases/{team['case'].reference}").get_data(as_text=True)
    assert "When was the bin last emptied?" in page and "Waiting for an answer" in page


def test_asking_nobody_in_particular_tells_every_active_responder_of_the_service(app, session, team):
    assert ask(client_for(app, session, team["manager"]), team).status_code == 302
    recipients = {m.recipient for m in messages(session, "information_requested")}
    assert recipients == {team["responder"].email, team["colleague"].email}


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (["14", "12", "2026"], "The date the answer is due must be in the future"),
        (["11", "12", "2026"], "The date the answer is due must be in the future"),
        (["19", "12", "2026"], "The date the answer is due must be a working day"),
        (["25", "12", "2026"], "The date the answer is due must be a working day"),
        (["31", "2", "2027"], "The date the answer is due must be a real date"),
        (["", "1", "2027"], "The date the answer is due must include a day"),
        (["", "", ""], "Enter the date the answer is due"),
    ],
)
def test_due_date_rules_keep_what_was_typed(app, session, team, due, message):
    response = ask(client_for(app, session, team["officer"]), team, question="Typed question kept", due_on=due)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in body and message in body and "Typed question kept" in body
    assert requests(session) == [] and messages(session, "information_requested") == []


def test_the_question_is_required(app, session, team):
    response = ask(client_for(app, session, team["officer"]), team, question="  ")
    assert response.status_code == 400 and "Enter the question for the service" in response.get_data(as_text=True)


def test_a_responder_of_another_service_is_refused(app, session, team):
    response = ask(client_for(app, session, team["officer"]), team, question="Keep me", responder=str(team["outsider"].id))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Select a responder who works for the service you are asking" in body and "Keep me" in body
    assert requests(session) == []
    # The same responder is fine when their own service is asked.
    ok = ask(client_for(app, session, team["officer"]), team, service=str(team["other"].id),
             responder=str(team["outsider"].id))
    assert ok.status_code == 302 and requests(session)[0].service_id == team["other"].id


def test_an_unknown_case_is_not_found(app, session, team):
    assert client_for(app, session, team["officer"]).get("/staff/cases/RDR-0000-0000/information/new").status_code == 404


# --- the case panel ------------------------------------------------------------------------------


def test_the_case_page_shows_several_requests_within_the_query_limit(app, session, team):
    add_request(session, team, responder=team["responder"], question="First question")
    add_request(session, team, service=team["other"], question="Second question", due_on=date(2026, 12, 1))
    add_request(session, team, question="Third question", answer="Here is the answer", answered_at=utcnow(),
                answered_by_id=team["responder"].id)
    response = client_for(app, session, team["officer"]).get(f"/staff/cases/{team['case'].reference}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert int(response.headers["X-Redress-Queries"]) <= 10  # the strict client enforces this too
    for text in ("First question", "Second question", "Third question", "Here is the answer", "Rita Responder",
                 "Parks", "Overdue", "Answered"):
        assert text in body


# --- the task list -------------------------------------------------------------------------------


def test_responders_see_their_services_open_requests_named_to_them_or_nobody(app, session, team):
    mine = add_request(session, team, responder=team["responder"], question="q1", due_on=date(2026, 12, 18))
    anyone = add_request(session, team, question="q2", due_on=date(2026, 12, 10))
    add_request(session, team, responder=team["colleague"], question="q3")
    add_request(session, team, service=team["other"], question="q4")
    add_request(session, team, question="q5", answer="done", answered_at=utcnow(), answered_by_id=team["responder"].id)
    body = client_for(app, session, team["responder"]).get("/staff/tasks").get_data(as_text=True)
    assert "2 open requests for information" in body
    links = [f'href="/staff/information/{r.id}"' for r in (anyone, mine)]
    assert all(link in body for link in links)
    assert body.index(links[0]) < body.index(links[1])  # oldest due first
    assert "Overdue" in body
    everything = client_for(app, session, team["officer"]).get("/staff/tasks").get_data(as_text=True)
    assert "4 open requests for information" in everything


def test_the_task_list_is_paginated(app, session, team):
    for n in range(51):
        add_request(session, team, question=f"q{n}")
    client = client_for(app, session, team["manager"])
    first = client.get("/staff/tasks").get_data(as_text=True)
    assert "51 open requests" in first and "/staff/tasks?page=2" in first
    assert client.get("/staff/tasks?page=2").status_code == 200


@pytest.mark.parametrize(("who", "status"), [("agent", 403), ("admin", 403), ("resident", 403)])
def test_the_task_list_is_refused_to_other_roles(app, session, team, who, status):
    assert client_for(app, session, team[who]).get("/staff/tasks").status_code == status


def test_the_navigation_and_home_page_show_tasks_to_responders(app, session, team):
    add_request(session, team, responder=team["responder"])
    add_request(session, team, service=team["other"])
    home = client_for(app, session, team["responder"]).get("/staff/").get_data(as_text=True)
    assert 'href="/staff/tasks"' in home and "Open requests for information" in home
    assert '<p class="govuk-heading-xl govuk-!-margin-bottom-2">1</p>' in home
    agent_home = client_for(app, session, team["agent"]).get("/staff/").get_data(as_text=True)
    assert 'href="/staff/tasks"' not in agent_home


# --- answering -----------------------------------------------------------------------------------


def answer(client, request_id: int, text: str):
    url = f"/staff/information/{request_id}"
    return client.post(url, data={"csrf_token": client.csrf_token("/staff/tasks"), "answer": text})


def test_a_responder_answers_once(app, session, team):
    request = add_request(session, team, responder=team["responder"], question="Was the road closed?")
    client = client_for(app, session, team["responder"])
    page = client.get(f"/staff/information/{request.id}").get_data(as_text=True)
    assert "Was the road closed?" in page and team["case"].reference in page

    empty = answer(client, request.id, "   ")
    assert empty.status_code == 400 and "Enter the answer" in empty.get_data(as_text=True)

    done = answer(client, request.id, "Yes, for resurfacing.")
    assert done.status_code == 302 and done.location.endswith("/staff/tasks")
    [saved] = requests(session)
    assert saved.answer == "Yes, for resurfacing." and saved.answered_at is not None
    assert saved.answered_by_id == team["responder"].id
    notes = session.scalars(select(CaseEvent).where(CaseEvent.case_id == team["case"].id,
                                                    CaseEvent.type == EventType.NOTE_ADDED)).all()
    assert any("Yes, for resurfacing." in n.details["text"] for n in notes)

    again = answer(client, request.id, "A second answer typed")
    body = again.get_data(as_text=True)
    assert again.status_code == 409 and "This request has already been answered" in body
    assert "A second answer typed" in body
    assert requests(session)[0].answer == "Yes, for resurfacing."
    assert "Yes, for resurfacing." in client.get(f"/staff/information/{request.id}").get_data(as_text=True)
    assert f'href="/staff/information/{request.id}"' not in client.get("/staff/tasks").get_data(as_text=True)

    case_page = client_for(app, session, team["officer"]).get(f"/staff/cases/{team['case'].reference}")
    assert "Yes, for resurfacing." in case_page.get_data(as_text=True)


@pytest.mark.parametrize("who", ["officer", "manager", "colleague"])
def test_the_team_and_colleagues_in_the_service_may_answer(app, session, team, who):
    request = add_request(session, team, responder=team["responder"])
    client = client_for(app, session, team[who])
    assert client.get(f"/staff/information/{request.id}").status_code == 200
    assert answer(client, request.id, "Answered.").status_code == 302


def test_responders_for_another_service_get_not_found(app, session, team):
    request = add_request(session, team)
    client = client_for(app, session, team["outsider"])
    assert client.get(f"/staff/information/{request.id}").status_code == 404
    assert answer(client, request.id, "Not mine").status_code == 404
    assert requests(session)[0].answered_at is None
    assert client.get("/staff/information/999999").status_code == 404


@pytest.mark.parametrize("who", ["agent", "admin", "resident"])
def test_other_roles_cannot_open_a_request(app, session, team, who):
    request = add_request(session, team)
    assert client_for(app, session, team[who]).get(f"/staff/information/{request.id}").status_code == 403


# --- reminders -----------------------------------------------------------------------------------


def remind(app) -> str:
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_once_a_working_day_for_overdue_unanswered_requests(app, session, team):
    overdue = add_request(session, team, responder=team["responder"], due_on=date(2026, 12, 10))
    add_request(session, team, due_on=date(2026, 12, 11))  # nobody named: both active responders
    add_request(session, team, due_on=date(2026, 12, 14))  # due today: not late yet
    add_request(session, team, due_on=date(2026, 12, 1), answer="Done", answered_at=utcnow(),
                answered_by_id=team["responder"].id)

    assert "Reminded 2 overdue requests" in remind(app)
    sent = messages(session, "information_overdue")
    assert sorted(m.recipient for m in sent) == sorted([team["responder"].email, team["responder"].email,
                                                        team["colleague"].email])
    assert all(team["case"].reference in m.subject and "secret" not in m.body for m in sent)
    assert f"/staff/information/{overdue.id}" in sent[0].body
    assert requests(session)[0].reminded_at is not None

    # Again the same day, even later on: nothing more.
    clock.set_now("2026-12-14T17:30")
    assert "Reminded 0 overdue requests" in remind(app)
    assert len(messages(session, "information_overdue")) == 3

    # The next working day, the three overdue requests (today's is now late too) are reminded.
    clock.set_now("2026-12-15T09:00")
    assert "Reminded 3 overdue requests" in remind(app)
    assert "Reminded 0 overdue requests" in remind(app)


def test_reminders_skip_a_weekend_reminder_until_the_next_working_day(app, session, team):
    clock.set_now("2026-12-18T09:00")  # Friday
    add_request(session, team, responder=team["responder"], due_on=date(2026, 12, 16))
    assert "Reminded 1 " in remind(app)
    clock.set_now("2026-12-19T09:00")  # Saturday: no working day has passed
    assert "Reminded 0 " in remind(app)
    clock.set_now("2026-12-21T09:00")  # Monday
    assert "Reminded 1 " in remind(app)

