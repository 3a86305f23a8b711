"""How long the council keeps case records: one figure, quoted by the privacy notice and the
close-your-account page, until a per-council retention setting replaces it."""

from __future__ import annotations

# Six years after the case closes: the limitation period for most claims (Limitation Act 1980),
# which is why councils' retention schedules commonly give complaint files this long.
CASE_RETENTION_YEARS = 6
