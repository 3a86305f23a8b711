"""What management reports are made of, without the database: periods (financial quarters and years),
a stage's overall outcome, percentages, changes and percentiles.

Councils report by financial year (1 April to 31 March), in quarters Q1 (April to June) to Q4
(January to March); the seeds' tables use that shape ("21-22 Q1").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from shared.domain.enums import Finding


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    def a_year_earlier(self) -> Period:
        return Period(_same_day_years_ago(self.start, 1), _same_day_years_ago(self.end, 1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _same_day_years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def financial_year_of(day: date) -> int:
    """The calendar year the financial year containing `day` starts in (2026 for 2026/27)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year(start_year: int) -> Period:
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31))


def financial_quarter(start_year: int, quarter: int) -> Period:
    if quarter not in {1, 2, 3, 4}:
        raise ValueError("a quarter is 1 to 4")
    first_month = 4 + 3 * (quarter - 1)
    year = start_year + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    start = date(year, month, 1)
    following = date(year + (month + 2) // 12, (month + 2) % 12 + 1, 1)
    return Period(start, following - timedelta(days=1))


def quarter_of(day: date) -> tuple[int, int]:
    """(financial year's start year, quarter number) for a day."""
    fy = financial_year_of(day)
    months_in = (day.month - 4) % 12
    return fy, months_in // 3 + 1


def quarters_back(day: date, count: int) -> Period:
    """The whole financial quarter `count` quarters before the one containing `day`."""
    fy, quarter = quarter_of(day)
    index = fy * 4 + (quarter - 1) - count
    return financial_quarter(index // 4, index % 4 + 1)


def last_complete_quarter(today: date) -> Period:
    return quarters_back(today, 1)


def quarters_in(period: Period) -> list[tuple[int, int, Period]]:
    """Every financial quarter that overlaps the period, clipped to it, in order."""
    found = []
    fy, quarter = quarter_of(period.start)
    while True:
        whole = financial_quarter(fy, quarter)
        if whole.start > period.end:
            return found
        found.append((fy, quarter, Period(max(whole.start, period.start), min(whole.end, period.end))))
        fy, quarter = (fy + 1, 1) if quarter == 4 else (fy, quarter + 1)


def financial_year_label(start_year: int) -> str:
    """2026 → "2026/27", the way council reports write it."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def overall_finding(findings: Mapping[str, str] | None) -> Finding | None:
    """A stage's outcome from its points' findings: upheld only if every point is, not upheld only if
    none is, partly upheld otherwise. None when nothing was found (no points were decided)."""
    values = {Finding(value) for value in (findings or {}).values() if value in {f.value for f in Finding}}
    if not values:
        return None
    if values == {Finding.UPHELD}:
        return Finding.UPHELD
    if values == {Finding.NOT_UPHELD}:
        return Finding.NOT_UPHELD
    return Finding.PARTLY_UPHELD


def share(part: int, whole: int) -> float | None:
    """part as a percentage of whole, to one decimal place; None when whole is 0 (no percentage)."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def change(now: int, before: int) -> float | None:
    """Percentage change from `before` to `now`; None when there was nothing before."""
    if not before:
        return None
    return round(100 * (now - before) / before, 1)


def percentile(histogram: Mapping[int, int] | Iterable[tuple[int, int]], fraction: float) -> int | None:
    """The nearest-rank percentile of values given as {value: how many}: the smallest value that at
    least `fraction` of all the values are at or below."""
    pairs = sorted(histogram.items() if isinstance(histogram, Mapping) else histogram)
    total = sum(count for _value, count in pairs)
    if not total:
        return None
    rank = max(1, -(-int(round(fraction * total * 1000)) // 1000))  # ceil(fraction × total), float-safe
    seen = 0
    for value, count in pairs:
        seen += count
        if seen >= rank:
            return value
    return pairs[-1][0]


def mean(histogram: Mapping[int, int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    return round(sum(value * count for value, count in histogram.items()) / total, 1)
