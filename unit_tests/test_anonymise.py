"""The retention job (`redress anonymise`): what an old closed case, an ended restriction and a
person with nothing left keep and lose; holds; idempotence; the dry run; the audit row; and that
every report gives the same figures before and after."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shared import clock
from shared.clock import utcnow
from shared.domain.enums import (
    CaseStatus,
    EventType,
    MessageDirection,
    OmbudsmanDecision,
    RestrictionCategory,
    RestrictionStatus,
    Role,
)
from shared.domain.reporting import Period
from shared.models import (
    Adjustment,
    AuditEvent,
    Case,
    CaseEvent,
    CaseMessage,
    CaseRepresentative,
    CaseResponse,
    OmbudsmanReferral,
    Restriction,
    RetentionPeriod,
    StoredFile,
    User,
    UserSession,
)
from shared.services import files, reports

YEARS_AGO_7 = timedelta(days=7 * 366)


def _close(session, case: Case, closed_at) -> Case:
    case.status, case.closed_at = CaseStatus.CLOSED, closed_at
    case.contact_phone, case.contact_address, case.subject_name = "07700 900123", "1 High Street", "Mum"
    case.support_note, case.closure_reason = "I am deaf", "Resolved with Mrs Jones"
    session.add(CaseEvent(case_id=case.id, type=EventType.NOTE_ADDED, at=closed_at, actor_id=None,
                          to_status=CaseStatus.CLOSED, public=False, details={"text": "Called Mrs Jones at home"}))
    session.add(CaseEvent(case_id=case.id, type=EventType.CLOSED, at=closed_at, to_status=CaseStatus.CLOSED,
                          details={"code": "responded", "reason": "All sorted with Mrs Jones"}))
    session.commit()
    return case


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["anonymise", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def old_case(app, make, session):
    """A resident with a case closed seven years ago (response, message with a file, representative,
    notes) and a live one."""
    resident = make.user(full_name="Alice Jones", phone="07700 900123")
    service = make.service()
    old = make.case_with_response(resident, service, received_at=utcnow() - YEARS_AGO_7 - timedelta(days=60))
    _, (file_id,) = make.message(app, old, direction=MessageDirection.IN, author=resident, body="My neighbour, Bob, saw it",
                                 attachments=[("alice-letter.txt", b"Dear council, Alice Jones")])
    make.representative(old, make.user(full_name="Rep Resentative"))
    _close(session, old, utcnow() - YEARS_AGO_7)
    live = make.case(resident, service, what_happened="Still waiting for my bin")
    stored_name = session.get(StoredFile, file_id).stored_name
    return resident, old, live, stored_name


def test_an_old_closed_case_loses_the_personal_data_and_keeps_what_reports_count(app, session, old_case):
    resident, old, live, stored_name = old_case
    with app.app_context():
        assert (files.upload_dir() / stored_name).exists()
    output = _run(app)
    assert "Anonymised 1 cases" in output
    assert "deleted 1 files" in output

    session.expire_all()
    case = session.get(Case, old.id)
    assert case.anonymised_at is not None
    assert (case.resident_id, case.what_happened, case.outcome_wanted, case.contact_phone, case.contact_address,
            case.subject_name, case.support_note, case.closure_reason, case.definition) == (
        None, "", "", None, None, None, None, None, {})
    # What the reports count is left as it was.
    assert (case.status, case.kind, case.service_id, case.procedure_id, case.closed_at is not None) == (
        CaseStatus.CLOSED, old.kind, old.service_id, old.procedure_id, True)
    assert [m.body for m in session.scalars(select(CaseMessage).where(CaseMessage.case_id == old.id))] == [""]
    response = session.scalar(select(CaseResponse).where(CaseResponse.case_id == old.id))
    assert response.body == "" and response.findings == {"1": {"finding": "upheld"}}
    details = [e.details for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == old.id))]
    assert "Jones" not in json.dumps(details)
    assert {"code": "responded"} in details
    assert session.scalar(select(func.count()).select_from(CaseRepresentative).where(CaseRepresentative.case_id == old.id)) == 0
    assert session.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.case_id == old.id)) == 0
    with app.app_context():
        assert not (files.upload_dir() / stored_name).exists()

    # The live case and the resident's account are untouched: they still have a case to follow.
    assert session.get(Case, live.id).what_happened == "Still waiting for my bin"
    person = session.get(User, resident.id)
    assert (person.full_name, person.anonymised_at) == ("Alice Jones", None)

    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.anonymised")).all()
    assert [a.details for a in audit] == [{"cases": 1, "restrictions": 0, "people": 0, "files": 1}]
    assert audit[0].person_id is None


def test_the_job_is_idempotent(app, session, old_case):
    _run(app)
    assert "Anonymised 0 cases, 0 restrictions and 0 people" in _run(app)


def test_the_dry_run_counts_and_changes_nothing(app, session, old_case):
    _, old, _, _ = old_case
    assert "Would anonymise 1 cases, 0 restrictions and 0 people" in _run(app, "--dry-run")
    session.expire_all()
    assert session.get(Case, old.id).anonymised_at is None
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("retention.%"))) == 0


def test_each_procedure_keeps_its_own_period(app, make, session):
    resident, service = make.user(), make.service()
    recent = _close(session, make.case(resident, service), utcnow() - timedelta(days=2 * 366))
    _run(app)
    session.expire_all()
    assert session.get(Case, recent.id).anonymised_at is None  # the default is six years
    session.add(RetentionPeriod(procedure_slug="corporate", years=1, updated_at=utcnow()))
    session.commit()
    assert "Anonymised 1 cases" in _run(app)


def test_a_case_the_ombudsman_still_has_is_held(app, make, session, old_case):
    _, old, _, _ = old_case
    referral = OmbudsmanReferral(case_id=old.id, ombudsman="lgsco", their_reference="24 001 234",
                                 received_on=date(2019, 1, 1), decision=OmbudsmanDecision.PENDING, created_at=utcnow())
    session.add(referral)
    session.commit()
    assert "Anonymised 0 cases" in _run(app)
    referral.decision = OmbudsmanDecision.NO_FAULT
    session.commit()
    assert "Anonymised 1 cases" in _run(app)


def _hold(app, case: Case, manager: User, *, lift: str | None = None) -> None:
    """Place a hold as the manager's request would (or lift it, with this note), and commit."""
    from shared.db import db
    from shared.domain.enums import LegalHoldReason
    from shared.services import legal_holds

    with app.test_request_context():
        found = db.session.get(Case, case.id)
        if lift is None:
            legal_holds.place(found, manager, None, LegalHoldReason.LITIGATION, "Court papers served")
        else:
            legal_holds.lift(found, manager, None, lift)
        db.session.commit()


