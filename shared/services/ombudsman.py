"""Ombudsman enquiries about cases: their reference and dates, the decision, and recommendations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, and_, cast, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain.enums import EventType, LearningStatus, Ombudsman, OmbudsmanDecision
from shared.domain.transitions import GuardFailed, allowed_actions
from shared.models import (
    Case,
    LearningAction,
    OmbudsmanRecommendation,
    OmbudsmanReferral,
    Procedure,
    User,
    learning_action_cases,
)
from shared.services import engine
from shared.services.cases import Page

PAGE_SIZE = 25


def today() -> date:
    return to_london(utcnow()).date()


def is_overdue(recommendation: OmbudsmanRecommendation, on: date | None = None) -> bool:
    return recommendation.complied_on is None and recommendation.due_on < (on or today())


def default_ombudsman(case: Case) -> Ombudsman:
    """The Ombudsman of the case's procedure (LGSCO when the case has none recorded)."""
    if case.procedure_id is None:
        return Ombudsman.LGSCO
    found = db.session.scalar(select(Procedure.ombudsman).where(Procedure.id == case.procedure_id))
    return found if found is not None and found is not Ombudsman.NONE else Ombudsman.LGSCO


def record_enquiry(case: Case, actor: User, *, ombudsman: Ombudsman, their_reference: str, received_on: date,
                   information_due_on: date | None) -> tuple[OmbudsmanReferral, bool]:
    """Record the enquiry; if the engine allows it now, the case moves to "with the Ombudsman".

    Returns the referral and whether the case changed state. An enquiry can arrive at any time
    (the Ombudsman may take a case early), so a state that does not allow the action is not an error.
    """
    referral = OmbudsmanReferral(
        case_id=case.id, ombudsman=ombudsman, their_reference=their_reference.strip(), received_on=received_on,
        information_due_on=information_due_on, decision=OmbudsmanDecision.PENDING, created_at=utcnow(),
        created_by_id=actor.id,
    )
    db.session.add(referral)
    moved = False
    if EventType.REFERRED_TO_OMBUDSMAN in allowed_actions(case.status, actor.role):
        try:
            # The guard runs before anything changes, so a refusal leaves the case as it was.
            engine.perform(case, EventType.REFERRED_TO_OMBUDSMAN, actor, their_reference=referral.their_reference)
            moved = True
        except GuardFailed:
            moved = False
    db.session.flush()
    return referral, moved


def get(referral_id: int) -> tuple[OmbudsmanReferral, str] | None:
    """The referral with its recommendations, and its case's reference."""
    row = db.session.execute(
        select(OmbudsmanReferral, Case.reference)
        .join(Case, Case.id == OmbudsmanReferral.case_id)
        .where(OmbudsmanReferral.id == referral_id)
        .options(selectinload(OmbudsmanReferral.recommendations))
    ).first()
    return (row[0], row[1]) if row else None


def update(referral: OmbudsmanReferral, *, information_sent_on: date | None, decision: OmbudsmanDecision,
           decided_on: date | None) -> None:
    referral.information_sent_on = information_sent_on
    referral.decision = decision
    referral.decided_on = decided_on if decision is not OmbudsmanDecision.PENDING else None
    db.session.flush()


def add_recommendation(referral: OmbudsmanReferral, *, text: str, due_on: date) -> OmbudsmanRecommendation:
    recommendation = OmbudsmanRecommendation(referral_id=referral.id, text=text.strip(), due_on=due_on)
    db.session.add(recommendation)
    db.session.flush()
    return recommendation


def recommendation(referral: OmbudsmanReferral, recommendation_id: int) -> OmbudsmanRecommendation | None:
    return next((r for r in referral.recommendations if r.id == recommendation_id), None)


def comply(recommendation: OmbudsmanRecommendation, *, complied_on: date, evidence: str) -> None:
    recommendation.complied_on = complied_on
    recommendation.evidence = evidence.strip()
    db.session.flush()


