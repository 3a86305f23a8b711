"""Accounts: registration with email confirmation, signing in, password reset, staff creation, the
links that let invited staff and councillors choose their first password, and a resident's own
changes to their account: details, email address, password, closing it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from shared.auth.passwords import hash_password, needs_rehash, verify_password
from shared.auth.sessions import end_all_sessions
from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain.enums import Role
from shared.models import Service, User
from shared.services import audit, outbox, retention
from shared.web.links import absolute_url

CONFIRM_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600
CHANGE_EMAIL_MAX_AGE = 24 * 3600
INVITATION_MAX_AGE = 7 * 24 * 3600  # a week: people are invited before they start, and may be away


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


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


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
        email=normalise_email(email),
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

    If the email already has an account we send a "you already have an account" message instead;
    if it belongs to a record with no password (a guest who followed their case by link, or an
    account its owner closed) we send a link to finish creating the account, which leads to every
    case filed under that record. The page says the same in every case, so the form cannot be used
    to find out who has an account.
    """
    existing = find_by_email(email)
    if existing is not None:
        hash_password(password)  # the same work either way, so timing does not reveal the account
        if not existing.has_account and existing.disabled_at is None:
            send_finish_account(existing, locale)
            return
        outbox.queue(
            "account_exists",
            recipient=existing.email,
            locale=existing.locale or locale,
            user_id=existing.id,
            name=existing.full_name,
            sign_in_url=absolute_url("portal.sign_in"),
            reset_url=absolute_url("portal.forgotten_password"),
        )
        return
    user = create_user(email, full_name, Role.RESIDENT, password, confirmed=False, locale=locale)
    send_confirmation(user, locale)


def finish_account_url(user: User) -> str:
    """The link that lets a record without a password choose one: the reset link (single use: it
    carries a fingerprint of the password hash, here of none), given the confirmation link's
    lifetime, as a guest may not read the email within the hour."""
    token = _serializer("reset").dumps({"u": user.id, "p": _password_fingerprint(user), "finish": True})
    return absolute_url("portal.reset_password", token=token)


def send_finish_account(user: User, locale: str) -> None:
    if not user.email:  # a record the contact centre made for someone without an address
        raise ValueError("a record without an email address cannot be sent a link")
    outbox.queue(
        "finish_account",
        recipient=user.email,
        locale=user.locale or locale,
        user_id=user.id,
        name=user.full_name,
        finish_url=finish_account_url(user),
    )


