"""The case engine against worked dates and its guards, on a real database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from shared import clock
from shared.db import db
from shared.domain.enums import (
    CaseKind,
    CaseStatus,
    Channel,
    ClosureCode,
    ConsentMethod,
    ContactMethod,
    EventType,
    RefusalGround,
    Role,
)
from shared.domain.transitions import GuardFailed, InvalidTransition, RoleNotAllowed, StaleCase
from shared.models import Case, CaseEvent, CaseStage, Service, User
from shared.services import engine, procedures

MONDAY_14_DEC = "2026-12-14T10:00"  # London time


@pytest.fixture
def ctx(app, make):
    """A request context whose db.session is the test's connection, standing on Monday 14 December 2026."""
    clock.set_now(MONDAY_14_DEC)
    make.service("bins", "Waste and recycling")
    make.user(Role.RESIDENT, email="jane@example.com")
    make.user(Role.OFFICER, email="author@example.gov.uk")
    make.user(Role.OFFICER, email="checker@example.gov.uk")
    make.user(Role.MANAGER, email="manager@example.gov.uk")
    make.user(Role.RESIDENT, email="other@example.com")
    with app.test_request_context():
        yield
        db.session.rollback()


def person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def new_case(*, procedure: str | None = None, kind=CaseKind.COMPLAINT, at=None) -> Case:
    return engine.receive(
        kind=kind,
        service=db.session.scalar(select(Service).where(Service.slug == "bins")),
        resident=person("jane@example.com"),
        entered_by=person("jane@example.com"),
        channel=Channel.ONLINE,
        what_happened="Missed bins.",
        outcome_wanted="Collect them.",
        contact_method=ContactMethod.EMAIL,
        procedure_slug=procedure,
        at=at,
    )


def at(text: str):
    clock.set_now(text)
    return clock.utcnow()


def act(case, action, who="author@example.gov.uk", **payload):
    return engine.perform(case, action, person(who), **payload)


def stage(case, number=None) -> CaseStage:
    return db.session.scalar(select(CaseStage).where(CaseStage.case_id == case.id, CaseStage.number == (number or case.stage)))


def to_investigation(case, points=("The bins were missed.", "Nobody called back.")):
    act(case, EventType.TRIAGED_COMPLAINT, points=list(points), outcome="Collect them.")
    at("2026-12-16T09:00")
    act(case, EventType.ACKNOWLEDGED)
    act(case, EventType.ALLOCATED, "manager@example.gov.uk", handler=person("author@example.gov.uk"))
    act(case, EventType.INVESTIGATION_STARTED)


def to_response(case):
    to_investigation(case)
    act(case, EventType.RESPONSE_DRAFTED, findings={"1": "upheld", "2": "not_upheld"})
    act(case, EventType.SUBMITTED_FOR_CHECK)
    at("2026-12-22T15:00")
    act(case, EventType.RESPONSE_SENT, "checker@example.gov.uk")


# --- clocks ----------------------------------------------------------------------------------


def test_code_stage_one_clocks_from_receipt_and_acknowledgement(ctx):
    case = new_case()
    assert case.status is CaseStatus.RECEIVED
    assert stage(case).acknowledge_by == date(2026, 12, 21)  # 5 working days after Monday 14 December
    assert case.acknowledge_by == date(2026, 12, 21) and case.respond_by is None
    to_investigation(case)
    # Acknowledged Wednesday 16 December: 10 working days, over Christmas and New Year.
    assert stage(case).respond_by == date(2027, 1, 4) == case.respond_by
    assert stage(case).acknowledged_at == at("2026-12-16T09:00")


def test_member_enquiries_are_answered_within_10_working_days_of_receipt(ctx):
    case = new_case(kind=CaseKind.MEMBER_ENQUIRY)
    assert stage(case).acknowledge_by is None
    assert case.respond_by == date(2026, 12, 30)


