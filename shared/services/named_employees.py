"""Employees named by complaints about staff attitude and behaviour: recording them at triage,
adding and correcting them afterwards, and reading them for the staff case page.

Each change is audited (who named whom on which case, and what it was before a correction). The
names are for the complaints team only (`policy.can_see_named_employees`); nothing here is read by
the portal or the resident's data export. Functions flush and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import STAFF_ROLES, CaseKind, CaseReason
from shared.domain.named_employees import NAME_MAX, name_key
from shared.models import Case, NamedEmployee, Service, User
from shared.services import audit


@dataclass(frozen=True)
class Named:
    """An employee as staff entered them: the name as written, their service, the staff user if any."""

    name: str
    service_id: int
    user_id: int | None = None


class NamedEmployeeError(ValueError):
    """A named employee that cannot be saved; `field` is the form field the message belongs to."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def may_name_employees(case: Case) -> bool:
    """Only complaints about staff attitude and behaviour name employees."""
    return case.kind is CaseKind.COMPLAINT and case.reason is CaseReason.STAFF_ATTITUDE


def staff_users() -> list[User]:
    """Active staff, for linking a named employee to their Redress account (one query)."""
    return list(db.session.scalars(
        select(User).where(User.role.in_(list(STAFF_ROLES)), User.disabled_at.is_(None), User.closed_at.is_(None))
        .order_by(User.full_name, User.id)
    ))


def for_case(case_id: int) -> list[NamedEmployee]:
    """The employees a case names, with their service and staff user (one query)."""
    return list(db.session.scalars(
        select(NamedEmployee).where(NamedEmployee.case_id == case_id)
        .options(joinedload(NamedEmployee.service), joinedload(NamedEmployee.user))
        .order_by(NamedEmployee.id)
    ))


def get(case_id: int, employee_id: int) -> NamedEmployee | None:
    return db.session.scalar(
        select(NamedEmployee).where(NamedEmployee.id == employee_id, NamedEmployee.case_id == case_id)
        .options(joinedload(NamedEmployee.service), joinedload(NamedEmployee.user))
    )


def _checked(entry: Named, field_prefix: str = "") -> tuple[str, str, Service, User | None]:
    name = " ".join((entry.name or "").split())
    if not name_key(name):
        raise NamedEmployeeError(_l("Enter the name of the employee"), f"{field_prefix}name")
    if len(name) > NAME_MAX:
        raise NamedEmployeeError(_l("The employee's name must be 200 characters or fewer"), f"{field_prefix}name")
    service = db.session.get(Service, entry.service_id)
    if service is None:
        raise NamedEmployeeError(_l("Select the service the employee works in"), f"{field_prefix}service")
    user = None
    if entry.user_id is not None:
        user = db.session.get(User, entry.user_id)
        if user is None or not user.role.is_staff:
            raise NamedEmployeeError(_l("Select a member of staff from the list, or none"), f"{field_prefix}user")
    return name, name_key(name), service, user


def _details(row: NamedEmployee) -> dict:
    return {"name": row.name, "service_id": row.service_id, "user_id": row.user_id}


def _audit(action: str, row: NamedEmployee, case: Case, actor: User, **more) -> None:
    audit.record(action, actor=actor, subject_type="named_employee", subject_id=row.id,
                 person_id=row.user_id, case_id=case.id, case_reference=case.reference, **_details(row), **more)


def _duplicate(case: Case, key: str, service_id: int, *, other_than: int | None = None) -> bool:
    statement = select(NamedEmployee.id).where(
        NamedEmployee.case_id == case.id, NamedEmployee.name_key == key, NamedEmployee.service_id == service_id)
    if other_than is not None:
        statement = statement.where(NamedEmployee.id != other_than)
    return db.session.scalar(statement.limit(1)) is not None


def record(case: Case, entries: Sequence[Named], *, actor: User, field_prefixes: Sequence[str] = ()) -> list[NamedEmployee]:
    """Name employees on a complaint about staff attitude and behaviour (at triage or afterwards).

    `field_prefixes`, one per entry, name the form fields a refusal belongs to (e.g. "employee_2_").
    """
    if entries and not may_name_employees(case):
        raise NamedEmployeeError(
            _l("Only name employees when the complaint is mainly about staff attitude and behaviour"),
            f"{field_prefixes[0] if field_prefixes else ''}name")
    rows, seen = [], set()
    for index, entry in enumerate(entries):
        prefix = field_prefixes[index] if index < len(field_prefixes) else ""
        name, key, service, user = _checked(entry, prefix)
        if (key, service.id) in seen or _duplicate(case, key, service.id):
            raise NamedEmployeeError(_l("This employee is already named on this case"), f"{prefix}name")
        seen.add((key, service.id))
        row = NamedEmployee(case_id=case.id, name=name, name_key=key, service_id=service.id,
                            user_id=user.id if user else None, recorded_by_id=actor.id, recorded_at=utcnow())
        db.session.add(row)
        db.session.flush()
        _audit("named_employee.added", row, case, actor)
        rows.append(row)
    return rows


def correct(row: NamedEmployee, case: Case, entry: Named, *, actor: User) -> NamedEmployee:
    """Correct a named employee's name, service or staff user; the audit keeps what it was."""
    name, key, service, user = _checked(entry)
    if _duplicate(case, key, service.id, other_than=row.id):
        raise NamedEmployeeError(_l("This employee is already named on this case"), "name")
    before = _details(row)
    row.name, row.name_key, row.service_id = name, key, service.id
    row.user_id = user.id if user else None
    row.updated_at = utcnow()
    db.session.flush()
    _audit("named_employee.corrected", row, case, actor, before=before)
    return row


def remove(row: NamedEmployee, case: Case, *, actor: User) -> None:
    """Take off an employee named by mistake; the audit keeps who they were."""
    _audit("named_employee.removed", row, case, actor)
    db.session.delete(row)
    db.session.flush()
