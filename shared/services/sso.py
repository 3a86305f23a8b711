"""Single sign-on, the account half: who a verified OpenID Connect sign-in is in Redress.

Matched on (issuer, subject) only. A resident's first sign-in makes their account from the
provider's name and verified email; a staff member's role comes from the provider's groups (see
docs/configuration.md), refreshed at every sign-in. An email already on our records is never
taken over: the person is told, and an administrator (or the person) can sort it out.
"""

from __future__ import annotations

from sqlalchemy import func, select

from shared.clock import utcnow
from shared.config import SSO_STAFF_ROLES, OidcSettings
from shared.db import db
from shared.domain.enums import PORTAL_ROLES, STAFF_ROLES, Role
from shared.models import User, UserIdentity
from shared.services import audit


class SignInRefused(Exception):
    """A verified sign-in that Redress will not let in. `kind` picks the page shown."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


# Kinds of refusal, each with its own page.
EMAIL_IN_USE = "email_in_use"
EMAIL_UNVERIFIED = "email_unverified"
NO_ROLE = "no_role"
WRONG_SIDE = "wrong_side"
INACTIVE = "inactive"


def _name(claims: dict, email: str) -> str:
    name = claims.get("name") or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return (str(name).strip() or email.split("@", 1)[0])[:200]


def _claim_values(claims: dict, claim: str) -> set[str]:
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def mapped_role(config: OidcSettings, claims: dict) -> Role | None:
    """The most powerful role any of the person's groups maps to, or None."""
    held = _claim_values(claims, config.role_claim)
    granted = {role for value, role in config.role_map if value in held}
    for role in SSO_STAFF_ROLES:
        if role in granted:
            return Role(role)
    return None


def _verified_email(claims: dict) -> str:
    email = claims.get("email")
    # Some providers send "true" as a string; anything else is not a verified address.
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") not in (True, "true"):
        raise SignInRefused(EMAIL_UNVERIFIED, "no verified email")
    return email.strip().lower()[:320]


def _create(config: OidcSettings, claims: dict, role: Role) -> User:
    email = _verified_email(claims)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise SignInRefused(EMAIL_IN_USE, email)
    now = utcnow()
    user = User(email=email, full_name=_name(claims, email), role=role, password_hash=None,
                email_confirmed_at=now, signs_in_elsewhere=True,
                locale=claims["locale"][:10] if isinstance(claims.get("locale"), str) else None)
    db.session.add(user)
    db.session.flush()
    db.session.add(UserIdentity(user_id=user.id, issuer=config.issuer, subject=claims["sub"], created_at=now,
                                last_used_at=now))
    audit.record("account.created_by_sign_in", actor=user, subject_type="user", subject_id=user.id,
                 person_id=user.id, issuer=config.issuer, role=role.value)
    return user


def user_for_sign_in(config: OidcSettings, claims: dict) -> User:
    """The account these verified claims sign in to, made on a first sign-in where allowed."""
    row = db.session.execute(
        select(UserIdentity, User).join(User, User.id == UserIdentity.user_id)
        .where(UserIdentity.issuer == config.issuer, UserIdentity.subject == claims["sub"])
    ).first()
    staff = config.audience == "staff"
    role = mapped_role(config, claims) if staff else Role.RESIDENT
    if staff and role is None:
        raise SignInRefused(NO_ROLE, f"none of {sorted(_claim_values(claims, config.role_claim))} is mapped")
    if row is None:
        assert role is not None
        return _create(config, claims, role)
    identity, user = row
    if not user.is_active:
        raise SignInRefused(INACTIVE, f"user {user.id}")
    if user.role not in (STAFF_ROLES if staff else PORTAL_ROLES):
        raise SignInRefused(WRONG_SIDE, f"user {user.id} is a {user.role.value}")
    if staff and user.role is not role:
        # The provider's groups are the source of truth for staff signing in through it.
        audit.record("user.role_changed", actor=user, subject_type="user", subject_id=user.id, person_id=user.id,
                     old=user.role.value, new=role.value, by="sign-in groups", issuer=config.issuer)
        user.role = role
    identity.last_used_at = utcnow()
    return user


def record_sign_in(user: User, config: OidcSettings) -> None:
    audit.record("user.signed_in", actor=user, subject_type="session", subject_id=user.id, person_id=user.id,
                 method="oidc", issuer=config.issuer)
