"""Outgoing messages, written in the same transaction as the change that causes them, and their delivery state;
admins' own wording for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, enum_column
from shared.domain.enums import MessageChannel, MessageFormat, MessageStatus


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    # The worker's question, "what is due?", is answered from this index alone.
    __table_args__ = (Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable for the message's life and sent to the provider, so a duplicate delivery can be spotted.
    # Always chosen here, never by the database, so it is the insert sentinel: several messages
    # flushed together are one INSERT on SQLite too (its RETURNING order is not guaranteed, and
    # SQLAlchemy matches the rows back by it; see outbox.batched).
    reference: Mapped[str] = mapped_column(String(40), unique=True, insert_sentinel=True)
    template: Mapped[str] = mapped_column(String(60))
    channel: Mapped[MessageChannel] = mapped_column(
        enum_column(MessageChannel, length=10), default=MessageChannel.EMAIL, server_default=MessageChannel.EMAIL.value
    )
    # Large print for a letter to someone whose adjustments ask for it (shared/services/notifications.py
    # `format_for`): the outbox shows it, so whoever prints the letter prints it so.
    format: Mapped[MessageFormat] = mapped_column(
        enum_column(MessageFormat, length=20), default=MessageFormat.STANDARD,
        server_default=MessageFormat.STANDARD.value
    )
    # An email address, a phone number, or a postal address (one line each) for a letter.
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Indexed for the retention job and subject-access downloads, which find a case's or a person's messages.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[datetime]
    # When it last entered the queue (written, or retried by staff): the give-up age counts from here.
    queued_at: Mapped[datetime | None]
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, length=20), default=MessageStatus.QUEUED, server_default=MessageStatus.QUEUED.value
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the worker may next try; None once the message needs no more tries.
    next_attempt_at: Mapped[datetime | None]
    # A worker's lease: a message left "sending" past the lease (the worker died) is tried again.
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_reference: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
    given_up_at: Mapped[datetime | None]
    # Who resolved a message that could not go by itself (posted by hand, or contacted another way).
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MessageTemplateOverride(Base):
    """An admin's wording for one outgoing message in one language, used instead of the built-in
    template (shared/templates/shared/mail/) while it has text.

    Reset to the built-in wording empties it rather than deleting it, so the row keeps one id for
    its history, which is in the audit log (subject type "message_template", from → to).
    """

    __tablename__ = "message_template_overrides"
    __table_args__ = (UniqueConstraint("template", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(60))
    locale: Mapped[str] = mapped_column(String(10))
    # Both None: the built-in wording is used. Placeholders only; checked on save, rendered in a sandbox.
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def customised(self) -> bool:
        return self.subject is not None and self.body is not None
