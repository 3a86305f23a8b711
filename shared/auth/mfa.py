"""Multi-factor's mechanics: TOTP (RFC 6238, pyotp) with one use per time step, secrets encrypted at
rest, the enrolment QR code (segno), one-use recovery codes, and who must use it.

Secrets are encrypted with Fernet under a key derived (HKDF) from the app's secret key, so a copy
of the database alone does not give anyone's codes away. Changing REDRESS_SECRET_KEY makes them
unreadable: everyone enrolled then has their MFA reset by an admin and enrols again.

Staff on local passwords use it as REDRESS_STAFF_MFA says; councillors on local passwords may choose
it; residents are not offered it.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from shared.domain.enums import STAFF_ROLES, Role
from shared.models import User

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_LENGTH = 10  # 31^10: about 50 bits each
_DRIFT_STEPS = 1  # a code from the step before or after is accepted (clocks drift, people type slowly)
MAX_FAILURES = 5  # wrong codes before the password must be entered again
# Recovery codes are hashed as passwords are (argon2id, salted), as ASVS 6.5.2 asks of secrets under
# 112 bits, with light settings: checking one means trying up to ten hashes, and 50 random bits
# already put a copied table out of reach (2^50 tries at milliseconds each).
_recovery_hasher = PasswordHasher(time_cost=1, memory_cost=4096, parallelism=1)


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"redress mfa secrets").derive(
        current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return pyotp.random_base32()


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str | None) -> str | None:
    """The secret, or None if there is none or it cannot be read (the secret key changed)."""
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def matching_step(secret: str, code: str, now: datetime, after_step: int | None) -> int | None:
    """The time step whose code this is, if it is one of the steps around now and later than the
    last step used (a code cannot be used twice, nor an older one after a newer)."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - _DRIFT_STEPS, current + _DRIFT_STEPS + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_code(uri: str) -> str:
    """The otpauth URI as an SVG data URI for an <img>: made here, nothing is fetched from elsewhere."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def spaced(secret: str) -> str:
    """The secret in groups of four, as people type it into an app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes() -> list[str]:
    return [_format("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH)))
            for _ in range(RECOVERY_CODES)]


def _format(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_recovery_code(text: str) -> str | None:
    """The code as stored (lower case, with its hyphen), or None if it cannot be one."""
    plain = "".join(ch for ch in text.lower() if ch.isalnum())
    if len(plain) != _RECOVERY_LENGTH or any(ch not in _RECOVERY_ALPHABET for ch in plain):
        return None
    return _format(plain)


def hash_recovery_code(code: str) -> str:
    return _recovery_hasher.hash(code)


def recovery_code_matches(stored_hash: str, code: str) -> bool:
    try:
        return _recovery_hasher.verify(stored_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def mode() -> str:
    """REDRESS_STAFF_MFA: required, optional or off (for staff; councillors' is their own choice)."""
    return current_app.config.get("STAFF_MFA", "required")


def _local_password(user: User) -> bool:
    return user.password_hash is not None


def offered_to(user: User) -> bool:
    """Staff with a password of ours may use it, unless it is switched off for staff; councillors
    with a password of ours may always choose it (REDRESS_STAFF_MFA is about staff: "off" never
    takes away a protection a councillor chose). Those signing in through the council's identity
    provider rely on the provider's own multi-factor; residents are not offered it."""
    if not _local_password(user):
        return False
    if user.role is Role.COUNCILLOR:
        return True
    return mode() != "off" and user.role in STAFF_ROLES


def required_for(user: User) -> bool:
    """Staff on local passwords must use it when it is required. Never councillors: theirs is optional."""
    return mode() == "required" and _local_password(user) and user.role in STAFF_ROLES


def enrolled(user: User) -> bool:
    if user.mfa_enabled_at is None:
        return False
    return user.role is Role.COUNCILLOR or mode() != "off"
