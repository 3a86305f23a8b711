"""The Complaint Handling Code's annual report, per financial year: the self-assessment answers and
the statements that go with the figures (the figures themselves are computed live, never stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base


class ChcAnnualReport(Base):
    """One row per financial year (2025 for 2025/26). `answers` maps a provision's number
    (shared.domain.chc) to {"compliant": bool, "evidence": str, "commentary": str}: a provision added to
    the Code later needs no migration, and the whole year is read in one query. Every change is
    audited (action "chc.answer_saved" or "chc.statements_saved", with the old and new values)."""

    __tablename__ = "chc_annual_reports"

    financial_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    governing_body_response: Mapped[str | None] = mapped_column(Text)
    member_comments: Mapped[str | None] = mapped_column(Text)  # the Member Responsible for Complaints
    ombudsman_findings: Mapped[str | None] = mapped_column(Text)  # findings of non-compliance with the Code
    ombudsman_annual_review: Mapped[str | None] = mapped_column(Text)  # the Ombudsman's annual letter or review
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
