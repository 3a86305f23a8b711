"""The audit log: one append-only row for each thing done to, or seen of, a person outside a
case's own event log. Written in the same transaction as the change it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from shared.clock import utcnow
from shared.db import db
from shared.models import AuditEvent, User


def record(
    action: str,
    *,
    actor: User | None,
    subject_type: str,
    subject_id: int | None = None,
    person_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one row, e.g. record("restriction.decided", actor=manager, subject_type="restriction",
    subject_id=r.id, person_id=r.person_id, decision="approved"). Details must be JSON-serialisable."""
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        person_id=person_id,
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    return event


def for_subject(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


def for_person(person_id: int, limit: int = 200) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.person_id == person_id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Change:
    """One audited change as an admin page shows it: who (their name), when, the action, and each
    field from → to (`details["changes"]`, as the admin services record it)."""

    at: datetime
    by: str | None
    action: str
    changes: dict[str, list]
    details: dict


def changes(subject_type: str, subject_id: int | None = None, *, limit: int | None = None) -> list[Change]:
    """The changes recorded for a subject (or for every row of a subject type), newest first, in one query."""
    actor = aliased(User)
    statement = (
        select(AuditEvent, actor.full_name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_type == subject_type)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if subject_id is not None:
        statement = statement.where(AuditEvent.subject_id == subject_id)
    return [Change(event.at, by, event.action, event.details.get("changes", {}), event.details)
            for event, by in db.session.execute(statement)]
