"""People who sign in, and their server-side sessions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, enum_column
from shared.domain.enums import ContactMethod, Role


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a record the contact centre made for someone without an email address (they get
    # letters or texts, and cannot be invited). Unique among those given: NULLs never collide.
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, length=20), index=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(40))
    email_confirmed_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_sign_in_at: Mapped[datetime | None]
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    date_of_birth: Mapped[date | None]
    # How the person prefers to hear from the council, and where to write to them.
    preferred_contact: Mapped[ContactMethod | None] = mapped_column(enum_column(ContactMethod))
    address: Mapped[str | None] = mapped_column(Text)
    # They closed their account: signed out everywhere and cannot sign in; their cases are kept.
    closed_at: Mapped[datetime | None]
    # Their personal details were removed (retention, or erasure): the row stays for the statistics.
    anonymised_at: Mapped[datetime | None]
    # A councillor's ward (their enquiries default to it; ward counts are theirs to see).
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    # They sign in through an identity provider (see UserIdentity), so they have an account
    # without a password of ours.
    signs_in_elsewhere: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Multi-factor (shared/auth/mfa.py): the TOTP secret, encrypted; set when enrolment starts and
    # in use once confirmed (mfa_enabled_at). The last accepted time step stops a code being used twice;
    # failures count wrong codes since the password was last entered.
    mfa_secret: Mapped[str | None] = mapped_column(String(500))
    mfa_enabled_at: Mapped[datetime | None]
    mfa_last_step: Mapped[int | None]
    mfa_failures: Mapped[int] = mapped_column(default=0, server_default="0")

    sessions: Mapped[list[UserSession]] = relationship(back_populates="user", lazy="raise")

    # flask-login protocol; the id it stores is the server-side session's, see shared.auth.sessions
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None and self.closed_at is None

    def get_id(self) -> str:  # pragma: no cover - flask-login never needs it with our loader
        return str(self.id)

    @property
    def has_account(self) -> bool:
        """False for a record made for a guest (or by an agent) that nobody has signed in to yet."""
        return self.password_hash is not None or self.signs_in_elsewhere

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff


class UserSession(Base):
    """A signed-in browser. Only a hash of its token is stored; revoking a row signs that browser out."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Set when the service ended it by itself ("idle", "absolute": shared.domain.session_limits), so
    # the browser's next request says "you were signed out" and keeps what it was sending.
    ended_because: Mapped[str | None] = mapped_column(String(20))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    # How it was signed in to ("password", "oidc") and when its owner last proved who they are
    # (signing in, or confirming it's them before an admin action).
    auth_method: Mapped[str | None] = mapped_column(String(20))
    authenticated_at: Mapped[datetime | None]
    # A provider sign-in's ID token, named as the id_token_hint when they sign out there too
    # (shared.auth.sso_flow); cleared when this session is signed out. Never in the cookie. Deferred:
    # a few kilobytes that only signing out reads, not loaded with the session on every request.
    id_token: Mapped[str | None] = mapped_column(Text, deferred=True)

    user: Mapped[User] = relationship(back_populates="sessions", lazy="raise")


class RecoveryCode(Base):
    """A one-use code for signing in without the authenticator app. Only a salted argon2id hash of
    it is kept (shared/auth/mfa.py)."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class KeptForm(Base):
    """What someone had typed into a form when their session ended, kept until they sign in again.

    Only the person whose session it was gets it back, in the browser holding the cookie whose token
    hashes to `token_hash`; it is deleted when given back or after `expires_at`.
    """

    __tablename__ = "kept_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(2000))  # the page the form was on
    fields: Mapped[list] = mapped_column(JSON)  # [name, value] pairs, in the order sent
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class UserIdentity(Base):
    """A person's account at an OpenID Connect provider: (issuer, subject) is the only key a
    sign-in is matched on. Never an email address, which a provider may let people change."""

    __tablename__ = "user_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="raise")
