"""Signposting to the advocacy and support directory: which entries to offer where (by topic),
the record of what each person was shown or sent (Signpost rows), and staff sending entries to
a person. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import force_locale
from sqlalchemy import select, update

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import CareKind, ProcedureKind, SupportTopic
from shared.models import Case, Service, Signpost, SupportService, User
from shared.services import audit, notifications, outbox

SUPPORT, SOMEONE_ELSE, SOCIAL_CARE, STAFF_SENT = "support", "someone_else", "social_care", "staff_sent"
MAX_SHOWN = 6

# Why someone is shown entries, and which topics answer it, best first.
_TOPICS: dict[str, tuple[SupportTopic, ...]] = {
    SUPPORT: (SupportTopic.GENERAL, SupportTopic.ADVOCACY),
    SOMEONE_ELSE: (SupportTopic.COMPLAINING_FOR_SOMEONE, SupportTopic.ADVOCACY, SupportTopic.CARERS),
}
_SOCIAL_CARE_TOPICS: dict[SupportTopic, tuple[SupportTopic, ...]] = {
    # Children are always offered an advocate: children's advocacy first.
    SupportTopic.CHILDRENS_SOCIAL_CARE: (SupportTopic.CHILDRENS_SOCIAL_CARE, SupportTopic.CHILDREN),
    SupportTopic.ADULTS_SOCIAL_CARE: (SupportTopic.ADULTS_SOCIAL_CARE, SupportTopic.ADVOCACY),
}

def social_care_topic(*, care_kind: CareKind | None = None, procedure_kind: ProcedureKind | None = None
                      ) -> SupportTopic | None:
    """Social care's topic, or None. The portal knows a draft's service, not its procedure (triage
    chooses that later), so there it is the service's care kind; on a case, its procedure's kind."""
    if procedure_kind is ProcedureKind.CHILDREN or care_kind is CareKind.CHILDREN:
        return SupportTopic.CHILDRENS_SOCIAL_CARE
    if procedure_kind is ProcedureKind.ADULTS or care_kind is CareKind.ADULTS:
        return SupportTopic.ADULTS_SOCIAL_CARE
    return None


def care_kind_of(service_slug: str | None) -> CareKind | None:
    """The care kind of the service a draft names (one query; none without a service)."""
    if not service_slug:
        return None
    return db.session.scalar(select(Service.care_kind).where(Service.slug == service_slug))


def topics_for(context: str, social_care: SupportTopic | None = None) -> tuple[SupportTopic, ...]:
    """The topics to choose entries by, best first; social care's own come before the context's."""
    chosen = list(_SOCIAL_CARE_TOPICS.get(social_care, ())) if social_care else []
    chosen += [topic for topic in _TOPICS.get(context, ()) if topic not in chosen]
    return tuple(chosen)


def rank(services: Sequence[SupportService], topics: Sequence[SupportTopic], limit: int = MAX_SHOWN) -> list[SupportService]:
    """Entries with any of `topics`, those matching an earlier topic first, then by name."""
    order = {topic.value: index for index, topic in enumerate(topics)}

    def best(service: SupportService) -> int:
        return min((order[t] for t in service.topics or () if t in order), default=len(order))

    matching = [s for s in services if best(s) < len(order)]
    return sorted(matching, key=lambda s: (best(s), s.name.casefold()))[:limit]


def active_services() -> list[SupportService]:
    return list(db.session.scalars(select(SupportService).where(SupportService.active.is_(True)).order_by(SupportService.name)))


def choose(topics: Sequence[SupportTopic], limit: int = MAX_SHOWN) -> list[SupportService]:
    """One query: the directory is small, so topics (a JSON list) are matched here, not in SQL."""
    return rank(active_services(), topics, limit)


def record_for_draft(draft_id: int, person_id: int | None, context: str, services: Sequence[SupportService]) -> None:
    """Record what a draft's page showed, once per draft and context: a refresh writes nothing,
    a changed choice of entries updates the row."""
    if not services:
        return
    ids = [s.id for s in services]
    existing = db.session.scalar(select(Signpost).where(Signpost.draft_id == draft_id, Signpost.context == context))
    if existing is None:
        db.session.add(Signpost(person_id=person_id, draft_id=draft_id, context=context, service_ids=ids, at=utcnow()))
    elif existing.service_ids != ids:
        existing.service_ids = ids
        existing.at = utcnow()
    db.session.flush()


def link_draft_to_case(draft_id: int, case: Case) -> None:
    """The draft became a case: what it was shown now belongs to the case and its person (one UPDATE)."""
    db.session.execute(
        update(Signpost).where(Signpost.draft_id == draft_id).values(case_id=case.id, person_id=case.resident_id)
    )


# --- staff sending entries ---------------------------------------------------------------------------


class NoWayToContact(Exception):
    """We hold no email address, phone number or postal address for the person."""


def services_by_ids(ids: Sequence[int]) -> list[SupportService]:
    if not ids:
        return []
    return list(db.session.scalars(
        select(SupportService).where(SupportService.id.in_(ids), SupportService.active.is_(True)).order_by(SupportService.name)
    ))


def send(case: Case, person: User, services: Sequence[SupportService], *, actor: User) -> Signpost:
    """Queue a message listing the entries, in the person's language, by the channel notifications
    chooses for them (adjustments included), and record that staff sent it."""
    contact, effects = notifications.contact_and_effects(person, case)
    if contact is None:
        raise NoWayToContact()
    channel, address = contact
    locale = person.locale or "en"
    with force_locale(locale):
        entries = [
            {"name": s.display_name(locale), "helps_with": s.display_helps_with(locale), "contact": s.contact,
             "website": s.website or ""}
            for s in services
        ]
    outbox.queue("support_information", recipient=address, locale=locale, user_id=person.id, case_id=case.id,
                 channel=channel, name=person.full_name, reference=case.reference, services=entries,
                 format=notifications.format_for(channel, effects))
    signpost = Signpost(person_id=person.id, case_id=case.id, context=STAFF_SENT, service_ids=[s.id for s in services],
                        shown_by_id=actor.id, at=utcnow())
    db.session.add(signpost)
    db.session.flush()
    return signpost


# --- the directory's administration ---------------------------------------------------------------

DIRECTORY_FIELDS = ("name", "name_cy", "helps_with", "helps_with_cy", "who_for", "contact", "website", "areas",
                    "languages", "topics", "active")


def all_services() -> list[SupportService]:
    return list(db.session.scalars(select(SupportService).order_by(SupportService.active.desc(), SupportService.name)))


def get_service(service_id: int) -> SupportService | None:
    return db.session.get(SupportService, service_id)


def save_service(service: SupportService | None, *, actor: User, **values) -> SupportService:
    """Add (service None) or change a directory entry; blank optional fields are stored as None."""
    cleaned = {key: (value.strip() or None) if isinstance(value, str) else value for key, value in values.items()}
    for required in ("helps_with", "who_for", "contact", "areas", "languages"):
        if required in cleaned and cleaned[required] is None:
            cleaned[required] = ""
    cleaned["topics"] = [SupportTopic(t).value for t in cleaned.get("topics") or ()]
    added = service is None
    if service is None:
        service = SupportService(active=True)
        db.session.add(service)
    changed = sorted(key for key, value in cleaned.items() if getattr(service, key, None) != value)
    for key, value in cleaned.items():
        setattr(service, key, value)
    db.session.flush()
    audit.record("support_service.added" if added else "support_service.changed", actor=actor,
                 subject_type="support_service", subject_id=service.id, name=service.name, fields=changed)
    return service


def deactivate_service(service_id: int, *, actor: User) -> SupportService | None:
    service = get_service(service_id)
    if service is None:
        return None
    if service.active:
        service.active = False
        db.session.flush()
        audit.record("support_service.deactivated", actor=actor, subject_type="support_service",
                     subject_id=service.id, name=service.name)
    return service


# --- the give-feedback journey -----------------------------------------------------------------------

_STEP_CONTEXT = {"support": SOCIAL_CARE, "support_note": SUPPORT, "their_details": SOMEONE_ELSE}


def for_feedback_step(step: str, draft) -> dict:
    """What a feedback question page shows from the directory, recorded once per draft and context:
    the "support" question only for social care, "what help do you need" and "about the person you
    are complaining for" always. Returns template values: `signposts` and `children_advocate`
    (children's social care, where every child is offered an advocate, said prominently)."""
    context = _STEP_CONTEXT.get(step)
    if context is None:
        return {}
    social_care = social_care_topic(care_kind=care_kind_of((draft.answers or {}).get("service")))
    if context == SOCIAL_CARE and social_care is None:
        return {}
    services = choose(topics_for(context, social_care))
    record_for_draft(draft.id, draft.user_id, context, services)
    return {"signposts": services, "children_advocate": social_care is SupportTopic.CHILDRENS_SOCIAL_CARE}
