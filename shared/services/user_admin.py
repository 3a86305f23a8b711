"""Staff and councillors' accounts, as admins keep them: the list, invitations, roles and services,
disabling (which signs the person out everywhere at once) and re-enabling. Every change is audited
with what each field was and became; nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from shared.auth.sessions import end_all_sessions
from shared.clock import utcnow
from shared.db import LIKE_ESCAPE, contains_pattern, db
from shared.domain.enums import AccountStatus, CaseStatus, Role
from shared.domain.user_admin import (
    MANAGED_ROLES,
    Refusal,
    disable_problem,
    may_resend_invitation,
    resend_problem,
    role_change_problem,
    role_problem,
    status_of,
)
from shared.models import Case, Service, User, UserSession, Ward
from shared.services import accounts, audit, outbox
from shared.services.cases import Page
from shared.web.links import absolute_url

PAGE_SIZE = 25
SUBJECT = "user"
OPEN = [status for status in CaseStatus if status.is_open]


class Refused(Exception):
    """A change the rules do not allow (yourself, the last administrator, a responder without a
    service…): `message` says why, `field` is the form field it is about."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal.message))
        self.message = refusal.message
        self.field = refusal.field


class EmailInUse(Exception):
    """Another account has this email address: `holder` is its owner's name if they are staff or a
    councillor (admins keep those), None for a resident's."""

    def __init__(self, holder: str | None) -> None:
        super().__init__(holder or "a resident")
        self.holder = holder


# --- the list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserFilters:
    role: Role | None = None
    status: AccountStatus | None = None
    q: str = ""
    page: int = 1


@dataclass(frozen=True)
class UserRow:
    user: User
    service: Service | None
    ward: Ward | None

    @property
    def status(self) -> AccountStatus:
        return status_of(self.user.disabled_at, self.user.last_sign_in_at)


def _status_condition(status: AccountStatus):
    match status:
        case AccountStatus.DISABLED:
            return User.disabled_at.is_not(None)
        case AccountStatus.INVITED:
            return (User.disabled_at.is_(None)) & (User.last_sign_in_at.is_(None))
        case AccountStatus.ACTIVE:
            return (User.disabled_at.is_(None)) & (User.last_sign_in_at.is_not(None))


def find(filters: UserFilters) -> Page:
    """Staff and councillors by name, filtered and searched; two queries (count and page)."""
    conditions = [User.role.in_(MANAGED_ROLES)]
    if filters.role is not None:
        conditions.append(User.role == filters.role)
    if filters.status is not None:
        conditions.append(_status_condition(filters.status))
    text = filters.q.strip()
    if text:
        pattern = contains_pattern(text.lower())
        conditions.append(or_(func.lower(User.full_name).like(pattern, escape=LIKE_ESCAPE),
                              func.lower(User.email).like(pattern, escape=LIKE_ESCAPE)))
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    rows = db.session.execute(
        select(User, Service, Ward)
        .outerjoin(Service, Service.id == User.service_id)
        .outerjoin(Ward, Ward.id == User.ward_id)
        .where(*conditions)
        .order_by(func.lower(User.full_name), User.id)
        .limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE)
    ).all()
    return Page([UserRow(user, service, ward) for user, service, ward in rows], total, filters.page, PAGE_SIZE)


# --- one account ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    user: User
    service: Service | None
    ward: Ward | None
    active_sessions: int

    @property
    def status(self) -> AccountStatus:
        return status_of(self.user.disabled_at, self.user.last_sign_in_at)

    @property
    def may_resend_invitation(self) -> bool:
        return may_resend_invitation(self.status, self.user.email)


