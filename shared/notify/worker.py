"""The outbox worker: claim due messages, send each through the provider, record what happened.

Claiming is one atomic UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING,
committed before anything is sent. On PostgreSQL several workers can run at once: a row another
worker holds is skipped, never waited for or sent twice. SQLite has no row locks (the FOR UPDATE
is left out) but lets one writer in at a time, so the same UPDATE is still atomic there; running
one worker on SQLite is what we support and document.

Each result is recorded (and committed) straight after its send, guarded by the claim, so a worker
killed mid-batch leaves at most the message it was sending in "sending". After the lease that
message is claimed again and sent again: the one possible duplicate, which carries the same
reference (SMTP Message-ID and X-Redress-Reference, Notify's `reference`), so it can be detected.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from shared.clock import utcnow
from shared.config import Settings
from shared.db import db
from shared.domain.enums import MessageChannel, MessageStatus
from shared.models import OutboxMessage
from shared.notify.base import ChannelUnsupported, Outgoing, PermanentFailure, Provider, TemporaryFailure

log = logging.getLogger("redress.worker")

WAITING = (MessageStatus.QUEUED, MessageStatus.RETRYING)


@dataclass(frozen=True)
class Policy:
    """When to try again and when to stop trying (REDRESS_OUTBOX_* settings)."""

    max_attempts: int = 20
    give_up_after: timedelta = timedelta(hours=24)
    lease: timedelta = timedelta(minutes=10)
    backoff: float = 30.0
    backoff_max: float = 3600.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(settings.outbox_max_attempts, timedelta(hours=settings.outbox_give_up_hours),
                   timedelta(seconds=settings.outbox_lease_seconds), settings.outbox_backoff_seconds,
                   settings.outbox_backoff_max_seconds)

    def delay(self, attempts: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Exponential backoff with jitter (half fixed, half random, so workers that failed together
        spread out), never sooner than the provider's Retry-After."""
        ceiling = min(self.backoff_max, self.backoff * 2 ** max(0, attempts - 1))
        wait = ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
        return max(wait, retry_after or 0.0)

    def gives_up(self, attempts: int, queued_at: datetime, now: datetime) -> bool:
        return attempts >= self.max_attempts or now - queued_at >= self.give_up_after


@dataclass
class Totals:
    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    to_print: int = 0
    lost_claim: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.given_up + self.to_print + self.lost_claim


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}-{os.getpid()}-{secrets.token_hex(3)}"


def due_clause(now: datetime, lease: timedelta):
    return or_(
        and_(OutboxMessage.status.in_(WAITING), OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at < now - lease),
    )


_COLUMNS = (OutboxMessage.id, OutboxMessage.reference, OutboxMessage.channel, OutboxMessage.recipient,
            OutboxMessage.recipient_name, OutboxMessage.subject, OutboxMessage.body, OutboxMessage.locale,
            OutboxMessage.attempts, func.coalesce(OutboxMessage.queued_at, OutboxMessage.created_at))


def claim(worker: str, batch: int, policy: Policy, now: datetime | None = None) -> list[Outgoing]:
    """Mark up to `batch` due messages as this worker's, commit, and return them."""
    now = now or utcnow()
    due = (
        select(OutboxMessage.id)
        .where(due_clause(now, policy.lease))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    rows = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(status=MessageStatus.SENDING, claimed_at=now, claimed_by=worker, attempts=OutboxMessage.attempts + 1)
        .returning(*_COLUMNS),
        execution_options={"synchronize_session": False},
    ).all()
    db.session.commit()
    return sorted((Outgoing(*row) for row in rows), key=lambda m: m.id)


def _record(message: Outgoing, worker: str, **values) -> bool:
    """Write the outcome if the claim is still ours (a worker past its lease must not overwrite another's)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == worker,
               OutboxMessage.status == MessageStatus.SENDING)
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount == 1


def deliver(message: Outgoing, provider: Provider, worker: str, policy: Policy, totals: Totals,
            rng: random.Random | None = None) -> MessageStatus:
    """Send one claimed message and record the outcome; return its new status."""
    try:
        provider_reference = provider.send(message)
    except ChannelUnsupported as error:
        if message.channel is MessageChannel.LETTER:
            status, values = MessageStatus.TO_PRINT, {"last_error": None}
        else:
            status, values = MessageStatus.GIVEN_UP, {"last_error": error.message, "given_up_at": utcnow()}
    except PermanentFailure as error:
        status, values = MessageStatus.GIVEN_UP, {"last_error": error.message, "given_up_at": utcnow()}
    except TemporaryFailure as error:
        status, values = _retry_or_give_up(message, policy, error.message, error.retry_after, rng)
    except Exception as error:  # a provider bug must not stop the worker or lose the message
        log.exception("unexpected error sending %s", message.reference)
        status, values = _retry_or_give_up(message, policy, f"unexpected error: {type(error).__name__}", None, rng)
    else:
        status, values = MessageStatus.SENT, {"sent_at": utcnow(), "provider_reference": provider_reference,
                                              "last_error": None}
    values.setdefault("next_attempt_at", None)
    if not _record(message, worker, status=status, **values):
        log.warning("%s was claimed by another worker while this one sent it", message.reference)
        totals.lost_claim += 1
        return status
    if status is MessageStatus.GIVEN_UP:
        # The staff task: given-up messages are listed on the tasks page until someone deals with them.
        log.warning("gave up on %s after %s attempts: %s", message.reference, message.attempts, values["last_error"])
    setattr(totals, status.value, getattr(totals, status.value) + 1)
    return status


def _retry_or_give_up(message: Outgoing, policy: Policy, error: str, retry_after: float | None,
                      rng: random.Random | None) -> tuple[MessageStatus, dict]:
    now = utcnow()
    if policy.gives_up(message.attempts, message.queued_at, now):
        return MessageStatus.GIVEN_UP, {"last_error": error, "given_up_at": now}
    wait = policy.delay(message.attempts, retry_after, rng)
    return MessageStatus.RETRYING, {"last_error": error, "next_attempt_at": now + timedelta(seconds=wait)}


def release(worker: str) -> int:
    """Hand back what this worker claimed but has not sent (a clean stop), so nobody waits for the lease."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claimed_by == worker, OutboxMessage.status == MessageStatus.SENDING)
        .values(status=MessageStatus.QUEUED, attempts=OutboxMessage.attempts - 1, claimed_at=None, claimed_by=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount


def run(provider: Provider, policy: Policy, *, once: bool = False, batch: int = 50, idle_sleep: float = 5.0,
        stop: threading.Event | None = None, worker: str | None = None, between_batches=None,
        each_round=None) -> Totals:
    """Send until stopped (or, with `once`, until nothing is due). `each_round` runs before each
    claim (the virus scan of waiting files, whose results may queue messages); `between_batches`
    runs when idle."""
    stop = stop or threading.Event()
    worker = worker or new_worker_id()
    totals = Totals()
    try:
        while not stop.is_set():
            if each_round is not None:
                each_round()
            messages = claim(worker, batch, policy)
            for message in messages:
                if stop.is_set():
                    break
                deliver(message, provider, worker, policy, totals)
            if messages:
                continue
            if once:
                break
            if between_batches is not None:
                between_batches()
            stop.wait(idle_sleep)
    finally:
        if stop.is_set():
            released = release(worker)
            if released:
                log.info("released %s claimed messages on stopping", released)
        provider.close()
    return totals
