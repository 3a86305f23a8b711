"""Acting for someone else: the wards councillors represent, and representatives named on a case
with the consent that lets them see and act on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, enum_column
from shared.domain.enums import ConsentMethod, RepresentativeKind
from shared.models.people import User


class Ward(Base):
    """An electoral ward: councillors represent one, cases and counts are reported by it."""

    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_cy: Mapped[str | None] = mapped_column(String(120))
    code: Mapped[str | None] = mapped_column(String(20), unique=True)  # ONS ward code, e.g. E05000001
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    def display_name(self, locale: str) -> str:
        return self.name_cy if locale == "cy" and self.name_cy else self.name


class CaseRepresentative(Base):
    """Someone named on a case to act for its person, with how consent was given.

    While `withdrawn_at` is empty the representative sees and acts on this case, and nothing else
    of the person; withdrawing consent ends that on their next request.
    """

    __tablename__ = "case_representatives"
    __table_args__ = (Index("ix_case_representatives_representative_id_case_id", "representative_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[RepresentativeKind] = mapped_column(enum_column(RepresentativeKind))
    consent: Mapped[ConsentMethod] = mapped_column(enum_column(ConsentMethod))
    consent_note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    representative: Mapped[User] = relationship(foreign_keys=[representative_id], lazy="raise")
