"""Where you're signed in: a person's own live sessions, described for them, and signing one or all
the others out (ASVS 5.0 7.5.2). Only ever the person's own sessions; each ending is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from ua_parser import parse

from shared.auth.sessions import current_session, end_all_sessions, end_one_session, live_sessions
from shared.db import db
from shared.models import User, UserSession
from shared.services import audit

SHOWN = 50  # sessions listed; "sign out of all other devices" reaches any beyond
METHODS = {"password": _l("Password"), "oidc": _l("Council sign-in")}


@dataclass(frozen=True)
class SignedIn:
    """One session as its owner sees it (never its token's hash)."""

    id: int
    device: str
    signed_in_at: datetime
    last_active_at: datetime
    method: str
    current: bool


@dataclass(frozen=True)
class Listing:
    sessions: list[SignedIn]
    more: bool  # more live sessions than SHOWN

    @property
    def others(self) -> list[SignedIn]:
        return [s for s in self.sessions if not s.current]


class Ended(Enum):
    ENDED = "ended"
    ALREADY = "already"  # theirs, but already signed out (another tab, or it timed out)
    NOT_FOUND = "not_found"  # not theirs, no such session, or this browser's own


@lru_cache(maxsize=256)
def _parsed(user_agent: str) -> tuple[str | None, str | None, str | None]:
    """(browser, system, device) named by ua-parser's maintained rules; None for what it cannot tell."""
    result = parse(user_agent)
    browser = system = device = None
    if result.user_agent:
        browser = " ".join(p for p in (result.user_agent.family, result.user_agent.major) if p)
    if result.os:
        system = " ".join(p for p in (result.os.family, result.os.major) if p)
    if result.device and result.device.family and not result.device.family.startswith(("Generic", "Other", "Spider")) \
            and result.device.family != (result.os.family if result.os else None):
        device = result.device.family
    return browser, system, device


def describe(user_agent: str | None) -> str:
    """"Firefox 133 on Windows 10", "Mobile Safari 18 on iPhone (iOS 18)", in the page's language."""
    browser, system, device = _parsed((user_agent or "").strip()) if user_agent else (None, None, None)
    if device and system:
        system = _("%(device)s (%(system)s)", device=device, system=system)
    elif device:
        system = device
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if system:
        return _("Unknown browser on %(system)s", system=system)
    return browser or _("Unknown browser")


def method_label(method: str | None) -> str:
    label = METHODS.get(method or "")
    return str(label) if label else _("Not recorded")


def _shown(row: UserSession, current_id: int | None) -> SignedIn:
    return SignedIn(id=row.id, device=describe(row.user_agent), signed_in_at=row.created_at,
                    last_active_at=row.last_seen_at, method=method_label(row.auth_method),
                    current=row.id == current_id)


def listing(user: User) -> Listing:
    """Their live sessions, this browser's first, then the most recently used (one query)."""
    current = current_session()
    current_id = current.id if current is not None else None
    rows = live_sessions(user, limit=SHOWN + 1)
    more = len(rows) > SHOWN
    shown = [_shown(row, current_id) for row in rows[:SHOWN]]
    if current is not None and not any(s.current for s in shown):
        shown = [_shown(current, current_id), *shown[:SHOWN - 1]]
    shown.sort(key=lambda s: not s.current)  # stable: the rest stay most recent first
    return Listing(shown, more)


def end_one(user: User, session_id: int) -> tuple[Ended, str | None]:
    """Sign one of their other browsers out; with what it was, to tell them. This browser's own session
    is not ended here (that is "Sign out")."""
    current = current_session()
    row = db.session.scalar(select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id))
    if row is None or (current is not None and row.id == current.id):
        return Ended.NOT_FOUND, None
    device = describe(row.user_agent)
    if not end_one_session(user.id, user.role, row.id):
        return Ended.ALREADY, device
    audit.record("session.ended_by_owner", actor=user, subject_type="session", subject_id=user.id,
                 person_id=user.id, session_id=row.id, method=row.auth_method)
    return Ended.ENDED, device


def end_others(user: User) -> int:
    """Sign every browser but this one out, in one statement. How many were signed out."""
    current = current_session()
    ended = end_all_sessions(user.id, keep=current.id if current is not None else None, role=user.role)
    audit.record("session.others_ended_by_owner", actor=user, subject_type="session", subject_id=user.id,
                 person_id=user.id, sessions_ended=ended)
    return ended
