"""Every state × action × role: allowed, or refused with the right error.

The SPEC below is the designed state machine written out independently of
shared/domain/transitions.py, so a change to either that the other does not share fails here.
"""

from __future__ import annotations

import pytest

from shared.domain.enums import CaseStatus, EventType, Role
from shared.domain.transitions import InvalidTransition, RoleNotAllowed, next_status, transition_for

# action: from-states (or "open" / "closed" / "any", with "-x" to leave one out) -> to-state | roles
SPEC = """
triaged_complaint: received reopened -> triaged | officer manager agent
triaged_service_request: received -> service_request | officer manager agent
triaged_feedback: received -> feedback | officer manager agent
signposted: received triaged -> signposted | officer manager
marked_duplicate: received triaged acknowledged -> duplicate | officer manager
refused: received triaged -> refused | officer manager
acknowledged: triaged escalated -> acknowledged | officer manager
allocated: open -response_sent -with_ombudsman -> same | officer manager
investigation_started: acknowledged reopened -> with_team | officer manager
passed_to_service: acknowledged with_team reopened -> with_service | officer manager
returned_from_service: with_service -> with_team | officer manager responder
response_drafted: acknowledged with_team with_service reopened response_drafted returned_for_changes -> response_drafted | officer manager responder
submitted_for_check: response_drafted -> awaiting_quality_check | officer manager responder
returned_for_changes: awaiting_quality_check -> returned_for_changes | officer manager
response_sent: awaiting_quality_check -> response_sent | officer manager
extended: acknowledged with_team with_service reopened response_drafted awaiting_quality_check returned_for_changes -> same | officer manager
escalation_requested: response_sent -> escalation_requested | officer manager resident agent
escalated: escalation_requested response_sent -> escalated | officer manager
withdrawn: open -with_ombudsman -> withdrawn | officer manager resident agent
closed: open -> closed | officer manager
reopened: closed -> reopened | officer manager
referred_to_ombudsman: response_sent escalation_requested closed -> with_ombudsman | officer manager
note_added: any -> same | officer manager responder agent
legal_hold_placed: any -> same | manager
legal_hold_lifted: any -> same | manager
"""

CLOSED = {"service_request", "feedback", "signposted", "duplicate", "refused", "withdrawn", "closed"}
ALL = {s.value for s in CaseStatus}


def _parse() -> dict[EventType, tuple[set[str], str, set[str]]]:
    spec = {}
    for line in SPEC.strip().splitlines():
        action, rest = line.split(":", 1)
        sources_text, rest = rest.split("->")
        target, roles = (part.strip() for part in rest.split("|"))
        words = sources_text.split()
        base = {"open": ALL - CLOSED, "closed": set(CLOSED), "any": set(ALL)}.get(words[0])
        sources = set(base) if base is not None else set()
        for word in words if base is None else words[1:]:
            if word.startswith("-"):
                sources.discard(word[1:])
            else:
                sources.add(word)
        spec[EventType(action.strip())] = (sources, target, set(roles.split()))
    return spec


EXPECTED = _parse()
CELLS = [(state, action, role) for state in CaseStatus for action in EXPECTED for role in Role]


def test_the_spec_names_every_action_but_receipt():
    assert set(EXPECTED) == set(EventType) - {EventType.RECEIVED}


@pytest.mark.parametrize(("state", "action", "role"), CELLS, ids=lambda v: getattr(v, "value", v))
def test_every_cell(state, action, role):
    sources, target, roles = EXPECTED[action]
    if state.value not in sources:
        with pytest.raises(InvalidTransition):
            transition_for(state, action, role)
    elif role.value not in roles:
        with pytest.raises(RoleNotAllowed):
            transition_for(state, action, role)
    else:
        expected = state if target == "same" else CaseStatus(target)
        assert next_status(state, action, role) is expected


def test_every_case_starts_received_and_only_once():
    assert next_status(None, EventType.RECEIVED) is CaseStatus.RECEIVED
    with pytest.raises(InvalidTransition):
        next_status(CaseStatus.RECEIVED, EventType.RECEIVED)
    with pytest.raises(InvalidTransition):
        transition_for(None, EventType.ACKNOWLEDGED, Role.OFFICER)


def test_closed_states_are_exactly_the_ones_that_end_a_case():
    assert {s.value for s in CaseStatus if not s.is_open} == CLOSED
