"""Case references that are short enough to read over the phone and cannot be guessed."""

from __future__ import annotations

import re
import secrets

# Crockford's base 32: no I, L, O or U, so references survive being read aloud and retyped.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PATTERN = re.compile(r"^RDR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_reference() -> str:
    """RDR-XXXX-XXXX: 40 random bits (about a trillion possibilities)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"RDR-{body[:4]}-{body[4:]}"


def normalise(text: str) -> str | None:
    """Turn what someone typed or read out into a reference, or None if it cannot be one."""
    compact = re.sub(r"[\s-]", "", text.upper()).translate(_CONFUSABLE)
    if len(compact) == 11 and compact.startswith("RDR"):  # a bare body may itself start with RDR
        compact = compact[3:]
    if len(compact) != 8:
        return None
    candidate = f"RDR-{compact[:4]}-{compact[4:]}"
    return candidate if _PATTERN.match(candidate) else None
