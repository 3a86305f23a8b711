"""What happens around a case: information requests, learning actions, Ombudsman referrals, templates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, enum_column
from shared.domain.enums import LearningStatus, Ombudsman, OmbudsmanDecision
from shared.models.cases import Case, Service
from shared.models.people import User


class InformationRequest(Base):
    """The complaints team asks a service for information by a date; the responder answers."""

    __tablename__ = "information_requests"
    __table_args__ = (Index("ix_information_requests_service_id_answered_at", "service_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int]
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    responder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    requested_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(lazy="raise")
    service: Mapped[Service] = relationship(lazy="raise")
    responder: Mapped[User | None] = relationship(foreign_keys=[responder_id], lazy="raise")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="raise")


learning_action_cases = Table(
    "learning_action_cases",
    Base.metadata,
    Column("learning_action_id", ForeignKey("learning_actions.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
)


class LearningAction(Base):
    """A service improvement a complaint led to, tracked after the case closes."""

    __tablename__ = "learning_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None]
    status: Mapped[LearningStatus] = mapped_column(enum_column(LearningStatus))
    you_said: Mapped[str | None] = mapped_column(Text)  # for the public "you said, we did" list
    we_did: Mapped[str | None] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None]

    service: Mapped[Service] = relationship(lazy="raise")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="raise")
    cases: Mapped[list[Case]] = relationship(secondary=learning_action_cases, lazy="raise")


class OmbudsmanReferral(Base):
    """The Ombudsman's enquiry about a case: their reference, dates, decision and recommendations."""

    __tablename__ = "ombudsman_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    ombudsman: Mapped[Ombudsman] = mapped_column(enum_column(Ombudsman))
    their_reference: Mapped[str] = mapped_column(String(60))
    received_on: Mapped[date]
    information_due_on: Mapped[date | None]
    information_sent_on: Mapped[date | None]
    decision: Mapped[OmbudsmanDecision] = mapped_column(enum_column(OmbudsmanDecision))
    decided_on: Mapped[date | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recommendations: Mapped[list[OmbudsmanRecommendation]] = relationship(
        back_populates="referral", lazy="raise", order_by="OmbudsmanRecommendation.id"
    )


class OmbudsmanRecommendation(Base):
    __tablename__ = "ombudsman_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("ombudsman_referrals.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    complied_on: Mapped[date | None]
    evidence: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[OmbudsmanReferral] = relationship(back_populates="recommendations", lazy="raise")


class ResponseTemplate(Base):
    """Admin-managed wording for responses and letters, with merge fields, one row per language."""

    __tablename__ = "response_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    stage: Mapped[int | None]  # None: any stage
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
