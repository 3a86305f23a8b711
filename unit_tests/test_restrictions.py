"""Unreasonable-behaviour restrictions (issue 7): the rules, the lifecycle with a frozen clock
(proposal → decision → letter → banner → review reminder → expiry), refusals, who sees what, and the
person's export."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from shared import clock
from shared.clock import utcnow
from shared.domain import restrictions as rules
from shared.domain.enums import (
    AdjustmentKind,
    CaseStatus,
    ConsentMethod,
    ContactMethod,
    EventType,
    MessageChannel,
    MessageDirection,
    RepresentativeKind,
    RestrictionCategory,
    RestrictionStatus,
    RestrictionType,
    Role,
)
from shared.domain.policy import can_see_restriction, can_see_restriction_details
from shared.domain.restrictions import Proposal, RestrictionInvalid, RestrictionRefused
from shared.models import Adjustment, AuditEvent, CaseEvent, CaseRepresentative, OutboxMessage, Restriction
from unit_tests.factories import sign_in
from unit_tests.test_route_access import quick_sign_in

MONDAY_14_DEC = "2026-12-14T10:00"
TODAY = date(2026, 12, 14)
BEHAVIOUR = "Between 1 and 11 December you phoned the contact centre 46 times and shouted at staff."
TERMS = "Phone calls on Tuesdays between 10am and 12 noon only."
DECISION_NOTE = "INTERNAL: checked with legal, proportionate."
EVIDENCE_NOTE = "Caller shouted and swore at the agent for twenty minutes."


# --- the rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 12, 14), 6, date(2027, 6, 14)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
])
def test_months_are_added_to_the_calendar_and_the_review_defaults_to_six(day, months, expected):
    assert rules.add_months(day, months) == expected
    assert rules.default_review_on(TODAY) == date(2027, 6, 14)


def _restriction(**fields) -> Restriction:
    defaults = {"status": RestrictionStatus.ACTIVE, "starts_on": TODAY, "review_on": date(2027, 6, 14),
                "ends_on": date(2027, 7, 14), "lifted_at": None}
    return Restriction(**{**defaults, **fields})


def test_a_restriction_applies_between_its_dates_only_and_ends_by_itself():
    restriction = _restriction()
    assert not rules.in_force(restriction, TODAY - timedelta(days=1))
    assert rules.in_force(restriction, TODAY)
    assert rules.in_force(restriction, date(2027, 7, 14))  # the end date itself still applies
    assert not rules.in_force(restriction, date(2027, 7, 15))
    assert rules.effective_status(restriction, date(2027, 7, 14)) is RestrictionStatus.ACTIVE
    assert rules.effective_status(restriction, date(2027, 7, 15)) is RestrictionStatus.EXPIRED
    assert not rules.in_force(_restriction(lifted_at=utcnow()), TODAY)
    assert not rules.in_force(_restriction(status=RestrictionStatus.PROPOSED), TODAY)
    assert rules.review_due(restriction, date(2027, 5, 31))
    assert not rules.review_due(restriction, date(2027, 5, 30))


def test_a_decision_needs_a_review_date_and_a_later_end_date():
    with pytest.raises(RestrictionInvalid) as missing:
        rules.check_dates(None, date(2027, 7, 1), TODAY)
    assert missing.value.field == "review_on"
    with pytest.raises(RestrictionInvalid) as before:
        rules.check_dates(date(2027, 6, 14), date(2027, 6, 14), TODAY)
    assert before.value.field == "ends_on"
    with pytest.raises(RestrictionInvalid):
        rules.check_dates(TODAY - timedelta(days=1), date(2027, 7, 1), TODAY)
    rules.check_dates(date(2027, 6, 14), date(2027, 6, 15), TODAY)


@pytest.mark.parametrize(("change", "field"), [
    ({"types": ()}, "types"),
    ({"types": (RestrictionType.LIMITED_PHONE,), "terms": " "}, "terms"),
    ({"types": (RestrictionType.SINGLE_POINT_OF_CONTACT,), "named_officer_id": None}, "named_officer"),
    ({"behaviour": ""}, "behaviour"),
    ({"event_ids": (), "message_ids": ()}, "events"),
])
def test_a_proposal_must_be_specific_and_evidenced(change, field):
    good = {"category": RestrictionCategory.ABUSIVE, "types": (RestrictionType.WRITTEN_ONLY,), "behaviour": "Shouting.",
            "terms": "", "named_officer_id": None, "event_ids": (1,), "message_ids": ()}
    rules.check_proposal(Proposal(**good))
    with pytest.raises(RestrictionInvalid) as refused:
        rules.check_proposal(Proposal(**{**good, **change}))
    assert refused.value.field == field


def test_who_sees_restrictions():
    class Viewer:
        id = 1
        service_id = None

        def __init__(self, role):
            self.role = role

    assert {r for r in Role if can_see_restriction(Viewer(r))} == {Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER}
    assert {r for r in Role if can_see_restriction_details(Viewer(r))} == {Role.OFFICER, Role.MANAGER}
    assert rules.may_decide(Role.MANAGER, 2, proposed_by_id=1)
    assert not rules.may_decide(Role.MANAGER, 1, proposed_by_id=1)
    assert not rules.may_decide(Role.OFFICER, 2, proposed_by_id=1)


# --- the world -------------------------------------------------------------------------------------------


@pytest.fixture
def world(app, make, session):
    clock.set_now(MONDAY_14_DEC)
    service = make.service("housing", "Housing repairs")
    resident = make.user(Role.RESIDENT, full_name="Rhian Jones", locale="cy", address="1 Stryd Fawr\nCaerdydd\nCF1 1AA",
                         preferred_contact=ContactMethod.EMAIL)
    case = make.case(resident, service, status=CaseStatus.WITH_TEAM, received_at=utcnow() - timedelta(days=20),
                     vulnerable=True, vulnerability_note="Recently bereaved.")
    officer = make.user(Role.OFFICER, full_name="Olive Officer")
    note = CaseEvent(case_id=case.id, type=EventType.NOTE_ADDED, at=utcnow() - timedelta(days=5), actor_id=officer.id,
                     to_status=CaseStatus.WITH_TEAM, public=False, details={"text": EVIDENCE_NOTE})
    session.add(note)
    session.add(Adjustment(person_id=resident.id, kind=AdjustmentKind.EXTRA_TIME, detail="Two extra weeks to reply",
                           recorded_at=utcnow()))
    session.commit()
    message_id, _ = make.message(app, case, direction=MessageDirection.IN, body="You are all useless, I will keep calling.")
    return {
        "service": service, "resident": resident, "case": case, "officer": officer, "note": note,
        "message_id": message_id,
        "manager": make.user(Role.MANAGER, full_name="Mina Manager"),
        "other_manager": make.user(Role.MANAGER, full_name="Max Manager"),
        "agent": make.user(Role.AGENT),
        "responder": make.user(Role.RESPONDER, service_id=service.id),
        "admin": make.user(Role.ADMIN),
    }


def as_user(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


def _date(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def propose(client, world, **changes):
    data = {"category": "abusive", "types": ["single_point_of_contact", "limited_phone"], "terms": TERMS,
            "named_officer": str(world["officer"].id), "behaviour": BEHAVIOUR,
            "events": [str(world["note"].id)], "messages": [str(world["message_id"])],
            "ends_on": _date(date(2027, 7, 31))}
    data.update(changes)
    url = f"/staff/cases/{world['case'].reference}/restriction/new"
    return client.post(url, data={**data, "csrf_token": client.csrf_token(url)})


def decide(client, restriction_id, **changes):
    data = {"decision": "approve", "review_on": _date(date(2027, 6, 14)), "ends_on": _date(date(2027, 7, 31)),
            "note": DECISION_NOTE}
    data.update(changes)
    url = f"/staff/restrictions/{restriction_id}/decide"
    return client.post(url, data={**data, "csrf_token": client.csrf_token(url)})


def restrictions_of(session, person_id) -> list[Restriction]:
    session.expire_all()
    return list(session.scalars(select(Restriction).where(Restriction.person_id == person_id).order_by(Restriction.id)))


def audit_actions(session, restriction_id) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "restriction",
                                                                AuditEvent.subject_id == restriction_id)
                                .order_by(AuditEvent.id)))


def approved(app, session, world) -> Restriction:
    officer = as_user(app, session, world["officer"])
    assert propose(officer, world).status_code == 302
    restriction = restrictions_of(session, world["resident"].id)[0]
    assert decide(as_user(app, session, world["manager"]), restriction.id).status_code == 302
    return restrictions_of(session, world["resident"].id)[0]


def queries(response) -> int:
    return int(response.headers["X-Redress-Queries"])


# --- the lifecycle ------------------------------------------------------------------------------------


def test_the_lifecycle_from_proposal_to_expiry(app, session, world):
    officer = as_user(app, session, world["officer"])
    case_url = f"/staff/cases/{world['case'].reference}"
    assert "Propose a restriction" in officer.get(case_url).get_data(as_text=True)

    form = officer.get(f"{case_url}/restriction/new").get_data(as_text=True)
    assert EVIDENCE_NOTE in form and "You are all useless" in form

    response = propose(officer, world)
    assert response.status_code == 302
    [restriction] = restrictions_of(session, world["resident"].id)
    assert response.location.endswith(f"/staff/restrictions/{restriction.id}")
    assert restriction.status is RestrictionStatus.PROPOSED
    assert restriction.types == ["single_point_of_contact", "limited_phone"]
    assert restriction.evidence == {"events": [world["note"].id], "messages": [world["message_id"]]}
    assert restriction.named_officer_id == world["officer"].id
    assert restriction.proposed_by_id == world["officer"].id
    assert restriction.ends_on == date(2027, 7, 31)  # proposed; the manager sets the dates
    assert audit_actions(session, restriction.id) == ["restriction.proposed"]
    # Not in force yet: no banner, nothing sent.
    assert "Restriction on contact in place" not in officer.get(case_url).get_data(as_text=True)
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.template == "restriction_decided")) is None

    # The manager sees the adjustments, the vulnerability and the evidence next to the proposal.
    manager = as_user(app, session, world["manager"])
    page = manager.get(f"/staff/restrictions/{restriction.id}/decide")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Two extra weeks to reply" in body and "Recently bereaved." in body
    assert EVIDENCE_NOTE in body and "You are all useless" in body and BEHAVIOUR in body
    assert 'value="14"' in body and 'value="2027"' in body  # review date defaults to 6 months: 14 6 2027
    assert decide(manager, restriction.id).status_code == 302

    [restriction] = restrictions_of(session, world["resident"].id)
    assert restriction.status is RestrictionStatus.ACTIVE
    assert (restriction.starts_on, restriction.review_on, restriction.ends_on) == (TODAY, date(2027, 6, 14), date(2027, 7, 31))
    assert restriction.decided_by_id == world["manager"].id and restriction.decision_note == DECISION_NOTE
    assert audit_actions(session, restriction.id) == ["restriction.proposed", "restriction.decided"]

    # The letter: by post (we have an address), in Welsh, saying everything the Ombudsman expects.
    letter = session.get(OutboxMessage, restriction.letter_message_id)
    assert letter.template == "restriction_decided" and letter.channel is MessageChannel.LETTER
    assert letter.locale == "cy" and letter.user_id == world["resident"].id and letter.recipient.startswith("1 Stryd Fawr")
    for expected in (BEHAVIOUR, TERMS, "Olive Officer", "14 Rhagfyr 2026", "31 Gorffennaf 2027", "14 Mehefin 2027",
                     "28", "11 Ionawr 2027", "www.lgo.org.uk", "0300 061 0614"):
        assert expected in letter.body, expected
    assert DECISION_NOTE not in letter.body and EVIDENCE_NOTE not in letter.body
    # ...and an email that says a letter is coming, with nothing of what it says.
    notice = session.scalar(select(OutboxMessage).where(OutboxMessage.template == "restriction_notice"))
    assert notice.channel is MessageChannel.EMAIL and notice.recipient == world["resident"].email and notice.locale == "cy"
    assert BEHAVIOUR not in notice.body and TERMS not in notice.body

    # The banner on the case page, within the page's query budget; messages in since are marked.
    page = officer.get(case_url)
    body = page.get_data(as_text=True)
    assert "Restriction on contact in place" in body and TERMS in body and "A single point of contact" in body
    assert "Limited phone contact" in body and "still read" in body
    assert f"/staff/restrictions/{restriction.id}" in body
    assert queries(page) <= 10
    assert "Received under a restriction" not in body  # the message before it is not marked

    # The review reminder, 14 days ahead, to the named officer and the managers.
    clock.set_now("2027-05-31T07:00")
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    digests = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_digest")).all()
    reminded = {m.recipient for m in digests if f"/staff/restrictions/{restriction.id}" in m.body}
    assert reminded == {world["officer"].email, world["manager"].email, world["other_manager"].email}
    assert all(BEHAVIOUR not in m.body for m in digests)

    # On its end date it still applies; the day after it does not, before anyone runs anything.
    clock.set_now("2027-07-31T12:00")
    officer = as_user(app, session, world["officer"])  # months later: a new session
    assert "Restriction on contact in place" in officer.get(case_url).get_data(as_text=True)
    clock.set_now("2027-08-01T09:00")
    officer = as_user(app, session, world["officer"])
    assert "Restriction on contact in place" not in officer.get(case_url).get_data(as_text=True)
    assert restrictions_of(session, world["resident"].id)[0].status is RestrictionStatus.ACTIVE
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert "Marked 1 restrictions ended" in result.output
    [restriction] = restrictions_of(session, world["resident"].id)
    assert restriction.status is RestrictionStatus.EXPIRED
    assert audit_actions(session, restriction.id)[-1] == "restriction.expired"
    assert "Marked 0 restrictions ended" in app.test_cli_runner().invoke(args=["reminders"]).output


def test_messages_in_under_a_restriction_are_kept_read_and_marked(app, session, world, make):
    approved(app, session, world)
    clock.set_now("2026-12-15T09:00")
    make.message(app, world["case"], direction=MessageDirection.IN, body="A new problem: my ceiling has fallen in.")
    body = as_user(app, session, world["officer"]).get(f"/staff/cases/{world['case'].reference}").get_data(as_text=True)
    assert "A new problem: my ceiling has fallen in." in body
    assert body.count("Received under a restriction: read for new matters and safeguarding") == 1


def test_a_new_case_is_flagged_and_the_named_officer_suggested_at_allocation(app, session, world, make):
    approved(app, session, world)
    new = make.case(world["resident"], world["service"], status=CaseStatus.RECEIVED)
    other = make.case(make.user(Role.RESIDENT), world["service"], status=CaseStatus.RECEIVED)
    manager = as_user(app, session, world["manager"])
    queue = manager.get("/staff/triage")
    body = queue.get_data(as_text=True)
    row = body[body.index(new.reference):]
    assert ">Restriction<" in row[:row.index("</tr>")]
    other_row = body[body.index(other.reference):]
    assert ">Restriction<" not in other_row[:other_row.index("</tr>")]

    listing = manager.get("/staff/cases?q=" + new.reference).get_data(as_text=True)
    assert ">Restriction<" in listing

    allocate = manager.get(f"/staff/cases/{new.reference}/allocate").get_data(as_text=True)
    officer_input = allocate[allocate.index(f'value="{world["officer"].id}"') - 200:allocate.index(f'value="{world["officer"].id}"') + 60]
    assert "checked" in officer_input
    assert "Named officer of the person" in allocate
    # Someone without a restriction: nothing suggested.
    assert "checked" not in manager.get(f"/staff/cases/{other.reference}/allocate").get_data(as_text=True).split(
        "govuk-radios__item")[1]


def test_the_case_page_keeps_to_its_query_budget_with_a_restriction(app, session, world):
    officer = as_user(app, session, world["officer"])
    before = queries(officer.get(f"/staff/cases/{world['case'].reference}"))
    approved(app, session, world)
    response = officer.get(f"/staff/cases/{world['case'].reference}")
    assert "Restriction on contact in place" in response.get_data(as_text=True)
    assert queries(response) == before <= 10


# --- refusals --------------------------------------------------------------------------------------


def test_the_manager_who_proposed_cannot_decide(app, session, world):
    manager = as_user(app, session, world["manager"])
    assert propose(manager, world).status_code == 302
    [restriction] = restrictions_of(session, world["resident"].id)
    page = manager.get(f"/staff/restrictions/{restriction.id}/decide").get_data(as_text=True)
    assert "another manager must decide it" in page and "Record the decision" not in page
    token = manager.csrf_token(f"/staff/restrictions/{restriction.id}")
    response = manager.post(f"/staff/restrictions/{restriction.id}/decide",
                            data={"decision": "approve", "review_on": _date(date(2027, 6, 14)),
                                  "ends_on": _date(date(2027, 7, 31)), "csrf_token": token})
    assert response.status_code == 409
    assert restrictions_of(session, world["resident"].id)[0].status is RestrictionStatus.PROPOSED
    # Another manager may; then nobody may decide it again.
    other = as_user(app, session, world["other_manager"])
    assert decide(other, restriction.id).status_code == 302
    token = other.csrf_token(f"/staff/restrictions/{restriction.id}")
    assert other.post(f"/staff/restrictions/{restriction.id}/decide",
                      data={"decision": "reject", "note": "x", "csrf_token": token}).status_code == 409


@pytest.mark.parametrize("who", ["agent", "responder", "admin"])
def test_other_staff_cannot_propose_decide_or_list(app, session, world, who):
    client = as_user(app, session, world[who])
    url = f"/staff/cases/{world['case'].reference}/restriction/new"
    assert client.get(url).status_code == 403
    assert client.get("/staff/restrictions").status_code == 403
    assert restrictions_of(session, world["resident"].id) == []


@pytest.mark.parametrize("who", ["agent", "responder", "admin", "resident"])
def test_the_service_refuses_a_proposal_from_anyone_but_the_team(app, session, world, who):
    from shared.services import restrictions

    proposal = Proposal(RestrictionCategory.ABUSIVE, (RestrictionType.WRITTEN_ONLY,), "x", "", None, (world["note"].id,), ())
    with app.test_request_context():
        case = session.get(type(world["case"]), world["case"].id)
        with pytest.raises(RestrictionRefused):
            restrictions.propose(case, world[who], proposal)


@pytest.mark.parametrize(("changes", "message"), [
    ({"events": [], "messages": []}, "Choose at least one event or message as evidence"),
    ({"types": ["limited_phone"], "terms": ""}, "Enter the days and times the person may phone"),
    ({"types": ["single_point_of_contact"], "named_officer": ""}, "Choose the named officer"),
    ({"types": []}, "Choose at least one restriction"),
    ({"behaviour": ""}, "Describe the behaviour"),
    ({"category": ""}, "Choose what kind of behaviour it is"),
])
def test_an_incomplete_proposal_is_shown_again_with_what_was_typed(app, session, world, changes, message):
    response = propose(as_user(app, session, world["officer"]), world, **changes)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body and "There is a problem" in body
    assert (BEHAVIOUR in body) == ("behaviour" not in changes)
    assert restrictions_of(session, world["resident"].id) == []
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "restriction.proposed")) is None


def test_evidence_from_someone_else_is_not_accepted(app, session, world, make):
    stranger = make.user(Role.RESIDENT)
    their_case = make.case(stranger, world["service"])
    their_message, _ = make.message(app, their_case, direction=MessageDirection.IN, body="Not about this person.")
    response = propose(as_user(app, session, world["officer"]), world, events=[], messages=[str(their_message)])
    assert response.status_code == 400
    assert "Choose at least one event or message as evidence" in response.get_data(as_text=True)
    assert propose(as_user(app, session, world["officer"]), world,
                   messages=[str(their_message), str(world["message_id"])]).status_code == 302
    assert restrictions_of(session, world["resident"].id)[0].evidence["messages"] == [world["message_id"]]


def test_a_decision_needs_an_end_after_the_review_and_a_rejection_needs_a_note(app, session, world):
    assert propose(as_user(app, session, world["officer"]), world).status_code == 302
    [restriction] = restrictions_of(session, world["resident"].id)
    manager = as_user(app, session, world["manager"])
    response = decide(manager, restriction.id, ends_on=_date(date(2027, 6, 1)))
    assert response.status_code == 400
    assert "The end date must be after the review date" in response.get_data(as_text=True)
    response = decide(manager, restriction.id, review_on=["", "", ""])
    assert response.status_code == 400 and "Enter the review date" in response.get_data(as_text=True)
    response = decide(manager, restriction.id, decision="reject", note="")
    assert response.status_code == 400 and "Say why the restriction is not approved" in response.get_data(as_text=True)
    [restriction] = restrictions_of(session, world["resident"].id)
    assert restriction.status is RestrictionStatus.PROPOSED and restriction.decided_at is None
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == world["resident"].id)) is None

    assert decide(manager, restriction.id, decision="reject", note="Not proportionate yet.").status_code == 302
    [restriction] = restrictions_of(session, world["resident"].id)
    assert restriction.status is RestrictionStatus.REJECTED and restriction.letter_message_id is None
    assert audit_actions(session, restriction.id) == ["restriction.proposed", "restriction.decided"]
    assert "Restriction on contact in place" not in as_user(app, session, world["officer"]).get(
        f"/staff/cases/{world['case'].reference}").get_data(as_text=True)


def test_without_an_address_the_letter_goes_by_email_and_without_either_staff_are_told(app, session, world):
    world["resident"].address = None
    session.commit()
    restriction = approved(app, session, world)
    letter = session.get(OutboxMessage, restriction.letter_message_id)
    assert letter.channel is MessageChannel.EMAIL and letter.recipient == world["resident"].email
    assert BEHAVIOUR in letter.body


# --- review, vary, lift ----------------------------------------------------------------------------------


def review(client, restriction_id, **data):
    url = f"/staff/restrictions/{restriction_id}/review"
    return client.post(url, data={**data, "csrf_token": client.csrf_token(url)})


def test_review_continue_vary_and_lift(app, session, world):
    restriction = approved(app, session, world)
    manager = as_user(app, session, world["other_manager"])
    assert manager.get(f"/staff/restrictions/{restriction.id}/review").status_code == 200

    assert review(manager, restriction.id, outcome="continue", review_on=_date(date(2027, 7, 1))).status_code == 302
    restriction = restrictions_of(session, world["resident"].id)[0]
    assert restriction.review_on == date(2027, 7, 1) and restriction.reviewed_at is not None
    response = review(manager, restriction.id, outcome="continue", review_on=_date(date(2027, 8, 1)))
    assert response.status_code == 400 and "The end date must be after the review date" in response.get_data(as_text=True)

    letters_before = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "restriction_decided")).all()
    assert review(manager, restriction.id, outcome="vary", types=["written_only"], terms="", named_officer="",
                  review_on=_date(date(2027, 3, 1)), ends_on=_date(date(2027, 4, 1))).status_code == 302
    restriction = restrictions_of(session, world["resident"].id)[0]
    assert restriction.types == ["written_only"] and restriction.ends_on == date(2027, 4, 1)
    letters = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "restriction_decided")).all()
    assert len(letters) == len(letters_before) + 1 and restriction.letter_message_id == letters[-1].id
    with app.test_request_context(), force_locale(letters[-1].locale):  # the letter is in the person's language
        written_only = str(RestrictionType.WRITTEN_ONLY.label)
    assert written_only in letters[-1].body

    response = review(manager, restriction.id, outcome="lift", note="")
    assert response.status_code == 400 and "Say why the restriction is being lifted" in response.get_data(as_text=True)
    assert review(manager, restriction.id, outcome="lift", note="Contact has been reasonable since March.").status_code == 302
    restriction = restrictions_of(session, world["resident"].id)[0]
    assert restriction.status is RestrictionStatus.LIFTED and restriction.lifted_by_id == world["other_manager"].id
    lifted = session.scalar(select(OutboxMessage).where(OutboxMessage.template == "restriction_lifted"))
    assert "Contact has been reasonable since March." in lifted.body
    assert audit_actions(session, restriction.id) == [
        "restriction.proposed", "restriction.decided", "restriction.reviewed", "restriction.reviewed", "restriction.lifted"]
    assert "Restriction on contact in place" not in as_user(app, session, world["officer"]).get(
        f"/staff/cases/{world['case'].reference}").get_data(as_text=True)
    # Once lifted, there is nothing to review.
    assert review(manager, restriction.id, outcome="continue", review_on=_date(date(2027, 3, 1))).status_code == 409


def test_officers_read_but_do_not_review(app, session, world):
    restriction = approved(app, session, world)
    officer = as_user(app, session, world["officer"])
    assert officer.get(f"/staff/restrictions/{restriction.id}").status_code == 200
    assert officer.get(f"/staff/restrictions/{restriction.id}/review").status_code == 403


# --- who sees what ---------------------------------------------------------------------------------------


def test_agents_and_responders_see_the_terms_but_not_the_behaviour(app, session, world):
    restriction = approved(app, session, world)
    for who in ("agent", "responder"):
        body = as_user(app, session, world[who]).get(f"/staff/cases/{world['case'].reference}").get_data(as_text=True)
        assert "Restriction on contact in place" in body and TERMS in body, who
        assert BEHAVIOUR not in body and f"/staff/restrictions/{restriction.id}" not in body, who
        assert as_user(app, session, world[who]).get(f"/staff/restrictions/{restriction.id}").status_code == 403


def test_the_list_shows_proposals_restrictions_in_place_and_ended(app, session, world, make):
    restriction = approved(app, session, world)
    other_person = make.user(Role.RESIDENT, full_name="Other Person")
    make.case(other_person, world["service"])
    session.add(Restriction(person_id=other_person.id, status=RestrictionStatus.PROPOSED, category=RestrictionCategory.VEXATIOUS,
                            types=["no_visits"], behaviour="x", terms="", evidence={"events": [1]},
                            proposed_by_id=world["officer"].id, proposed_at=utcnow()))
    session.commit()
    page = as_user(app, session, world["officer"]).get("/staff/restrictions")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    waiting, in_place = body.index("Waiting for a decision"), body.index("In place</caption>")
    assert waiting < body.index("Other Person") < in_place < body.index("Rhian Jones")
    assert "Review due 14 June 2027" in body
    assert queries(page) <= 10
    clock.set_now("2027-08-02T09:00")
    body = as_user(app, session, world["officer"]).get("/staff/restrictions").get_data(as_text=True)
    assert body.index("Ended, lifted or not approved") < body.index("Rhian Jones")
    assert f"/staff/restrictions/{restriction.id}" in body


def _letters_on(case_page: str) -> tuple[list[str], str]:
    """The letters shown on a portal case page (unescaped), and the page without them."""
    letters = [html.unescape(text) for text in re.findall(r"<div [^>]*data-contact-letter>(.*?)</div>", case_page, re.S)]
    start = case_page.find('id="contact-letters"')
    rest = case_page if start < 0 else case_page[:start] + case_page[case_page.rindex("</section>"):]
    return letters, rest


def test_the_resident_sees_only_the_letter_never_the_reasons(app, session, world, client):
    restriction = approved(app, session, world)
    sign_in(client, world["resident"])
    response = client.get(f"/cases/{world['case'].reference}")
    case_page = response.get_data(as_text=True)
    # The letter they were sent, word for word, on the case it was proposed from; nothing else of it.
    [shown] = _letters_on(case_page)[0]
    assert shown == session.get(OutboxMessage, restriction.letter_message_id).body.strip()
    assert BEHAVIOUR in shown and TERMS in shown
    for secret in (BEHAVIOUR, TERMS, DECISION_NOTE, EVIDENCE_NOTE, "Restriction"):
        assert secret not in _letters_on(case_page)[1]
    for secret in (DECISION_NOTE, EVIDENCE_NOTE):
        assert secret not in case_page
    assert queries(response) <= 10
    data = json.loads(client.get("/your-data/download").get_data(as_text=True))
    [letter] = data["letters_about_how_you_contact_us"]
    assert BEHAVIOUR in letter["letter"] and TERMS in letter["letter"] and letter["by"] == "letter"
    text = json.dumps(data)
    assert DECISION_NOTE not in text and EVIDENCE_NOTE not in text
    assert "restriction.proposed" not in text and "evidence" not in text
    assert client.get("/staff/restrictions").status_code in (302, 403)


def test_the_letter_shows_on_the_case_it_was_proposed_from_only(app, session, world, make, client):
    restriction = approved(app, session, world)
    assert restriction.case_id == world["case"].id
    letter = session.get(OutboxMessage, restriction.letter_message_id)
    assert letter.case_id == world["case"].id and letter.user_id == world["resident"].id
    their_other_case = make.case(world["resident"], world["service"])
    sign_in(client, world["resident"])
    other_page = client.get(f"/cases/{their_other_case.reference}").get_data(as_text=True)
    assert _letters_on(other_page)[0] == [] and BEHAVIOUR not in other_page and "contact-letters" not in other_page

    # Another resident, on their own case, sees nothing of it.
    someone_else = make.user(Role.RESIDENT, full_name="Someone Else")
    their_case = make.case(someone_else, world["service"])
    other = app.test_client()
    sign_in(other, someone_else)
    page = other.get(f"/cases/{their_case.reference}").get_data(as_text=True)
    assert BEHAVIOUR not in page and TERMS not in page and "contact-letters" not in page
    assert other.get(f"/cases/{world['case'].reference}").status_code == 404

    # Nor does a representative acting on the case itself: the letter is for the person alone.
    advocate = make.user(Role.RESIDENT, full_name="Ann Advocate")
    session.add(CaseRepresentative(case_id=world["case"].id, representative_id=advocate.id,
                                   kind=RepresentativeKind.ADVOCATE, consent=ConsentMethod.WRITTEN,
                                   recorded_at=utcnow()))
    session.commit()
    acting = app.test_client()
    sign_in(acting, advocate)
    response = acting.get(f"/cases/{world['case'].reference}")
    assert response.status_code == 200
    assert BEHAVIOUR not in response.get_data(as_text=True) and "contact-letters" not in response.get_data(as_text=True)


def test_a_councillor_never_sees_it(app, session, world, make):
    approved(app, session, world)
    councillor = make.user(Role.COUNCILLOR)
    case = make.case(world["resident"], world["service"])
    case.entered_by_id = councillor.id
    session.commit()
    client = app.test_client()
    sign_in(client, councillor)
    for url in (f"/cases/{case.reference}", f"/staff/cases/{case.reference}", "/staff/restrictions"):
        response = client.get(url)
        assert BEHAVIOUR not in response.get_data(as_text=True) and TERMS not in response.get_data(as_text=True), url
