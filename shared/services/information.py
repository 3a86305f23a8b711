"""Requests for information: the complaints team asks a service, a responder answers, reminders nag.

Asking and answering each add an internal note to the case through the engine, so the timeline
shows them; messages go through the outbox in the same transaction. Emails never carry the
complaint's text: only the reference, the due date and a link to the back office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import joinedload

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain import policy
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import EventType, Role
from shared.domain.policy import CASEWORK_ROLES
from shared.models import Case, InformationRequest, Service, User
from shared.services import engine, notifications, outbox
from shared.services.calendar import council_calendar
from shared.services.cases import Page
from shared.web.filters import govuk_date
from shared.web.links import absolute_url

DEFAULT_WORKING_DAYS = 5
PAGE_SIZE = 50
_RESPONDERS_KEY = "active_responders"


class InformationError(Exception):
    """A request or an answer that cannot be accepted; `message` says why, `field` where."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- who may see a request: the rule is in shared.domain.policy; the query below enforces it ---


can_answer = policy.can_answer_information_request


def _open_for(viewer: User):
    """The open requests a viewer's task list holds: responders see their service's, named to them
    or to nobody; the complaints team sees them all."""
    query = select(InformationRequest).where(InformationRequest.answered_at.is_(None))
    if viewer.role is Role.RESPONDER:
        query = query.where(
            InformationRequest.service_id == viewer.service_id,
            or_(InformationRequest.responder_id.is_(None), InformationRequest.responder_id == viewer.id),
        )
    elif viewer.role not in CASEWORK_ROLES:
        query = query.where(false())
    return query


# --- reading -------------------------------------------------------------------------------------


def today() -> date:
    return to_london(utcnow()).date()


def suggested_due(calendar: WorkingCalendar | None = None) -> date:
    return (calendar or council_calendar()).add(today(), DEFAULT_WORKING_DAYS)


def active_services() -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name)))


def active_responders() -> list[User]:
    """Every active responder, read once per request (the ask page's choices and its recipients)."""
    found = g.get(_RESPONDERS_KEY)
    if found is None:
        found = list(
            db.session.scalars(
                select(User)
                .where(User.role == Role.RESPONDER, User.disabled_at.is_(None), User.service_id.is_not(None))
                .order_by(User.full_name, User.id)
            )
        )
        setattr(g, _RESPONDERS_KEY, found)
    return found


def requests_for_case(case: Case) -> list[InformationRequest]:
    """One query: the case's requests with their service and responder, newest first."""
    return list(
        db.session.scalars(
            select(InformationRequest)
            .where(InformationRequest.case_id == case.id)
            .options(joinedload(InformationRequest.service), joinedload(InformationRequest.responder))
            .order_by(InformationRequest.requested_at.desc(), InformationRequest.id.desc())
        )
    )


def open_tasks(viewer: User, page: int = 1) -> Page:
    """Open requests for this viewer, oldest due first: one count and one query."""
    query = _open_for(viewer)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.options(
            joinedload(InformationRequest.case),
            joinedload(InformationRequest.service),
            joinedload(InformationRequest.responder),
        )
        .order_by(InformationRequest.due_on, InformationRequest.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(items), total, page, PAGE_SIZE)


def open_count(viewer: User) -> int:
    return db.session.scalar(select(func.count()).select_from(_open_for(viewer).subquery())) or 0


def request_for(viewer: User, request_id: int) -> InformationRequest | None:
    """The request if this viewer may answer it; None (shown as 404) otherwise."""
    found = db.session.scalar(
        select(InformationRequest)
        .where(InformationRequest.id == request_id)
        .options(
            joinedload(InformationRequest.case),
            joinedload(InformationRequest.service),
            joinedload(InformationRequest.responder),
            joinedload(InformationRequest.requested_by),
        )
    )
    if found is None or not can_answer(viewer, found):
        return None
    return found


# --- asking --------------------------------------------------------------------------------------


def check_due(due_on: date, calendar: WorkingCalendar | None = None) -> None:
    calendar = calendar or council_calendar()
    if due_on <= today():
        raise InformationError(_l("The date the answer is due must be in the future"), "due_on")
    if not calendar.is_working_day(due_on):
        raise InformationError(_l("The date the answer is due must be a working day"), "due_on")


