"""Rate limits kept in the database, so that every app server counts the same attempts.

Used where a form could be used to send email to someone else or to guess: re-requesting a
guest's link, for example. Keys are hashed before they are stored.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, func, select

from shared.clock import utcnow
from shared.db import db
from shared.models import ThrottleHit


def _hash(key: str) -> str:
    return hashlib.sha256(key.strip().lower().encode()).hexdigest()


def allow(scope: str, key: str, *, limit: int, window: timedelta) -> bool:
    """Record an attempt and say whether it is within `limit` attempts per `window`.

    A refused attempt is not recorded, so waiting out the window always works.
    """
    now = utcnow()
    key_hash = _hash(key)
    db.session.execute(
        delete(ThrottleHit).where(ThrottleHit.scope == scope, ThrottleHit.key_hash == key_hash, ThrottleHit.at < now - window)
    )
    count = db.session.scalar(
        select(func.count()).where(ThrottleHit.scope == scope, ThrottleHit.key_hash == key_hash)
    )
    if (count or 0) >= limit:
        return False
    db.session.add(ThrottleHit(scope=scope, key_hash=key_hash, at=now))
    db.session.flush()
    return True


def allow_all(scope: str, keys: list[str], *, limit: int, window: timedelta) -> bool:
    """Several keys for one attempt (say, the email address and the client's address): each must allow it."""
    results = [allow(scope, key, limit=limit, window=window) for key in keys]
    return all(results)
