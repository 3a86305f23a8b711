"""Retention: removing the personal data from what the council has kept long enough, so that what is
left still counts in every report (docs/privacy.md has the rules).

- A case closed more than its procedure's period ago (shared/services/retention.py) loses the
  resident's details and every free text on it: what they told us, messages, responses' wording,
  notes and reasons in its events, information requests, the Ombudsman's recommendations' wording,
  the emails and letters about it; its files are deleted; its representatives and guest links go.
  What reports count stays: kind, service, procedure, stages and their dates and outcomes, events'
  types, dates and codes, reasons' categories, wards, channels, named employees, learning actions.
  A case the Ombudsman still has, or whose recommendations are outstanding, is held (`held`); so is
  one a complaints manager put on legal hold (`on_legal_hold`), and then the person's restrictions
  too. Their record stays while such a case is theirs, as it does for any case kept.
- A restriction that ended (lifted, expired or not approved) more than the longest period ago loses
  its behaviour, terms, notes and evidence; its category, types and dates stay.
- A resident's record with no case, representation or restriction left to keep, and no sign of
  life for the shortest period, loses their details, sessions, sign-in links, drafts and adjustments.

Each step works in batches of ids and calls `after_batch` (the CLI commits there), so a run at
200,000 cases holds no long transaction and a run cut short is finished by the next. Nothing is
deleted that a report reads. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import and_, case, delete, exists, func, or_, select, update

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import (
    CLOSED_STATUSES,
    STAFF_ROLES,
    MessageStatus,
    OmbudsmanDecision,
    RestrictionStatus,
    Role,
)
from shared.domain.retention import cutoff
from shared.models import (
    Adjustment,
    Case,
    CaseAccessLink,
    CaseEvent,
    CaseMessage,
    CaseRepresentative,
    CaseResponse,
    CaseStage,
    FeedbackDraft,
    InformationRequest,
    OmbudsmanRecommendation,
    OmbudsmanReferral,
    OutboxMessage,
    Restriction,
    Signpost,
    StoredFile,
    User,
    UserIdentity,
    UserSession,
)
from shared.services import audit, files, retention

BATCH = 500
ANONYMISED_NAME = "[anonymised]"
AUDIT_SUBJECT = "retention"

# Event details that are codes, ids, dates, counts or staff names (reports read "ground"); every
# other key (reasons, notes, message text, support notes) is free text and goes.
KEPT_EVENT_DETAILS = frozenset({
    "channel", "procedure", "procedure_version", "service", "points", "reason_detail", "vulnerable", "kind",
    "organisation", "duplicate_of", "ground", "respond_by", "handler", "escalation_ends", "from", "to", "stage",
    "code", "ombudsman", "asked_before", "for_someone_else", "support_needed", "consent", "hold_reason", "placed_at",
})
LIVE_RESTRICTIONS = (RestrictionStatus.PROPOSED, RestrictionStatus.ACTIVE)
# Outgoing messages still on their way keep their address; the rest lose it with the words.
_IN_FLIGHT = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.RETRYING)


@dataclass
class Counts:
    cases: int = 0
    restrictions: int = 0
    people: int = 0
    files: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# --- what is due --------------------------------------------------------------------------------


def held():
    """A case kept whatever its age: the Ombudsman has not decided, or a recommendation is not done."""
    outstanding = exists().where(OmbudsmanRecommendation.referral_id == OmbudsmanReferral.id,
                                 OmbudsmanRecommendation.complied_on.is_(None))
    return exists().where(OmbudsmanReferral.case_id == Case.id,
                          or_(OmbudsmanReferral.decision == OmbudsmanDecision.PENDING, outstanding))


def on_legal_hold():
    """A case a complaints manager has put on legal hold (shared/services/legal_holds.py)."""
    return Case.legal_hold_at.is_not(None)


def _kept_long_enough(now: datetime):
    """Closed before its procedure's cutoff (one query for the periods; procedures are few)."""
    by_procedure, default = retention.years_by_procedure()
    groups: dict[int, list[int]] = {}
    for procedure_id, years in by_procedure.items():
        groups.setdefault(years, []).append(procedure_id)
    conditions = [and_(Case.procedure_id.in_(ids), Case.closed_at < cutoff(now, years)) for years, ids in groups.items()]
    conditions.append(and_(Case.procedure_id.is_(None), Case.closed_at < cutoff(now, default)))
    return or_(*conditions)