def test_a_case_on_legal_hold_its_person_and_their_restrictions_are_kept_until_it_is_lifted(app, make, session):
    long_ago = utcnow() - YEARS_AGO_7
    person = make.user(full_name="Hal Held", created_at=long_ago, last_sign_in_at=long_ago)
    held = _close(session, make.case(person, make.service()), long_ago)
    session.add(Restriction(person_id=person.id, status=RestrictionStatus.LIFTED, category=RestrictionCategory.ABUSIVE,
                            types=["written_only"], behaviour="Shouted at Dan", proposed_by_id=make.user(Role.OFFICER).id,
                            proposed_at=long_ago, decided_at=long_ago, lifted_at=long_ago))
    session.commit()
    manager = make.user(Role.MANAGER)
    _hold(app, held, manager)

    assert "Would anonymise 0 cases, 0 restrictions and 0 people" in _run(app, "--dry-run")
    assert "Anonymised 0 cases, 0 restrictions and 0 people" in _run(app)
    session.expire_all()
    case = session.get(Case, held.id)
    assert (case.anonymised_at, case.resident_id, case.closure_reason) == (None, person.id, "Resolved with Mrs Jones")
    assert session.get(User, person.id).full_name == "Hal Held"
    assert session.scalar(select(Restriction.behaviour).where(Restriction.person_id == person.id)) == "Shouted at Dan"

    _hold(app, held, manager, lift="Claim struck out")
    assert "Anonymised 1 cases, 1 restrictions and 1 people" in _run(app)
    session.expire_all()
    assert session.get(Case, held.id).anonymised_at is not None
    # The hold's history stays on the case, as codes and dates: the notes were free text and went.
    kept = [e.details for e in session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == held.id, CaseEvent.type.in_([EventType.LEGAL_HOLD_PLACED, EventType.LEGAL_HOLD_LIFTED])))]
    assert [set(d) for d in kept] == [{"hold_reason"}, {"hold_reason", "placed_at"}]
    assert "Court papers" not in json.dumps(kept) and "struck out" not in json.dumps(kept)


