"""The organisations the council signposts people to: listed, added and edited by admins."""

from __future__ import annotations

from sqlalchemy import select

from shared.db import db
from shared.models import Organisation, User
from shared.services import audit


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.active.desc(), Organisation.name)))


def get(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def save(organisation: Organisation | None, *, name: str, name_cy: str | None, helps_with: str, contact: str,
         website: str | None, active: bool = True, actor: User) -> Organisation:
    action = "organisation.added" if organisation is None else "organisation.changed"
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    organisation.name = name.strip()
    organisation.name_cy = (name_cy or "").strip() or None
    organisation.helps_with = helps_with.strip()
    organisation.contact = contact.strip()
    organisation.website = (website or "").strip() or None
    organisation.active = active
    db.session.flush()
    audit.record(action, actor=actor, subject_type="organisation", subject_id=organisation.id, active=active)
    return organisation


def deactivate(organisation_id: int, actor: User) -> Organisation | None:
    """Kept, not deleted: cases already signposted there still name it."""
    organisation = get(organisation_id)
    if organisation is not None:
        organisation.active = False
        db.session.flush()
        audit.record("organisation.deactivated", actor=actor, subject_type="organisation", subject_id=organisation.id)
    return organisation