def test_childrens_stage_one_runs_from_receipt(ctx):
    case = new_case(procedure="children")
    assert case.respond_by == date(2026, 12, 30) and case.acknowledge_by is None


def test_the_local_preset_acknowledges_in_one_day_and_resolves_early_in_three(ctx):
    case = new_case(procedure="local-policy")
    assert (case.acknowledge_by, case.respond_by) == (date(2026, 12, 15), date(2026, 12, 17))


def test_adults_care_needs_an_agreed_date_within_six_months(ctx):
    case = new_case(procedure="adults")
    assert case.acknowledge_by == date(2026, 12, 17)  # 3 working days
    act(case, EventType.TRIAGED_COMPLAINT, points=["Late visits."])
    with pytest.raises(GuardFailed, match="Agree a response date"):
        act(case, EventType.ACKNOWLEDGED)
    with pytest.raises(GuardFailed, match="6 months"):
        act(case, EventType.ACKNOWLEDGED, agreed_date=date(2027, 6, 30))
    act(case, EventType.ACKNOWLEDGED, agreed_date=date(2027, 3, 1))
    assert case.respond_by == date(2027, 3, 1)


def test_received_on_a_saturday_counts_from_monday(ctx):
    case = new_case(at=at("2026-12-12T11:00"))
    assert stage(case).received_on == date(2026, 12, 14)
    assert case.acknowledge_by == date(2026, 12, 21)


def test_editing_a_procedure_never_moves_running_deadlines(ctx):
    running = new_case()
    corporate = procedures.current("corporate")
    faster = [corporate.rules().stages[0].__class__(**{**corporate.rules().stages[0].__dict__, "acknowledge_within": 1}),
              corporate.rules().stages[1]]
    version2 = procedures.new_version("corporate", faster, person("manager@example.gov.uk"))
    assert version2.version == corporate.version + 1 and not corporate.is_current
    later = new_case()
    assert running.acknowledge_by == date(2026, 12, 21) and running.procedure_id == corporate.id
    assert later.acknowledge_by == date(2026, 12, 15) and later.procedure_id == version2.id
    # The running case keeps following version 1 for its later clocks too.
    to_investigation(running)
    assert running.respond_by == date(2027, 1, 4)


def test_triage_into_another_procedure_restarts_its_clocks(ctx):
    case = new_case()
    act(case, EventType.TRIAGED_COMPLAINT, procedure="local-policy", points=["Missed bins."])
    assert case.procedure_id == procedures.current("local-policy").id
    assert (case.acknowledge_by, case.respond_by) == (date(2026, 12, 15), date(2026, 12, 17))
    assert db.session.scalar(select(func.count()).select_from(CaseStage).where(CaseStage.case_id == case.id)) == 1


