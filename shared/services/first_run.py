"""`redress init`: a new council's empty database made ready to use, without demo cases or people.

It saves the council's identity (the name given, the rest from the configuration, all editable in
/staff/admin/council), makes sure the standard procedures are there, loads the standard services,
signposting organisations, support directory and response templates the demo uses
(demo.load_standard_data), and creates the first admin with no password and a one-time link to
choose one. There are no standard closure days: the nation's bank holidays come from its calendar,
and a council adds its own closures in /staff/admin/closure-days. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from shared.clock import utcnow
from shared.config import NATIONS
from shared.db import db
from shared.domain.enums import Role
from shared.models import Case, CouncilIdentity, Service, User
from shared.services import accounts, audit, demo, procedures
from shared.services.council import AUDIT_SUBJECT, FIELDS, council, forget


class NotEmpty(Exception):
    """The database already holds a council: init runs once, on an empty database."""


@dataclass(frozen=True)
class Initialised:
    admin: User
    sign_in_link: str  # works once, for accounts.CONFIRM_MAX_AGE
    services: int
    procedures_installed: list[str]


def what_is_there() -> str | None:
    """Why the database is not empty, or None if it is."""
    for column, reason in ((CouncilIdentity.id, "the council's details are already saved"),
                           (User.id, "it already has accounts"), (Service.id, "it already has services"),
                           (Case.id, "it already has cases")):
        if db.session.scalar(select(column).limit(1)) is not None:
            return reason
    return None


def initialise(council_name: str, *, admin_email: str, admin_name: str, nation: str | None = None) -> Initialised:
    """Set up the council (see the module's docstring); raises NotEmpty, or ValueError for bad input.

    Needs a request context at the public address: the admin's link is a full URL.
    """
    reason = what_is_there()
    if reason:
        raise NotEmpty(reason)
    name = " ".join(council_name.split())
    if not name or len(name) > 120:
        raise ValueError("the council's name must be 1 to 120 characters")
    if nation is not None and nation not in NATIONS:
        raise ValueError(f"the nation must be one of {', '.join(NATIONS)}")
    if not admin_name.strip():
        raise ValueError("the admin's name must not be empty")
    try:
        email = validate_email(admin_email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValueError(f"{admin_email!r} is not an email address: {error}") from None

    configured = council()
    values = {field: configured.value(field) for field in FIELDS}
    values.update(name=name, nation=nation or configured.nation)
    db.session.add(CouncilIdentity(id=1, updated_at=utcnow(), **values))
    changes = {field: [configured.value(field), value] for field, value in values.items()
               if configured.value(field) != value}
    audit.record("council.initialised", actor=None, subject_type=AUDIT_SUBJECT, subject_id=1, changes=changes)
    db.session.flush()
    forget()

    installed = procedures.install_missing_presets()
    services = demo.load_standard_data()
    # No password: the admin chooses one through the one-time link, never on the command line.
    admin = User(email=email, full_name=" ".join(admin_name.split()), role=Role.ADMIN, password_hash=None,
                 email_confirmed_at=utcnow())
    db.session.add(admin)
    db.session.flush()
    return Initialised(admin, accounts.finish_account_url(admin), len(services), installed)
