"""Who may see which case. Used by services, views and templates alike; pure logic."""

from __future__ import annotations

from typing import Protocol

from shared.domain.enums import Role

CASEWORK_ROLES = frozenset({Role.OFFICER, Role.MANAGER})
TRIAGE_ROLES = frozenset({Role.OFFICER, Role.MANAGER})
CASE_READER_ROLES = frozenset({Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER})


class _Viewer(Protocol):
    id: int
    role: Role
    service_id: int | None


class _CaseLike(Protocol):
    resident_id: int | None
    service_id: int


def can_view_case(viewer: _Viewer, case: _CaseLike) -> bool:
    """Residents see their own; responders their service's; the complaints team all; admins none."""
    match viewer.role:
        case Role.RESIDENT:
            return case.resident_id == viewer.id
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