def test_a_hold_on_a_case_keeps_its_representative_too(app, make, session, old_case):
    _, old, live, _ = old_case
    rep = session.scalar(select(CaseRepresentative.representative_id).where(CaseRepresentative.case_id == old.id))
    session.get(User, rep).created_at = utcnow() - YEARS_AGO_7
    session.commit()
    _hold(app, old, make.user(Role.MANAGER))
    assert "Anonymised 0 cases, 0 restrictions and 0 people" in _run(app)
    session.expire_all()
    assert session.get(User, rep).anonymised_at is None


def test_a_person_with_nothing_left_is_anonymised_with_their_sessions_and_adjustments(app, make, session):
    long_ago = utcnow() - YEARS_AGO_7
    person = make.user(full_name="Carol Quiet", phone="01234 567890", address="2 Low Road", created_at=long_ago,
                       last_sign_in_at=long_ago)
    make.adjustment(person, detail="Calls after 2pm")
    session.add(UserSession(token_hash="a" * 64, user_id=person.id, created_at=long_ago, last_seen_at=long_ago))
    _close(session, make.case(person, make.service()), long_ago)
    recent = make.user(full_name="New Person")  # registered today: nothing to anonymise

    assert "Anonymised 1 cases, 0 restrictions and 1 people" in _run(app)
    session.expire_all()
    gone = session.get(User, person.id)
    assert (gone.full_name, gone.email, gone.phone, gone.address, gone.password_hash) == (
        "[anonymised]", None, None, None, None)
    assert gone.anonymised_at is not None and not gone.is_active
    assert session.scalar(select(func.count()).select_from(Adjustment).where(Adjustment.person_id == person.id)) == 0
    assert session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == person.id)) == 0
    assert session.get(User, recent.id).full_name == "New Person"


def test_an_ended_restriction_is_kept_for_the_longest_period_then_loses_its_text(app, make, session):
    person, officer = make.user(), make.user(Role.OFFICER)

    def restriction(status, lifted_years_ago):
        lifted = utcnow() - timedelta(days=lifted_years_ago * 366)
        row = Restriction(person_id=person.id, status=status, category=RestrictionCategory.ABUSIVE, types=["written_only"],
                          behaviour="Shouted at Dan on 3 May", terms="Letters only", proposed_by_id=officer.id,
                          proposed_at=lifted - timedelta(days=90), decided_at=lifted - timedelta(days=80),
                          lifted_at=lifted if status is RestrictionStatus.LIFTED else None, decision_note="Agreed")
        session.add(row)
        session.commit()
        return row

    old = restriction(RestrictionStatus.LIFTED, 7)
    recent = restriction(RestrictionStatus.LIFTED, 2)
    live = restriction(RestrictionStatus.ACTIVE, 7)
    assert "0 cases, 1 restrictions" in _run(app)
    session.expire_all()
    assert (session.get(Restriction, old.id).behaviour, session.get(Restriction, old.id).category) == (
        "", RestrictionCategory.ABUSIVE)
    assert session.get(Restriction, recent.id).behaviour == "Shouted at Dan on 3 May"
    assert session.get(Restriction, live.id).anonymised_at is None
    # The person still has restrictions kept: their record stays.
    assert session.get(User, person.id).anonymised_at is None


def _every_report() -> dict[str, object]:
    period = Period(date(2000, 1, 1), date(2040, 12, 31))
    found = {}
    for name, spec in reports.registry().items():
        chosen = Period(period.end, period.end) if spec.period_is_a_date else period
        found[name] = spec.build(reports.Filters(period=chosen)).as_json()
    return found


def test_every_report_gives_the_same_figures_after_anonymising(app, session):
    """Generated cases, most closed; then the clock jumps 30 years so every closed one is due."""
    result = app.test_cli_runner().invoke(args=["demo-data", "--cases", "200", "--seed", "11"])
    assert result.exit_code == 0, result.output
    clock.set_now(utcnow() + timedelta(days=30 * 366))
    with app.test_request_context():
        before = _every_report()
    output = _run(app)
    anonymised = session.scalar(select(func.count(Case.id)).where(Case.anonymised_at.is_not(None)))
    assert anonymised > 100, output
    with app.test_request_context():
        after = _every_report()
    assert json.dumps(after, sort_keys=True, default=str) == json.dumps(before, sort_keys=True, default=str)


def test_the_back_office_case_page_says_when_it_was_anonymised(app, client, make, session, old_case):
    from unit_tests.test_route_access import quick_sign_in

    _, old, _, _ = old_case
    _run(app)
    quick_sign_in(client, session, make.user(Role.OFFICER))
    page = client.get(f"/staff/cases/{old.reference}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Anonymised on" in body and "Alice Jones" not in body and "Bob" not in body
