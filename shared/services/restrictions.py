"""Unreasonable-behaviour restrictions: proposing one with its evidence, a manager's decision, the
letter that tells the person, reviews, lifting, and ending on the end date; and the reads the
back office needs (the decision page's context, the lists, the flag on case lists).

Every change is audited (shared/services/audit.py) in the same transaction. The rules are in
shared/domain/restrictions.py; who sees what in shared/domain/policy.py.

How the person is told is in shared/services/restriction_letters.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from shared.clock import utcnow
from shared.db import db
from shared.domain import restrictions as rules
from shared.domain.enums import MessageDirection, RestrictionStatus, RestrictionType, Role
from shared.domain.restrictions import Proposal, RestrictionInvalid, RestrictionRefused
from shared.models import Adjustment, AuditEvent, Case, CaseEvent, CaseMessage, OutboxMessage, Restriction, User
from shared.services import audit
from shared.services.case_progress import today
from shared.services.restriction_letters import send_letter

LIST_LIMIT = 100
EVIDENCE_LIMIT = 60  # of each kind, newest first: enough to choose from, a page that still loads fast
# Events worth offering as evidence: contacts, and the notes where staff record calls and visits.
EVIDENCE_EVENTS = ("received", "note_added", "escalation_requested", "reopened")


# --- reading ----------------------------------------------------------------------------------------


def in_force_clause(on: date, table=Restriction):
    """SQL for "applies on `on`", the same rule as rules.in_force (`table`: Restriction or an alias)."""
    return and_(
        table.status == RestrictionStatus.ACTIVE,
        table.lifted_at.is_(None),
        table.starts_on <= on,
        or_(table.ends_on.is_(None), table.ends_on >= on),
    )


def restricted_exists(person_id_column, on: date | None = None):
    """An EXISTS column for case lists: whether the row's person has a restriction in force."""
    return exists().where(Restriction.person_id == person_id_column, in_force_clause(on or today()))


def get(restriction_id: int) -> Restriction | None:
    return db.session.scalar(
        select(Restriction).where(Restriction.id == restriction_id)
        .options(joinedload(Restriction.person), joinedload(Restriction.named_officer))
    )


def in_force_for(person_id: int, on: date | None = None) -> Restriction | None:
    return db.session.scalar(
        select(Restriction).where(Restriction.person_id == person_id, in_force_clause(on or today()))
        .options(joinedload(Restriction.named_officer)).order_by(Restriction.id.desc()).limit(1)
    )


def waiting_for(person_id: int) -> list[Restriction]:
    """Proposals for this person not yet decided."""
    return list(db.session.scalars(
        select(Restriction).where(Restriction.person_id == person_id, Restriction.status == RestrictionStatus.PROPOSED)
        .order_by(Restriction.proposed_at)
    ))


@dataclass(frozen=True)
class EvidenceEvent:
    event: CaseEvent
    reference: str


@dataclass(frozen=True)
class EvidenceMessage:
    message: CaseMessage
    reference: str


@dataclass
class Evidence:
    events: list[EvidenceEvent] = field(default_factory=list)
    messages: list[EvidenceMessage] = field(default_factory=list)


def evidence_options(person_id: int) -> Evidence:
    """The person's contacts and recorded calls, and their messages to us, across all their cases
    (two queries, newest first)."""
    events = db.session.execute(
        select(CaseEvent, Case.reference).join(Case, Case.id == CaseEvent.case_id)
        .where(Case.resident_id == person_id, CaseEvent.type.in_(EVIDENCE_EVENTS))
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()).limit(EVIDENCE_LIMIT)
    ).all()
    messages = db.session.execute(
        select(CaseMessage, Case.reference).join(Case, Case.id == CaseMessage.case_id)
        .where(Case.resident_id == person_id, CaseMessage.direction == MessageDirection.IN)
        .order_by(CaseMessage.created_at.desc(), CaseMessage.id.desc()).limit(EVIDENCE_LIMIT)
    ).all()
    return Evidence([EvidenceEvent(e, r) for e, r in events], [EvidenceMessage(m, r) for m, r in messages])