def ask(case: Case, actor: User, *, question: str, service_id: int, responder_id: int | None,
        due_on: date) -> InformationRequest:
    question = (question or "").strip()
    if not question:
        raise InformationError(_l("Enter the question for the service"), "question")
    service = db.session.get(Service, service_id)
    if service is None or not service.active:
        raise InformationError(_l("Select the service to ask"), "service")
    responder = None
    if responder_id is not None:
        responder = db.session.get(User, responder_id)
        if (responder is None or responder.role is not Role.RESPONDER or responder.disabled_at is not None
                or responder.service_id != service.id):
            raise InformationError(_l("Select a responder who works for the service you are asking"), "responder")
    check_due(due_on)
    now = utcnow()
    request = InformationRequest(
        case_id=case.id, stage=case.stage, service_id=service.id, responder_id=responder.id if responder else None,
        requested_by_id=actor.id, question=question, due_on=due_on, requested_at=now,
    )
    db.session.add(request)
    db.session.flush()
    # The note records the ask on the timeline, in the asker's words; only staff see it.
    engine.perform(case, EventType.NOTE_ADDED, actor, at=now, text=str(_l(
        "Information requested from %(service)s, due %(date)s: %(question)s",
        service=service.name, date=govuk_date(due_on), question=question,
    )))
    recipients = [responder] if responder else _responders_of(service.id)
    for recipient in recipients:
        _mail("information_requested", recipient, request, case)
    return request


def _responders_of(service_id: int) -> list[User]:
    return [user for user in active_responders() if user.service_id == service_id]


def _link(request: InformationRequest) -> str:
    # Built from the configured address, not the current request's, so the CLI's reminders work too.
    return absolute_url("staff.information_request", request_id=request.id)


def _mail(template: str, recipient: User, request: InformationRequest, case: Case) -> None:
    outbox.queue(
        template, recipient=recipient.email, locale=recipient.locale or "en", user_id=recipient.id, case_id=case.id,
        name=recipient.full_name, reference=case.reference, due_on=request.due_on, link=_link(request),
    )


# --- answering -----------------------------------------------------------------------------------


def answer(request: InformationRequest, actor: User, text: str) -> InformationRequest:
    if request.answered_at is not None:
        raise InformationError(_l("This request has already been answered"), "answer")
    text = (text or "").strip()
    if not text:
        raise InformationError(_l("Enter the answer"), "answer")
    now = utcnow()
    request.answer = text
    request.answered_by_id = actor.id
    request.answered_at = now
    engine.perform(request.case, EventType.NOTE_ADDED, actor, at=now, text=str(_l(
        "Information received from %(service)s: %(answer)s", service=request.service.name, answer=text,
    )))
    notifications.information_answered(request.case, request.requested_by_id, actor)
    return request


# --- reminders -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminded:
    requests: int
    messages: int


def _reminded_recently(reminded_at: datetime | None, on: date, calendar: WorkingCalendar) -> bool:
    """Reminded today, or since the last working day began (so one reminder a working day)."""
    if reminded_at is None:
        return False
    return calendar.between(to_london(reminded_at).date(), on) < 1


def send_reminders() -> Reminded:
    """Remind whoever was asked about each overdue, unanswered request; safe to run again the same day."""
    calendar = council_calendar()
    on = today()
    overdue = db.session.scalars(
        select(InformationRequest)
        .where(InformationRequest.answered_at.is_(None), InformationRequest.due_on < on)
        .options(joinedload(InformationRequest.case), joinedload(InformationRequest.responder))
        .order_by(InformationRequest.due_on, InformationRequest.id)
    ).all()
    now, requests, messages = utcnow(), 0, 0
    for request in overdue:
        if _reminded_recently(request.reminded_at, on, calendar):
            continue
        recipients = [request.responder] if request.responder else _responders_of(request.service_id)
        for recipient in recipients:
            _mail("information_overdue", recipient, request, request.case)
            messages += 1
        request.reminded_at = now
        requests += 1
    db.session.flush()
    return Reminded(requests, messages)
