"""The case state machine: which action may move a case from which state, by which roles.

Each row is (action, from states, to state, roles, visible to the resident). A to-state of
None keeps the current state (allocation, notes, extensions). Guards that depend on the case's
facts live in shared/domain/guards.py; the engine (shared/services/engine.py) applies both.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from shared.domain.enums import CLOSED_STATUSES, CaseStatus, EventType, Role
from shared.domain.policy import CASEWORK_ROLES, LEGAL_HOLD_ROLES

S = CaseStatus
TEAM = CASEWORK_ROLES  # the complaints team
FIRST_CONTACT = TEAM | {Role.AGENT}
CASEWORKERS = TEAM | {Role.RESPONDER}
OPEN = frozenset(s for s in CaseStatus if s not in CLOSED_STATUSES)
IN_INVESTIGATION = frozenset({S.ACKNOWLEDGED, S.WITH_TEAM, S.WITH_SERVICE, S.REOPENED})
BEFORE_RESPONSE = IN_INVESTIGATION | {S.RESPONSE_DRAFTED, S.AWAITING_QUALITY_CHECK, S.RETURNED_FOR_CHANGES}


@dataclass(frozen=True)
class Transition:
    action: EventType
    sources: frozenset[CaseStatus]
    target: CaseStatus | None
    roles: frozenset[Role]
    public: bool


def _t(action, sources, target, roles, public=True) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), public)


TABLE: dict[EventType, Transition] = {
    t.action: t
    for t in (
        _t(EventType.TRIAGED_COMPLAINT, {S.RECEIVED, S.REOPENED}, S.TRIAGED, FIRST_CONTACT, public=False),
        _t(EventType.TRIAGED_SERVICE_REQUEST, {S.RECEIVED}, S.SERVICE_REQUEST, FIRST_CONTACT),
        _t(EventType.TRIAGED_FEEDBACK, {S.RECEIVED}, S.FEEDBACK, FIRST_CONTACT),
        _t(EventType.SIGNPOSTED, {S.RECEIVED, S.TRIAGED}, S.SIGNPOSTED, TEAM),
        _t(EventType.MARKED_DUPLICATE, {S.RECEIVED, S.TRIAGED, S.ACKNOWLEDGED}, S.DUPLICATE, TEAM),
        _t(EventType.REFUSED, {S.RECEIVED, S.TRIAGED}, S.REFUSED, TEAM),
        _t(EventType.ACKNOWLEDGED, {S.TRIAGED, S.ESCALATED}, S.ACKNOWLEDGED, TEAM),
        _t(EventType.ALLOCATED, OPEN - {S.RESPONSE_SENT, S.WITH_OMBUDSMAN}, None, TEAM, public=False),
        _t(EventType.INVESTIGATION_STARTED, {S.ACKNOWLEDGED, S.REOPENED}, S.WITH_TEAM, TEAM, public=False),
        _t(EventType.PASSED_TO_SERVICE, {S.ACKNOWLEDGED, S.WITH_TEAM, S.REOPENED}, S.WITH_SERVICE, TEAM, public=False),
        _t(EventType.RETURNED_FROM_SERVICE, {S.WITH_SERVICE}, S.WITH_TEAM, CASEWORKERS, public=False),
        _t(EventType.RESPONSE_DRAFTED, IN_INVESTIGATION | {S.RESPONSE_DRAFTED, S.RETURNED_FOR_CHANGES},
           S.RESPONSE_DRAFTED, CASEWORKERS, public=False),
        _t(EventType.SUBMITTED_FOR_CHECK, {S.RESPONSE_DRAFTED}, S.AWAITING_QUALITY_CHECK, CASEWORKERS, public=False),
        _t(EventType.RETURNED_FOR_CHANGES, {S.AWAITING_QUALITY_CHECK}, S.RETURNED_FOR_CHANGES, TEAM, public=False),
        _t(EventType.RESPONSE_SENT, {S.AWAITING_QUALITY_CHECK}, S.RESPONSE_SENT, TEAM),
        _t(EventType.EXTENDED, BEFORE_RESPONSE, None, TEAM),
        _t(EventType.ESCALATION_REQUESTED, {S.RESPONSE_SENT}, S.ESCALATION_REQUESTED, TEAM | {Role.RESIDENT, Role.AGENT}),
        _t(EventType.ESCALATED, {S.ESCALATION_REQUESTED, S.RESPONSE_SENT}, S.ESCALATED, TEAM),
        _t(EventType.WITHDRAWN, OPEN - {S.WITH_OMBUDSMAN}, S.WITHDRAWN, TEAM | {Role.RESIDENT, Role.AGENT}),
        _t(EventType.CLOSED, OPEN, S.CLOSED, TEAM),
        _t(EventType.REOPENED, CLOSED_STATUSES, S.REOPENED, TEAM),
        _t(EventType.REFERRED_TO_OMBUDSMAN, {S.RESPONSE_SENT, S.ESCALATION_REQUESTED, S.CLOSED}, S.WITH_OMBUDSMAN, TEAM),
        _t(EventType.NOTE_ADDED, frozenset(CaseStatus), None, CASEWORKERS | {Role.AGENT}, public=False),
        # A hold changes nothing in how the case is worked: any state, kept in the state it is in.
        _t(EventType.LEGAL_HOLD_PLACED, frozenset(CaseStatus), None, LEGAL_HOLD_ROLES, public=False),
        _t(EventType.LEGAL_HOLD_LIFTED, frozenset(CaseStatus), None, LEGAL_HOLD_ROLES, public=False),
    )
}


class EngineError(Exception):
    """An action the engine refuses; `message` is a translated sentence for the person."""

    status_code = 409

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


class InvalidTransition(EngineError):
    def __init__(self, current: CaseStatus | None, action: EventType) -> None:
        if current is None:
            message = _l("That cannot be done before the case has been received.")
        else:
            message = _l(
                "That cannot be done now: the case is at “%(status)s”.", status=current.label
            )
        super().__init__(message)
        self.current = current
        self.action = action


class RoleNotAllowed(EngineError):
    status_code = 403

    def __init__(self, role: Role, action: EventType) -> None:
        super().__init__(_l("Your role does not allow you to do that."))
        self.role = role
        self.action = action


class GuardFailed(EngineError):
    """The action is allowed in principle but a rule stops it (with the rule's own message)."""


class StaleCase(EngineError):
    def __init__(self) -> None:
        super().__init__(
            _l("Someone else changed this case while you were working on it. Your changes have not been saved yet: check the case and try again.")
        )


def transition_for(current: CaseStatus | None, action: EventType, role: Role) -> Transition:
    """The row for this action, or the error that explains why it cannot happen."""
    transition = TABLE.get(action)
    if transition is None or current is None or current not in transition.sources:
        raise InvalidTransition(current, action)
    if role not in transition.roles:
        raise RoleNotAllowed(role, action)
    return transition


def next_status(current: CaseStatus | None, action: EventType, role: Role = Role.OFFICER) -> CaseStatus:
    """Where `action` takes a case in `current` (receipt starts every case)."""
    if action is EventType.RECEIVED:
        if current is not None:
            raise InvalidTransition(current, action)
        return CaseStatus.RECEIVED
    transition = transition_for(current, action, role)
    return transition.target or current  # type: ignore[return-value]


def allowed_actions(current: CaseStatus, role: Role) -> list[EventType]:
    return [t.action for t in TABLE.values() if current in t.sources and role in t.roles]