def chosen_evidence(restriction: Restriction) -> Evidence:
    """The evidence the proposal points at, as it is now (two queries)."""
    chosen = restriction.evidence or {}
    event_ids = [int(i) for i in chosen.get("events", [])]
    message_ids = [int(i) for i in chosen.get("messages", [])]
    found = Evidence()
    if event_ids:
        found.events = [EvidenceEvent(e, r) for e, r in db.session.execute(
            select(CaseEvent, Case.reference).join(Case, Case.id == CaseEvent.case_id)
            .where(CaseEvent.id.in_(event_ids)).order_by(CaseEvent.at, CaseEvent.id))]
    if message_ids:
        found.messages = [EvidenceMessage(m, r) for m, r in db.session.execute(
            select(CaseMessage, Case.reference).join(Case, Case.id == CaseMessage.case_id)
            .where(CaseMessage.id.in_(message_ids)).order_by(CaseMessage.created_at, CaseMessage.id))]
    return found


def named_officer_options() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role.in_([Role.OFFICER, Role.MANAGER]), User.disabled_at.is_(None),
                           User.closed_at.is_(None)).order_by(User.full_name, User.id)
    ))


@dataclass
class DecisionContext:
    """What the manager weighs next to the proposal."""

    adjustments: list[Adjustment]
    vulnerable_cases: list[Case]
    evidence: Evidence
    history: list[AuditEvent]


def decision_context(restriction: Restriction) -> DecisionContext:
    """The person's current adjustments, their cases flagged vulnerable, the chosen evidence and the
    restriction's audit trail (at most five queries)."""
    adjustments = list(db.session.scalars(
        select(Adjustment).where(Adjustment.person_id == restriction.person_id, Adjustment.ended_at.is_(None))
        .order_by(Adjustment.recorded_at, Adjustment.id)
    ))
    vulnerable = list(db.session.scalars(
        select(Case).where(Case.resident_id == restriction.person_id, Case.vulnerable.is_(True))
        .order_by(Case.received_at.desc()).limit(LIST_LIMIT)
    ))
    return DecisionContext(adjustments, vulnerable, chosen_evidence(restriction),
                           audit.for_subject("restriction", restriction.id))


@dataclass
class Lists:
    proposed: list[Restriction]
    in_force: list[Restriction]
    ended: list[Restriction]


def lists(on: date | None = None) -> Lists:
    """Proposals waiting, restrictions in force (soonest review first), and the most recently ended."""
    on = on or today()
    options = (joinedload(Restriction.person), joinedload(Restriction.named_officer))
    proposed = db.session.scalars(
        select(Restriction).where(Restriction.status == RestrictionStatus.PROPOSED).options(*options)
        .order_by(Restriction.proposed_at).limit(LIST_LIMIT)).all()
    in_force = db.session.scalars(
        select(Restriction).where(in_force_clause(on)).options(*options)
        .order_by(Restriction.review_on, Restriction.id).limit(LIST_LIMIT)).all()
    ended = db.session.scalars(
        select(Restriction).where(Restriction.status != RestrictionStatus.PROPOSED, ~in_force_clause(on))
        .options(*options).order_by(Restriction.id.desc()).limit(LIST_LIMIT)).all()
    return Lists(list(proposed), list(in_force), list(ended))


# --- proposing and deciding ------------------------------------------------------------------------


def _check_named_officer(officer_id: int | None) -> None:
    if officer_id is None:
        return
    officer = db.session.get(User, officer_id)
    if officer is None or not officer.is_active or officer.role not in (Role.OFFICER, Role.MANAGER):
        raise RestrictionInvalid("named_officer", _l("Choose an officer or manager who can be the named officer"))


