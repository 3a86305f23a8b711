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
