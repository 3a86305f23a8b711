"""Assisted digital: a contact-centre agent logging cases for a customer who phoned, wrote or
called in. The answers wait in a server-side draft (the agent's own, naming the customer) until
the agent checks them; then one or more cases are received for the customer, entered by the agent.

The service-request-or-complaint rule is the resident journey's (shared/domain/feedback.py), and
the acknowledgement goes the same way as for a case sent online. Adjustments the customer asks for
on the call go into their register (shared/services/adjustments.py) with the case, in its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shared.clock import utcnow
from shared.db import db
from shared.domain import adjustments as adjustment_rules
from shared.domain import feedback
from shared.domain.enums import AdjustmentKind, CaseKind, Channel, ConsentMethod, ContactMethod, EventType, Role
from shared.domain.policy import can_record_adjustments
from shared.models import Case, FeedbackDraft, Service, User
from shared.services import adjustments as adjustment_register
from shared.services import customers, engine, intake

# The ways people reach the contact centre (online comes through the portal itself).
ASSISTED_CHANNELS = (Channel.PHONE, Channel.FACE_TO_FACE, Channel.LETTER, Channel.EMAIL, Channel.SOCIAL_MEDIA)
CUSTOMER, SOMEONE = "customer", "someone"
MAX_OTHER_ISSUES = 4
# Each step and the answer that marks it done.
_DONE_BY = {"contact": "channel", "details": "what_happened", "first-request": "route",
            "preferences": "contact_method", "adjustments": "adjustments_done", "issues": "issues_done"}
# The answers each step writes, so a step that no longer applies leaves nothing stale behind.
_ANSWERS_OF = {
    "contact": ("customer_id", "channel", "acting", "caller_name", "caller_relationship", "consent", "service"),
    "details": ("what_happened", "happened_on", "outcome_wanted", "asked_before"),
    "first-request": ("route",),
    "preferences": ("contact_method", "contact_phone", "contact_address"),
    "adjustments": ("adjustments", "adjustments_done"),
    "issues": ("issues", "issues_done"),
}
STEPS = tuple(_DONE_BY)


class Incomplete(Exception):
    """The draft cannot be sent yet: `step` is the question to answer (again)."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


# --- which steps apply --------------------------------------------------------------------------


def asks_for_reply(kind: CaseKind) -> bool:
    """Compliments are thanked, not answered, so they need no contact preferences."""
    return kind is not CaseKind.COMPLIMENT


def steps(kind: CaseKind, answers: dict[str, Any]) -> list[str]:
    order = ["contact", "details"]
    if kind is CaseKind.COMPLAINT and answers.get("asked_before") == feedback.NO:
        order.append("first-request")
    if asks_for_reply(kind):
        order.append("preferences")
    order += ["adjustments", "issues"]
    return order


def _relevant(kind: CaseKind, answers: dict[str, Any]) -> dict[str, Any]:
    keys = {key for step in steps(kind, answers) for key in _ANSWERS_OF[step]}
    if kind is not CaseKind.COMPLAINT:
        keys -= {"happened_on", "outcome_wanted", "asked_before"}
    if answers.get("acting") != SOMEONE:
        keys -= {"caller_name", "caller_relationship", "consent"}
    keys.add("acting")
    return {key: value for key, value in answers.items() if key in keys}


def first_unanswered(draft: FeedbackDraft) -> str | None:
    kind = draft.kind or CaseKind.COMPLAINT
    return next((s for s in steps(kind, draft.answers) if draft.answers.get(_DONE_BY[s]) in (None, "")), None)


def applies(draft: FeedbackDraft, step: str) -> bool:
    return step in steps(draft.kind or CaseKind.COMPLAINT, draft.answers)


# --- the draft ------------------------------------------------------------------------------------


def start(customer: User, agent: User, kind: CaseKind, answers: dict[str, Any]) -> FeedbackDraft:
    now = utcnow()
    draft = FeedbackDraft(user_id=agent.id, kind=kind, answers={}, created_at=now, updated_at=now)
    db.session.add(draft)
    save(draft, kind, {**answers, "customer_id": customer.id, **prefilled(customer)})
    return draft


def prefilled(customer: User) -> dict[str, Any]:
    """Contact preferences from the customer's record, for the agent to confirm or change."""
    answers: dict[str, Any] = {}
    if customer.phone:
        answers["contact_phone"] = customer.phone
    if customer.address:
        answers["contact_address"] = customer.address
    return answers


