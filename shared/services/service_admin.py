"""The council's services, as admins keep them: names in both languages, whether social care, open
to new feedback or not. Every change is audited with what each field was and became."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from shared.db import db
from shared.domain.enums import CareKind, CaseStatus, Role
from shared.models import Case, Service, User
from shared.services import audit

FIELDS = ("slug", "name", "name_cy", "description", "description_cy", "care_kind", "active")
OPEN = [status for status in CaseStatus if status.is_open]


class SlugTaken(Exception):
    pass


@dataclass(frozen=True)
class ServiceRow:
    service: Service
    responders: int
    open_cases: int


def listed() -> list[ServiceRow]:
    """Every service with its responders and open cases: two grouped queries."""
    responders = dict(db.session.execute(
        select(User.service_id, func.count()).where(User.role == Role.RESPONDER, User.disabled_at.is_(None))
        .group_by(User.service_id)).all())
    rows = db.session.execute(
        select(Service, func.count(case((Case.status.in_(OPEN), 1))))
        .outerjoin(Case, Case.service_id == Service.id)
        .group_by(Service.id)
        .order_by(Service.active.desc(), Service.name)
    ).all()
    return [ServiceRow(service, responders.get(service.id, 0), open_cases) for service, open_cases in rows]


def get(service_id: int) -> Service | None:
    return db.session.get(Service, service_id)


def responders(service_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.RESPONDER, User.service_id == service_id).order_by(User.full_name)))


def _plain(value):
    return value.value if isinstance(value, CareKind) else value


def save(service: Service | None, actor: User, *, slug: str | None = None, name: str, name_cy: str,
         description: str, description_cy: str, care_kind: CareKind | None, active: bool) -> Service:
    """Add a service (with its slug, which never changes after) or change one; audited either way."""
    new = service is None
    values = {"name": name.strip(), "name_cy": name_cy.strip(), "description": description.strip(),
              "description_cy": description_cy.strip(), "care_kind": care_kind, "active": active}
    if new:
        slug = (slug or "").strip().lower()
        if db.session.scalar(select(Service.id).where(Service.slug == slug)) is not None:
            raise SlugTaken(slug)
        service = Service(slug=slug)
        db.session.add(service)
        values["slug"] = slug
    changes = {field: [_plain(getattr(service, field, None)) if not new else None, _plain(value)]
               for field, value in values.items() if new or getattr(service, field) != value}
    for field, value in values.items():
        setattr(service, field, value)
    db.session.flush()
    if changes:
        audit.record("service.created" if new else "service.changed", actor=actor, subject_type="service",
                     subject_id=service.id, changes=changes)
    return service


def history(service_id: int) -> list[audit.Change]:
    """Who changed the service, when, each field from → to; newest first (one query)."""
    return audit.changes("service", service_id)
