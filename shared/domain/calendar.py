"""Working-day arithmetic: Monday to Friday less the nation's bank holidays and closure days."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from shared.clock import to_london

_SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern-ireland": "NIR"}


@lru_cache(maxsize=256)
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv=_SUBDIVISIONS[nation], years=year).keys())


def bank_holiday_names(nation: str, year: int) -> dict[date, str]:
    """The nation's bank holidays in one year with their (English) names, e.g. "St Andrew's Day"."""
    if nation not in _SUBDIVISIONS:
        raise ValueError(f"unknown nation {nation!r}")
    return dict(holidays.UK(subdiv=_SUBDIVISIONS[nation], years=year).items())


def bank_holidays(nation: str, year: int) -> frozenset[date]:
    """The nation's bank holidays in one year (weekend dates included, as the holidays package lists them)."""
    if nation not in _SUBDIVISIONS:
        raise ValueError(f"unknown nation {nation!r}")
    return _bank_holidays(nation, year)


# Weekday arithmetic on proleptic ordinals: ordinal 1 (1 January 0001) was a Monday, so the
# weekdays repeat every 7 ordinals starting at 1, and counting them needs no loop.


def _weekdays_through(day: date) -> int:
    """How many Mondays-to-Fridays there are from 1 January 0001 up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _nth_weekday(count: int) -> date:
    """The `count`-th Monday-to-Friday since 1 January 0001 (the inverse of _weekdays_through)."""
    weeks, rest = divmod(count - 1, 5)
    return date.fromordinal(weeks * 7 + rest + 1)


class WorkingCalendar:
    """Counts working days for one nation, with any extra closure days a council adds.

    `cutoff` is the council's receipt cut-off in London time: something received at or after it
    counts as received on the next working day.
    """

    def __init__(self, nation: str = "england", closures: Iterable[date] = (), cutoff: time | None = None) -> None:
        if nation not in _SUBDIVISIONS:
            raise ValueError(f"unknown nation {nation!r}")
        self.nation = nation
        self.closures = frozenset(closures)
        self.cutoff = cutoff
        self._closed_by_year: dict[int, tuple[date, ...]] = {}

    def _closed_weekdays(self, year: int) -> tuple[date, ...]:
        """Sorted Mondays-to-Fridays in `year` that are not working days (holidays and closures)."""
        closed = self._closed_by_year.get(year)
        if closed is None:
            days = _bank_holidays(self.nation, year) | {d for d in self.closures if d.year == year}
            closed = self._closed_by_year[year] = tuple(sorted(d for d in days if d.weekday() < 5))
        return closed

    def _closed_between(self, start: date, end: date) -> int:
        """Closed weekdays after `start` up to and including `end`."""
        total = 0
        for year in range(start.year, end.year + 1):
            closed = self._closed_weekdays(year)
            total += bisect_right(closed, end) - bisect_right(closed, start)
        return total

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
        if working_days == 0:
            return start
        # Jump by weekdays, then again by however many closed days the jump crossed, until a
        # jump crosses none: that last jump ends on a working day (it would have been counted).
        base = _weekdays_through(start)
        end = _nth_weekday(base + working_days)
        missing = self._closed_between(start, end)
        while missing:
            previous = end
            end = _nth_weekday(_weekdays_through(previous) + missing)
            missing = self._closed_between(previous, end)
        return end

    def receipt_day(self, received_at: datetime) -> date:
        """Day 0 for something received at this moment: its London date, or the next working day
        when that date is not a working day or the time is at or after the cut-off."""
        local = to_london(received_at)
        day = local.date()
        if not self.is_working_day(day) or (self.cutoff is not None and local.time() >= self.cutoff):
            return self.next_working_day(day)
        return day

    def due(self, received_at: datetime, working_days: int) -> date:
        return self.add(self.receipt_day(received_at), working_days)

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end is not after start)."""
        if end <= start:
            return 0
        return _weekdays_through(end) - _weekdays_through(start) - self._closed_between(start, end)

    def is_overdue(self, due: date, today: date) -> bool:
        """A response due on day N is late from day N+1."""
        return today > due

    def is_due_soon(self, due: date, today: date, within: int = 2) -> bool:
        """Not yet late, with at most `within` working days left (due today counts: 0 left)."""
        return not self.is_overdue(due, today) and self.between(today, due) <= within
