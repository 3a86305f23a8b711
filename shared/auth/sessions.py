"""Server-side sessions: the browser holds a random token, the database holds its hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import g, request, session
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import select, update

from shared.clock import utcnow
from shared.db import db
from shared.models import User, UserSession

SESSION_KEY = "sid"
_TOUCH_EVERY = timedelta(minutes=1)

login_manager = LoginManager()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, method: str = "password") -> None:
    """Sign this browser in. `method` is how they proved who they are ("password", with its second
    factor if they have one, or "oidc"): multi-factor and recent sign-in checks read it."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            user_agent=(request.user_agent.string or "")[:300],
            auth_method=method,
            authenticated_at=now,
        )
    )
    user.last_sign_in_at = now
    session.clear()  # a fresh cookie on sign-in: no session fixation
    session[SESSION_KEY] = token
    session.permanent = True
    login_user(user)


def end_session() -> None:
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(
            update(UserSession).where(UserSession.token_hash == _hash(token)).values(revoked_at=utcnow())
        )
    logout_user()
    session.clear()


def end_all_sessions(user_id: int) -> int:
    """Sign a person out everywhere, in one statement (on a password change, when an account is
    disabled): each browser's next request finds its session revoked. How many were ended."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


@login_manager.user_loader
def _load_user(_user_id: str) -> User | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    from shared.services import council

    # The council's identity comes in the same statement: every page shows it, and a signed-in
    # person's pages are the ones near the query budget (shared/services/council.py).
    row = db.session.execute(
        council.with_identity(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == _hash(token), UserSession.revoked_at.is_(None))
        )
    ).first()
    if row is None:
        return None
    user_session, user, identity = row
    g.user_session = user_session  # shared.auth.mfa's checks read how and when it was signed in to
    council.remember(identity)
    if not user.is_active:
        return None
    now = utcnow()
    if now - user_session.last_seen_at > _TOUCH_EVERY:
        user_session.last_seen_at = now
    return user
