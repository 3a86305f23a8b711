"""Multi-factor as people use it: enrolling, proving it's them with a code or a recovery code, new
recovery codes, turning it off where allowed, and an admin's reset. Each step is audited on the
person's account (subject "user"), so their history shows it; nothing here commits."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from shared.auth import mfa
from shared.auth.sessions import end_all_sessions
from shared.clock import utcnow
from shared.db import db
from shared.models import RecoveryCode, User
from shared.services import audit

SUBJECT = "user"
TOTP = "totp"
RECOVERY_CODE = "recovery_code"


class Refused(Exception):
    """Not allowed: turning off what is required, resetting your own."""


def _record(action: str, user: User, actor: User | None = None, **details) -> None:
    audit.record(action, actor=actor or user, subject_type=SUBJECT, subject_id=user.id, person_id=user.id, **details)


def pending_secret(user: User) -> str:
    """The secret someone not yet enrolled is setting up: kept (encrypted) on the account until a
    code confirms it, so a reload shows the same QR code; a new one if there is none yet or it can
    no longer be read."""
    secret = mfa.unseal(user.mfa_secret)
    if secret is None:
        secret = mfa.new_secret()
        user.mfa_secret = mfa.seal(secret)
    return secret


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Switch multi-factor on if the code matches the pending secret; the new recovery codes, shown
    once. None if the code is wrong."""
    secret = mfa.unseal(user.mfa_secret)
    if secret is None or user.mfa_enabled_at is not None:
        return None
    step = mfa.matching_step(secret, code, utcnow(), None)
    if step is None:
        return None
    user.mfa_enabled_at = utcnow()
    user.mfa_last_step = step
    user.mfa_failures = 0
    codes = _replace_recovery_codes(user)
    _record("mfa.enrolled", user, changes={"mfa": ["off", "on"]})
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = mfa.new_recovery_codes()
    now = utcnow()
    db.session.execute(insert(RecoveryCode), [  # one statement for the ten
        {"user_id": user.id, "code_hash": mfa.hash_recovery_code(code), "created_at": now} for code in codes])
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """A fresh set; the old ones stop working."""
    codes = _replace_recovery_codes(user)
    _record("mfa.recovery_codes_made", user)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _use_recovery_code(user: User, text: str) -> bool:
    code = mfa.normalise_recovery_code(text)
    if code is None:
        return False
    unused = db.session.scalars(  # locked: two tabs cannot both spend the same code
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .order_by(RecoveryCode.id).with_for_update())
    found = next((row for row in unused if mfa.recovery_code_matches(row.code_hash, code)), None)
    if found is None:
        return False
    found.used_at = utcnow()
    return True


def locked_out(user: User) -> bool:
    """Too many wrong codes since the password was entered: it must be entered again."""
    return user.mfa_failures >= mfa.MAX_FAILURES


def password_entered(user: User) -> None:
    """Step one done again: a fresh allowance of tries at the code."""
    user.mfa_failures = 0


def check_code(user: User, text: str, *, purpose: str) -> str | None:
    """TOTP or RECOVERY_CODE if `text` is a good code for this enrolled person (the TOTP's time step
    is remembered, so it cannot be used again), None if not: a failure is counted and audited.
    `purpose` ("sign_in", "confirm") goes in the audit."""
    if locked_out(user):
        return None
    secret = mfa.unseal(user.mfa_secret)
    step = mfa.matching_step(secret, text, utcnow(), user.mfa_last_step) if secret else None
    if step is not None:
        user.mfa_last_step = step
        user.mfa_failures = 0
        return TOTP
    if _use_recovery_code(user, text):
        user.mfa_failures = 0
        _record("mfa.recovery_code_used", user, purpose=purpose, left=recovery_codes_left(user))
        return RECOVERY_CODE
    user.mfa_failures += 1
    _record("mfa.failed", user, purpose=purpose, failures=user.mfa_failures)
    return None


def record_sign_in(user: User, second_factor: str | None) -> None:
    """A password sign-in, finished: with which second factor, if any."""
    _record("user.signed_in", user, method="password", second_factor=second_factor)


def _clear(user: User) -> None:
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.mfa_last_step = None
    user.mfa_failures = 0
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User) -> None:
    """They stop using it themselves: only where it is not required of them."""
    if mfa.required_for(user):
        raise Refused("multi-factor is required for this account")
    if user.mfa_enabled_at is None:
        return
    _clear(user)
    _record("mfa.turned_off", user, changes={"mfa": ["on", "off"]})


def reset(actor: User, user: User) -> int:
    """An admin's reset, for someone who lost their phone: the secret and recovery codes go, every
    session ends; staff for whom it is required enrol again at their next sign-in, others (councillors,
    staff where it is optional) sign in with their password until they set it up again. How many
    sessions were ended."""
    if actor.id == user.id:
        raise Refused("you cannot reset your own multi-factor here")
    was = "on" if user.mfa_enabled_at else "off"
    _clear(user)
    ended = end_all_sessions(user.id)
    _record("mfa.reset", user, actor=actor, changes={"mfa": [was, "off"]}, sessions_ended=ended)
    return ended
