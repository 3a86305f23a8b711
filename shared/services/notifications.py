"""Who is told what when a case changes: residents (by their preferred channel, in their language),
the councillor who raised a case for them, and staff (assignment, quality check waiting).

Services call these after their engine action, in the same transaction, so the message exists only
if the change is committed. Messages carry the case reference, dates and a link — never the
complaint's text or anything about the person's health.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from shared.db import db
from shared.domain.enums import ContactMethod, EventType, MessageChannel, Role
from shared.models import Case, User
from shared.services import outbox


def link(endpoint: str, **values) -> str:
    """An absolute link at the configured address (not the request's Host), so it also works from the CLI."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["SETTINGS"].base_url + path


# --- how to reach a person -------------------------------------------------------------------------


def adjustments_for(person: User) -> frozenset[str]:
    """Reasonable adjustments that change how we write to someone (e.g. "large_print").

    Hook for issue 7, which records adjustments: a "large_print" here should turn an email into a
    large-print letter (the letter channel, printed from the staff outbox) — `contact_for` reads it.
    """
    return frozenset()


def contact_for(person: User, case: Case | None = None) -> tuple[MessageChannel, str] | None:
    """The channel and address to use: the case's contact choice, else the person's preference,
    falling back to whatever we have. None when we have no way to write to them."""
    method = case.contact_method if case is not None else person.preferred_contact
    phone = (case.contact_phone if case is not None else None) or person.phone
    address = (case.contact_address if case is not None else None) or person.address
    if "large_print" in adjustments_for(person) and address:
        return MessageChannel.LETTER, address
    if method is ContactMethod.TEXT and phone:
        return MessageChannel.SMS, phone
    if method is ContactMethod.POST and address:
        return MessageChannel.LETTER, address
    if person.email:
        return MessageChannel.EMAIL, person.email
    if address:
        return MessageChannel.LETTER, address
    if phone:
        return MessageChannel.SMS, phone
    return None


def tell_resident(case: Case, template: str, event: EventType, **context) -> None:
    """Queue `template` to the case's resident, and an update to a councillor who raised it for them."""
    # session.get: case pages load the resident with the case, so this usually costs no query.
    resident = db.session.get(User, case.resident_id) if case.resident_id else None
    if resident is not None and resident.is_active:
        contact = contact_for(resident, case)
        if contact is not None:
            channel, address = contact
            case_url = link("portal.case", reference=case.reference) if resident.has_account else None
            outbox.queue(template, recipient=address, locale=resident.locale or "en", user_id=resident.id,
                         case_id=case.id, channel=channel, name=resident.full_name, reference=case.reference,
                         case_url=case_url, **context)
    if not case.entered_by_id or case.entered_by_id == case.resident_id:
        return
    councillor = db.session.get(User, case.entered_by_id)
    if councillor is not None and councillor.role is Role.COUNCILLOR and councillor.is_active and councillor.email:
        outbox.queue("case_update_representative", recipient=councillor.email, locale=councillor.locale or "en",
                     user_id=councillor.id, case_id=case.id, name=councillor.full_name, reference=case.reference,
                     what=event.label, **context)


def acknowledged(case: Case) -> None:
    tell_resident(case, "case_acknowledged", EventType.ACKNOWLEDGED, respond_by=case.respond_by)


def extended(case: Case, reason: str, ombudsman) -> None:
    tell_resident(case, "case_extended", EventType.EXTENDED, respond_by=case.respond_by, reason=reason,
                  ombudsman=ombudsman)


def escalated(case: Case) -> None:
    """The next stage has started: tell the person its dates."""
    tell_resident(case, "escalation_received", EventType.ESCALATED, stage=case.stage,
                  acknowledge_by=case.acknowledge_by, respond_by=case.respond_by)


def closed(case: Case) -> None:
    tell_resident(case, "case_closed", EventType.CLOSED)


def withdrawn(case: Case) -> None:
    tell_resident(case, "withdrawal_confirmed", EventType.WITHDRAWN)


# --- staff --------------------------------------------------------------------------------------


def _tell_staff(person: User, template: str, case: Case, **context) -> None:
    if not person.is_active or not person.email:
        return
    outbox.queue(template, recipient=person.email, locale=person.locale or "en", user_id=person.id, case_id=case.id,
                 name=person.full_name, reference=case.reference, link=link("staff.case", reference=case.reference),
                 **context)


def assigned(case: Case, handler: User, actor: User) -> None:
    """Tell the handler a case is theirs (not when they took it themselves)."""
    if handler.id != actor.id:
        _tell_staff(handler, "case_assigned", case, respond_by=case.respond_by or case.acknowledge_by)


def quality_check_waiting(case: Case, author: User) -> None:
    """Every active manager but the author may check the response: tell them it is waiting."""
    managers = db.session.scalars(
        select(User).where(User.role == Role.MANAGER, User.disabled_at.is_(None), User.closed_at.is_(None),
                           User.id != author.id).order_by(User.id)
    ).all()
    for manager in managers:
        _tell_staff(manager, "quality_check_waiting", case, respond_by=case.respond_by)
