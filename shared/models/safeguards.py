"""Safeguards that belong to a person, not a case: reasonable adjustments, the advocacy and
support directory (and what was signposted), unreasonable-behaviour restrictions, and the
audit log that records who did what to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, enum_column
from shared.domain.enums import AdjustmentKind, RestrictionCategory, RestrictionStatus
from shared.models.people import User
from shared.models.translated import Translated


class Adjustment(Base):
    """One reasonable adjustment in a person's register, kept under review."""

    __tablename__ = "adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AdjustmentKind] = mapped_column(enum_column(AdjustmentKind))
    detail: Mapped[str | None] = mapped_column(Text)  # e.g. the agreed call times, or what "something else" is
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    review_on: Mapped[date | None] = mapped_column(index=True)
    reviewed_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id], lazy="raise")


class SupportService(Translated, Base):
    """An entry in the admin-edited directory of advocacy and support services."""

    __tablename__ = "support_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str | None] = mapped_column(String(200))
    helps_with: Mapped[str] = mapped_column(Text, default="")
    helps_with_cy: Mapped[str | None] = mapped_column(Text)
    who_for: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    areas: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # SupportTopic values
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    def display_helps_with(self, locale: str) -> str:
        return self.text("helps_with", locale)


class Signpost(Base):
    """Which directory entries someone was shown (or sent), where and why: the record the Code asks for."""

    __tablename__ = "signposts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_drafts.id", ondelete="SET NULL"))
    context: Mapped[str] = mapped_column(String(40))  # why: "support", "someone_else", "social_care", "staff_sent"
    service_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    shown_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # staff who sent it; None: the portal
    at: Mapped[datetime]


class Restriction(Base):
    """An unreasonable-behaviour restriction on how a person contacts the council: proposed with
    evidence, decided by a manager with review and end dates, told to the person in writing."""

    __tablename__ = "restrictions"
    __table_args__ = (Index("ix_restrictions_person_id_status", "person_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The case it was proposed from: its letters are shown to the person on that case's page.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    status: Mapped[RestrictionStatus] = mapped_column(enum_column(RestrictionStatus))
    category: Mapped[RestrictionCategory] = mapped_column(enum_column(RestrictionCategory))
    types: Mapped[list[str]] = mapped_column(JSON, default=list)  # RestrictionType values
    behaviour: Mapped[str] = mapped_column(Text)  # what the person did, as they will be told it
    terms: Mapped[str] = mapped_column(Text, default="")  # e.g. phone contact on Tuesdays 10:00 to 12:00
    named_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"events": [ids], "messages": [ids]}
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date | None]
    review_on: Mapped[date | None] = mapped_column(index=True)
    ends_on: Mapped[date | None]
    reviewed_at: Mapped[datetime | None]
    letter_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lift_reason: Mapped[str | None] = mapped_column(Text)
    # Its free text (behaviour, terms, notes, evidence) removed once kept long enough after it ended.
    anonymised_at: Mapped[datetime | None]

    person: Mapped[User] = relationship(foreign_keys=[person_id], lazy="raise")
    named_officer: Mapped[User | None] = relationship(foreign_keys=[named_officer_id], lazy="raise")


class AuditEvent(Base):
    """Append-only: who did or saw what (sign-ins and their failures, refused access, staff views of
    personal data, exports, admin changes). Triggers refuse UPDATE and DELETE on both databases
    (migration 715d5e6af847), so `details` holds ids and codes, never a person's own words: nothing
    here has to be anonymised later (docs/audit.md)."""

    __tablename__ = "audit_events"
    # Newest first, for each filter of the admins' search (shared/services/audit_search.py).
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_type", "subject_id"),
        Index("ix_audit_events_at", "at", "id"),
        Index("ix_audit_events_actor", "actor_id", "at"),
        Index("ix_audit_events_person", "person_id", "at"),
        Index("ix_audit_events_action", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise")