def send_confirmation(user: User, locale: str) -> None:
    token = _serializer("confirm").dumps({"u": user.id, "e": user.email})
    outbox.queue(
        "confirm_email",
        recipient=user.email,
        locale=user.locale or locale,
        user_id=user.id,
        name=user.full_name,
        confirm_url=absolute_url("portal.confirm_email", token=token),
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
    """The user if the password is right, the account usable and allowed on this side. A refusal is
    audited (never the password): the refused request's transaction is rolled back, so the row is
    written after it (audit.record_regardless)."""
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        _sign_in_failed(email, user, "unknown_account" if user is None else "wrong_password")
        return None
    assert user is not None
    if not user.is_active or user.role not in roles:
        _sign_in_failed(email, user, "disabled" if not user.is_active else "wrong_side")
        return None
    if user.email_confirmed_at is None:
        raise EmailNotConfirmed(user)
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    return user


def _sign_in_failed(email: str, user: User | None, reason: str) -> None:
    """Who was tried, as an id; an address with no account as a keyed hash (`email_key`), so repeated
    tries at one address can be matched without the log holding it."""
    audit.record_regardless("user.sign_in_failed", actor=None, subject_type="session",
                            subject_id=user.id if user else None, person_id=user.id if user else None,
                            reason=reason, method="password",
                            **({} if user else {"email_key": email_key(email)}))


def email_key(email: str) -> str:
    """An email address as the audit log holds it for an unknown account: HMAC-SHA-256 under the
    secret key, so it can be searched for (the admins' audit search) but not read back."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def signed_in(user: User, *, method: str) -> None:
    audit.record("user.signed_in", actor=user, subject_type="session", subject_id=user.id, person_id=user.id,
                 method=method)


def signed_out(user: User) -> None:
    audit.record("session.ended", actor=user, subject_type="session", subject_id=user.id, person_id=user.id,
                 how="signed_out")


def _password_fingerprint(user: User) -> str:
    """Changes with the password and with the email address: a link sent to an old address (before
    a staff member corrected a record, say) stops working."""
    return hashlib.sha256(f"{user.password_hash or ''}\0{(user.email or '').lower()}".encode()).hexdigest()[:16]


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
        reset_url=absolute_url("portal.reset_password", token=token),
    )


def user_for_reset_token(token: str) -> User | None:
    try:
        data, signed_at = _serializer("reset").loads(token, max_age=CONFIRM_MAX_AGE, return_timestamp=True)
    except (BadSignature, SignatureExpired):
        return None
    max_age = CONFIRM_MAX_AGE if data.get("finish") else RESET_MAX_AGE
    if utcnow().timestamp() - signed_at.timestamp() > max_age:
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or user.disabled_at is not None:
        return None
    # Only a link to finish an account may bring a closed one back (its owner registered again).
    if user.closed_at is not None and not data.get("finish"):
        return None
    # The fingerprint changes with the password (so each link works once) and with the email address.
    if _password_fingerprint(user) != data.get("p"):
        return None
    return user


def reset_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # they proved they read the mailbox
    user.closed_at = None  # a closed account's owner registered again and chose a password
    end_all_sessions(user.id)


# --- invitations (staff and councillors, made by an admin) ----------------------------------------


def invitation_url(user: User) -> tuple[str, date]:
    """The link to choose a first password, and the last day it works (Europe/London).

    It carries the password fingerprint, so it works once (choosing a password changes it), and
    stops working if an admin corrects the email address or disables the account. Staff choose
    their password in the back office and councillors in the portal, where each then signs in.
    """
    token = _serializer("invite").dumps({"u": user.id, "p": _password_fingerprint(user)})
    endpoint = "staff.accept_invitation" if user.is_staff else "portal.accept_invitation"
    expires_on = to_london(utcnow() + timedelta(seconds=INVITATION_MAX_AGE)).date()
    return absolute_url(endpoint, token=token), expires_on


def user_for_invitation(token: str, *, staff: bool) -> User | None:
    """The invited person, if the link is genuine, in time, unused and for this side (back office or
    portal); None otherwise, whatever the reason, so the page says only that the link has expired."""
    try:
        data = _serializer("invite").loads(token, max_age=INVITATION_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or not user.email:
        return None
    if user.role.is_staff != staff or (not staff and user.role is not Role.COUNCILLOR):
        return None
    if _password_fingerprint(user) != data.get("p"):
        return None
    return user


def accept_invitation(user: User, password: str) -> None:
    """Set the invited person's password; they proved they read the mailbox. Signs out any browser
    that was signed in as them (there should be none), as a password change does. Audited: the
    account's history shows when its owner took it up."""
    user.password_hash = hash_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    end_all_sessions(user.id)
    audit.record("user.invitation_accepted", actor=user, subject_type="user", subject_id=user.id, person_id=user.id)


# --- a resident's own account ---------------------------------------------------------------

DETAIL_FIELDS = frozenset({"full_name", "phone", "address", "preferred_contact", "locale"})


def update_detail(user: User, field: str, value: object) -> None:
    """Change one of the details a person keeps for themselves (not the email: see below)."""
    if field not in DETAIL_FIELDS:
        raise ValueError(f"{field} is not a detail a person may change")
    if isinstance(value, str):
        value = value.strip() or None
    if field == "full_name" and not value:
        raise ValueError("a name cannot be empty")
    setattr(user, field, value)


def request_email_change(user: User, new_email: str, password: str) -> bool:
    """Ask to move the account to `new_email`; False if the password is wrong.

    The old address is told a change was asked for. The new one gets a link to confirm it, or,
    if the address is already on our records, an email saying so: the page looks the same either
    way, so nobody learns from it whether an address has an account.
    """
    if not verify_password(user.password_hash, password):
        return False
    new_email = normalise_email(new_email)
    locale = user.locale or "en"
    outbox.queue(
        "email_change_requested",
        recipient=user.email,
        locale=locale,
        user_id=user.id,
        name=user.full_name,
        reset_url=absolute_url("portal.forgotten_password"),
        contact_url=absolute_url("portal.contact"),
    )
    if find_by_email(new_email) is not None:
        outbox.queue("email_in_use", recipient=new_email, locale=locale, name=user.full_name,
                     sign_in_url=absolute_url("portal.sign_in"))
        return True
    token = _serializer("change-email").dumps({"u": user.id, "f": user.email, "e": new_email})
    outbox.queue(
        "confirm_new_email",
        recipient=new_email,
        locale=locale,
        user_id=user.id,
        name=user.full_name,
        confirm_url=absolute_url("portal.confirm_new_email", token=token),
    )
    return True


def confirm_email_change(token: str) -> User | None:
    """Move the account to the new address, once, within a day; tell both addresses."""
    try:
        data = _serializer("change-email").loads(token, max_age=CHANGE_EMAIL_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u"))
    # Once used, the account's address is no longer the one the link was made from.
    if user is None or not user.is_active or user.email != data.get("f"):
        return None
    new_email = data.get("e", "")
    if find_by_email(new_email) is not None:
        return None  # taken since the link was sent
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    for recipient in (old_email, new_email):
        outbox.queue("email_changed", recipient=recipient, locale=user.locale or "en", user_id=user.id,
                     name=user.full_name, old_email=old_email, new_email=new_email,
                     contact_url=absolute_url("portal.contact"))
    return user


def change_password(user: User, current_password: str, new_password: str) -> bool:
    """False if the current password is wrong. Every session ends; the caller starts a new one."""
    if not verify_password(user.password_hash, current_password):
        return False
    user.password_hash = hash_password(new_password)
    end_all_sessions(user.id)
    outbox.queue("password_changed", recipient=user.email, locale=user.locale or "en", user_id=user.id,
                 name=user.full_name, reset_url=absolute_url("portal.forgotten_password"))
    return True


def close_account(user: User, password: str) -> bool:
    """False if the password is wrong. Signs the person out everywhere; their cases are kept."""
    if not verify_password(user.password_hash, password):
        return False
    user.closed_at = utcnow()
    user.password_hash = None
    end_all_sessions(user.id)
    locale = user.locale or "en"
    with force_locale(locale):
        years = retention.summary().years_text  # "6", or "6 to 10" when procedures differ
    outbox.queue("account_closed", recipient=user.email, locale=locale, user_id=user.id,
                 name=user.full_name, contact_url=absolute_url("portal.contact"),
                 retention_years=years)
    return True
