"""Learning actions: service improvements complaints led to, their linked cases and "you said, we did"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import joinedload, selectinload

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain import policy
from shared.domain.enums import LearningStatus, Role
from shared.domain.references import normalise
from shared.models import Case, LearningAction, Service, User, learning_action_cases
from shared.services.cases import Page

PAGE_SIZE = 25
FINISHED = frozenset({LearningStatus.DONE, LearningStatus.CANCELLED})


class UnknownReference(ValueError):
    """The typed reference is not a case (or not one this person may link)."""

    message = _l("There is no case with that reference")


def today() -> date:
    return to_london(utcnow()).date()


def is_overdue(status: LearningStatus, due_on: date | None, on: date | None = None) -> bool:
    return due_on is not None and status not in FINISHED and due_on < (on or today())


# Who may change learning actions: the one policy module decides.
may_edit = policy.can_edit_learning
may_update_status = policy.can_update_learning_status


@dataclass(frozen=True)
class LearningFilters:
    status: LearningStatus | None = None
    service_id: int | None = None
    page: int = 1


def find(filters: LearningFilters) -> Page:
    query = select(LearningAction)
    if filters.status is not None:
        query = query.where(LearningAction.status == filters.status)
    if filters.service_id is not None:
        query = query.where(LearningAction.service_id == filters.service_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    items = db.session.scalars(
        query.options(joinedload(LearningAction.service), joinedload(LearningAction.owner))
        .order_by(LearningAction.due_on.is_(None), LearningAction.due_on, LearningAction.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(items), total, page, PAGE_SIZE)


def get(action_id: int) -> LearningAction | None:
    return db.session.scalar(
        select(LearningAction)
        .where(LearningAction.id == action_id)
        .options(joinedload(LearningAction.service), joinedload(LearningAction.owner), selectinload(LearningAction.cases))
    )


def services() -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name)))


def staff_people() -> list[User]:
    """People who can own an action: the complaints team and service responders."""
    return list(db.session.scalars(
        select(User).where(User.role.in_([Role.OFFICER, Role.MANAGER, Role.RESPONDER])).order_by(User.full_name)
    ))


def case_by_reference(typed: str) -> Case:
    reference = normalise(typed or "")
    case = db.session.scalar(select(Case).where(Case.reference == reference)) if reference else None
    if case is None:
        raise UnknownReference()
    return case


def _set_status(action: LearningAction, status: LearningStatus) -> None:
    if status is LearningStatus.DONE and action.status is not LearningStatus.DONE:
        action.completed_at = utcnow()
    elif status is not LearningStatus.DONE:
        action.completed_at = None
    action.status = status


def create(actor: User, *, title: str, description: str, service_id: int, owner_id: int | None,
           due_on: date | None, status: LearningStatus, case: Case | None = None) -> LearningAction:
    action = LearningAction(
        title=title, description=description or "", service_id=service_id, owner_id=owner_id, due_on=due_on,
        status=LearningStatus.PLANNED, published=False, created_at=utcnow(), created_by_id=actor.id,
    )
    _set_status(action, status)
    db.session.add(action)
    db.session.flush()
    if case is not None:
        db.session.execute(insert(learning_action_cases).values(learning_action_id=action.id, case_id=case.id))
    db.session.flush()
    return action


def update(action: LearningAction, *, title: str, description: str, service_id: int, owner_id: int | None,
           due_on: date | None, status: LearningStatus, you_said: str | None, we_did: str | None,
           published: bool) -> None:
    action.title = title
    action.description = description or ""
    action.service_id = service_id
    action.owner_id = owner_id
    action.due_on = due_on
    _set_status(action, status)
    action.you_said = you_said or None
    action.we_did = we_did or None
    action.published = published
    db.session.flush()


def update_status(action: LearningAction, status: LearningStatus) -> None:
    _set_status(action, status)
    db.session.flush()


def link(action: LearningAction, typed_reference: str) -> Case:
    case = case_by_reference(typed_reference)
    if case.id not in {c.id for c in action.cases}:
        db.session.execute(insert(learning_action_cases).values(learning_action_id=action.id, case_id=case.id))
        db.session.flush()
    return case


def unlink(action: LearningAction, reference: str) -> bool:
    case_id = next((c.id for c in action.cases if c.reference == reference), None)
    if case_id is None:
        return False
    db.session.execute(delete(learning_action_cases).where(
        learning_action_cases.c.learning_action_id == action.id, learning_action_cases.c.case_id == case_id
    ))
    db.session.flush()
    return True


def published(page: int = 1) -> Page:
    """The public "you said, we did" list: published, done, newest first. Only the public text leaves."""
    query = select(LearningAction.id, LearningAction.you_said, LearningAction.we_did, LearningAction.completed_at,
                   Service.name, Service.name_cy, Service.translations).join(Service, Service.id == LearningAction.service_id).where(
        LearningAction.published.is_(True), LearningAction.status == LearningStatus.DONE,
        LearningAction.you_said.is_not(None), LearningAction.we_did.is_not(None),
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        query.order_by(LearningAction.completed_at.desc(), LearningAction.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(rows), total, page, PAGE_SIZE)
