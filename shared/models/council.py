"""The council's own identity (one row) and how long it keeps each procedure's cases after closing.

No row means the configured defaults (shared/config.py) still apply; see shared/services/council.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base
from shared.models.correspondence import StoredFile
from shared.models.translated import Translated


class CouncilIdentity(Translated, Base):
    """Name, logo, brand colour, contact details and nation, as an admin last saved them."""

    __tablename__ = "council_identity"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(String(120))
    name_cy: Mapped[str | None] = mapped_column(String(120))
    short_name: Mapped[str | None] = mapped_column(String(12))
    brand_colour: Mapped[str] = mapped_column(String(7))
    nation: Mapped[str] = mapped_column(String(20))
    contact_phone: Mapped[str] = mapped_column(String(40))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_address: Mapped[str] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    # The logo's bytes live in the file store (shared/services/files.py) under a name the server chose.
    logo_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # Joined: the identity is read with its logo's stored name and type in the same statement.
    logo: Mapped[StoredFile | None] = relationship(lazy="joined")


class RetentionPeriod(Base):
    """Years a closed case under a procedure (by slug, so every version of it) is kept before it
    is anonymised. No row: shared.domain.retention.CASE_RETENTION_YEARS."""

    __tablename__ = "retention_periods"
    __table_args__ = (CheckConstraint("years BETWEEN 1 AND 20", name="years_in_range"),)

    procedure_slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    years: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
