"""How long the council keeps a closed case before anonymising it: the default, and the range an
admin may set per procedure (shared/services/retention.py keeps what they set)."""

from __future__ import annotations

from datetime import datetime

# Six years after the case closes: the limitation period for most claims (Limitation Act 1980),
# which is why councils' retention schedules commonly give complaint files this long.
CASE_RETENTION_YEARS = 6
MIN_YEARS = 1
MAX_YEARS = 20


def cutoff(now: datetime, years: int) -> datetime:
    """The moment `years` before `now`: whatever closed before it has been kept long enough.
    29 February falls back to the 28th in a year without one."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)
