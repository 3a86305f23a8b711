"""Whole numbers typed into query strings and forms: ids, versions, page numbers.

A value that is not a plain number, or is too big for the database's integers, is treated as
missing. `"²".isdigit()` is true but `int("²")` fails, and "?page=99999999999999999999" overflowed
OFFSET: both were 500s.
"""

from __future__ import annotations

from collections.abc import Mapping

# The largest value of a 32-bit signed integer column (the ids and versions Redress keeps).
MAX_INTEGER = 2**31 - 1
# Far past the end of any list (50 rows a page: half a million rows).
MAX_PAGE = 10_000


def whole_number(text: object, maximum: int = MAX_INTEGER) -> int | None:
    """The number written in ASCII digits, or None (empty, not digits, or above `maximum`)."""
    value = str(text or "")
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The page of a list asked for: 1 when missing or not a number, never above MAX_PAGE."""
    return max(1, whole_number(args.get(name), MAX_PAGE) or 1)