def test_a_case_is_received_complete_in_one_insert_at_version_one(ctx):
    """The details a channel asks about go in with the case: nobody's page can have seen a version 1
    that a second write for those details then made stale."""
    written = []

    def listener(_conn, _cursor, statement, *_args):
        written.append(" ".join(statement.split()[:3]).upper())

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        case = engine.receive(
            kind=CaseKind.COMPLAINT, service=db.session.scalar(select(Service).where(Service.slug == "bins")),
            resident=person("jane@example.com"), entered_by=person("jane@example.com"), channel=Channel.ONLINE,
            what_happened="Missed bins.", outcome_wanted="Collect them.", contact_method=ContactMethod.EMAIL,
            asked_before=True, for_someone_else=True, subject_name="Ann", subject_relationship="Mother",
            subject_address="2 Mill Lane", consent=ConsentMethod.WRITTEN, support_needed=True, support_note="BSL.",
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [s for s in written if s.startswith(("INSERT INTO CASES", "UPDATE CASES"))] == ["INSERT INTO CASES"]
    db.session.expire_all()
    assert case.version == 1 and case.acknowledge_by == date(2026, 12, 21)
    assert (case.asked_before, case.for_someone_else, case.subject_name, case.subject_relationship, case.subject_address,
            case.consent, case.support_needed, case.support_note) == (
        True, True, "Ann", "Mother", "2 Mill Lane", ConsentMethod.WRITTEN, True, "BSL.")
    assert stage(case).case_id == case.id and stage(case).acknowledge_by == date(2026, 12, 21)


def test_a_case_received_without_those_details_has_none(ctx):
    case = new_case()
    assert (case.version, case.asked_before, case.for_someone_else, case.consent, case.support_needed) == (
        1, None, False, None, False)


# --- extensions --------------------------------------------------------------------------------


def test_one_extension_within_the_cap_with_a_reason(ctx):
    case = new_case()
    to_investigation(case)
    with pytest.raises(GuardFailed, match="reason"):
        act(case, EventType.EXTENDED, new_date=date(2027, 1, 11), reason=" ")
    with pytest.raises(GuardFailed, match="at most 10 working days"):
        act(case, EventType.EXTENDED, new_date=date(2027, 1, 19), reason="Waiting for a contractor's report.")
    with pytest.raises(GuardFailed, match="after the current"):
        act(case, EventType.EXTENDED, new_date=date(2027, 1, 4), reason="Waiting for a contractor's report.")
    event = act(case, EventType.EXTENDED, new_date=date(2027, 1, 18), reason="Waiting for a contractor's report.")
    assert case.respond_by == date(2027, 1, 18) and stage(case).respond_by == date(2027, 1, 4)
    assert event.public and event.details == {"from": "2027-01-04", "to": "2027-01-18", "reason": "Waiting for a contractor's report."}
    with pytest.raises(GuardFailed, match="already been extended"):
        act(case, EventType.EXTENDED, new_date=date(2027, 1, 15), reason="Again.")


def test_feedback_procedure_allows_no_extension(ctx):
    case = new_case(procedure="feedback")
    act(case, EventType.TRIAGED_COMPLAINT, points=["Praise"])
    act(case, EventType.ACKNOWLEDGED)
    with pytest.raises(GuardFailed, match="does not allow an extension"):
        act(case, EventType.EXTENDED, new_date=date(2027, 1, 4), reason="x")


# --- responses ---------------------------------------------------------------------------------


def test_a_response_answers_every_point_with_a_finding(ctx):
    case = new_case()
    act(case, EventType.TRIAGED_COMPLAINT)
    act(case, EventType.ACKNOWLEDGED)
    with pytest.raises(GuardFailed, match="Record the points"):
        act(case, EventType.RESPONSE_DRAFTED, findings={})
    case2 = new_case()
    to_investigation(case2)
    with pytest.raises(GuardFailed, match="1 still need one"):
        act(case2, EventType.RESPONSE_DRAFTED, findings={"1": "upheld"})
    with pytest.raises(GuardFailed):
        act(case2, EventType.RESPONSE_DRAFTED, findings={"1": "upheld", "2": "maybe"})
    act(case2, EventType.RESPONSE_DRAFTED, findings={"1": "upheld", "2": "partly_upheld"})
    assert stage(case2).findings == {"1": "upheld", "2": "partly_upheld"}
    assert case2.draft_author_id == person("author@example.gov.uk").id


def test_the_quality_checker_is_not_the_author(ctx):
    case = new_case()
    to_investigation(case)
    act(case, EventType.RESPONSE_DRAFTED, findings={"1": "upheld", "2": "not_upheld"})
    act(case, EventType.SUBMITTED_FOR_CHECK)
    with pytest.raises(GuardFailed, match="other than the author"):
        act(case, EventType.RESPONSE_SENT)
    with pytest.raises(GuardFailed, match="other than the author"):
        act(case, EventType.RETURNED_FOR_CHANGES, reason="Tone")
    act(case, EventType.RETURNED_FOR_CHANGES, "checker@example.gov.uk", reason="Say what we will do about point 2.")
    assert case.status is CaseStatus.RETURNED_FOR_CHANGES
    act(case, EventType.RESPONSE_DRAFTED, findings={"1": "upheld", "2": "partly_upheld"})
    act(case, EventType.SUBMITTED_FOR_CHECK)
    at("2026-12-22T15:00")
    act(case, EventType.RESPONSE_SENT, "checker@example.gov.uk")
    assert case.status is CaseStatus.RESPONSE_SENT
    # The resident has 20 working days after the response to ask for stage 2.
    assert stage(case).escalation_ends == date(2027, 1, 22)


# --- escalation ----------------------------------------------------------------------------------


def test_stage_two_is_handled_by_someone_else_with_its_own_clocks(ctx):
    case = new_case()
    to_response(case)
    at("2027-01-06T12:00")
    act(case, EventType.ESCALATION_REQUESTED, "jane@example.com")
    act(case, EventType.ESCALATED)
    assert case.stage == 2 and case.status is CaseStatus.ESCALATED
    assert case.acknowledge_by == date(2027, 1, 13) and case.officer_id is None
    with pytest.raises(GuardFailed, match="someone other than the previous stage"):
        act(case, EventType.ALLOCATED, "manager@example.gov.uk", handler=person("author@example.gov.uk"))
    act(case, EventType.ALLOCATED, "manager@example.gov.uk", handler=person("checker@example.gov.uk"))
    act(case, EventType.ACKNOWLEDGED, "checker@example.gov.uk")
    assert case.respond_by == date(2027, 2, 3)  # 20 working days after Wednesday 6 January


def test_residents_escalate_within_the_window_and_staff_may_accept_later(ctx):
    case = new_case()
    to_response(case)
    at("2027-01-25T09:00")  # after 22 January
    with pytest.raises(GuardFailed, match="ended on 22 January 2027"):
        act(case, EventType.ESCALATION_REQUESTED, "jane@example.com")
    act(case, EventType.ESCALATION_REQUESTED, "manager@example.gov.uk", on_behalf_of=person("jane@example.com"))
    assert case.status is CaseStatus.ESCALATION_REQUESTED


def test_a_resident_acts_only_on_their_own_case(ctx):
    case = new_case()
    with pytest.raises(RoleNotAllowed):
        act(case, EventType.WITHDRAWN, "other@example.com")
    act(case, EventType.WITHDRAWN, "jane@example.com", reason="Sorted out.")
    assert case.status is CaseStatus.WITHDRAWN and case.closure_code is ClosureCode.WITHDRAWN


def test_the_final_stage_points_to_the_ombudsman(ctx):
    case = new_case(kind=CaseKind.MEMBER_ENQUIRY)
    act(case, EventType.TRIAGED_COMPLAINT, points=["Street light"])
    act(case, EventType.ACKNOWLEDGED)
    act(case, EventType.RESPONSE_DRAFTED, findings={"1": "upheld"})
    act(case, EventType.SUBMITTED_FOR_CHECK)
    act(case, EventType.RESPONSE_SENT, "checker@example.gov.uk")
    with pytest.raises(GuardFailed, match="final stage"):
        act(case, EventType.ESCALATED)
    with pytest.raises(GuardFailed, match="no Ombudsman"):
        act(case, EventType.REFERRED_TO_OMBUDSMAN)


# --- closing, refusing, reopening ------------------------------------------------------------------


def test_closure_needs_what_its_code_needs(ctx):
    case = new_case()
    act(case, EventType.TRIAGED_COMPLAINT, points=["x"])
    with pytest.raises(GuardFailed, match="Choose why"):
        act(case, EventType.CLOSED)
    with pytest.raises(GuardFailed, match="once a response has been sent"):
        act(case, EventType.CLOSED, code=ClosureCode.RESPONDED)
    with pytest.raises(GuardFailed, match="reason"):
        act(case, EventType.CLOSED, code=ClosureCode.OUT_OF_TIME)
    with pytest.raises(GuardFailed, match="reference"):
        act(case, EventType.CLOSED, code=ClosureCode.DUPLICATE)
    with pytest.raises(GuardFailed, match="withdraw action"):
        act(case, EventType.CLOSED, code=ClosureCode.WITHDRAWN)
    act(case, EventType.CLOSED, code=ClosureCode.OUT_OF_TIME, reason="The matter happened in 2023.")
    assert (case.status, case.closure_code, case.closed_at) == (CaseStatus.CLOSED, ClosureCode.OUT_OF_TIME, clock.utcnow())
    with pytest.raises(GuardFailed, match="reason for reopening"):
        act(case, EventType.REOPENED, "manager@example.gov.uk")
    act(case, EventType.REOPENED, "manager@example.gov.uk", reason="New evidence.")
    assert case.status is CaseStatus.REOPENED and case.closed_at is None and case.closure_code is None


def test_a_refusal_carries_its_ground_reason_and_the_ombudsman_right(ctx):
    case = new_case()
    with pytest.raises(GuardFailed, match="Choose why"):
        act(case, EventType.REFUSED, reason="Over 12 months old.", ombudsman_right_given=True)
    with pytest.raises(GuardFailed, match="Choose why"):
        act(case, EventType.REFUSED, ground="whim", reason="Over 12 months old.", ombudsman_right_given=True)
    with pytest.raises(GuardFailed, match="reason"):
        act(case, EventType.REFUSED, ground=RefusalGround.TOO_LATE, ombudsman_right_given=True)
    with pytest.raises(GuardFailed, match="Ombudsman"):
        act(case, EventType.REFUSED, ground=RefusalGround.TOO_LATE, reason="Over 12 months old.")
    event = act(case, EventType.REFUSED, ground=RefusalGround.TOO_LATE, reason="Over 12 months old.",
                ombudsman_right_given=True)
    assert case.status is CaseStatus.REFUSED and case.closure_reason == "Over 12 months old."
    assert event.details["ground"] == "too_late"


def test_a_duplicate_links_to_its_original(ctx):
    original, copy = new_case(), new_case()
    with pytest.raises(GuardFailed):
        act(copy, EventType.MARKED_DUPLICATE, duplicate_of=copy)
    event = act(copy, EventType.MARKED_DUPLICATE, duplicate_of=original)
    assert copy.duplicate_of_id == original.id and event.details == {"duplicate_of": original.reference}


# --- the event log and versions ----------------------------------------------------------------------


def test_every_change_appends_one_event_with_actor_channel_and_states(ctx):
    case = new_case()
    to_response(case)
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    assert [e.type for e in events] == [
        EventType.RECEIVED, EventType.TRIAGED_COMPLAINT, EventType.ACKNOWLEDGED, EventType.ALLOCATED,
        EventType.INVESTIGATION_STARTED, EventType.RESPONSE_DRAFTED, EventType.SUBMITTED_FOR_CHECK, EventType.RESPONSE_SENT,
    ]
    assert [(e.from_status, e.to_status) for e in events[-2:]] == [
        (CaseStatus.RESPONSE_DRAFTED, CaseStatus.AWAITING_QUALITY_CHECK),
        (CaseStatus.AWAITING_QUALITY_CHECK, CaseStatus.RESPONSE_SENT),
    ]
    assert events[-1].actor_id == person("checker@example.gov.uk").id and events[-1].public
    assert not events[3].public  # allocation is internal
    assert events[0].channel is Channel.ONLINE and all(e.stage == 1 for e in events)


def test_on_behalf_of_and_channel_are_recorded(ctx):
    case = new_case()
    event = act(case, EventType.NOTE_ADDED, text="Rang to check the address.", on_behalf_of=person("jane@example.com"),
                channel=Channel.PHONE)
    assert (event.on_behalf_of_id, event.channel, event.public) == (person("jane@example.com").id, Channel.PHONE, False)
    with pytest.raises(GuardFailed, match="Enter the note"):
        act(case, EventType.NOTE_ADDED, text="  ")


def test_a_stale_version_is_refused_and_changes_nothing(ctx):
    case = new_case()
    seen = case.version
    act(case, EventType.NOTE_ADDED, text="First.", expected_version=seen)
    assert case.version == seen + 1
    with pytest.raises(StaleCase):
        act(case, EventType.NOTE_ADDED, text="Second, from an old page.", expected_version=seen)
    count = db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id))
    assert count == 2


