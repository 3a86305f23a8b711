"""The outbox: queue messages in the current transaction (the worker sends them), and the staff's view of it.

A request never waits on a mail provider: it only adds rows here, committed with the change that
caused them; `redress worker` (shared/notify/worker.py) delivers them afterwards.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from shared.clock import LONDON, utcnow
from shared.db import db
from shared.domain.enums import MessageChannel, MessageFormat, MessageStatus
from shared.models import OutboxMessage, User
from shared.notify.base import one_line
from shared.services import message_templates
from shared.services.cases import Page

log = logging.getLogger("redress.outbox")

PAGE_SIZE = 50
# Messages that cannot go by themselves and wait for a person: the staff tasks.
NEEDS_PERSON = (MessageStatus.GIVEN_UP, MessageStatus.TO_PRINT)
_batching: ContextVar[bool] = ContextVar("outbox_batching", default=False)


@contextmanager
def batched() -> Iterator[None]:
    """Queue several messages as one INSERT: inside the block queue() only adds them, and the
    block's end flushes them together (SQLAlchemy's insertmanyvalues; `reference` is the insert
    sentinel that lets SQLite batch too). A duplicate message_reference then fails at the block's
    end, not at its queue() call. Sending feedback uses it: a guest's link and their text or letter."""
    token = _batching.set(True)
    try:
        yield
    finally:
        _batching.reset(token)
    db.session.flush()


def queue(
    template: str,
    *,
    recipient: str,
    locale: str,
    user_id: int | None = None,
    case_id: int | None = None,
    channel: MessageChannel = MessageChannel.EMAIL,
    format: MessageFormat = MessageFormat.STANDARD,
    recipient_name: str | None = None,
    message_reference: str | None = None,
    **context: object,
) -> OutboxMessage:
    """Compose `template` in the recipient's language and store it for sending.

    The wording is an admin's, if they saved some for this message and language, else
    `mail/<template>.txt`, whose first line is the subject (shared/services/message_templates.py).
    Templates see `channel`, so a letter may say more than an email (which carries no complaint
    text, only what is needed and a link). `message_reference` makes a message unique (e.g. one
    digest a person a day); by default it is random. (`reference` is left to templates: most of
    them show a case reference under that name.) `format`: large print for a letter to someone who
    needs it (shared/services/notifications.py `format_for`).
    """
    subject, body = message_templates.compose(template, locale, context, channel=channel.value)
    now = utcnow()
    message = OutboxMessage(
        reference=message_reference or f"msg-{secrets.token_hex(10)}",
        template=template,
        channel=channel,
        format=format,
        recipient=recipient.strip() if channel is MessageChannel.LETTER else one_line(recipient, 320),
        recipient_name=one_line(recipient_name or context.get("name"), 200) or None,  # type: ignore[arg-type]
        locale=locale,
        subject=one_line(subject, 200),  # one line: no header injection
        body=body.strip(),
        user_id=user_id,
        case_id=case_id,
        created_at=now,
        queued_at=now,
        status=MessageStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
    )
    db.session.add(message)
    if not _batching.get():
        db.session.flush()
    log.info("queued %s %s (%s)", message.reference, template, channel.value)
    return message


# --- the staff outbox page -----------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxFilters:
    status: MessageStatus | None = None
    template: str | None = None
    day: date | None = None
    page: int = 1


def find(filters: OutboxFilters) -> Page:
    """Newest first, filtered; two queries (count and page)."""
    query = select(OutboxMessage)
    if filters.status is not None:
        query = query.where(OutboxMessage.status == filters.status)
    if filters.template:
        query = query.where(OutboxMessage.template == filters.template)
    if filters.day is not None:
        start = datetime.combine(filters.day, time(), LONDON)
        query = query.where(OutboxMessage.created_at >= start, OutboxMessage.created_at < start + timedelta(days=1))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(items), total, filters.page, PAGE_SIZE)


def templates() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.template).distinct().order_by(OutboxMessage.template)))


def get(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)


def waiting_for_staff() -> dict[MessageStatus, int]:
    """How many messages are given up or waiting to be printed: one grouped query."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.status.in_(NEEDS_PERSON)).group_by(OutboxMessage.status)
    ).all()
    counts = dict.fromkeys(NEEDS_PERSON, 0)
    counts.update({status: count for status, count in rows})
    return counts


class OutboxActionRefused(Exception):
    """The message is not in a state the action applies to (shown as a 409)."""


def retry(message: OutboxMessage) -> None:
    """Try a given-up message again now, with a fresh count of attempts and a fresh age limit."""
    if message.status is not MessageStatus.GIVEN_UP:
        raise OutboxActionRefused()
    now = utcnow()
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = now
    message.queued_at = now  # the give-up age counts from the retry
    message.given_up_at = None
    message.claimed_at = message.claimed_by = None
    db.session.flush()


def mark_done(message: OutboxMessage, actor: User) -> MessageStatus:
    """A letter printed and posted (sent), or a given-up message dealt with another way (handled)."""
    if message.status is MessageStatus.TO_PRINT:
        message.status = MessageStatus.SENT
        message.sent_at = utcnow()
    elif message.status is MessageStatus.GIVEN_UP:
        message.status = MessageStatus.HANDLED
    else:
        raise OutboxActionRefused()
    message.next_attempt_at = None
    message.handled_by_id = actor.id
    db.session.flush()
    return message.status
