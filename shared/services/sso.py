"""Single sign-on, the account half: who a verified OpenID Connect sign-in is in Redress.

Matched on (issuer, subject) only. A resident's first sign-in makes their account from the
provider's name and verified email; a staff member's role comes from the provider's groups (see
docs/configuration.md), refreshed at every sign-in. An email already on our records is never
taken over: the person is told to sign in with their password and link the provider from their
account page (`link`), which needs a fresh sign-in at both ends; `unlink` undoes it.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from shared.clock import utcnow
from shared.config import SSO_STAFF_ROLES, OidcSettings
from shared.db import db
from shared.domain.enums import PORTAL_ROLES, STAFF_ROLES, Role
from shared.models import Service, User, UserIdentity, UserSession
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
    found = mapped_access(config, claims)
    return found[0] if found else None


def mapped_access(config: OidcSettings, claims: dict) -> tuple[Role, int | None] | None:
    """(role, service id) the person's groups give: the most powerful mapped role; else a responder
    for the first service (in the configuration's order) one of their groups names and that exists
    and is open; else None."""
    held = _claim_values(claims, config.role_claim)
    granted = {role for value, role in config.role_map if value in held}
    for role in SSO_STAFF_ROLES:
        if role in granted:
            return Role(role), None
    slugs = [slug for value, slug in config.responder_map if value in held]
    if not slugs:
        return None
    services = dict(db.session.execute(select(Service.slug, Service.id).where(Service.slug.in_(slugs),
                                                                              Service.active.is_(True))).all())
    return next(((Role.RESPONDER, services[slug]) for slug in slugs if slug in services), None)


def _verified_email(claims: dict) -> str:
    email = claims.get("email")
    # Some providers send "true" as a string; anything else is not a verified address.
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") not in (True, "true"):
        raise SignInRefused(EMAIL_UNVERIFIED, "no verified email")
    return email.strip().lower()[:320]


def _create(config: OidcSettings, claims: dict, role: Role, service_id: int | None = None) -> User:
    email = _verified_email(claims)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise SignInRefused(EMAIL_IN_USE, email)
    now = utcnow()
    user = User(email=email, full_name=_name(claims, email), role=role, service_id=service_id, password_hash=None,
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
    access = mapped_access(config, claims) if staff else (Role.RESIDENT, None)
    if access is None:
        raise SignInRefused(NO_ROLE, f"none of {sorted(_claim_values(claims, config.role_claim))} is mapped")
    role, service_id = access
    if row is None:
        return _create(config, claims, role, service_id)
    identity, user = row
    if not user.is_active:
        raise SignInRefused(INACTIVE, f"user {user.id}")
    if user.role not in (STAFF_ROLES if staff else PORTAL_ROLES):
        raise SignInRefused(WRONG_SIDE, f"user {user.id} is a {user.role.value}")
    responder_moved = role is Role.RESPONDER and user.service_id != service_id
    if staff and (user.role is not role or responder_moved):
        # The provider's groups are the source of truth for staff signing in through it: the role,
        # and for a responder the service they answer for.
        details = {"old_service": user.service_id, "new_service": service_id} if role is Role.RESPONDER else {}
        audit.record("user.role_changed", actor=user, subject_type="user", subject_id=user.id, person_id=user.id,
                     old=user.role.value, new=role.value, by="sign-in groups", issuer=config.issuer, **details)
        user.role = role
        if role is Role.RESPONDER:
            user.service_id = service_id
    identity.last_used_at = utcnow()
    return user


def record_sign_in(user: User, config: OidcSettings) -> None:
    audit.record("user.signed_in", actor=user, subject_type="session", subject_id=user.id, person_id=user.id,
                 method="oidc", issuer=config.issuer)


# --- linking an account of ours to the provider, and unlinking it ----------------------------------

# Why a link was refused, each with its own page (shared/templates/shared/sign_in_problem.html).
IDENTITY_TAKEN = "identity_taken"
ALREADY_LINKED = "already_linked"


class UnlinkRefused(Exception):
    """Unlinking would leave the person without a way to sign in (no password of ours)."""


def identity_label(identity: UserIdentity) -> str:
    """How the audit log names an identity: its issuer and subject (never an email address)."""
    return f"{identity.issuer} · {identity.subject}"


def can_link(user: User, config: OidcSettings | None) -> bool:
    """Whether linking to this side's provider is offered: to someone signing in with a password of
    ours, on the side their account belongs to. Not responders: a provider's groups cannot say their
    service, and a provider sign-in sets the role from the groups."""
    if config is None or user.password_hash is None or not user.is_active:
        return False
    if config.audience == "staff":
        return user.role.value in SSO_STAFF_ROLES
    return user.role is Role.RESIDENT


def identities(user_id: int) -> list[UserIdentity]:
    """A person's linked provider accounts, oldest first. One query."""
    return list(db.session.scalars(
        select(UserIdentity).where(UserIdentity.user_id == user_id).order_by(UserIdentity.created_at, UserIdentity.id)))


def linked_to(linked: list[UserIdentity], config: OidcSettings) -> bool:
    """Whether one of these (a person's `identities`) is an account at this provider."""
    return any(identity.issuer == config.issuer for identity in linked)


def link_offered(user: User, config: OidcSettings | None, linked: list[UserIdentity]) -> bool:
    """Whether their account page offers "Sign in with <provider> next time": they may link
    (`can_link`) and `linked`, their identities, has none at this provider yet."""
    return can_link(user, config) and not linked_to(linked, config)


def link(user: User, config: OidcSettings, claims: dict) -> UserIdentity:
    """Attach the provider account these (freshly verified) claims name to `user`, who is signed in and
    has just confirmed it is them. Refused if that provider account signs in to someone else's account,
    if `user` already has another account at this provider, or if, for staff, its groups give no role
    (they could not sign in with it)."""
    if not can_link(user, config):
        raise SignInRefused(WRONG_SIDE, f"user {user.id} may not link")
    found = db.session.scalar(select(UserIdentity).where(UserIdentity.issuer == config.issuer,
                                                         UserIdentity.subject == claims["sub"]))
    if found is not None and found.user_id != user.id:
        raise SignInRefused(IDENTITY_TAKEN, f"belongs to user {found.user_id}")
    if found is not None:
        return found  # linked already (a second tab, the back button): nothing to do
    if linked_to(identities(user.id), config):
        raise SignInRefused(ALREADY_LINKED, f"user {user.id} has another identity at {config.issuer}")
    if config.audience == "staff" and mapped_role(config, claims) is None:
        raise SignInRefused(NO_ROLE, f"none of {sorted(_claim_values(claims, config.role_claim))} is mapped")
    now = utcnow()
    identity = UserIdentity(user_id=user.id, issuer=config.issuer, subject=claims["sub"], created_at=now,
                            last_used_at=now)
    db.session.add(identity)
    db.session.flush()
    audit.record("identity.linked", actor=user, subject_type="user", subject_id=user.id, person_id=user.id,
                 changes={"identity": [None, identity_label(identity)]}, issuer=config.issuer)
    return identity


def unlink(actor: User, user: User, identity_id: int, *, keep_session: int | None = None) -> UserIdentity | None:
    """Detach one of `user`'s provider accounts (by themselves, or by an admin), audited from → to.
    Refused unless they have a password of ours, so nobody is locked out. Their sessions signed in
    through a provider end (but `keep_session`, the browser doing it). None if it is not theirs."""
    identity = db.session.scalar(select(UserIdentity).where(UserIdentity.id == identity_id,
                                                            UserIdentity.user_id == user.id))
    if identity is None:
        return None
    if user.password_hash is None:
        raise UnlinkRefused(f"user {user.id} has no password")
    label = identity_label(identity)
    db.session.delete(identity)
    statement = update(UserSession).where(UserSession.user_id == user.id, UserSession.auth_method == "oidc",
                                          UserSession.revoked_at.is_(None))
    if keep_session is not None:
        statement = statement.where(UserSession.id != keep_session)
    ended = db.session.execute(statement.values(revoked_at=utcnow())).rowcount or 0
    audit.record("identity.unlinked", actor=actor, subject_type="user", subject_id=user.id, person_id=user.id,
                 changes={"identity": [label, None]}, issuer=identity.issuer, sessions_ended=ended)
    db.session.flush()
    return identity