def propose(case: Case, actor: User, proposal: Proposal, *, ends_on: date | None = None) -> Restriction:
    """Record a proposal for the person of `case`, with the evidence chosen from what they were
    offered, and the end date proposed (the manager sets the dates when deciding)."""
    if not rules.may_propose(actor.role):
        raise RestrictionRefused(_l("Only officers and managers may propose a restriction."))
    if case.resident_id is None:
        raise RestrictionRefused(_l("This case has no person recorded, so there is nobody to restrict."))
    rules.check_proposal(proposal)
    _check_named_officer(proposal.named_officer_id)
    offered = evidence_options(case.resident_id)
    events = rules.only_known(proposal.event_ids, {item.event.id for item in offered.events})
    messages = rules.only_known(proposal.message_ids, {item.message.id for item in offered.messages})
    if not events and not messages:
        raise RestrictionInvalid("events", _l("Choose at least one event or message as evidence"))
    restriction = Restriction(
        person_id=case.resident_id,
        case_id=case.id,
        status=RestrictionStatus.PROPOSED,
        category=proposal.category,
        types=[t.value for t in proposal.types],
        behaviour=proposal.behaviour.strip(),
        terms=proposal.terms.strip(),
        named_officer_id=proposal.named_officer_id,
        evidence={"events": list(events), "messages": list(messages)},
        proposed_by_id=actor.id,
        proposed_at=utcnow(),
        ends_on=ends_on,
    )
    db.session.add(restriction)
    db.session.flush()
    audit.record("restriction.proposed", actor=actor, subject_type="restriction", subject_id=restriction.id,
                 person_id=restriction.person_id, case_reference=case.reference,
                 types=restriction.types, category=restriction.category.value)
    return restriction


def check_may_decide(restriction: Restriction, actor: User) -> None:
    if restriction.status is not RestrictionStatus.PROPOSED:
        raise RestrictionRefused(_l("This restriction has already been decided."))
    if not rules.may_decide(actor.role, actor.id, restriction.proposed_by_id):
        raise RestrictionRefused(_l("A manager who did not propose the restriction must decide it."))


def decide(restriction: Restriction, actor: User, *, approve: bool, note: str | None,
           review_on: date | None = None, ends_on: date | None = None) -> OutboxMessage | None:
    """Approve (with review and end dates; the person is written to) or reject (with a note)."""
    check_may_decide(restriction, actor)
    on = today()
    note = (note or "").strip() or None
    letter = None
    if approve:
        rules.check_dates(review_on, ends_on, on)
        restriction.status = RestrictionStatus.ACTIVE
        restriction.starts_on, restriction.review_on, restriction.ends_on = on, review_on, ends_on
    else:
        if note is None:
            raise RestrictionInvalid("note", _l("Say why the restriction is not approved"))
        restriction.status = RestrictionStatus.REJECTED
    restriction.decided_by_id, restriction.decided_at, restriction.decision_note = actor.id, utcnow(), note
    db.session.flush()
    if approve:
        letter = send_letter(restriction, "restriction_decided")
    audit.record("restriction.decided", actor=actor, subject_type="restriction", subject_id=restriction.id,
                 person_id=restriction.person_id, decision="approved" if approve else "rejected",
                 review_on=review_on.isoformat() if review_on else None,
                 ends_on=ends_on.isoformat() if ends_on else None, letter_message_id=letter.id if letter else None)
    return letter


# --- reviewing, varying, lifting, ending ---------------------------------------------------------------


def _may_review(restriction: Restriction, actor: User) -> None:
    if actor.role not in rules.DECIDER_ROLES:
        raise RestrictionRefused(_l("Only a manager may review a restriction."))
    if not rules.in_force(restriction, today()):
        raise RestrictionRefused(_l("This restriction no longer applies, so it cannot be reviewed."))


