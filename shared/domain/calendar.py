"""Working-day arithmetic: Monday to Friday less the nation's bank holidays and closure days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from shared.clock import to_london

_SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern-ireland": "NIR"}


@lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv=_SUBDIVISIONS[nation], years=year).keys())


class WorkingCalendar:
    """Counts working days for one nation, with any extra closure days a council adds."""

    def __init__(self, nation: str = "england", closures: Iterable[date] = ()) -> None:
        if nation not in _SUBDIVISIONS:
            raise ValueError(f"unknown nation {nation!r}")
        self.nation = nation
        self.closures = frozenset(closures)

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.closures:
            return False
        return day not in _bank_holidays(self.nation, day.year)

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add(self, start: date, working_days: int) -> date:
        """The end of the Nth working day after `start` (day 0)."""
        if working_days < 0:
            raise ValueError("working_days must not be negative")
        day = start
        for _ in range(working_days):
            day = self.next_working_day(day)
        return day

    def receipt_day(self, received_at: datetime) -> date:
        """Day 0 for something received at this moment (next working day if received on a closed day)."""
        local = to_london(received_at).date()
        return local if self.is_working_day(local) else self.next_working_day(local)

    def due(self, received_at: datetime, working_days: int) -> date:
        return self.add(self.receipt_day(received_at), working_days)

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end is not after start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
