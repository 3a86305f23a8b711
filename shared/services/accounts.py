"""Accounts: registration with email confirmation, signing in, password reset, staff creation."""

from __future__ import annotations

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from shared.auth.passwords import hash_password, needs_rehash, verify_password
from shared.auth.sessions import end_all_sessions
from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import Role
from shared.models import Service, User
from shared.services import outbox

CONFIRM_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600


class AccountError(Exception):
    """Something about an account request that the person must fix."""


class EmailNotConfirmed(Exception):
    """The password was right but the email address has not been confirmed yet."""

    def __init__(self, user: User) -> None:
        super().__init__(user.email)
        self.user = user


class _ClockSigner(TimestampSigner):
    """Signs with Redress's clock, so links expire by the same "now" as everything else."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"redress-{purpose}", signer=_ClockSigner)


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == _normalise_email(email)))


def create_user(
    email: str,
    full_name: str,
    role: Role,
    password: str,
    *,
    service_slug: str | None = None,
    confirmed: bool = True,
    locale: str | None = None,
) -> User:
    if find_by_email(email) is not None:
        raise AccountError(f"an account for {email} already exists")
    service_id = None
    if service_slug:
        service_id = db.session.scalar(select(Service.id).where(Service.slug == service_slug))
        if service_id is None:
            raise AccountError(f"there is no service {service_slug!r}")
    user = User(
        email=_normalise_email(email),
        full_name=full_name.strip(),
        role=role,
        password_hash=hash_password(password),
        email_confirmed_at=utcnow() if confirmed else None,
        service_id=service_id,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register_resident(email: str, full_name: str, password: str, locale: str) -> None:
    """Create an unconfirmed account and send the confirmation link.

    If the email already has an account we send a "you already have an account" message instead,
    and the page says the same either way, so the form cannot be used to find out who has one.
    """
    existing = find_by_email(email)
    if existing is not None:
        hash_password(password)  # the same work either way, so timing does not reveal the account
        outbox.queue(
            "account_exists",
            recipient=existing.email,
            locale=existing.locale or locale,
            user_id=existing.id,
            name=existing.full_name,
            sign_in_url=url_for("portal.sign_in", _external=True),
            reset_url=url_for("portal.forgotten_password", _external=True),
        )
        return
    user = create_user(email, full_name, Role.RESIDENT, password, confirmed=False, locale=locale)
    send_confirmation(user, locale)


def send_confirmation(user: User, locale: str) -> None:
    token = _serializer("confirm").dumps({"u": user.id, "e": user.email})
    outbox.queue(
        "confirm_email",
        recipient=user.email,
        locale=user.locale or locale,
        user_id=user.id,
        name=user.full_name,
        confirm_url=url_for("portal.confirm_email", token=token, _external=True),
    )


def confirm_email(token: str) -> User | None:
    try:
        data = _serializer("confirm").loads(token, max_age=CONFIRM_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or user.email != data.get("e") or not user.is_active:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def authenticate(email: str, password: str, *, roles: frozenset[Role]) -> User | None:
    """The user if the password is right, the account usable and allowed on this side."""
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if not user.is_active or user.role not in roles:
        return None
    if user.email_confirmed_at is None:
        raise EmailNotConfirmed(user)
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    return user


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def request_password_reset(email: str, locale: str) -> None:
    """Send a reset link if the account exists; say nothing either way."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    token = _serializer("reset").dumps({"u": user.id, "p": _password_fingerprint(user)})
    outbox.queue(
        "reset_password",
        recipient=user.email,
        locale=user.locale or locale,
        user_id=user.id,
        name=user.full_name,
        reset_url=url_for("portal.reset_password", token=token, _external=True),
    )


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _serializer("reset").loads(token, max_age=RESET_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u"))
    # The fingerprint changes with the password, so each link works once.
    if user is None or not user.is_active or _password_fingerprint(user) != data.get("p"):
        return None
    return user


def reset_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # they proved they read the mailbox
    end_all_sessions(user.id)
