"""Who may see which case. Used by services, views and templates alike; pure logic."""

from __future__ import annotations

from typing import Protocol

from shared.domain.enums import Role

CASEWORK_ROLES = frozenset({Role.OFFICER, Role.MANAGER})
TRIAGE_ROLES = frozenset({Role.OFFICER, Role.MANAGER})
CASE_READER_ROLES = frozenset({Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER})
# Management reports: figures only, but about every case, so the complaints team alone.
REPORT_READER_ROLES = frozenset({Role.OFFICER, Role.MANAGER})
# The Complaint Handling Code self-assessment and annual statements: the council's answer, so managers.
CHC_EDITOR_ROLES = frozenset({Role.MANAGER})
# Reports about named people (staff attitude complaints by named employee): managers alone, audited.
PEOPLE_REPORT_READER_ROLES = frozenset({Role.MANAGER})


class _Viewer(Protocol):
    id: int
    role: Role
    service_id: int | None


class _CaseLike(Protocol):
    resident_id: int | None
    service_id: int


def can_view_case(viewer: _Viewer, case: _CaseLike, *, represents: bool = False) -> bool:
    """Residents see their own; responders their service's; the complaints team all; admins none.

    `represents`: the viewer is named on this case as an active representative (with consent not
    withdrawn; shared/services/representatives.py looks it up). That opens this one case to a
    resident or councillor, never anything else of the person.
    """
    match viewer.role:
        case Role.RESIDENT:
            return case.resident_id == viewer.id or represents
        case Role.COUNCILLOR:
            return represents
        case Role.RESPONDER:
            return viewer.service_id is not None and case.service_id == viewer.service_id
        case Role.AGENT | Role.OFFICER | Role.MANAGER:
            return True
    return False


def sees_internal_events(viewer: _Viewer) -> bool:
    return viewer.role in CASE_READER_ROLES


class _ServiceItem(Protocol):
    service_id: int


def _team_or_the_services_responder(viewer: _Viewer, service_id: int) -> bool:
    if viewer.role in CASEWORK_ROLES:
        return True
    return viewer.role is Role.RESPONDER and viewer.service_id is not None and viewer.service_id == service_id


def can_answer_information_request(viewer: _Viewer, request: _ServiceItem) -> bool:
    """The complaints team, or a responder of the service asked. Anyone else gets "not found"."""
    return _team_or_the_services_responder(viewer, request.service_id)


def can_edit_learning(viewer: _Viewer) -> bool:
    return viewer.role in CASEWORK_ROLES


def can_update_learning_status(viewer: _Viewer, action: _ServiceItem) -> bool:
    """The complaints team may; a service responder only for their own service's actions."""
    return _team_or_the_services_responder(viewer, action.service_id)


class _HandledCase(_CaseLike, Protocol):
    officer_id: int | None


def can_send_message(viewer: _Viewer, case: _HandledCase) -> bool:
    """Who writes to the person about their case: the complaints team, or a service responder
    only when the case is allocated to them.

    The person should hear from whoever handles their complaint, in one voice: a responder who
    helps with an investigation answers the team (requests for information), not the person.
    The contact centre records calls as notes and does not write on a case.
    """
    if not can_view_case(viewer, case):
        return False
    if viewer.role in CASEWORK_ROLES:
        return True
    return viewer.role is Role.RESPONDER and case.officer_id is not None and case.officer_id == viewer.id


# --- reasonable adjustments (issue 7) -------------------------------------------------------------

ADJUSTMENT_RECORDER_ROLES = frozenset({Role.AGENT, Role.OFFICER, Role.MANAGER})


class _Person(Protocol):
    id: int


def can_see_adjustments(viewer: _Viewer, person: _Person) -> bool:
    """The person themselves and staff who read cases; never councillors, representatives or admins."""
    if viewer.role is Role.RESIDENT:
        return viewer.id == person.id
    return viewer.role in CASE_READER_ROLES


def can_record_adjustments(viewer: _Viewer, person: _Person) -> bool:
    """Residents record their own; agents, officers and managers record them for people."""
    if viewer.role is Role.RESIDENT:
        return viewer.id == person.id
    return viewer.role in ADJUSTMENT_RECORDER_ROLES