def find(draft_id: int, agent: User) -> tuple[FeedbackDraft, User] | None:
    """The agent's own draft and its customer; None (a 404) for anyone else's."""
    draft = db.session.scalar(select(FeedbackDraft).where(FeedbackDraft.id == draft_id, FeedbackDraft.user_id == agent.id))
    if draft is None or not draft.answers.get("customer_id"):
        return None
    customer = customers.get(int(draft.answers["customer_id"]))
    return (draft, customer) if customer is not None else None


def save(draft: FeedbackDraft, kind: CaseKind | None, given: dict[str, Any]) -> None:
    kind = kind or draft.kind or CaseKind.COMPLAINT
    draft.kind = kind
    draft.answers = _relevant(kind, {**draft.answers, **given})  # a new dict, so the JSON column sees it
    draft.updated_at = utcnow()
    db.session.flush()


# --- adjustments asked for on the call -----------------------------------------------------------------


def drafted_adjustments(draft: FeedbackDraft) -> list[tuple[AdjustmentKind, str | None]]:
    """The adjustments the agent has added on this call, in order (not yet in the register)."""
    return [(AdjustmentKind(a["kind"]), a.get("detail")) for a in draft.answers.get("adjustments", [])]


def add_adjustment(draft: FeedbackDraft, kind: AdjustmentKind, detail: str | None) -> None:
    """One more adjustment, and the step asked again (add another, until the agent says no more)."""
    detail = (detail or "").strip() or None
    if adjustment_rules.needs_detail(kind) and detail is None:
        raise adjustment_register.DetailRequired(kind)
    added = [a for a in draft.answers.get("adjustments", []) if a["kind"] != kind.value]
    save(draft, None, {"adjustments": [*added, {"kind": kind.value, "detail": detail}], "adjustments_done": ""})


def remove_adjustment(draft: FeedbackDraft, index: int) -> None:
    added = list(draft.answers.get("adjustments", []))
    if 0 <= index < len(added):
        del added[index]
        save(draft, None, {"adjustments": added, "adjustments_done": ""})


def no_more_adjustments(draft: FeedbackDraft) -> None:
    save(draft, None, {"adjustments_done": feedback.YES})


def _record_adjustments(draft: FeedbackDraft, customer: User, agent: User) -> None:
    """Into the customer's register, each audited; one already in force there is left as it is."""
    wanted = drafted_adjustments(draft)
    if not wanted:
        return
    if not can_record_adjustments(agent, customer):
        raise PermissionError("this role does not record adjustments")
    in_force = adjustment_register.kinds_for(customer.id)
    for kind, detail in wanted:
        if kind not in in_force:
            adjustment_register.add(customer, kind, detail, actor=agent)


def discard(draft: FeedbackDraft) -> None:
    db.session.delete(draft)
    db.session.flush()


# --- what the check-answers page shows -------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    kind: CaseKind
    received_as: CaseKind
    channel: Channel
    service: Service | None
    consent: ConsentMethod | None
    contact_method: ContactMethod | None
    happened_on: date | None
    issues: list[tuple[str, Service | None]]
    adjustments: list[tuple[AdjustmentKind, str | None]]


def services_by_slug() -> dict[str, Service]:
    return {s.slug: s for s in db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name))}


def summary(draft: FeedbackDraft, services: dict[str, Service]) -> Summary:
    answers = draft.answers
    kind = draft.kind or CaseKind.COMPLAINT
    return Summary(
        kind=kind,
        received_as=feedback.case_kind(kind, answers),
        channel=Channel(answers.get("channel", Channel.PHONE.value)),
        service=services.get(answers.get("service", "")),
        consent=ConsentMethod(answers["consent"]) if answers.get("consent") else None,
        contact_method=ContactMethod(answers["contact_method"]) if answers.get("contact_method") else None,
        happened_on=date.fromisoformat(answers["happened_on"]) if answers.get("happened_on") else None,
        issues=[(issue["text"], services.get(issue["service"])) for issue in answers.get("issues", [])],
        adjustments=drafted_adjustments(draft),
    )


# --- sending ----------------------------------------------------------------------------------------


