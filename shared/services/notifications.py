"""Who is told what when a case changes: residents (by their preferred channel, in their language),
the councillor who raised a case for them, and staff (assignment, quality check waiting, an answer
to their request for information, a request for the next stage).

Services call these after their engine action, in the same transaction, so the message exists only
if the change is committed. Messages carry the case reference, dates and a link — never the
complaint's text or anything about the person's health.
"""

from __future__ import annotations

from sqlalchemy import select

from shared.db import db
from shared.domain.adjustments import correspondence_effects
from shared.domain.contact import choose
from shared.domain.enums import EventType, MessageChannel, MessageFormat, Role
from shared.models import Case, CaseStage, OutboxMessage, User
from shared.services import adjustments as adjustment_register
from shared.services import outbox, representatives
from shared.web.links import absolute_url

link = absolute_url  # an absolute link at the configured address (not the request's Host)


# --- how to reach a person -------------------------------------------------------------------------


def adjustments_for(person: User) -> frozenset[str]:
    """The person's adjustments that change how we write to them (shared/domain/adjustments.py
    `correspondence_effects`): "large_print", "email_only", "phone_only", "plain_text_email".
    Our emails are plain text already, so "plain_text_email" needs nothing more. One query."""
    if person.id is None:
        return frozenset()
    return correspondence_effects(adjustment_register.kinds_for(person.id))


def contact_for(person: User, case: Case | None = None,
                effects: frozenset[str] | None = None) -> tuple[MessageChannel, str] | None:
    """The channel and address to use: an adjustment that fixes the channel, then the case's
    contact choice, else the person's preference, falling back to whatever we have. None when we
    have no way to write to them. `effects`: adjustments_for(person), if the caller has them."""
    return contact_and_effects(person, case, effects)[0]


def contact_and_effects(person: User, case: Case | None = None, effects: frozenset[str] | None = None
                        ) -> tuple[tuple[MessageChannel, str] | None, frozenset[str]]:
    """contact_for (the rule is shared/domain/contact.py `choose`), and the register's effects it
    used. With no phone number or postal address there is nothing an adjustment could switch to or
    flag (only email is possible), so the register is not read: a case action that writes to
    someone costs no extra query then."""
    method = case.contact_method if case is not None else person.preferred_contact
    phone = (case.contact_phone if case is not None else None) or person.phone
    address = (case.contact_address if case is not None else None) or person.address
    if effects is None:
        effects = adjustments_for(person) if (phone or address) else frozenset()
    return choose(method, email=person.email, phone=phone, address=address, effects=effects), effects


def format_for(channel: MessageChannel, effects: frozenset[str]) -> MessageFormat:
    """Large print for a letter to someone who needs it, so whoever prints it from the outbox
    sees so (the outbox shows the format with the channel); otherwise standard."""
    if channel is MessageChannel.LETTER and "large_print" in effects:
        return MessageFormat.LARGE_PRINT
    return MessageFormat.STANDARD


def _to_resident(case: Case, template: str, *, letters: bool = True, **context) -> OutboxMessage | None:
    """Queue `template` to the case's resident by their channel (None if we cannot write to them, or
    `letters` is False and the channel is a letter)."""
    # session.get: case pages load the resident with the case, so this usually costs no query.
    resident = db.session.get(User, case.resident_id) if case.resident_id else None
    if resident is None or not resident.is_active:
        return None
    contact, effects = contact_and_effects(resident, case)
    if contact is None or (contact[0] is MessageChannel.LETTER and not letters):
        return None
    channel, address = contact
    case_url = link("portal.case", reference=case.reference) if resident.has_account else None
    message = outbox.queue(template, recipient=address, locale=resident.locale or "en", user_id=resident.id,
                           case_id=case.id, channel=channel, name=resident.full_name, reference=case.reference,
                           case_url=case_url, format=format_for(channel, effects), **context)
    return message


def tell_resident(case: Case, template: str, event: EventType | None, **context) -> None:
    """Queue `template` to the case's resident, and an update to each of the case's representatives
    with consent standing (shared/services/representatives.py `to_tell`): what happened and a link,
    never the complaint's text. A representative whose consent was withdrawn hears nothing more.

    Finding them costs a case action no query (the case lookups load them with the case); each
    message to one is an INSERT, as every message is."""
    _to_resident(case, template, **context)
    for person in representatives.to_tell(case):
        outbox.queue("case_update_representative", recipient=person.email, locale=person.locale or "en",
                     user_id=person.id, case_id=case.id, name=person.full_name, reference=case.reference,
                     what=event.label if event is not None else "", case_url=representative_link(person, case),
                     **context)


def representative_link(person: User, case: Case) -> str:
    """Where a representative reads the case: a councillor's enquiry page, anyone else's case page."""
    if person.role is Role.COUNCILLOR:
        return link("portal.councillor_enquiry", reference=case.reference)
    return link("portal.case", reference=case.reference)


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


def message_sent(case: Case) -> None:
    """Staff wrote to the person on the case: tell them there is a message to read, by their channel
    (a text for people who chose texts), with the reference and a link, never the message itself.

    Not by letter: a letter saying "there is a message" would only send them to the website; the
    message itself is what gets printed and posted (shared/services/correspondence.py `by_post`).
    """
    _to_resident(case, "case_message_sent", letters=False)


def information_answered(case: Case, asked_by_id: int | None, actor: User) -> None:
    """A service answered a request for information: tell the case's officer (or, with none, whoever
    asked), unless they answered it themselves. The email has the reference and a link, not the answer."""
    recipient_id = case.officer_id or asked_by_id
    if recipient_id is None or recipient_id == actor.id:
        return
    person = db.session.get(User, recipient_id)
    if person is not None:
        _tell_staff(person, "information_answered", case)


def escalation_requested(case: Case) -> None:
    """The person asked for the next stage: tell whoever handled this stage, or with nobody to tell,
    every active manager, so the request is decided in time."""
    handler_id = db.session.scalar(
        select(CaseStage.handler_id).where(CaseStage.case_id == case.id, CaseStage.number == case.stage)
    ) or case.officer_id
    handler = db.session.get(User, handler_id) if handler_id else None
    if handler is not None and handler.is_active and handler.email:
        _tell_staff(handler, "escalation_requested", case)
        return
    managers = db.session.scalars(
        select(User).where(User.role == Role.MANAGER, User.disabled_at.is_(None), User.closed_at.is_(None))
        .order_by(User.id)
    ).all()
    for manager in managers:
        _tell_staff(manager, "escalation_requested", case)
