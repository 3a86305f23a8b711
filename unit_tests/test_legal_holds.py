"""Legal holds on a case (issue 10): who may place and lift one, the pages (errors keep what was
typed, a stale page is refused, nothing half-saved), the banner and timeline on the case page within
its query budget, the audit rows, the case list's filter, and that a held case is still worked.
The retention job and erasure respecting a hold are in test_anonymise.py and
test_subject_access_erasure.py."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from shared.clock import utcnow
from shared.domain import policy
from shared.domain.enums import CaseStatus, EventType, LegalHoldReason, Role
from shared.models import AuditEvent, Case, CaseEvent
from unit_tests.test_route_access import quick_sign_in

NOTE = "Letter from Smith & Co solicitors, ref SC/123: a claim for the damaged fence is expected."


# --- the policy --------------------------------------------------------------------------------------


def _viewer(role: Role, service_id: int | None = 1):
    return SimpleNamespace(id=99, role=role, service_id=service_id)


def _case(*, held: bool = False, anonymised: bool = False, service_id: int = 1):
    return SimpleNamespace(resident_id=5, service_id=service_id, on_legal_hold=held,
                           anonymised_at=utcnow() if anonymised else None)


@pytest.mark.parametrize("role", list(Role))
def test_only_a_manager_places_and_lifts_a_hold_and_every_case_reader_sees_it(role):
    assert policy.can_place_legal_hold(_viewer(role), _case()) is (role is Role.MANAGER)
    assert policy.can_lift_legal_hold(_viewer(role), _case(held=True)) is (role is Role.MANAGER)
    assert policy.can_see_legal_hold(_viewer(role), _case(held=True)) is (
        role in {Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER})


def test_a_hold_is_placed_once_lifted_only_when_there_and_never_on_an_anonymised_case():
    manager = _viewer(Role.MANAGER)
    assert not policy.can_place_legal_hold(manager, _case(held=True))
    assert not policy.can_place_legal_hold(manager, _case(anonymised=True))
    assert not policy.can_lift_legal_hold(manager, _case(held=False))


def test_a_responder_sees_a_hold_on_their_own_services_cases_only():
    responder = _viewer(Role.RESPONDER, service_id=1)
    assert policy.can_see_legal_hold(responder, _case(held=True, service_id=1))
    assert not policy.can_see_legal_hold(responder, _case(held=True, service_id=2))


def test_a_placed_hold_bars_an_erasure_beside_the_other_bars():
    from shared.domain.erasure import ErasureBar, Facts, bars

    facts = {"open_cases": 0, "live_restrictions": 0, "held_cases": 0, "anonymised": False}
    assert bars(Facts(**facts, placed_holds=0)) == []
    assert bars(Facts(**facts, placed_holds=2)) == [ErasureBar.PLACED_LEGAL_HOLD]
    assert bars(Facts(**{**facts, "held_cases": 1}, placed_holds=1)) == [ErasureBar.LEGAL_HOLD,
                                                                          ErasureBar.PLACED_LEGAL_HOLD]
    assert bars(Facts(**{**facts, "anonymised": True}, placed_holds=1)) == [ErasureBar.ALREADY_ERASED]


def test_the_engine_refuses_a_hold_on_an_anonymised_case_a_second_hold_and_an_empty_note(app, make, session):
    from shared.db import db
    from shared.domain.transitions import GuardFailed, RoleNotAllowed
    from shared.services import legal_holds

    service, manager = make.service(), make.user(Role.MANAGER)
    gone = make.case(None, service, status=CaseStatus.CLOSED, anonymised_at=utcnow())
    live = make.case(make.user(), service)
    with app.test_request_context():
        with pytest.raises(GuardFailed, match="anonymised"):
            legal_holds.place(db.session.get(Case, gone.id), manager, None, LegalHoldReason.OTHER, "A note")
        with pytest.raises(GuardFailed, match="Enter why"):
            legal_holds.place(db.session.get(Case, live.id), manager, None, LegalHoldReason.OTHER, "   ")
        with pytest.raises(RoleNotAllowed):
            legal_holds.place(db.session.get(Case, live.id), make.user(Role.OFFICER), None, LegalHoldReason.OTHER, "x")
        legal_holds.place(db.session.get(Case, live.id), manager, None, LegalHoldReason.OTHER, "A note")
        with pytest.raises(GuardFailed, match="already on legal hold"):
            legal_holds.place(db.session.get(Case, live.id), manager, None, LegalHoldReason.CLAIM, "Again")


# --- the pages ---------------------------------------------------------------------------------------


@pytest.fixture
def held_world(make):
    resident = make.user(full_name="Pat Fence")
    case = make.case(resident, make.service(), status=CaseStatus.ACKNOWLEDGED)
    return SimpleNamespace(resident=resident, case=case, manager=make.user(Role.MANAGER, full_name="Mina Manager"))


def _place(client, reference, *, follow_redirects=False, **data):
    return client.submit(f"/staff/cases/{reference}/legal-hold", {"reason": "claim", "note": NOTE, **data},
                         follow_redirects=follow_redirects)


def test_a_manager_places_a_hold_and_everyone_on_the_case_sees_who_when_and_why(client, make, session, held_world):
    reference = held_world.case.reference
    quick_sign_in(client, session, held_world.manager)
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert f'href="/staff/cases/{reference}/legal-hold"' in page and 'id="legal-hold"' not in page

    form = client.get(f"/staff/cases/{reference}/legal-hold")
    assert form.status_code == 200
    assert "An insurance or court claim" in form.get_data(as_text=True)
    done = _place(client, reference)
    assert done.status_code == 302 and done.location.endswith(f"/staff/cases/{reference}")

    session.expire_all()
    case = session.get(Case, held_world.case.id)
    assert (case.on_legal_hold, case.legal_hold_by_id, case.legal_hold_reason, case.legal_hold_note) == (
        True, held_world.manager.id, LegalHoldReason.CLAIM, NOTE)
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.type == EventType.LEGAL_HOLD_PLACED))
    assert (event.public, event.actor_id, event.details) == (False, held_world.manager.id,
                                                              {"hold_reason": "claim", "note": NOTE})
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.legal_hold_placed")).all()
    assert [(a.actor_id, a.subject_type, a.subject_id, a.person_id, a.details) for a in audit] == [
        (held_world.manager.id, "case", case.id, held_world.resident.id, {"reason": "claim"})]

    # The banner, for the manager with the way to lift it; the timeline has the event with its note.
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)  # the strict client: ≤ 10 queries
    banner = page[page.index('id="legal-hold"'):]
    banner = banner[:banner.index("</div>\n</div>")]
    assert "Placed by Mina Manager on" in banner and "Reason: An insurance or court claim." in banner
    assert "Smith &amp; Co solicitors" in banner
    assert f'href="/staff/cases/{reference}/legal-hold/lift"' in banner
    assert "Legal hold placed" in page
    assert f'href="/staff/cases/{reference}/legal-hold"' not in page  # not offered twice

    # An officer sees the banner, but neither places nor lifts.
    quick_sign_in(client, session, make.user(Role.OFFICER))
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "Placed by Mina Manager on" in page and "Smith &amp; Co solicitors" in page
    assert "/legal-hold" not in page


def test_the_resident_never_sees_the_hold(client, session, held_world):
    quick_sign_in(client, session, held_world.manager)
    _place(client, held_world.case.reference, follow_redirects=True)  # the flash is shown to the manager
    quick_sign_in(client, session, held_world.resident)
    page = client.get(f"/cases/{held_world.case.reference}").get_data(as_text=True)
    assert "legal hold" not in page.lower() and "Smith" not in page


def test_a_hold_without_a_reason_or_note_is_refused_keeping_what_was_typed(client, session, held_world):
    reference = held_world.case.reference
    quick_sign_in(client, session, held_world.manager)
    response = client.submit(f"/staff/cases/{reference}/legal-hold", {"note": NOTE})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in body and "Select why this case must be kept" in body
    assert "Smith &amp; Co solicitors, ref SC/123" in body  # the note is kept

    response = client.submit(f"/staff/cases/{reference}/legal-hold", {"reason": "litigation", "note": "  "})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter what we know about why this case must be kept" in body
    assert re.search(r'value="litigation"\s+checked|checked[^>]*value="litigation"', body)

    response = client.submit(f"/staff/cases/{reference}/legal-hold", {"reason": "made_up", "note": NOTE})
    assert response.status_code == 400
    session.expire_all()
    assert not session.get(Case, held_world.case.id).on_legal_hold
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action.like("case.legal_hold%"))) is None


def test_a_hold_from_a_stale_page_is_refused_and_nothing_is_saved(client, session, held_world):
    reference = held_world.case.reference
    quick_sign_in(client, session, held_world.manager)
    token = client.csrf_token(f"/staff/cases/{reference}/legal-hold")
    seen = held_world.case.version
    client.submit(f"/staff/cases/{reference}/notes", {"text": "Rang the resident.", "version": str(seen)})
    response = client.post(f"/staff/cases/{reference}/legal-hold",
                           data={"csrf_token": token, "reason": "claim", "note": NOTE, "version": str(seen)})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this case" in body
    assert "Smith &amp; Co solicitors" in body
    session.expire_all()
    assert not session.get(Case, held_world.case.id).on_legal_hold


def test_placing_a_second_hold_or_lifting_none_says_why(client, session, held_world):
    reference = held_world.case.reference
    quick_sign_in(client, session, held_world.manager)
    lift = client.get(f"/staff/cases/{reference}/legal-hold/lift")
    assert lift.status_code == 409 and "This case is not on legal hold." in lift.get_data(as_text=True)
    _place(client, reference)
    again = client.get(f"/staff/cases/{reference}/legal-hold")
    assert again.status_code == 409 and "This case is already on legal hold." in again.get_data(as_text=True)


def test_a_manager_lifts_the_hold_with_a_note_and_it_stays_in_the_history(client, session, held_world):
    reference = held_world.case.reference
    quick_sign_in(client, session, held_world.manager)
    _place(client, reference)
    page = client.get(f"/staff/cases/{reference}/legal-hold/lift")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mina Manager" in body and "Smith &amp; Co solicitors" in body

    empty = client.submit(f"/staff/cases/{reference}/legal-hold/lift", {"note": ""})
    assert empty.status_code == 400 and "Enter why the legal hold can be lifted" in empty.get_data(as_text=True)
    session.expire_all()
    assert session.get(Case, held_world.case.id).on_legal_hold

    done = client.submit(f"/staff/cases/{reference}/legal-hold/lift", {"note": "The claim was settled on 1 March."})
    assert done.status_code == 302
    session.expire_all()
    case = session.get(Case, held_world.case.id)
    assert (case.legal_hold_at, case.legal_hold_by_id, case.legal_hold_reason, case.legal_hold_note) == (
        None, None, None, None)
    lifted = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                    CaseEvent.type == EventType.LEGAL_HOLD_LIFTED))
    assert lifted.details["note"] == "The claim was settled on 1 March." and lifted.details["hold_reason"] == "claim"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.legal_hold_lifted")).all()
    assert [(a.actor_id, a.subject_id, a.details) for a in audit] == [(held_world.manager.id, case.id, {"reason": "claim"})]

    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert 'id="legal-hold"' not in page
    assert "Legal hold placed" in page and "Legal hold lifted" in page and "The claim was settled on 1 March." in page
    assert f'href="/staff/cases/{reference}/legal-hold"' in page  # may be placed again


def test_a_held_case_is_still_worked_as_usual(client, session, held_world):
    reference = held_world.case.reference
    quick_sign_in(client, session, held_world.manager)
    _place(client, reference)
    session.expire_all()
    version = session.get(Case, held_world.case.id).version
    note = client.submit(f"/staff/cases/{reference}/notes", {"text": "Spoke to the insurer.", "version": str(version)})
    assert note.status_code == 302
    closed = client.submit(f"/staff/cases/{reference}/close",
                           {"code": "not_a_complaint", "reason": "A request for a new fence.", "version": str(version + 1)})
    assert closed.status_code == 302, closed.get_data(as_text=True)
    session.expire_all()
    case = session.get(Case, held_world.case.id)
    assert case.status is CaseStatus.CLOSED and case.on_legal_hold


def test_the_case_list_finds_the_held_cases(client, make, session, held_world):
    other = make.case(make.user(full_name="Not Held"), make.service())
    quick_sign_in(client, session, held_world.manager)
    _place(client, held_world.case.reference)
    listed = client.get("/staff/cases?held=y").get_data(as_text=True)
    assert held_world.case.reference in listed and other.reference not in listed
    assert "moj-badge--black" in listed and "On legal hold" in listed  # the badge and the removable tag
    everything = client.get("/staff/cases").get_data(as_text=True)
    assert other.reference in everything and 'href="/staff/cases?held=y"' in everything  # the saved view