def submit(draft: FeedbackDraft, customer: User, agent: User, *, locale: str) -> list[Case]:
    """Receive the case (and one for each other issue the call raised, linked to it), acknowledge
    each the way the customer asked, and delete the draft. The first case is the one the call was
    about; the others wait in the triage queue for their own decision."""
    kind = draft.kind or CaseKind.COMPLAINT
    answers = _relevant(kind, draft.answers)
    missing = first_unanswered(draft)
    if missing:
        raise Incomplete(missing)
    services = services_by_slug()
    service = services.get(answers.get("service", ""))
    if service is None:
        raise Incomplete("contact")
    for _text, slug in ((i["text"], i["service"]) for i in answers.get("issues", [])):
        if slug not in services:
            raise Incomplete("issues")
    try:
        wanted = drafted_adjustments(draft)
    except (KeyError, ValueError):
        raise Incomplete("adjustments") from None
    if any(adjustment_rules.needs_detail(kind) and not detail for kind, detail in wanted):
        raise Incomplete("adjustments")

    received_as = feedback.case_kind(kind, answers)
    method = ContactMethod(answers["contact_method"]) if asks_for_reply(kind) else ContactMethod.EMAIL
    common = {
        "resident": customer, "entered_by": agent, "on_behalf_of": customer,
        "channel": Channel(answers["channel"]),
        "happened_on": date.fromisoformat(answers["happened_on"]) if answers.get("happened_on") else None,
        "outcome_wanted": answers.get("outcome_wanted", ""),
        "contact_method": method,
        "contact_phone": answers.get("contact_phone") if method in {ContactMethod.PHONE, ContactMethod.TEXT} else None,
        "contact_address": answers.get("contact_address") if method is ContactMethod.POST else None,
        **_someone_else(customer, answers),
    }
    if kind is CaseKind.COMPLAINT:
        common["asked_before"] = answers.get("asked_before") == feedback.YES
    first = engine.receive(kind=received_as, service=service, what_happened=answers["what_happened"], **common)
    created = [first]
    for text, slug in ((i["text"], i["service"]) for i in answers.get("issues", [])):
        # Each other issue is a contact of its own kind still to be decided, so it starts as what
        # the customer came to do and waits for triage; asked_before was answered for the first only.
        other = engine.receive(kind=kind, service=services[slug], what_happened=text,
                               **{k: v for k, v in common.items() if k != "asked_before"})
        other.split_from_id = first.id
        created.append(other)
    db.session.flush()
    if answers.get("acting") == SOMEONE:
        engine.perform(first, EventType.NOTE_ADDED, agent, text=str(_l(
            "Logged for %(customer)s at the request of %(caller)s (%(relationship)s).",
            customer=customer.full_name, caller=answers["caller_name"], relationship=answers["caller_relationship"])))
    if len(created) > 1:
        references = ", ".join(c.reference for c in created[1:])
        engine.perform(first, EventType.NOTE_ADDED, agent,
                       text=str(_l("The call raised separate issues, logged as: %(references)s.", references=references)))
    # Before the acknowledgements, so a letter already goes the way the register now says.
    _record_adjustments(draft, customer, agent)
    for case in created:
        intake.acknowledge(case, customer, case.kind, method, guest=False, locale=locale)  # the one acknowledgement
    discard(draft)
    return created


def _someone_else(customer: User, answers: dict[str, Any]) -> dict[str, Any]:
    """Someone called for the customer: the case records who it is for, the caller's relationship
    to them and the consent; the caller's name goes in an internal note (they are not a customer)."""
    if answers.get("acting") != SOMEONE:
        return {}
    return {
        "for_someone_else": True,
        "subject_name": customer.full_name,
        "subject_relationship": answers["caller_relationship"],
        "consent": ConsentMethod(answers["consent"]),
    }


def logged_cases(reference: str, agent: User) -> list[Case]:
    """A case the agent logged, with any others split from it, for the confirmation page; [] if the
    agent did not enter it (a 404)."""
    first = db.session.scalar(
        select(Case).where(Case.reference == reference, Case.entered_by_id == agent.id)
        .options(joinedload(Case.service), joinedload(Case.resident))
    )
    if first is None or agent.role not in {Role.AGENT, Role.OFFICER, Role.MANAGER}:
        return []
    others = db.session.scalars(
        select(Case).where(Case.split_from_id == first.id, Case.entered_by_id == agent.id)
        .options(joinedload(Case.service)).order_by(Case.id)
    )
    return [first, *others]