def _due_cases(now: datetime):
    return (select(Case.id)
            .where(Case.anonymised_at.is_(None), Case.closed_at.is_not(None), Case.status.in_(CLOSED_STATUSES),
                   _kept_long_enough(now), ~held(), ~on_legal_hold())
            .order_by(Case.id))


def _restriction_cutoff(now: datetime) -> datetime:
    """A restriction spans the person's cases: it is kept as long as the longest of their periods."""
    by_procedure, default = retention.years_by_procedure()
    return cutoff(now, max([default, *by_procedure.values()]))


def _due_restrictions(now: datetime):
    before = _restriction_cutoff(now)
    ended = or_(
        and_(Restriction.status == RestrictionStatus.LIFTED, Restriction.lifted_at < before),
        and_(Restriction.status == RestrictionStatus.EXPIRED, Restriction.ends_on < before.date()),
        and_(Restriction.status == RestrictionStatus.REJECTED, Restriction.decided_at < before),
    )
    # A legal hold on one of the person's cases keeps what is about them too: a claim may turn on it.
    person_held = exists().where(Case.resident_id == Restriction.person_id, on_legal_hold())
    return (select(Restriction.id).where(Restriction.anonymised_at.is_(None), ended, ~person_held)
            .order_by(Restriction.id))


def _person_cutoff(now: datetime) -> datetime:
    by_procedure, default = retention.years_by_procedure()
    return cutoff(now, min([default, *by_procedure.values()]))


def nothing_left_to_keep():
    """No case (an anonymised one has no resident), representation or restriction still kept."""
    return and_(
        ~exists().where(Case.resident_id == User.id),
        ~exists().where(CaseRepresentative.representative_id == User.id),
        ~exists().where(Restriction.person_id == User.id, Restriction.anonymised_at.is_(None)),
    )


def _due_people(now: datetime):
    quiet_since = _person_cutoff(now)
    return (select(User.id)
            .where(User.role == Role.RESIDENT, User.anonymised_at.is_(None), User.created_at < quiet_since,
                   or_(User.last_sign_in_at.is_(None), User.last_sign_in_at < quiet_since),
                   ~exists().where(FeedbackDraft.user_id == User.id, FeedbackDraft.updated_at >= quiet_since),
                   nothing_left_to_keep())
            .order_by(User.id))


def due(now: datetime | None = None) -> Counts:
    """How many cases, restrictions and people a run now would anonymise (the dry run).

    People are counted as they stand: a run also anonymises those whose last case it anonymises."""
    now = now or utcnow()

    def count(statement) -> int:
        return db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0

    return Counts(cases=count(_due_cases(now)), restrictions=count(_due_restrictions(now)), people=count(_due_people(now)))


# --- the run ------------------------------------------------------------------------------------


def run(now: datetime | None = None, *, batch: int = BATCH, after_batch: Callable[[], None] = lambda: None,
        actor: User | None = None) -> Counts:
    """Anonymise everything due, batch by batch, and record the counts in the audit log."""
    now = now or utcnow()
    counts = Counts()
    steps = (("cases", _due_cases, Case.id, anonymise_cases),
             ("restrictions", _due_restrictions, Restriction.id, anonymise_restrictions),
             ("people", _due_people, User.id, anonymise_people))
    for field, find, id_column, apply in steps:
        last = 0  # keyset: each batch starts after the last, so none rescans what is done
        while ids := list(db.session.scalars(find(now).where(id_column > last).limit(batch))):
            last = ids[-1]
            stored_names = apply(ids, now)
            setattr(counts, field, getattr(counts, field) + len(ids))
            counts.files += len(stored_names)
            after_batch()
            _delete_bytes(stored_names)
    audit.record("retention.anonymised", actor=actor, subject_type=AUDIT_SUBJECT, **counts.as_dict())
    after_batch()
    return counts


