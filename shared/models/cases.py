"""Cases, their stages and append-only event log, responses, services and organisations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, enum_column
from shared.domain.enums import (
    CareKind,
    CaseKind,
    CaseReason,
    CaseStatus,
    Channel,
    ClosureCode,
    ConsentMethod,
    ContactMethod,
    EventType,
    Finding,
    LegalHoldReason,
)
from shared.models.people import User
from shared.models.procedures import Procedure
from shared.models.representation import CaseRepresentative
from shared.models.translated import Translated


class Service(Translated, Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_cy: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(300))
    description_cy: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Social care (children's or adults'), or None: the journey knows a draft's service before triage
    # chooses its procedure, and offers advocacy by this.
    care_kind: Mapped[CareKind | None] = mapped_column(enum_column(CareKind, length=20))

    def display_description(self, locale: str) -> str:
        return self.text("description", locale)


class ComplaintReason(Translated, Base):
    """A council's own, specific reason for a complaint ("Missed bin collection"). Each belongs to one
    of the four report categories (CaseReason), which committee reports keep counting by; a reason
    may be for one service only, or for all (service_id None)."""

    __tablename__ = "complaint_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_cy: Mapped[str] = mapped_column(String(120))
    category: Mapped[CaseReason] = mapped_column(enum_column(CaseReason))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_received_at", "status", "received_at"),
        Index("ix_cases_resident_id_received_at", "resident_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind))
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus))
    stage: Mapped[int] = mapped_column(default=1)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    what_happened: Mapped[str] = mapped_column(Text)
    happened_on: Mapped[date | None]
    outcome_wanted: Mapped[str] = mapped_column(Text)
    contact_method: Mapped[ContactMethod] = mapped_column(enum_column(ContactMethod))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_address: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    # The current stage's deadlines, copied from its CaseStage row when they are set, for lists.
    acknowledge_by: Mapped[date | None]
    respond_by: Mapped[date | None]
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    draft_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[CaseReason | None] = mapped_column(enum_column(CaseReason))
    # The council's specific reason, when triage recorded one; `reason` is then its category.
    reason_detail_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_reasons.id"), index=True)
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    vulnerability_note: Mapped[str | None] = mapped_column(Text)
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # The online form it came from (intake.submission_key): one case however often "Send" is pressed.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    signposted_to_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    closure_code: Mapped[ClosureCode | None] = mapped_column(enum_column(ClosureCode))
    closure_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    # When the retention job (or an erasure) removed the personal data: shared/services/anonymise.py.
    anonymised_at: Mapped[datetime | None]
    # A legal hold a complaints manager placed (shared/services/legal_holds.py): while it stands the
    # case is never anonymised and its person cannot be erased. Lifting it clears these; the case's
    # events keep who placed and lifted it, when and why.
    legal_hold_at: Mapped[datetime | None] = mapped_column(index=True)
    legal_hold_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    legal_hold_reason: Mapped[LegalHoldReason | None] = mapped_column(enum_column(LegalHoldReason))
    legal_hold_note: Mapped[str | None] = mapped_column(Text)
    # Complaining for someone else: who they are and how they agreed (or why they cannot).
    for_someone_else: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    subject_name: Mapped[str | None] = mapped_column(String(200))
    subject_relationship: Mapped[str | None] = mapped_column(String(200))
    subject_address: Mapped[str | None] = mapped_column(Text)
    consent: Mapped[ConsentMethod | None] = mapped_column(enum_column(ConsentMethod))
    # Help the person said they need to take part (signposting is recorded in the events).
    support_needed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    support_note: Mapped[str | None] = mapped_column(Text)
    # Whether they had already asked the service about this (False: maybe a first-time request).
    asked_before: Mapped[bool | None] = mapped_column(Boolean)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    updated_at: Mapped[datetime | None]
    # Optimistic locking: every change bumps it; a stale writer gets StaleDataError (a 409).
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    service: Mapped[Service] = relationship(lazy="raise")
    procedure: Mapped[Procedure | None] = relationship(lazy="raise")
    stages: Mapped[list[CaseStage]] = relationship(back_populates="case", lazy="raise", order_by="CaseStage.number")
    resident: Mapped[User | None] = relationship(foreign_keys=[resident_id], lazy="raise")
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id], lazy="raise")
    legal_hold_by: Mapped[User | None] = relationship(foreign_keys=[legal_hold_by_id], lazy="raise")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", lazy="raise", order_by="CaseEvent.at, CaseEvent.id"
    )
    # Everyone ever named to act for the case's person, consent withdrawn or not (who is told of an
    # update: shared/services/representatives.py `to_tell`). Loaded with the case by case lookups.
    representatives: Mapped[list[CaseRepresentative]] = relationship(
        lazy="raise", order_by="CaseRepresentative.id", viewonly=True
    )

    @property
    def on_legal_hold(self) -> bool:
        return self.legal_hold_at is not None

    @property
    def awaiting_acknowledgement(self) -> bool:
        return self.status in {CaseStatus.RECEIVED, CaseStatus.TRIAGED, CaseStatus.ESCALATED}

    @property
    def next_date(self) -> date | None:
        if not self.status.is_open:
            return None
        if self.awaiting_acknowledgement:
            return self.acknowledge_by or self.respond_by
        return self.respond_by


class CaseStage(Base):
    """One stage of a case under its procedure, with the deadlines set when their events happened."""

    __tablename__ = "case_stages"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    number: Mapped[int]
    started_at: Mapped[datetime]
    received_on: Mapped[date]  # day 0 of this stage's clocks
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledge_by: Mapped[date | None]
    acknowledged_at: Mapped[datetime | None]
    respond_by: Mapped[date | None]
    extended_to: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]
    escalation_ends: Mapped[date | None]
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The stage's overall outcome, set from `findings` when its response is sent (for reports).
    outcome: Mapped[Finding | None] = mapped_column(enum_column(Finding))

    case: Mapped[Case] = relationship(back_populates="stages", lazy="raise")

    @property
    def due(self) -> date | None:
        return self.extended_to or self.respond_by


class CaseEvent(Base):
    """Append-only: one row for everything that happens to a case. The timeline is read from here."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    type: Mapped[EventType] = mapped_column(enum_column(EventType))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[Channel | None] = mapped_column(enum_column(Channel))
    stage: Mapped[int | None]
    from_status: Mapped[CaseStatus | None] = mapped_column(enum_column(CaseStatus))
    to_status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events", lazy="raise")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise")


