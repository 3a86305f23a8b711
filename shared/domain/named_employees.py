"""Employees a complaint about staff attitude and behaviour names: how their names are compared.

The people complained about are often not Redress users (a refuse collector, a receptionist), so a
complaint keeps the name as it was written. The report groups them by a normalised key, so "Jo
Bloggs", "jo  bloggs" and "Jo Bloggs." count as one person within a service.
"""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 200
_IGNORED = re.compile(r"[.,'’\"()]")
_SPACES = re.compile(r"[\s\-]+")


def name_key(name: str) -> str:
    """The name as compared: Unicode-normalised, case-folded, without full stops, commas, quotes or
    brackets, and with runs of spaces and hyphens as one space."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _IGNORED.sub("", text)
    return _SPACES.sub(" ", text).strip()
