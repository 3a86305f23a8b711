"""Only ever redirect to our own pages after sign-in."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default`. Control characters are refused: a
    CR or LF would split the Location header (a 500 from Werkzeug), and browsers drop tabs and
    newlines from a URL, so "/\t/evil.example" would reach them as "//evil.example"."""
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
