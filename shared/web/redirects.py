"""Only ever redirect to our own pages after sign-in."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default`.

    Refused: anything with a scheme or host (`https://evil`, `javascript:`), a path browsers read as
    another host (`//evil`, `/\\evil`), and any control character or space (browsers drop tabs and
    newlines, so `/<tab>/evil` would become `//evil`).
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(character) <= 0x20 or ord(character) == 0x7F for character in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
