"""What a resident (or a guest holding their case's link) does to their own case: add information
or reply, ask for the next stage, withdraw.

Each call acts as the case's resident record, goes through the engine where the case's state
changes, and flushes; the request commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.enums import EventType, MessageDirection, Role
from shared.models import Case, CaseEvent, CaseMessage, User
from shared.services import engine, files, messages, notifications, outbox, representatives


def acting_resident(case: Case, viewer: User | None) -> User:
    """Who the action is recorded as: the signed-in resident (or a representative named on the case,
    acting on the resident's behalf), or for a guest the case's own resident."""
    person = viewer if viewer is not None else case.resident
    if person is None or person.role is not Role.RESIDENT:
        raise LookupError("only the case's resident or their representative acts on it here")
    if person.id != case.resident_id and not representatives.represents(person, case):
        raise LookupError("only the case's resident or their representative acts on it here")
    return person


def _on_behalf(case: Case, actor: User) -> dict:
    """A representative's action is recorded as theirs, on behalf of the case's resident."""
    return {"on_behalf_of": case.resident} if case.resident_id and actor.id != case.resident_id else {}


def reply(case: Case, actor: User, body: str, attachments: Iterable[files.CheckedFile] = ()) -> CaseMessage:
    """Add the resident's message (and its checked files) to the case, and tell its officer.

    The officer's email carries the reference and a link, never the message: mail is not a safe
    place for what people tell the council.
    """
    message = messages.post(case, author=actor, direction=MessageDirection.IN, body=body, attachments=attachments)
    officer = case.officer
    if officer is not None and officer.is_active and officer.email:
        outbox.queue(
            "case_message_received",
            recipient=officer.email,
            locale=officer.locale or "en",
            user_id=officer.id,
            case_id=case.id,
            name=officer.full_name,
            reference=case.reference,
            link=notifications.link("staff.case", reference=case.reference),
        )
    return message


def request_escalation(case: Case, actor: User, version: int | None, reason: str | None) -> CaseEvent:
    reason = (reason or "").strip()
    event = engine.perform(
        case, EventType.ESCALATION_REQUESTED, actor, expected_version=version, **_on_behalf(case, actor),
        **({"reason": reason} if reason else {})
    )
    notifications.escalation_requested(case)
    return event


def withdraw(case: Case, actor: User, version: int | None, reason: str | None) -> CaseEvent:
    """Withdraw the case; the person gets the same confirmation as when staff record it for them."""
    event = engine.perform(case, EventType.WITHDRAWN, actor, expected_version=version, **_on_behalf(case, actor),
                           reason=(reason or "").strip() or None)
    notifications.withdrawn(case)
    return event
