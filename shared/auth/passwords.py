"""Password hashing with argon2id (RFC 9106 low-memory profile)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths cost the same time.

    Made on first use, not at import: every process (and every CLI command) would pay for it.
    """
    return _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# --- choosing a password: refusing the easily guessed (OWASP ASVS 6.2.4, 6.2.11) --------------------

# zxcvbn estimates how many guesses a password takes, knowing the common passwords (its list of
# 30,000), English words, names, keyboard patterns, dates, repeats and sequences, and the words we
# give it for this person and council. Below this score (about 10^8 guesses, where zxcvbn's "safely
# unguessable" starts) a password is refused: "password1234", "qwertyuiop", "Summer2026!", the
# person's own name with a year.
MIN_SCORE = 3
# zxcvbn's matching grows quickly with length; it reads this much, and a longer password is judged
# by its start (a long password that starts well is not weakened by what follows).
_JUDGED_LENGTH = 72


def too_easy_to_guess(password: str, context: list[str]) -> bool:
    """Whether `password` is one an attacker would try early, given words about this person and
    this council (names, email addresses, the service's name)."""
    from zxcvbn import zxcvbn  # its word lists load on first use, not when every process starts

    words = []
    for text in context:
        text = (text or "").strip()
        if text:
            words += [text, text.replace(" ", ""), text.split("@")[0]]  # an email's own part, "hannah.green"
            words.extend(part for part in text.replace("@", " ").replace(".", " ").split() if len(part) >= 3)
    result = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=words, max_length=_JUDGED_LENGTH)
    return result["score"] < MIN_SCORE
