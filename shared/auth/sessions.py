"""Server-side sessions: the browser holds a random token, the database holds its hash.

A session ends by itself after the idle limit without a request from its person, or the absolute
limit after sign-in (shared.domain.session_limits). Background requests (a section refreshing
itself, the timeout warning asking how long is left) are marked as such and never extend it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import select, update

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import Role
from shared.domain.session_limits import EndReason, SessionLimits
from shared.models import User, UserSession

SESSION_KEY = "sid"
# last_seen_at is written at most this often, so most pages cost no UPDATE. The idle limit counts from
# the stored value, and pages are told that same deadline, so a session never outlives its limit and
# the warning matches the server (it may end up to this much sooner after the last click).
_TOUCH_EVERY = timedelta(minutes=1)
# Sent by the page's own scripts on requests nobody asked for (frontend/js/app.mjs): they do not extend
# the session.
BACKGROUND_HEADER = "X-Redress-Background"

login_manager = LoginManager()


@dataclass(frozen=True)
class EndedSession:
    """A session the service ended by itself, still named by this browser's cookie."""

    user_id: int
    role: Role
    reason: EndReason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def limits() -> SessionLimits:
    return current_app.config["SETTINGS"].session_limits


def background(view):
    """Mark a view only the page's scripts call, unasked (it must not extend the session)."""
    view.background_request = True
    return view


def is_background() -> bool:
    """Whether this request was made by the page by itself: a marked view, or the marker header."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "background_request", False)) or request.headers.get(BACKGROUND_HEADER) == "1"


def start_session(user: User, method: str = "password", *, id_token: str | None = None) -> None:
    """Sign this browser in. `method` is how they proved who they are ("password", with its second
    factor if they have one, or "oidc"): multi-factor and recent sign-in checks read it. A provider
    sign-in's `id_token` is kept with the session, to sign out at the provider with."""
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
            id_token=id_token,
        )
    )
    user.last_sign_in_at = now
    session.clear()  # a fresh cookie on sign-in: no session fixation
    session[SESSION_KEY] = token
    session.permanent = True
    login_user(user)


def renew_session(user: User, *, everywhere: bool = False) -> None:
    """They have just proved who they are again, or changed how they do: this browser gets a new
    session token (a copy of the old cookie is signed out), signed in the same way; with
    `everywhere`, every other session of theirs ends too (after a change of sign-in factors)."""
    if hasattr(user, "_get_current_object"):  # current_user: login_user needs the person, not the proxy
        user = user._get_current_object()
    current = g.get("user_session")
    method = current.auth_method if current is not None and current.auth_method else "password"
    id_token = provider_id_token(current) if method == "oidc" else None
    if everywhere:
        end_all_sessions(user.id)
    elif current is not None:
        current.revoked_at = utcnow()
    start_session(user, method, id_token=id_token)


def provider_id_token(user_session: UserSession | None) -> str | None:
    """The ID token a provider sign-in's session was made with (one query: it is not loaded with the session)."""
    if user_session is None or user_session.id is None:
        return None
    return db.session.scalar(select(UserSession.id_token).where(UserSession.id == user_session.id))


def end_session() -> None:
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(
            update(UserSession).where(UserSession.token_hash == _hash(token))
            .values(revoked_at=utcnow(), id_token=None)  # of no use once signed out: not kept
        )
    logout_user()
    session.clear()


def _live(user_id: int, role: Role, now: datetime) -> tuple:
    """Conditions for a person's sessions still signed in at `now`: not revoked, and within both limits
    (one past a limit is over even before its browser comes back and the loader marks it)."""
    rules = limits()
    return (UserSession.user_id == user_id, UserSession.revoked_at.is_(None),
            UserSession.created_at > now - rules.absolute, UserSession.last_seen_at > now - rules.idle_for(role))


def end_all_sessions(user_id: int, *, keep: int | None = None, role: Role | None = None) -> int:
    """Sign a person out everywhere, in one statement (on a password change, when an account is
    disabled): each browser's next request finds its session revoked. `keep` is a session left
    signed in (their own browser's, for "sign out of all other devices"); with `role` (theirs) only
    live sessions are ended, so one that timed out still tells its browser why. How many were ended."""
    now = utcnow()
    if role is None:
        conditions: tuple = (UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    else:
        conditions = _live(user_id, role, now)
    statement = update(UserSession).where(*conditions)
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    result = db.session.execute(statement.values(revoked_at=now))
    return result.rowcount or 0


def end_one_session(user_id: int, role: Role, session_id: int) -> bool:
    """Sign one live session of a person's out (from their own list of where they are signed in): its
    browser's next request is signed out. Only ever that person's: False for anyone else's, or for one
    already over."""
    now = utcnow()
    result = db.session.execute(
        update(UserSession).where(UserSession.id == session_id, *_live(user_id, role, now)).values(revoked_at=now)
    )
    return bool(result.rowcount)


def live_sessions(user: User, *, limit: int) -> list[UserSession]:
    """A person's sessions still signed in now, most recently used first. One query."""
    return list(db.session.scalars(
        select(UserSession).where(*_live(user.id, user.role, utcnow()))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        .limit(limit)
    ))


def current_session() -> UserSession | None:
    """The signed-in session of this request's browser."""
    return g.get("user_session")


def ended_session() -> EndedSession | None:
    """The session this browser's cookie names, if the service ended it by itself (on this request or
    an earlier one). Only meaningful once the user has been loaded."""
    return g.get("ended_session")


def forget_ended_session() -> None:
    """Stop naming the ended session, so only one answer says "you were signed out"."""
    session.pop(SESSION_KEY, None)
    g.ended_session = None


def seconds_left() -> int | None:
    """How long the signed-in session has before it ends unless used, as the server counts it."""
    user_session = g.get("user_session")
    if user_session is None:
        return None
    expires = limits().expires_at(g.session_role, user_session.created_at, user_session.last_seen_at)
    return max(0, int((expires - utcnow()).total_seconds()))


def extend() -> None:
    """The person asked to stay signed in: the idle limit starts again now (the absolute one never)."""
    user_session = g.get("user_session")
    if user_session is not None:
        user_session.last_seen_at = utcnow()


@login_manager.user_loader
def _load_user(_user_id: str) -> User | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    from shared.services import council

    # The council's identity comes in the same statement: every page shows it, and a signed-in
    # person's pages are the ones near the query budget (shared/services/council.py). Revoked rows
    # come too, to tell a session that timed out from one that was signed out.
    row = db.session.execute(
        council.with_identity(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == _hash(token))
        )
    ).first()
    if row is None:
        return None
    user_session, user, identity = row
    council.remember(identity)
    if user_session.revoked_at is not None:
        if user_session.ended_because:
            g.ended_session = EndedSession(user.id, user.role, EndReason(user_session.ended_because))
        return None
    if not user.is_active:
        return None
    now = utcnow()
    reason = limits().ended_because(user.role, user_session.created_at, user_session.last_seen_at, now)
    if reason is not None:
        user_session.revoked_at = now
        user_session.ended_because = reason.value
        g.ended_session = EndedSession(user.id, user.role, reason)
        return None
    if not is_background() and now - user_session.last_seen_at >= _TOUCH_EVERY:
        user_session.last_seen_at = now
    g.user_session = user_session  # shared.auth.mfa's checks read how and when it was signed in to
    g.session_role = user.role
    return user