class NamedEmployee(Base):
    """An employee a complaint about staff attitude and behaviour names: the name as written (they
    are often not Redress users), the service they work in, and the staff user when they are one.

    Staff-only (shared/domain/policy.py `can_see_named_employees`): never on a resident's,
    councillor's or representative's page, nor in the resident's data export.
    """

    __tablename__ = "case_named_employees"
    __table_args__ = (
        UniqueConstraint("case_id", "service_id", "name_key"),
        Index("ix_case_named_employees_name_key_service_id", "name_key", "service_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # shared.domain.named_employees.name_key(name)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]

    service: Mapped[Service] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise")


class Organisation(Translated, Base):
    """Somewhere the council signposts people to (admin-edited)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str | None] = mapped_column(String(200))
    helps_with: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CaseResponse(Base):
    """A stage's response: drafted, checked by someone else, then sent and never changed."""

    __tablename__ = "case_responses"
    __table_args__ = (Index("ix_case_responses_case_id_stage", "case_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    stage: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text, default="")
    # point id -> {"finding": Finding value, "reason": text}
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # [{"kind": RemedyKind value, "detail": text, "amount_pence": int | None}]
    remedies: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # [{"what": text, "owner": text, "due": "YYYY-MM-DD"}]
    actions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    check_comments: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    checker: Mapped[User | None] = relationship(foreign_keys=[checker_id], lazy="raise")
