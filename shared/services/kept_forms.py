"""What someone typed into a form when their session had ended: kept from the refused POST, given back
to the same person, on the same page, once they have signed in again."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from shared.clock import utcnow
from shared.db import db
from shared.models import KeptForm

# Never kept, whatever the form: secrets (a password typed again is no loss) and the CSRF token, which
# belongs to the request that carried it. Files are never in request.form.
_NOT_KEPT = re.compile(r"password|passcode|secret|token|one_time|recovery", re.IGNORECASE)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def fields_to_keep(form: MultiDict) -> list[list[str]]:
    """The submitted (name, value) pairs worth keeping, in the order sent."""
    return [[name, value] for name, values in form.lists() if not _NOT_KEPT.search(name) for value in values]


def keep(user_id: int, path: str, form: MultiDict, lifetime: timedelta) -> str | None:
    """Keep the form for `user_id`, to give back on `path`; the browser's token, or None if nothing typed."""
    fields = fields_to_keep(form)
    if not fields:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(KeptForm(token_hash=_hash(token), user_id=user_id, path=path, fields=fields,
                            created_at=now, expires_at=now + lifetime))
    return token


def take(token: str, user_id: int, path: str) -> MultiDict | None:
    """The fields kept under `token`, once, if they are this person's and this page's (else None:
    another person signed in on this browser never sees them)."""
    kept = db.session.scalars(
        select(KeptForm).where(KeptForm.token_hash == _hash(token), KeptForm.expires_at > utcnow())
    ).first()
    if kept is None or kept.user_id != user_id or kept.path != path:
        return None
    db.session.delete(kept)
    return MultiDict([(name, value) for name, value in kept.fields])


def delete_expired() -> int:
    """Housekeeping: forget what nobody came back for."""
    return db.session.execute(delete(KeptForm).where(KeptForm.expires_at <= utcnow())).rowcount or 0