def continue_after_review(restriction: Restriction, actor: User, *, review_on: date | None, note: str | None) -> None:
    """Reviewed and kept as it is until the next review (the end date stays)."""
    _may_review(restriction, actor)
    rules.check_dates(review_on, restriction.ends_on, today())
    restriction.review_on, restriction.reviewed_at = review_on, utcnow()
    db.session.flush()
    audit.record("restriction.reviewed", actor=actor, subject_type="restriction", subject_id=restriction.id,
                 person_id=restriction.person_id, outcome="continued", review_on=review_on.isoformat(),
                 note=(note or "").strip() or None)


def vary(restriction: Restriction, actor: User, *, types: tuple[RestrictionType, ...], terms: str,
         named_officer_id: int | None, review_on: date | None, ends_on: date | None,
         note: str | None) -> OutboxMessage | None:
    """Change what the restriction asks and its dates; the person is written to again."""
    _may_review(restriction, actor)
    rules.check_terms(types, terms, named_officer_id)
    _check_named_officer(named_officer_id)
    rules.check_dates(review_on, ends_on, today())
    before = {"types": list(restriction.types), "terms": restriction.terms, "named_officer_id": restriction.named_officer_id,
              "review_on": restriction.review_on.isoformat() if restriction.review_on else None,
              "ends_on": restriction.ends_on.isoformat() if restriction.ends_on else None}
    restriction.types = [t.value for t in types]
    restriction.terms = terms.strip()
    restriction.named_officer_id = named_officer_id
    restriction.review_on, restriction.ends_on, restriction.reviewed_at = review_on, ends_on, utcnow()
    db.session.flush()
    letter = send_letter(restriction, "restriction_decided", varied=True)
    audit.record("restriction.reviewed", actor=actor, subject_type="restriction", subject_id=restriction.id,
                 person_id=restriction.person_id, outcome="varied", before=before, note=(note or "").strip() or None,
                 letter_message_id=letter.id if letter else None)
    return letter


def lift(restriction: Restriction, actor: User, *, reason: str | None) -> OutboxMessage | None:
    _may_review(restriction, actor)
    reason = (reason or "").strip()
    if not reason:
        raise RestrictionInvalid("note", _l("Say why the restriction is being lifted"))
    now = utcnow()
    restriction.status = RestrictionStatus.LIFTED
    restriction.lifted_at, restriction.lifted_by_id, restriction.lift_reason = now, actor.id, reason
    restriction.reviewed_at = now
    db.session.flush()
    letter = send_letter(restriction, "restriction_lifted")
    audit.record("restriction.lifted", actor=actor, subject_type="restriction", subject_id=restriction.id,
                 person_id=restriction.person_id, reason=reason, letter_message_id=letter.id if letter else None)
    return letter


def expire_ended(on: date | None = None) -> int:
    """Mark restrictions past their end date as ended (they stopped applying already; this records it)."""
    on = on or today()
    ended = db.session.scalars(
        select(Restriction).where(Restriction.status == RestrictionStatus.ACTIVE, Restriction.ends_on < on)
        .order_by(Restriction.id)
    ).all()
    for restriction in ended:
        restriction.status = RestrictionStatus.EXPIRED
        audit.record("restriction.expired", actor=None, subject_type="restriction", subject_id=restriction.id,
                     person_id=restriction.person_id, ends_on=restriction.ends_on.isoformat())
    db.session.flush()
    return len(ended)


@dataclass(frozen=True)
class ReviewDue:
    restriction_id: int
    review_on: date
    named_officer_id: int | None
    proposed_by_id: int


def reviews_due(on: date) -> list[ReviewDue]:
    """Restrictions in force whose review is within REVIEW_REMINDER_DAYS or overdue (one query)."""
    rows = db.session.execute(
        select(Restriction.id, Restriction.review_on, Restriction.named_officer_id, Restriction.proposed_by_id)
        .where(in_force_clause(on), Restriction.review_on <= on + timedelta(days=rules.REVIEW_REMINDER_DAYS))
        .order_by(Restriction.review_on, Restriction.id)
    ).all()
    return [ReviewDue(*row) for row in rows]
