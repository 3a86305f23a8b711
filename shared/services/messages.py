"""Messages on a case: the person adding information or replying, and the council writing to them.

A message and its files are written together; the email that tells the other side carries only a
link, never the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import MessageDirection
from shared.models import Case, CaseMessage, User
from shared.services import files

MAX_BODY = 10_000


def post(
    case: Case,
    *,
    author: User | None,
    direction: MessageDirection,
    body: str,
    attachments: Iterable[files.CheckedFile] = (),
    at: datetime | None = None,
) -> CaseMessage:
    """Add a message (and its already-checked files) to the case in the current transaction."""
    message = CaseMessage(
        case_id=case.id,
        direction=direction,
        author_id=author.id if author else None,
        body=body.strip(),
        created_at=at or utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    files.store(attachments, uploaded_by=author, case_id=case.id, message_id=message.id)
    return message


def for_case(case: Case) -> list[CaseMessage]:
    """Every message on the case, oldest first, with its files and author (two queries)."""
    return list(
        db.session.scalars(
            select(CaseMessage)
            .where(CaseMessage.case_id == case.id)
            .options(selectinload(CaseMessage.files), selectinload(CaseMessage.author))
            .order_by(CaseMessage.created_at, CaseMessage.id)
        )
    )


def mark_read(case: Case, direction: MessageDirection, at: datetime | None = None) -> None:
    """The other side has opened the case: its unread messages in `direction` are now read."""
    db.session.execute(
        update(CaseMessage)
        .where(CaseMessage.case_id == case.id, CaseMessage.direction == direction, CaseMessage.read_at.is_(None))
        .values(read_at=at or utcnow())
    )
