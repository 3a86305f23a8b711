"""The audit log: one append-only row for each thing done to, or seen of, a person outside a
case's own event log. Written in the same transaction as the change it records — except for what
happens on a request that is then refused (a failed sign-in, a 403, someone else's case), whose
transaction is rolled back: those rows are kept aside and written in a transaction of their own
after the request's commit or rollback (`record_regardless`, `write_kept`). What is recorded and
why: docs/audit.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, g, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
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


_KEPT = "audit_kept"


def record_regardless(action: str, *, actor: User | None, subject_type: str, subject_id: int | None = None,
                      person_id: int | None = None, **details: Any) -> None:
    """As `record`, for a request that may end in a rollback: the row is written after the request's
    own transaction ends, whatever its outcome (outside a request, at once)."""
    row = dict(at=utcnow(), actor_id=actor.id if actor else None, action=action, subject_type=subject_type,
               subject_id=subject_id, person_id=person_id, details=details)
    if not has_request_context():
        db.session.add(AuditEvent(**row))
        db.session.flush()
        return
    g.setdefault(_KEPT, []).append(row)


def write_kept() -> None:
    """Write the rows `record_regardless` kept, in one transaction of their own (called by the
    after-request hook once the request's transaction is committed or rolled back)."""
    rows = g.pop(_KEPT, None)
    if not rows:
        return
    session = db.session
    try:
        session.add_all([AuditEvent(**row) for row in rows])
        session.commit()
    except SQLAlchemyError as error:  # the database went away: the refusal itself still stands
        session.rollback()
        current_app.logger.error("audit events not written (%s): %s", ", ".join(r["action"] for r in rows),
                                 str(getattr(error, "orig", None) or error).splitlines()[0])


def refused(status: int, *, actor: User | None, subject_type: str = "route", subject_id: int | None = None,
            person_id: int | None = None, **details: Any) -> None:
    """Access refused (403, or the 404 for someone else's case): the route and what was asked for."""
    record_regardless("access.refused", actor=actor, subject_type=subject_type, subject_id=subject_id,
                      person_id=person_id, status=status, method=request.method,
                      route=request.url_rule.rule if request.url_rule else None, asked=_asked(), **details)


def _asked() -> dict[str, str]:
    """The route's arguments (a case reference, a file number), never a link's secret token."""
    return {name: str(value)[:60] for name, value in (request.view_args or {}).items() if "token" not in name}


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


def changes(subject_type: str, subject_id: int | None = None, *, limit: int | None = None, where=None) -> list[Change]:
    """The changes recorded for a subject (or for every row of a subject type), newest first, in one
    query; `where`, a condition on AuditEvent, narrows them (one language's translations, say)."""
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
    if where is not None:
        statement = statement.where(where)
    return [Change(event.at, by, event.action, event.details.get("changes", {}), event.details)
            for event, by in db.session.execute(statement)]
