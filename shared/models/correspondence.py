"""What passes between a person and the council about a case: unfinished feedback, messages,
files, the links that let a guest follow their case, and the counters that rate-limit them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, enum_column
from shared.domain.enums import CaseKind, MessageDirection, ScanStatus
from shared.models.people import User


class FeedbackDraft(Base):
    """Unfinished feedback kept on the server: a signed-in resident's (several may be listed), or
    a guest's, found by a key held only in the guest's session cookie (stored here as a hash)."""

    __tablename__ = "feedback_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guest_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[CaseKind | None] = mapped_column(enum_column(CaseKind))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CaseMessage(Base):
    """A message on a case: in from the person (or someone acting for them), or out from the council."""

    __tablename__ = "case_messages"
    __table_args__ = (Index("ix_case_messages_case_id_created_at", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    direction: Mapped[MessageDirection] = mapped_column(enum_column(MessageDirection, length=10))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    # When the other side first opened it: the officer for messages in, the person for messages out.
    read_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship(lazy="raise")
    files: Mapped[list[StoredFile]] = relationship(back_populates="message", lazy="raise", order_by="StoredFile.id")


class StoredFile(Base):
    """An uploaded file. The bytes live outside static/ under `stored_name`, a name the server chose.

    It belongs first to a draft (evidence added during the journey), then to its case, and to the
    message it came with, if any.
    """

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("case_messages.id", ondelete="CASCADE"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_drafts.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    # Virus scanning: until a configured scanner says clean, nobody can download it.
    scan_status: Mapped[ScanStatus] = mapped_column(enum_column(ScanStatus, length=20), default=ScanStatus.UNSCANNED,
                                                    server_default=ScanStatus.UNSCANNED.value, index=True)
    scanned_at: Mapped[datetime | None]
    scan_finding: Mapped[str | None] = mapped_column(String(200))  # what the scanner found, for staff

    message: Mapped[CaseMessage | None] = relationship(back_populates="files", lazy="raise")


class CaseAccessLink(Base):
    """A long random link, emailed to a guest, that lets them follow one case until it expires."""

    __tablename__ = "case_access_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
