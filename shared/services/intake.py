"""Receiving feedback: residents' drafts on the server, and turning answers into a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import delete, select

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import CaseKind, Channel, ContactMethod
from shared.models import FeedbackDraft, Service, User
from shared.services import engine, outbox

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


def _draft_for(user: User) -> FeedbackDraft | None:
    return db.session.scalar(
        select(FeedbackDraft).where(FeedbackDraft.user_id == user.id).order_by(FeedbackDraft.updated_at.desc()).limit(1)
    )


def get_draft(user: User) -> dict[str, Any]:
    draft = _draft_for(user)
    return dict(draft.answers) if draft else {}


def save_answers(user: User, answers: dict[str, Any]) -> None:
    draft = _draft_for(user)
    if draft is None:
        draft = FeedbackDraft(user_id=user.id, kind=CaseKind.COMPLAINT, answers={}, created_at=utcnow(), updated_at=utcnow())
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
    """Record an online complaint from a signed-in resident, acknowledge receipt and clear the draft."""
    missing = first_unanswered(answers)
    if missing:
        raise IncompleteComplaint(missing)
    service = db.session.scalar(select(Service).where(Service.slug == answers["service"], Service.active.is_(True)))
    if service is None:
        raise IncompleteComplaint("service")
    method = ContactMethod(answers["contact_method"])
    case = engine.receive(
        kind=CaseKind.COMPLAINT,
        service=service,
        resident=user,
        entered_by=user,
        channel=Channel.ONLINE,
        what_happened=answers["what_happened"],
        happened_on=date.fromisoformat(answers["happened_on"]) if answers.get("happened_on") else None,
        outcome_wanted=answers["outcome_wanted"],
        contact_method=method,
        contact_phone=answers.get("contact_phone") if method is ContactMethod.PHONE else None,
        contact_address=answers.get("contact_address") if method is ContactMethod.POST else None,
    )
    db.session.execute(delete(FeedbackDraft).where(FeedbackDraft.user_id == user.id))
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