def test_forbidden_actions_raise_typed_errors(ctx):
    case = new_case()
    with pytest.raises(InvalidTransition, match="Received"):
        act(case, EventType.RESPONSE_SENT, "checker@example.gov.uk")
    with pytest.raises(RoleNotAllowed):
        act(case, EventType.TRIAGED_COMPLAINT, "jane@example.com")


# --- through the back office: notes, stale pages and refused actions --------------------------------


def test_a_note_from_a_stale_page_gets_a_409_that_keeps_the_text(client, make, session):
    from unit_tests.factories import sign_in

    officer = make.user(Role.OFFICER)
    case = make.case(make.user(Role.RESIDENT), make.service())
    sign_in(client, officer, staff=True)
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{case.version}"' in page or f'value="{case.version}"' in page
    token = client.csrf_token(f"/staff/cases/{case.reference}")
    first = client.post(f"/staff/cases/{case.reference}/notes",
                        data={"csrf_token": token, "text": "Called the resident.", "version": case.version})
    assert first.status_code == 302
    stale = client.post(f"/staff/cases/{case.reference}/notes",
                        data={"csrf_token": token, "text": "My note from an old page.", "version": case.version})
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else changed this case" in body and "My note from an old page." in body
    assert "Called the resident." in body  # the page shows the case as it is now
    notes = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.type == EventType.NOTE_ADDED)).all()
    assert [n.details["text"] for n in notes] == ["Called the resident."]