# --- unreasonable-behaviour restrictions (issue 7) ---------------------------------------------------

RESTRICTION_TEAM_ROLES = CASEWORK_ROLES  # propose, read the behaviour and evidence, the list
RESTRICTION_TERMS_ROLES = frozenset({Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER})


def can_see_restriction(viewer: _Viewer) -> bool:
    """Who sees that a restriction applies and its terms (the banner, the flag on case lists).

    Everyone on the staff who may deal with the person: agents take their calls, a responder may
    handle their case; all of them must keep to the terms. Admins do not (no case role), and
    residents, councillors and representatives never do: the person hears of it only by the letter.
    """
    return viewer.role in RESTRICTION_TERMS_ROLES


def can_see_restriction_details(viewer: _Viewer) -> bool:
    """The behaviour, the evidence and the decision: the complaints team only."""
    return viewer.role in RESTRICTION_TEAM_ROLES


# --- acting for someone else (issue 6) ----------------------------------------------------------------

REPRESENTATIVE_ROLES = frozenset({Role.RESIDENT, Role.COUNCILLOR})  # who may be named on a case
REPRESENTATIVE_RECORDER_ROLES = frozenset({Role.AGENT, Role.OFFICER, Role.MANAGER})


def may_act_as_resident(actor: _Viewer, case: _CaseLike, *, represents: bool = False) -> bool:
    """Who may do the resident's own actions on a case (reply, escalate, withdraw): its resident, or
    a resident named on it as an active representative, recorded as acting on the resident's behalf.
    Councillors chase their enquiries by message only (portal/views/councillor.py)."""
    return actor.role is Role.RESIDENT and (case.resident_id == actor.id or represents)


def can_record_representatives(viewer: _Viewer, case: _CaseLike) -> bool:
    """Agents, officers and managers name representatives and withdraw them, on a case they can see."""
    return viewer.role in REPRESENTATIVE_RECORDER_ROLES and can_view_case(viewer, case)


def can_edit_chc_annual(viewer: _Viewer) -> bool:
    return viewer.role in CHC_EDITOR_ROLES


# --- employees named by staff attitude complaints (issue 9) -------------------------------------------

NAMED_EMPLOYEE_ROLES = CASEWORK_ROLES  # record, correct and read who a complaint names


def can_see_named_employees(viewer: _Viewer) -> bool:
    """The complaints team only: not agents or service responders (the person named may be their
    colleague), and never residents, councillors, representatives or admins."""
    return viewer.role in NAMED_EMPLOYEE_ROLES


# --- subject access and erasure (issue 10) ---------------------------------------------------------

# The complaints manager answers subject-access requests and decides erasures. Not admins: a download
# of everything about a person is case content, which admins never read (docs/access.md).
PRIVACY_ROLES = frozenset({Role.MANAGER})


# --- legal holds (issue 10) ------------------------------------------------------------------------

# The complaints manager places and lifts a legal hold, as they decide erasures: keeping a case past
# its retention period, or refusing a person's erasure, is the same judgement about the law. Admins
# have no case content (docs/access.md); everyone who reads the case sees that it is held.
LEGAL_HOLD_ROLES = PRIVACY_ROLES


class _HoldableCase(_CaseLike, Protocol):
    on_legal_hold: bool
    anonymised_at: object


def can_see_legal_hold(viewer: _Viewer, case: _CaseLike) -> bool:
    """The hold, who placed it and why: whoever may read the case on the staff side."""
    return viewer.role in CASE_READER_ROLES and can_view_case(viewer, case)


def can_place_legal_hold(viewer: _Viewer, case: _HoldableCase) -> bool:
    """A manager, on a case not already held whose details are still there to keep."""
    return (viewer.role in LEGAL_HOLD_ROLES and can_view_case(viewer, case) and not case.on_legal_hold
            and case.anonymised_at is None)


def can_lift_legal_hold(viewer: _Viewer, case: _HoldableCase) -> bool:
    return viewer.role in LEGAL_HOLD_ROLES and can_view_case(viewer, case) and case.on_legal_hold