@dataclass(frozen=True)
class ReferralRow:
    id: int
    reference: str
    ombudsman: Ombudsman
    their_reference: str
    received_on: date
    decision: OmbudsmanDecision
    open_recommendations: int
    overdue_recommendations: int


def _counts(on: date):
    """Open and overdue recommendation counts per referral, as a subquery."""
    open_ = OmbudsmanRecommendation.complied_on.is_(None)
    return (
        select(
            OmbudsmanRecommendation.referral_id.label("referral_id"),
            func.count().filter(open_).label("open"),
            func.count().filter(and_(open_, OmbudsmanRecommendation.due_on < on)).label("overdue"),
        )
        .group_by(OmbudsmanRecommendation.referral_id)
        .subquery()
    )


def find(page: int = 1) -> Page:
    """Referrals newest first with their decision and recommendation counts: one query and a count."""
    total = db.session.scalar(select(func.count()).select_from(OmbudsmanReferral)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    counts = _counts(today())
    rows = db.session.execute(
        select(OmbudsmanReferral.id, Case.reference, OmbudsmanReferral.ombudsman, OmbudsmanReferral.their_reference,
               OmbudsmanReferral.received_on, OmbudsmanReferral.decision,
               func.coalesce(counts.c.open, 0), func.coalesce(counts.c.overdue, 0))
        .join(Case, Case.id == OmbudsmanReferral.case_id)
        .outerjoin(counts, counts.c.referral_id == OmbudsmanReferral.id)
        .order_by(OmbudsmanReferral.received_on.desc(), OmbudsmanReferral.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page([ReferralRow(*row) for row in rows], total, page, PAGE_SIZE)


@dataclass(frozen=True)
class PanelRow:
    """One line of the case page's follow-up panel: a linked learning action or an Ombudsman referral."""

    kind: str  # "learning" or "ombudsman"
    id: int
    title: str
    status: str  # LearningStatus or OmbudsmanDecision value
    due_on: date | None
    open_recommendations: int
    overdue_recommendations: int

    @property
    def learning_status(self) -> LearningStatus:
        return LearningStatus(self.status)

    @property
    def decision(self) -> OmbudsmanDecision:
        return OmbudsmanDecision(self.status)


def case_followup(case: Case) -> list[PanelRow]:
    """Linked learning actions and Ombudsman referrals for a case, in ONE query (the case page's budget)."""
    on = today()
    learning = (
        select(literal("learning").label("kind"), LearningAction.id, LearningAction.title.label("title"),
               cast(LearningAction.status, String(30)).label("status"), LearningAction.due_on.label("due_on"),
               literal(0).label("open"), literal(0).label("overdue"))
        .join(learning_action_cases, learning_action_cases.c.learning_action_id == LearningAction.id)
        .where(learning_action_cases.c.case_id == case.id)
    )
    open_ = OmbudsmanRecommendation.complied_on.is_(None)
    referrals = (
        select(literal("ombudsman"), OmbudsmanReferral.id, OmbudsmanReferral.their_reference,
               cast(OmbudsmanReferral.decision, String(30)), OmbudsmanReferral.information_due_on,
               func.count(OmbudsmanRecommendation.id).filter(open_),
               func.count(OmbudsmanRecommendation.id).filter(and_(open_, OmbudsmanRecommendation.due_on < on)))
        .outerjoin(OmbudsmanRecommendation, OmbudsmanRecommendation.referral_id == OmbudsmanReferral.id)
        .where(OmbudsmanReferral.case_id == case.id)
        .group_by(OmbudsmanReferral.id, OmbudsmanReferral.their_reference, OmbudsmanReferral.decision,
                  OmbudsmanReferral.information_due_on)
    )
    rows = db.session.execute(union_all(learning, referrals).order_by("kind", "id")).all()
    return [PanelRow(*row) for row in rows]
