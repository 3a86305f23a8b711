"""Legal holds a complaints manager places on a case and lifts (issue 10; docs/privacy.md).

A hold is kept on the case's row, so the retention job (shared/services/anonymise.py) and erasure
(shared/services/erasure.py) can ask for it in the queries they already run, and the case page
shows it at no extra query. Placing and lifting go through the engine, so each is an internal event
on the case's timeline (with the manager's note) and bumps the case's version; each is also one
audit row, with the reason's code and never the note's words (docs/audit.md). Nothing here commits.
"""

from __future__ import annotations

from shared.db import db
from shared.domain.enums import EventType, LegalHoldReason
from shared.models import Case, CaseEvent, User
from shared.services import audit, engine


def place(case: Case, actor: User, version: int | None, reason: LegalHoldReason, note: str) -> CaseEvent:
    event = engine.perform(case, EventType.LEGAL_HOLD_PLACED, actor, expected_version=version, reason=reason,
                           note=note)
    audit.record("case.legal_hold_placed", actor=actor, subject_type="case", subject_id=case.id,
                 person_id=case.resident_id, reason=reason.value)
    return event


def lift(case: Case, actor: User, version: int | None, note: str) -> CaseEvent:
    event = engine.perform(case, EventType.LEGAL_HOLD_LIFTED, actor, expected_version=version, note=note)
    audit.record("case.legal_hold_lifted", actor=actor, subject_type="case", subject_id=case.id,
                 person_id=case.resident_id, reason=event.details.get("hold_reason"))
    return event


def placer(case: Case) -> User | None:
    """Who placed the hold on a case loaded without them (one query by primary key, or none)."""
    return db.session.get(User, case.legal_hold_by_id) if case.legal_hold_by_id else None

