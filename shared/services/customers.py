"""Customers for the contact centre: finding a person by what they tell us on the phone, their
contact history across every service, records for people without an account, and inviting them
to the portal. Every look at a person's page and every change is written to the audit log."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from shared.db import LIKE_ESCAPE, contains_pattern, db
from shared.domain.enums import ContactMethod, Role
from shared.domain.references import normalise
from shared.models import AuditEvent, Case, User
from shared.services import accounts, audit
from shared.services.cases import Page

PAGE_SIZE = 25
HISTORY_SIZE = 50
AUDIT_SHOWN = 20
_MIN_PHONE_DIGITS = 6


class CustomerError(Exception):
    """Something about a customer record that the agent must fix, on the named form field."""

    def __init__(self, message: object, field: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- showing a person ------------------------------------------------------------------------


def has_email(person: User) -> bool:
    """A record made for someone without an email address has none (NULL): no invitation, no email."""
    return bool(person.email)


def mask_email(email: str | None) -> str:
    """Enough to confirm with the caller ("j•••@example.com"), not enough to read out to a stranger."""
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}•••@{domain}"


def mask_phone(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 3:
        return ""
    return "•" * max(0, len(digits) - 3) + digits[-3:]


# --- searching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    person: User
    cases: int


def _compact(column) -> ColumnElement:
    """The column upper-cased without spaces or punctuation people type differently."""
    for character in (" ", "-", "(", ")", "\n", "\r"):
        column = func.replace(column, character, "")
    return func.upper(column)


def _conditions(query: str) -> list[ColumnElement]:
    text = query.strip()
    like = contains_pattern(text.lower())
    conditions: list[ColumnElement] = [func.lower(User.full_name).like(like, escape=LIKE_ESCAPE),
                                       func.lower(User.email).like(like, escape=LIKE_ESCAPE)]
    digits = re.sub(r"\D", "", text)
    if len(digits) >= _MIN_PHONE_DIGITS and not re.search(r"[A-Za-z@]", text):
        # 07700 900 982 and +44 7700 900982 are the same number.
        national = digits[2:] if digits.startswith("44") else digits.lstrip("0")
        conditions.append(_compact(User.phone).like(f"%{national}%"))
    compact = re.sub(r"[\s-]", "", text.upper())
    if 5 <= len(compact) <= 7 and re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}", compact):
        conditions.append(_compact(User.address).like(f"%{compact}%"))
    reference = normalise(text)
    if reference:
        conditions.append(User.id.in_(select(Case.resident_id).where(Case.reference == reference)))
    return conditions


def search(query: str, page: int = 1) -> Page:
    """Residents matching a name, email, phone number, postcode (in their address) or case
    reference, with their number of cases: two queries whatever the page size."""
    if not query.strip():
        return Page([], 0, 1, PAGE_SIZE)
    matching = select(User.id).where(User.role == Role.RESIDENT, or_(*_conditions(query)))
    total = db.session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    case_count = select(func.count(Case.id)).where(Case.resident_id == User.id).scalar_subquery()
    rows = db.session.execute(
        select(User, case_count)
        .where(User.id.in_(matching))
        .order_by(User.full_name, User.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page([Found(person, count or 0) for person, count in rows], total, page, PAGE_SIZE)


# --- one person ----------------------------------------------------------------------------------


def get(customer_id: int) -> User | None:
    """A resident's record (with or without an account); staff and councillors are not customers."""
    person = db.session.get(User, customer_id)
    return person if person is not None and person.role is Role.RESIDENT else None


def view(person: User, viewer: User) -> None:
    """Seeing someone's details and history is itself recorded: who looked, and when."""
    audit.record("customer.viewed", actor=viewer, subject_type="customer", subject_id=person.id, person_id=person.id)


def history(person: User, page: int = 1) -> Page:
    """Every case of the person's, in any service and status, newest first."""
    query = select(Case).where(Case.resident_id == person.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(
        db.session.scalars(
            query.options(joinedload(Case.service))
            .order_by(Case.received_at.desc(), Case.id.desc())
            .limit(HISTORY_SIZE)
            .offset((page - 1) * HISTORY_SIZE)
        )
    )
    return Page(items, total, page, HISTORY_SIZE)


def audit_trail(person: User) -> list[AuditEvent]:
    return audit.for_person(person.id, limit=AUDIT_SHOWN)


# --- records and invitations ---------------------------------------------------------------------


def create(
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    address: str | None,
    preferred_contact: ContactMethod,
    locale: str,
    actor: User,
) -> User:
    """A record for someone who has no account: they cannot sign in until they are invited and
    choose a password. Raises CustomerError if the email address is already someone's."""
    email = (email or "").strip().lower() or None
    if email and accounts.find_by_email(email) is not None:
        raise CustomerError(_l("There is already a customer with this email address. Search for them instead."), "email")
    person = User(
        email=email,
        full_name=full_name.strip(),
        role=Role.RESIDENT,
        password_hash=None,
        phone=(phone or "").strip() or None,
        address=(address or "").strip() or None,
        preferred_contact=preferred_contact,
        locale=locale,
    )
    db.session.add(person)
    db.session.flush()
    audit.record("customer.created", actor=actor, subject_type="customer", subject_id=person.id, person_id=person.id)
    return person


# What an agent may change on a record, in the order the form asks.
EDITABLE = ("full_name", "email", "phone", "address", "preferred_contact", "locale")


def may_change_email(person: User) -> bool:
    """Someone with an account signs in with their email address: they change it themselves, with
    a link to the new address (portal "Your details"), so a caller cannot take over their account."""
    return not person.has_account


def update(person: User, *, full_name: str, email: str | None, phone: str | None, address: str | None,
           preferred_contact: ContactMethod, locale: str, actor: User) -> list[str]:
    """Change the record's details; audit which ones changed (not the values: the trail is read by
    managers who need to know who changed what, not to see old addresses). Returns the fields changed.
    Raises CustomerError for an email address that is someone else's. The email of a person with an
    account is left as it is (`may_change_email`)."""
    given = {
        "full_name": full_name.strip(),
        "email": ((email or "").strip().lower() or None) if may_change_email(person) else person.email,
        "phone": (phone or "").strip() or None,
        "address": (address or "").strip() or None,
        "preferred_contact": preferred_contact,
        "locale": locale,
    }
    if given["email"] and given["email"] != person.email:
        found = accounts.find_by_email(given["email"])
        if found is not None and found.id != person.id:
            raise CustomerError(_l("This email address is already someone else's. Check it with them."), "email")
    changed = [name for name in EDITABLE if getattr(person, name) != given[name]]
    for name in changed:
        setattr(person, name, given[name])
    if changed:
        db.session.flush()
        audit.record("customer.updated", actor=actor, subject_type="customer", subject_id=person.id,
                     person_id=person.id, fields=changed)
    return changed


def can_invite(person: User) -> bool:
    return not person.has_account and has_email(person) and person.disabled_at is None


def invite(person: User, actor: User) -> None:
    """Email the person a link to choose a password; their account then holds every case logged
    for them. The same link a guest gets when they register with their address."""
    if not can_invite(person):
        raise ValueError("only a record with an email address and no password can be invited")
    accounts.send_finish_account(person, person.locale or "en")  # the one finish-account link
    audit.record("customer.invited", actor=actor, subject_type="customer", subject_id=person.id, person_id=person.id)
