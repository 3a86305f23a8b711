"""The daily digest: each member of staff's cases and tasks due soon or overdue, and each manager's
view of the whole team. Produced by `redress reminders`; once a person a day.

A digest's outbox reference is "digest-<user id>-<date>", unique in the table, so running the
command again the same day (or two at once) queues nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain.enums import CaseStatus, Role
from shared.models import (
    Case,
    InformationRequest,
    LearningAction,
    OmbudsmanRecommendation,
    OmbudsmanReferral,
    OutboxMessage,
    User,
)
from shared.services import adjustments, outbox, restrictions
from shared.services.calendar import council_calendar
from shared.services.learning import FINISHED
from shared.services.notifications import link

DUE_SOON_WORKING_DAYS = 3
RECIPIENT_ROLES = (Role.OFFICER, Role.MANAGER, Role.RESPONDER)


@dataclass(frozen=True)
class Item:
    reference: str
    due_on: date
    url: str
    title: str = ""  # learning actions: their title (staff's own wording, never the complaint's)


@dataclass
class Digest:
    overdue: list[Item] = field(default_factory=list)
    due_soon: list[Item] = field(default_factory=list)
    information: list[Item] = field(default_factory=list)
    learning: list[Item] = field(default_factory=list)
    recommendations: list[Item] = field(default_factory=list)
    restrictions: list[Item] = field(default_factory=list)  # reviews due within 14 days or overdue
    team: dict | None = None

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_soon or self.information or self.learning or self.recommendations
                    or self.restrictions
                    or (self.team and any(self.team.values())))


@dataclass(frozen=True)
class Digested:
    messages: int
    skipped: int


def reference_for(user_id: int, on: date) -> str:
    return f"digest-{user_id}-{on:%Y%m%d}"


def build(on: date) -> dict[int, Digest]:
    """Every recipient's digest for the day `on`, from a fixed number of queries whatever the number of people."""
    soon = council_calendar().add(on, DUE_SOON_WORKING_DAYS)
    digests: dict[int, Digest] = defaultdict(Digest)
    open_statuses = [s for s in CaseStatus if s.is_open]

    cases = db.session.scalars(
        select(Case).where(Case.status.in_(open_statuses), Case.officer_id.is_not(None),
                           or_(Case.respond_by <= soon, Case.acknowledge_by <= soon))
    ).all()
    overdue_by_officer: dict[int, int] = defaultdict(int)
    for case in cases:
        due = case.next_date
        if due is None or due > soon:
            continue
        item = Item(case.reference, due, link("staff.case", reference=case.reference))
        if due < on:
            digests[case.officer_id].overdue.append(item)
            overdue_by_officer[case.officer_id] += 1
        else:
            digests[case.officer_id].due_soon.append(item)

    requests = db.session.scalars(
        select(InformationRequest).where(InformationRequest.answered_at.is_(None), InformationRequest.due_on <= soon)
        .options(joinedload(InformationRequest.case))
    ).all()
    responders = db.session.execute(
        select(User.id, User.service_id).where(User.role == Role.RESPONDER, User.service_id.is_not(None))
    ).all()
    by_service: dict[int, list[int]] = defaultdict(list)
    for user_id, service_id in responders:
        by_service[service_id].append(user_id)
    for request in requests:
        item = Item(request.case.reference, request.due_on, link("staff.information_request", request_id=request.id))
        for user_id in [request.responder_id] if request.responder_id else by_service.get(request.service_id, []):
            digests[user_id].information.append(item)
        if request.due_on < on:  # the officer who asked hears once it is late
            digests[request.requested_by_id].information.append(item)

    for action in db.session.scalars(
        select(LearningAction).where(LearningAction.status.not_in(FINISHED), LearningAction.due_on < on,
                                     LearningAction.owner_id.is_not(None))
    ):
        digests[action.owner_id].learning.append(
            Item("", action.due_on, link("staff.learning_action", action_id=action.id), action.title))

    recommendations = db.session.execute(
        select(OmbudsmanRecommendation, Case.reference, Case.officer_id, OmbudsmanReferral.id)
        .join(OmbudsmanReferral, OmbudsmanRecommendation.referral_id == OmbudsmanReferral.id)
        .join(Case, OmbudsmanReferral.case_id == Case.id)
        .where(OmbudsmanRecommendation.complied_on.is_(None), OmbudsmanRecommendation.due_on <= soon)
    ).all()
    team_recommendations = []
    for recommendation, reference, officer_id, referral_id in recommendations:
        item = Item(reference, recommendation.due_on, link("staff.ombudsman_referral", referral_id=referral_id))
        team_recommendations.append(item)
        if officer_id:
            digests[officer_id].recommendations.append(item)

    managers = db.session.scalars(select(User.id).where(User.role == Role.MANAGER)).all()

    # Restriction reviews: the named officer and the proposer, and every manager (who decide them).
    # The item names the restriction's number only: the digest is an email, the page says the rest.
    for due in restrictions.reviews_due(on):
        item = Item("", due.review_on, link("staff.restriction", restriction_id=due.restriction_id),
                    str(due.restriction_id))
        for user_id in {due.named_officer_id, due.proposed_by_id, *managers} - {None}:
            digests[user_id].restrictions.append(item)
    if managers:
        counts = dict(db.session.execute(
            select(Case.status, func.count()).where(Case.status.in_([CaseStatus.RECEIVED, CaseStatus.AWAITING_QUALITY_CHECK]))
            .group_by(Case.status)
        ).all())
        team = {
            "overdue": sum(overdue_by_officer.values()),
            "officers_overdue": len(overdue_by_officer),
            "awaiting_triage": counts.get(CaseStatus.RECEIVED, 0),
            "awaiting_check": counts.get(CaseStatus.AWAITING_QUALITY_CHECK, 0),
            "recommendations": len(team_recommendations),
            "adjustment_reviews": adjustments.count_due(on),
        }
        for manager_id in managers:
            digests[manager_id].team = team
    return digests


def send_digests(on: date | None = None) -> Digested:
    """Queue today's digest for every active officer, manager and responder with something in it."""
    on = on or to_london(utcnow()).date()
    digests = build(on)
    people = db.session.scalars(
        select(User).where(User.id.in_(list(digests)), User.role.in_(RECIPIENT_ROLES), User.disabled_at.is_(None),
                           User.closed_at.is_(None)).order_by(User.id)
    ).all()
    already = set(db.session.scalars(
        select(OutboxMessage.reference).where(OutboxMessage.reference.in_([reference_for(p.id, on) for p in people]))
    ))
    sent = skipped = 0
    for person in people:
        digest = digests[person.id]
        reference = reference_for(person.id, on)
        if not digest:
            continue
        if reference in already:
            skipped += 1
            continue
        try:
            with db.session.begin_nested():  # another run got there first: the unique reference says so
                outbox.queue("staff_digest", recipient=person.email, locale=person.locale or "en", user_id=person.id,
                             message_reference=reference, name=person.full_name, on=on, digest=digest,
                             tasks_url=link("staff.home"), adjustment_reviews_url=link("staff.adjustment_reviews"))
        except IntegrityError:
            skipped += 1
            continue
        sent += 1
    return Digested(sent, skipped)
