"""Following a case without an account: an emailed link, long and random, that expires.

Only a hash of the link's token is stored. Opening the link records, in the browser's signed
session cookie, that this browser may see that one case for a few hours; nothing else is granted.
A new link can be asked for with the case reference and the email address, at most a few times
an hour, and the answer is the same whether or not they match.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import session
from sqlalchemy import select

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain.enums import Role
from shared.models import Case, CaseAccessLink, User
from shared.services import outbox
from shared.web.links import absolute_url

LINK_LIFETIME = timedelta(days=90)
GRANT_LIFETIME = timedelta(hours=4)
SESSION_KEY = "guest_cases"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(case: Case, person: User, *, locale: str) -> str:
    """Create a new link for `case` and queue the email that carries it; return the URL."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(CaseAccessLink(case_id=case.id, token_hash=_hash(token), created_at=now, expires_at=now + LINK_LIFETIME))
    db.session.flush()
    url = absolute_url("portal.follow_case", token=token)
    outbox.queue(
        "guest_case_link",
        recipient=person.email,
        locale=person.locale or locale,
        user_id=person.id,
        case_id=case.id,
        name=person.full_name,
        reference=case.reference,
        follow_url=url,
        expires_on=to_london(now + LINK_LIFETIME).date(),
    )
    return url


def follow(token: str) -> Case | None:
    """The case a link opens, granting this browser access to it; None if unknown or expired."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(CaseAccessLink).where(CaseAccessLink.token_hash == _hash(token)))
    now = utcnow()
    if link is None or link.expires_at <= now:
        return None
    link.last_used_at = now
    case = db.session.get(Case, link.case_id)
    if case is None:
        return None
    grants = {k: v for k, v in session.get(SESSION_KEY, {}).items() if v > now.timestamp()}
    grants[str(case.id)] = (now + GRANT_LIFETIME).timestamp()
    session[SESSION_KEY] = grants
    db.session.flush()
    return case


def granted_case_ids() -> set[int]:
    """The cases this browser opened a valid link for, within the last few hours."""
    now = utcnow().timestamp()
    return {int(k) for k, v in session.get(SESSION_KEY, {}).items() if v > now}


def is_granted(case: Case) -> bool:
    return case.id in granted_case_ids()


def forget() -> None:
    session.pop(SESSION_KEY, None)


def re_request(reference: str, email: str, *, locale: str) -> None:
    """Send a new link if the reference and email match a case.

    The caller shows the same page whether or not they matched, so nobody can use this to find
    out whether someone has a case; its form is rate-limited (shared.web.ratelimits.GUEST_LINK).
    """
    reference = reference.strip().upper()
    email = email.strip().lower()
    row = db.session.execute(
        select(Case, User).join(User, Case.resident_id == User.id).where(Case.reference == reference)
    ).first()
    if row is not None:
        case, person = row
        if person.role is Role.RESIDENT and person.email and person.email.lower() == email:
            issue_link(case, person, locale=locale)