def test_an_empty_note_is_refused_with_the_govuk_message(client, make):
    from unit_tests.factories import sign_in

    officer = make.user(Role.OFFICER)
    case = make.case(make.user(Role.RESIDENT), make.service())
    sign_in(client, officer, staff=True)
    token = client.csrf_token(f"/staff/cases/{case.reference}")
    response = client.post(f"/staff/cases/{case.reference}/notes", data={"csrf_token": token, "text": " ", "version": case.version})
    assert response.status_code == 400 and "Enter the note" in response.get_data(as_text=True)


def test_a_refused_action_is_shown_as_a_409_explanation(app):
    from shared.auth.access import public
    from shared.db import make_engine
    from unit_tests.factories import separate_app

    with separate_app(app.config["SETTINGS"], make_engine("sqlite://")) as other:

        @other.get("/refuse")
        @public
        def refuse():
            raise GuardFailed("This stage has already been extended once. It cannot be extended again.")

        response = other.test_client().get("/refuse")
        body = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "Sorry, that cannot be done" in body and "already been extended once" in body


def test_complex_member_enquiries_get_an_agreed_date(ctx):
    case = new_case(kind=CaseKind.MEMBER_ENQUIRY)
    act(case, EventType.TRIAGED_COMPLAINT, procedure="member-enquiry-complex", points=["Drainage on Mill Lane"])
    assert case.respond_by is None
    with pytest.raises(GuardFailed, match="at most 92 days"):
        act(case, EventType.ACKNOWLEDGED, agreed_date=date(2027, 4, 1))
    act(case, EventType.ACKNOWLEDGED, agreed_date=date(2027, 2, 26))
    assert case.respond_by == date(2027, 2, 26)


def test_every_preset_is_installed_by_the_migrations(ctx):
    from shared.domain.procedures import PRESETS

    installed = {p.slug: p.rules() for p in procedures.all_current()}
    for preset in PRESETS:
        assert installed[preset.slug] == preset, preset.slug
