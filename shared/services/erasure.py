"""Erasing a person on request (UK GDPR Article 17), where the law allows: the facts that decide it
(shared/domain/erasure.py has the rules), and the erasure itself, which anonymises their cases and
record as the retention job does (shared/services/anonymise.py) and keeps the rows reports count.
Audited with the ground and the manager's note. Nothing here commits.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import joinedload

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import CLOSED_STATUSES, RefusalGround
from shared.domain.erasure import ErasureBar, ErasureGround, Facts, bars
from shared.models import Case, CaseEvent, CaseRepresentative, Restriction, User
from shared.services import anonymise, audit, files


class Refused(Exception):
    def __init__(self, found: list[ErasureBar]) -> None:
        super().__init__(", ".join(found))
        self.bars = found


def _theirs(person_id: int):
    """Cases they raised, or are named on to act for someone."""
    represented = select(CaseRepresentative.case_id).where(CaseRepresentative.representative_id == person_id)
    return or_(Case.resident_id == person_id, Case.id.in_(represented))


def _legal_proceedings():
    return select(CaseEvent.case_id).where(CaseEvent.details["ground"].as_string() == RefusalGround.LEGAL_PROCEEDINGS.value)


def facts(person: User) -> Facts:
    """What decides whether the person may be erased now (one query)."""
    def count(*conditions):
        return select(func.count(Case.id)).where(_theirs(person.id), *conditions).scalar_subquery()

    open_cases, held, placed, live = db.session.execute(
        select(
            count(Case.status.not_in(CLOSED_STATUSES)),
            count(or_(anonymise.held(), Case.id.in_(_legal_proceedings()))),
            count(anonymise.on_legal_hold()),
            select(func.count(Restriction.id)).where(Restriction.person_id == person.id,
                                                     Restriction.status.in_(anonymise.LIVE_RESTRICTIONS))
            .scalar_subquery(),
        )
    ).one()
    return Facts(open_cases=open_cases, live_restrictions=live, held_cases=held, placed_holds=placed,
                 anonymised=person.anonymised_at is not None)


def refusals(person: User) -> list[ErasureBar]:
    return bars(facts(person))


def placed_holds(person: User) -> list[Case]:
    """Their cases a manager has put on legal hold, with who did: what the refusal names (one query)."""
    return list(db.session.scalars(
        select(Case).where(_theirs(person.id), anonymise.on_legal_hold())
        .options(joinedload(Case.legal_hold_by)).order_by(Case.legal_hold_at, Case.id)
    ))


def erase(person: User, *, ground: ErasureGround, note: str, actor: User) -> anonymise.Counts:
    """Anonymise everything of the person's now, whatever its retention period, or raise Refused."""
    found = refusals(person)
    if found:
        raise Refused(found)
    now = utcnow()
    counts = anonymise.Counts(people=1)
    case_ids = list(db.session.scalars(select(Case.id).where(Case.resident_id == person.id)))
    stored_names = anonymise.anonymise_cases(case_ids, now) if case_ids else []
    counts.cases = len(case_ids)
    # Named on someone else's closed case: that case stays its resident's; the link to this person goes.
    db.session.execute(delete(CaseRepresentative).where(CaseRepresentative.representative_id == person.id),
                       execution_options={"synchronize_session": False})
    restriction_ids = list(db.session.scalars(
        select(Restriction.id).where(Restriction.person_id == person.id, Restriction.anonymised_at.is_(None))))
    if restriction_ids:
        anonymise.anonymise_restrictions(restriction_ids, now)
    counts.restrictions = len(restriction_ids)
    stored_names += anonymise.anonymise_people([person.id], now)
    counts.files = len(stored_names)
    audit.record("customer.erased", actor=actor, subject_type="customer", subject_id=person.id, person_id=person.id,
                 ground=ground.value, note=note.strip(), **{k: v for k, v in counts.as_dict().items() if k != "people"})
    directory = files.upload_dir()
    for name in stored_names:  # as files.remove does: the rows are gone in this transaction
        (directory / name).unlink(missing_ok=True)
    return counts