def _delete_bytes(stored_names: Iterable[str]) -> None:
    """After the commit: a rolled-back batch keeps its files (an orphan is swept by housekeeping)."""
    directory = files.upload_dir()
    for name in stored_names:
        (directory / name).unlink(missing_ok=True)


def _update_by_id(model, rows: Sequence[dict]) -> None:
    """One executemany UPDATE of each row's columns, by its "id"."""
    if rows:
        db.session.execute(update(model), rows)


def _files_of(condition) -> list[str]:
    """Delete the rows of the files matching `condition`; return their stored names for `_delete_bytes`."""
    names = list(db.session.scalars(select(StoredFile.stored_name).where(condition)))
    if names:
        db.session.execute(delete(StoredFile).where(condition), execution_options={"synchronize_session": False})
    return names


def anonymise_cases(ids: list[int], now: datetime) -> list[str]:
    """Remove the personal data from these cases (closed, or being erased); return the files to delete."""
    in_cases = Case.id.in_(ids)
    db.session.execute(
        update(Case).where(in_cases).values(
            resident_id=None, entered_by_id=case((_not_staff(Case.entered_by_id), None), else_=Case.entered_by_id),
            what_happened="", outcome_wanted="", happened_on=None, contact_phone=None,
            contact_address=None, subject_name=None, subject_relationship=None, subject_address=None,
            vulnerability_note=None, support_note=None, closure_reason=None, submission_key=None, definition={},
            anonymised_at=now, updated_at=now, version=Case.version + 1,
        ).execution_options(synchronize_session=False)
    )
    _anonymise_events(ids)
    db.session.execute(update(CaseStage).where(CaseStage.case_id.in_(ids)).values(extension_reason=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(CaseMessage).where(CaseMessage.case_id.in_(ids)).values(body="")
                       .execution_options(synchronize_session=False))
    db.session.execute(update(CaseMessage).where(CaseMessage.case_id.in_(ids), _not_staff(CaseMessage.author_id))
                       .values(author_id=None).execution_options(synchronize_session=False))
    _anonymise_responses(ids)
    db.session.execute(update(InformationRequest).where(InformationRequest.case_id.in_(ids))
                       .values(question="", answer=case((InformationRequest.answer.is_(None), None), else_=""))
                       .execution_options(synchronize_session=False))
    referrals = select(OmbudsmanReferral.id).where(OmbudsmanReferral.case_id.in_(ids))
    db.session.execute(update(OmbudsmanRecommendation).where(OmbudsmanRecommendation.referral_id.in_(referrals))
                       .values(text="", evidence=None).execution_options(synchronize_session=False))
    _blank_outbox(OutboxMessage.case_id.in_(ids), unlink_person=True)
    db.session.execute(update(Signpost).where(Signpost.case_id.in_(ids)).values(person_id=None, draft_id=None)
                       .execution_options(synchronize_session=False))
    for table in (CaseRepresentative, CaseAccessLink):
        db.session.execute(delete(table).where(table.case_id.in_(ids)), execution_options={"synchronize_session": False})
    names = _files_of(StoredFile.case_id.in_(ids))
    db.session.expire_all()
    return names


def _anonymise_events(ids: list[int]) -> None:
    rows = []
    for event_id, details in db.session.execute(
        select(CaseEvent.id, CaseEvent.details).where(CaseEvent.case_id.in_(ids))
    ):
        kept = {key: value for key, value in (details or {}).items() if key in KEPT_EVENT_DETAILS}
        if kept != (details or {}):
            rows.append({"id": event_id, "details": kept})
    _update_by_id(CaseEvent, rows)
    db.session.execute(update(CaseEvent).where(CaseEvent.case_id.in_(ids), CaseEvent.on_behalf_of_id.is_not(None))
                       .values(on_behalf_of_id=None).execution_options(synchronize_session=False))
    # Who did what stays for staff (their names are the council's record); residents' and
    # representatives' own actions lose their name.
    db.session.execute(update(CaseEvent).where(CaseEvent.case_id.in_(ids), _not_staff(CaseEvent.actor_id))
                       .values(actor_id=None).execution_options(synchronize_session=False))


def _not_staff(column):
    """The row's person is a resident or councillor (a correlated lookup by primary key: an IN over
    every resident's id is slow at a large council's size)."""
    return exists().where(User.id == column, User.role.not_in(STAFF_ROLES))


def _anonymise_responses(ids: list[int]) -> None:
    """The letter goes; each point's finding, each remedy's kind and amount, each action's date stay."""
    rows = []
    for response_id, findings, remedies, actions in db.session.execute(
        select(CaseResponse.id, CaseResponse.findings, CaseResponse.remedies, CaseResponse.actions)
        .where(CaseResponse.case_id.in_(ids))
    ):
        rows.append({
            "id": response_id, "body": "", "check_comments": None,
            "findings": {point: {"finding": found.get("finding")} if isinstance(found, dict) else found
                         for point, found in (findings or {}).items()},
            "remedies": [{"kind": r.get("kind"), "amount_pence": r.get("amount_pence")}
                         for r in (remedies or []) if isinstance(r, dict)],
            "actions": [{"due": a.get("due")} for a in (actions or []) if isinstance(a, dict)],
        })
    _update_by_id(CaseResponse, rows)


def _blank_outbox(condition, *, unlink_person: bool = False) -> None:
    """Messages already delivered (or given up) lose their words and address; `unlink_person`: and
    whom they were for, so an anonymised case's messages no longer lead to its person."""
    values = {"recipient": "", "recipient_name": None, "subject": "", "body": "", "last_error": None}
    if unlink_person:
        values["user_id"] = None
    db.session.execute(
        update(OutboxMessage).where(condition, OutboxMessage.status.not_in(_IN_FLIGHT)).values(**values)
        .execution_options(synchronize_session=False)
    )


def anonymise_restrictions(ids: list[int], now: datetime) -> list[str]:
    letters = select(Restriction.letter_message_id).where(Restriction.id.in_(ids),
                                                          Restriction.letter_message_id.is_not(None))
    _blank_outbox(OutboxMessage.id.in_(letters))
    db.session.execute(
        update(Restriction).where(Restriction.id.in_(ids)).values(
            behaviour="", terms="", evidence={}, decision_note=None, lift_reason=None, anonymised_at=now,
        ).execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return []


def anonymise_people(ids: list[int], now: datetime) -> list[str]:
    """The person's row stays (cases' events and the audit log point at it) with nothing of them in it."""
    in_people = User.id.in_(ids)
    _blank_outbox(OutboxMessage.user_id.in_(ids))
    drafts = select(FeedbackDraft.id).where(FeedbackDraft.user_id.in_(ids))
    names = _files_of(StoredFile.draft_id.in_(drafts))
    db.session.execute(update(Signpost).where(Signpost.person_id.in_(ids)).values(person_id=None, draft_id=None)
                       .execution_options(synchronize_session=False))
    for table, column in ((FeedbackDraft, FeedbackDraft.user_id), (Adjustment, Adjustment.person_id),
                          (UserSession, UserSession.user_id), (UserIdentity, UserIdentity.user_id)):
        db.session.execute(delete(table).where(column.in_(ids)), execution_options={"synchronize_session": False})
    db.session.execute(
        update(User).where(in_people).values(
            full_name=ANONYMISED_NAME, email=None, phone=None, address=None, date_of_birth=None, password_hash=None,
            signs_in_elsewhere=False, preferred_contact=None, locale=None,
            closed_at=func.coalesce(User.closed_at, now), anonymised_at=now,
        ).execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return names

