"""Receiving feedback: residents' drafts on the server, and turning answers into a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, url_for
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from shared.clock import utcnow
from shared.db import db
from shared.domain import deadlines
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import CaseKind, Channel, ContactMethod, EventType
from shared.domain.references import new_reference
from shared.domain.transitions import next_status
from shared.models import Case, CaseEvent, ComplaintDraft, Service, User
from shared.services import outbox

# The questions of the complaint journey, in order; each is one page. A phone number or an
# address is asked for on a page of its own, only when that is how the person wants contact.
STEPS = ("service", "what_happened", "happened_on", "outcome_wanted", "contact", "contact_phone", "contact_address")
_DETAIL_FOR_METHOD = {ContactMethod.PHONE.value: "contact_phone", ContactMethod.POST.value: "contact_address"}


@dataclass(frozen=True)
class Submitted:
    reference: str
    acknowledge_by: date


class IncompleteComplaint(Exception):
    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


def calendar() -> WorkingCalendar:
    return WorkingCalendar(current_app.config["SETTINGS"].nation)


def get_draft(user: User) -> dict[str, Any]:
    draft = db.session.scalar(select(ComplaintDraft).where(ComplaintDraft.user_id == user.id))
    return dict(draft.answers) if draft else {}


def save_answers(user: User, answers: dict[str, Any]) -> None:
    draft = db.session.scalar(select(ComplaintDraft).where(ComplaintDraft.user_id == user.id))
    if draft is None:
        draft = ComplaintDraft(user_id=user.id, answers={}, updated_at=utcnow())
        db.session.add(draft)
    draft.answers = {**draft.answers, **answers}  # a new dict, so the JSON column sees the change
    draft.updated_at = utcnow()
    db.session.flush()


def required_steps(answers: dict[str, Any]) -> list[str]:
    """The steps this person must answer, given what they have chosen so far."""
    steps = list(STEPS[:5])
    detail = _DETAIL_FOR_METHOD.get(answers.get("contact_method", ""))
    if detail:
        steps.append(detail)
    return steps


def is_answered(step: str, answers: dict[str, Any]) -> bool:
    if step == "contact":
        return bool(answers.get("contact_method"))
    if step == "happened_on":
        return "happened_on" in answers
    return bool(answers.get(step))


def first_unanswered(answers: dict[str, Any]) -> str | None:
    return next((step for step in required_steps(answers) if not is_answered(step, answers)), None)


def active_services() -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name)))


def submit_complaint(user: User, answers: dict[str, Any]) -> Submitted:
    """Record an online complaint from a signed-in resident, acknowledge it and clear the draft."""
    missing = first_unanswered(answers)
    if missing:
        raise IncompleteComplaint(missing)
    service = db.session.scalar(select(Service).where(Service.slug == answers["service"], Service.active.is_(True)))
    if service is None:
        raise IncompleteComplaint("service")
    received_at = utcnow()
    method = ContactMethod(answers["contact_method"])
    case = Case(
        kind=CaseKind.COMPLAINT,
        status=next_status(None, EventType.RECEIVED),
        stage=1,
        channel=Channel.ONLINE,
        service_id=service.id,
        resident_id=user.id,
        entered_by_id=user.id,
        what_happened=answers["what_happened"],
        happened_on=date.fromisoformat(answers["happened_on"]) if answers.get("happened_on") else None,
        outcome_wanted=answers["outcome_wanted"],
        contact_method=method,
        contact_phone=answers.get("contact_phone") if method is ContactMethod.PHONE else None,
        contact_address=answers.get("contact_address") if method is ContactMethod.POST else None,
        received_at=received_at,
        acknowledge_by=calendar().due(received_at, deadlines.ACKNOWLEDGE_WITHIN),
    )
    _insert_with_unique_reference(case)
    db.session.add(
        CaseEvent(
            case_id=case.id,
            type=EventType.RECEIVED,
            at=received_at,
            actor_id=user.id,
            from_status=None,
            to_status=case.status,
            public=True,
            details={"channel": Channel.ONLINE.value},
        )
    )
    db.session.execute(delete(ComplaintDraft).where(ComplaintDraft.user_id == user.id))
    outbox.queue(
        "complaint_received",
        recipient=user.email,
        locale=user.locale or "en",
        user_id=user.id,
        case_id=case.id,
        name=user.full_name,
        reference=case.reference,
        acknowledge_by=case.acknowledge_by,
        case_url=url_for("portal.case", reference=case.reference, _external=True),
    )
    db.session.flush()
    return Submitted(case.reference, case.acknowledge_by)


def _insert_with_unique_reference(case: Case, attempts: int = 5) -> None:
    # 40 random bits make a clash rare; a savepoint lets us retry without losing the transaction.
    for _ in range(attempts):
        case.reference = new_reference()
        try:
            with db.session.begin_nested():
                db.session.add(case)
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a unique case reference")
