"""Which status changes a case may make, and the error raised for any other."""

from __future__ import annotations

from shared.domain.enums import CaseStatus, EventType


class InvalidTransition(Exception):
    def __init__(self, current: CaseStatus | None, event: EventType) -> None:
        state = current.value if current is not None else "not yet received"
        super().__init__(f"a case that is {state} cannot take {event.value}")
        self.current = current
        self.event = event


def next_status(current: CaseStatus | None, event: EventType) -> CaseStatus:
    """The status after `event`, or InvalidTransition. The case engine extends this table."""
    match (current, event):
        case (None, EventType.RECEIVED):
            return CaseStatus.RECEIVED
        case (CaseStatus.RECEIVED, EventType.ACKNOWLEDGED):
            return CaseStatus.ACKNOWLEDGED
        case (CaseStatus.RECEIVED | CaseStatus.ACKNOWLEDGED | CaseStatus.INVESTIGATING, EventType.ALLOCATED):
            return current
        case (CaseStatus.ACKNOWLEDGED, EventType.INVESTIGATION_STARTED):
            return CaseStatus.INVESTIGATING
        case (CaseStatus.INVESTIGATING, EventType.RESPONSE_SENT):
            return CaseStatus.RESPONDED
        case (CaseStatus.RESPONDED, EventType.CLOSED):
            return CaseStatus.CLOSED
        case (status, EventType.WITHDRAWN) if status is not None and status.is_open:
            return CaseStatus.WITHDRAWN
        case (status, EventType.NOTE_ADDED) if status is not None:
            return status
    raise InvalidTransition(current, event)
