"""The one source of "now" in Redress; settable outside production with REDRESS_NOW."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_fixed: datetime | None = None


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed.astimezone(UTC)


def set_now(value: datetime | str | None) -> None:
    """Stand the whole process on a chosen moment (tests and demos only)."""
    global _fixed
    if value is None:
        _fixed = None
    elif isinstance(value, str):
        _fixed = _parse(value)
    else:
        _fixed = value.astimezone(UTC)


def fixed_now() -> datetime | None:
    """The moment the process stands on, if one was set (so it can be put back)."""
    return _fixed


def configure_from_env(production: bool) -> None:
    value = os.environ.get("REDRESS_NOW")
    if value and not production:
        set_now(value)


def utcnow() -> datetime:
    return _fixed if _fixed is not None else datetime.now(UTC)


def to_london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)