def get(user_id: int) -> User | None:
    """A staff member or councillor (residents' records are the contact centre's: not found here)."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.role in MANAGED_ROLES else None


def account(user_id: int) -> Account | None:
    """The account with its service, ward and signed-in browsers: two queries."""
    row = db.session.execute(
        select(User, Service, Ward)
        .outerjoin(Service, Service.id == User.service_id)
        .outerjoin(Ward, Ward.id == User.ward_id)
        .where(User.id == user_id, User.role.in_(MANAGED_ROLES))
    ).first()
    if row is None:
        return None
    user, service, ward = row
    sessions = db.session.scalar(
        select(func.count()).select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))) or 0
    return Account(user, service, ward, sessions)


def open_cases_allocated(user: User) -> int:
    """Open cases whose officer this person is: a count only (admins read no case content)."""
    return db.session.scalar(
        select(func.count()).select_from(Case).where(Case.officer_id == user.id, Case.status.in_(OPEN))) or 0


def service_choices(current_id: int | None = None) -> list[Service]:
    """Services a responder may be given: those offered, and the one they have now."""
    return list(db.session.scalars(
        select(Service).where(or_(Service.active.is_(True), Service.id == current_id)).order_by(Service.name)))


def ward_choices(current_id: int | None = None) -> list[Ward]:
    return list(db.session.scalars(
        select(Ward).where(or_(Ward.active.is_(True), Ward.id == current_id)).order_by(Ward.name)))


# --- changes --------------------------------------------------------------------------------------


def _other_active_admins(user_id: int) -> int:
    """Administrators, other than this person, who can sign in: not disabled, with a password.

    Their rows are locked (on PostgreSQL) until the transaction ends, so two admins demoting each
    other at once cannot leave the council with none: the second waits and then counts again.
    """
    ids = db.session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.disabled_at.is_(None), User.closed_at.is_(None),
               User.password_hash.is_not(None), User.id != user_id)
        .with_for_update()
    ).all()
    return len(ids)


def _names(service_id: int | None, ward_id: int | None) -> tuple[str | None, str | None]:
    """The service's and ward's names, as the history shows them (ids mean nothing to a reader)."""
    service = db.session.scalar(select(Service.name).where(Service.id == service_id)) if service_id else None
    ward = db.session.scalar(select(Ward.name).where(Ward.id == ward_id)) if ward_id else None
    return service, ward


def _email_free(email: str, user_id: int | None = None) -> None:
    holder = accounts.find_by_email(email)
    if holder is not None and holder.id != user_id:
        raise EmailInUse(holder.full_name if holder.role in MANAGED_ROLES else None)


def _plain(value: object) -> object:
    return value.value if isinstance(value, Role) else value


def _send_invitation(user: User) -> None:
    invite_url, expires_on = accounts.invitation_url(user)
    outbox.queue(
        "user_invited",
        recipient=user.email or "",
        locale=user.locale or "en",
        user_id=user.id,
        name=user.full_name,
        role=user.role.label,
        invite_url=invite_url,
        expires_on=expires_on,
        sign_in_url=absolute_url("staff.sign_in" if user.is_staff else "portal.sign_in"),
    )


def invite(actor: User | None, *, full_name: str, email: str, role: Role, service_id: int | None = None,
           ward_id: int | None = None, locale: str = "en") -> User:
    """Make the account, without a password, and email the person a link to choose one."""
    problem = role_problem(role, service_id, ward_id)
    if problem:
        raise Refused(problem)
    email = email.strip().lower()
    _email_free(email)
    user = User(email=email, full_name=full_name.strip(), role=role, service_id=service_id, ward_id=ward_id,
                locale=locale, password_hash=None, created_at=utcnow())
    try:
        with db.session.begin_nested():  # another admin may have taken the address a moment ago
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise EmailInUse(None) from None
    service, ward = _names(service_id, ward_id)
    values = {"full_name": user.full_name, "email": email, "role": role.value, "service": service, "ward": ward,
              "locale": locale}
    audit.record("user.invited", actor=actor, subject_type=SUBJECT, subject_id=user.id, person_id=user.id,
                 changes={field: [None, value] for field, value in values.items() if value is not None})
    _send_invitation(user)
    return user


def resend_invitation(actor: User | None, user: User) -> None:
    """A fresh link, for someone who has not signed in yet (theirs expired, or went astray)."""
    problem = resend_problem(status_of(user.disabled_at, user.last_sign_in_at), user.email)
    if problem:
        raise Refused(problem)
    _send_invitation(user)
    audit.record("user.invitation_sent", actor=actor, subject_type=SUBJECT, subject_id=user.id, person_id=user.id)


def change(actor: User | None, user: User, *, full_name: str, role: Role, service_id: int | None,
           ward_id: int | None, locale: str, email: str | None = None) -> dict[str, list]:
    """Change someone's name, role, service or ward, and language; their email address too while
    they have not signed in (a mistyped invitation: the new address is sent a new link, and the old
    one's link stops working). Returns the changes, as audited."""
    problem = role_problem(role, service_id, ward_id)
    if problem is None and role is not user.role:
        problem = role_change_problem(
            actor_id=actor.id if actor else None, user_id=user.id, name=user.full_name, before=user.role,
            after=role, other_active_admins=_other_active_admins(user.id) if user.role is Role.ADMIN else 1)
    if problem:
        raise Refused(problem)
    values: dict[str, object] = {"full_name": full_name.strip(), "role": role, "service_id": service_id,
                                 "ward_id": ward_id, "locale": locale}
    email_changes = email is not None and email.strip().lower() != (user.email or "")
    if email_changes:
        if user.last_sign_in_at is not None:
            raise ValueError("an email address is its owner's to change once they have signed in")
        values["email"] = email.strip().lower()  # type: ignore[union-attr]
        _email_free(values["email"], user.id)  # type: ignore[arg-type]
    current = {field: getattr(user, field) for field in values}
    current["locale"] = user.locale or "en"  # no language saved: they are written to in English
    changed = {field: value for field, value in values.items() if current[field] != value}
    if not changed:
        return {}
    changes: dict[str, list] = {}
    if "service_id" in changed or "ward_id" in changed:
        before = _names(user.service_id, user.ward_id)
        after = _names(service_id, ward_id)
        if "service_id" in changed:
            changes["service"] = [before[0], after[0]]
        if "ward_id" in changed:
            changes["ward"] = [before[1], after[1]]
    for field in ("full_name", "email", "role", "locale"):
        if field in changed:
            changes[field] = [_plain(current[field]), _plain(changed[field])]
    for field, value in changed.items():
        setattr(user, field, value)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise EmailInUse(None) from None
    audit.record("user.changed", actor=actor, subject_type=SUBJECT, subject_id=user.id, person_id=user.id,
                 changes=changes)
    if email_changes and user.disabled_at is None:
        _send_invitation(user)
    return changes


def disable(actor: User | None, user: User) -> int:
    """Stop the account: its owner is signed out everywhere at once (every browser's next request
    is refused) and cannot sign in. Returns how many sessions were ended."""
    if user.disabled_at is not None:
        return 0
    problem = disable_problem(
        actor_id=actor.id if actor else None, user_id=user.id, name=user.full_name, role=user.role,
        other_active_admins=_other_active_admins(user.id) if user.role is Role.ADMIN else 1)
    if problem:
        raise Refused(problem)
    before = status_of(user.disabled_at, user.last_sign_in_at)
    user.disabled_at = utcnow()
    ended = end_all_sessions(user.id)
    audit.record("user.disabled", actor=actor, subject_type=SUBJECT, subject_id=user.id, person_id=user.id,
                 changes={"status": [before.value, AccountStatus.DISABLED.value]}, sessions_ended=ended)
    return ended


def enable(actor: User | None, user: User) -> None:
    """Let them sign in again (their old sessions stay ended)."""
    if user.disabled_at is None:
        return
    user.disabled_at = None
    after = status_of(None, user.last_sign_in_at)
    audit.record("user.enabled", actor=actor, subject_type=SUBJECT, subject_id=user.id, person_id=user.id,
                 changes={"status": [AccountStatus.DISABLED.value, after.value]})


def sign_out_everywhere(actor: User | None, user: User) -> int:
    """End every session without disabling the account (a lost laptop, a shared computer)."""
    ended = end_all_sessions(user.id)
    audit.record("user.signed_out", actor=actor, subject_type=SUBJECT, subject_id=user.id, person_id=user.id,
                 sessions_ended=ended)
    return ended


# --- history --------------------------------------------------------------------------------------


def history(user_id: int) -> list[audit.Change]:
    """Who did what to the account, when, each field from → to; newest first (one query)."""
    return audit.changes(SUBJECT, user_id)
