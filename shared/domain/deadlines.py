"""Time limits that are not a procedure's stage clocks."""

from __future__ import annotations

from datetime import date

TRIAGE_TARGET = 2  # the complaints team triages within 2 working days
COMPLAINT_TIME_LIMIT_MONTHS = 12  # complaints are accepted within 12 months of the matter


def is_late_complaint(happened_on: date, today: date) -> bool:
    """More than 12 calendar months after the matter (staff may still accept it, with reasons)."""
    months = (today.year - happened_on.year) * 12 + (today.month - happened_on.month)
    return months > COMPLAINT_TIME_LIMIT_MONTHS or (months == COMPLAINT_TIME_LIMIT_MONTHS and today.day > happened_on.day)
