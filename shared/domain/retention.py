"""How long the council keeps a closed case before anonymising it: the default, and the range an
admin may set per procedure (shared/services/retention.py keeps what they set)."""

from __future__ import annotations

# Six years after the case closes: the limitation period for most claims (Limitation Act 1980),
# which is why councils' retention schedules commonly give complaint files this long.
CASE_RETENTION_YEARS = 6
MIN_YEARS = 1
MAX_YEARS = 20
