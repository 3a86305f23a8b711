"""Telling a person about a restriction on how they contact us: the decision (or a change to it)
and its lifting, in their language and format, with what the Ombudsman expects a letter to say.

How the person is told (issue 7): the letter states the behaviour, because the Ombudsman expects a
restriction to say what it is for. That text is sensitive, so it goes where only the person reads
it: by post whenever we have a postal address (a print task in the staff outbox), with a short
email or text that carries no allegation ("we have written to you about how you contact us") if
that is how they hear from us. Only when we have no address at all does the full letter go by
email, to the person's own address: a written decision they can act on (and challenge) matters
more than keeping it off email, and it is the address they chose to use with us.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shared.db import db
from shared.domain import restrictions as rules
from shared.domain.enums import MessageChannel, Ombudsman, RestrictionType
from shared.domain.ombudsman_contacts import OmbudsmanContact, contact_for
from shared.models import Case, OutboxMessage, Restriction, User
from shared.services import notifications, outbox
from shared.services.case_progress import today
from shared.services.council import council

LETTER_TEMPLATES = ("restriction_decided", "restriction_lifted")  # the letters themselves, not the notices


def _latest_case(person_id: int) -> Case | None:
    return db.session.scalar(
        select(Case).where(Case.resident_id == person_id).options(joinedload(Case.procedure))
        .order_by(Case.received_at.desc(), Case.id.desc()).limit(1)
    )


def ombudsman_for_person(case: Case | None) -> OmbudsmanContact | None:
    """The Ombudsman for the person's latest case's procedure in the council's nation (the Housing
    Ombudsman for a council's homes in England, the LGSCO otherwise; one ombudsman elsewhere)."""
    procedure_ombudsman = case.procedure.ombudsman if case is not None and case.procedure is not None else Ombudsman.LGSCO
    if procedure_ombudsman is Ombudsman.NONE:
        procedure_ombudsman = Ombudsman.LGSCO
    return contact_for(procedure_ombudsman, council().nation)


def send_letter(restriction: Restriction, template: str, **extra) -> OutboxMessage | None:
    """Write to the person (see the module's docstring for the channel), and remember the letter.

    Returns the full letter's outbox message, or None when we have no way to write to them (the
    restriction page then says so, for staff to deal with by hand). The letter carries the case the
    restriction was proposed from, so the person sees it on that case's page (`sent_on_case`).
    """
    # session.get: pages load these people already, so this usually costs no query.
    person = db.session.get(User, restriction.person_id)
    officer = db.session.get(User, restriction.named_officer_id) if restriction.named_officer_id else None
    if person is None or not person.is_active:
        return None
    latest = _latest_case(person.id)
    address = person.address or (latest.contact_address if latest is not None else None)
    effects = notifications.adjustments_for(person)
    preferred = notifications.contact_for(person, effects=effects)
    locale = person.locale or "en"
    decided_on = restriction.decided_at.date() if restriction.decided_at else today()
    context = dict(
        name=person.full_name,
        behaviour=restriction.behaviour,
        types=[RestrictionType(t) for t in restriction.types],
        terms=restriction.terms,
        named_officer=officer.full_name if officer is not None else None,
        starts_on=restriction.starts_on,
        review_on=restriction.review_on,
        ends_on=restriction.ends_on,
        challenge_by=rules.challenge_by(today()),
        challenge_days=rules.CHALLENGE_DAYS,
        decided_on=decided_on,
        lift_reason=restriction.lift_reason,
        ombudsman=ombudsman_for_person(latest),
        council_name=council().name_in(locale),
        **extra,
    )
    # An "email only" adjustment is the person's own choice of how we write: it outweighs the post.
    if address and "email_only" not in effects:
        letter = outbox.queue(template, recipient=address, locale=locale, user_id=person.id,
                              case_id=restriction.case_id, channel=MessageChannel.LETTER,
                              format=notifications.format_for(MessageChannel.LETTER, effects), **context)
        if preferred is not None and preferred[0] is not MessageChannel.LETTER:
            channel, recipient = preferred
            outbox.queue("restriction_notice", recipient=recipient, locale=locale, user_id=person.id,
                         channel=channel, name=person.full_name, lifted=template == "restriction_lifted")
    elif preferred is not None and preferred[0] is MessageChannel.EMAIL:
        letter = outbox.queue(template, recipient=preferred[1], locale=locale, user_id=person.id,
                              case_id=restriction.case_id, channel=MessageChannel.EMAIL, **context)
    else:
        return None
    restriction.letter_message_id = letter.id
    db.session.flush()
    return letter


def sent_on_case(case: Case, person: User) -> list[OutboxMessage]:
    """The letters about a restriction proposed from `case` that were sent to `person`, oldest first:
    what they were sent, word for word, and nothing of the restriction's evidence or internal notes.
    Empty unless `person` is the restricted person (the letter goes to them alone). One query."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == case.id, OutboxMessage.user_id == person.id,
                                    OutboxMessage.template.in_(LETTER_TEMPLATES))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ))
