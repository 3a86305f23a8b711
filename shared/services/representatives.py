"""Representatives named on a case: who they are, naming one (finding or making their record and
inviting them), withdrawing consent, and the one question every case read asks: does this person
represent this case now?

Access follows the consent record on every request: nothing is cached, so withdrawing consent ends
a representative's access on their next request.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import ConsentMethod, RepresentativeKind, Role
from shared.domain.policy import REPRESENTATIVE_ROLES
from shared.models import Case, CaseRepresentative, User


class RepresentativeError(Exception):
    """Something about naming a representative that the member of staff must fix (a form field and a message)."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


# Representation that belongs to the office, not the person: it lapses if they lose the role.
COUNCILLOR_KINDS = frozenset({RepresentativeKind.COUNCILLOR, RepresentativeKind.MP_OFFICE})


def active_clause(user: User, case_id_column=None):
    """SQL: `user` is named on the case (CaseRepresentative.case_id, or `case_id_column`) with
    consent standing, in a capacity their role still holds (a councillor who is no longer one does
    not keep a councillor's access as a resident)."""
    clause = (CaseRepresentative.representative_id == user.id) & CaseRepresentative.withdrawn_at.is_(None)
    if user.role is not Role.COUNCILLOR:
        clause = clause & CaseRepresentative.kind.not_in(COUNCILLOR_KINDS)
    if case_id_column is not None:
        clause = clause & (CaseRepresentative.case_id == case_id_column)
    return clause


def represents_exists(user: User, case_id_column=None):
    """An EXISTS column: `user` represents the case in `case_id_column` (Case.id by default) now."""
    return exists().where(active_clause(user, Case.id if case_id_column is None else case_id_column))


def represented_case_ids(user: User):
    """A subquery of the ids of the cases this user represents now."""
    return select(CaseRepresentative.case_id).where(active_clause(user))


def represents(user: User | None, case: Case) -> bool:
    """Whether `user` is named on `case` with consent standing (one query; False for anyone not in a
    representative role, without asking)."""
    if user is None or user.role not in REPRESENTATIVE_ROLES or case.id is None:
        return False
    return bool(db.session.scalar(select(exists().where(active_clause(user, case.id)))))


def remember(case_id: int, rows: list[CaseRepresentative]) -> None:
    """Keep the representatives a page already loaded with its case (shared/services/case_page.py),
    so the case page's panel needs no query of its own; for this request only."""
    from flask import g, has_app_context

    if has_app_context():
        g.setdefault("case_representatives", {})[case_id] = rows


def active_for_case(case_id: int) -> list[CaseRepresentative]:
    """The case's representatives with consent standing, each with their person (one query, or
    none if this request's case page loaded them)."""
    from flask import g, has_app_context

    if has_app_context() and case_id in g.get("case_representatives", {}):
        return g.case_representatives[case_id]
    return list(
        db.session.scalars(
            select(CaseRepresentative)
            .where(CaseRepresentative.case_id == case_id, CaseRepresentative.withdrawn_at.is_(None))
            .options(joinedload(CaseRepresentative.representative))
            .order_by(CaseRepresentative.recorded_at, CaseRepresentative.id)
        )
    )


def standing(row: CaseRepresentative) -> bool:
    """`active_clause` for a loaded row: consent standing, in a capacity the person's role still holds."""
    if row.withdrawn_at is not None:
        return False
    return row.kind not in COUNCILLOR_KINDS or row.representative.role is Role.COUNCILLOR


def all_on_case(case: Case) -> list[CaseRepresentative]:
    """Everyone ever named on the case, with their person: as loaded with the case by the case
    lookups (no query), or one query for a case loaded some other way."""
    if "representatives" not in sa_inspect(case).unloaded:
        return list(case.representatives)
    rows = list(db.session.scalars(
        select(CaseRepresentative).where(CaseRepresentative.case_id == case.id)
        .options(joinedload(CaseRepresentative.representative)).order_by(CaseRepresentative.id)
    ))
    set_committed_value(case, "representatives", rows)
    return rows


def active_on(case: Case) -> list[CaseRepresentative]:
    """`active_for_case` from the rows loaded with the case (no query when the lookup loaded them)."""
    return [row for row in all_on_case(case) if row.withdrawn_at is None]


def to_tell(case: Case) -> list[User]:
    """Who hears of an update on the case besides its person: exactly those who may see it as its
    representatives now (consent standing, in a capacity their role holds), active and with an
    email address, once each. A councillor who raised a case is named on it (member enquiries);
    who entered a case says nothing, so withdrawing a councillor's consent stops their updates.
    No query when the case came with its representatives (the case lookups load them)."""
    told: dict[int, User] = {}
    for row in all_on_case(case):
        person = row.representative
        if standing(row) and person.is_active and person.email and person.id != case.resident_id:
            told.setdefault(person.id, person)
    return list(told.values())


def get_active(case_id: int, representative_row_id: int) -> CaseRepresentative | None:
    return db.session.scalar(
        select(CaseRepresentative)
        .where(CaseRepresentative.id == representative_row_id, CaseRepresentative.case_id == case_id,
               CaseRepresentative.withdrawn_at.is_(None))
        .options(joinedload(CaseRepresentative.representative))
    )


def first_name(full_name: str | None) -> str:
    """How a representative sees the person they act for: the first name only."""
    return (full_name or "").strip().split(" ")[0]


def name_on_case(case: Case, person: User, *, kind: RepresentativeKind, consent: ConsentMethod, note: str | None,
                 actor: User) -> CaseRepresentative:
    """Record `person` as acting for the case's resident (no audit or mail: the callers say why)."""
    row = CaseRepresentative(case_id=case.id, representative=person, kind=kind, consent=consent,
                             consent_note=(note or "").strip() or None, recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(row)
    db.session.flush()
    if "representatives" not in sa_inspect(case).unloaded:  # loaded with the case: keep it whole
        set_committed_value(case, "representatives", [*case.representatives, row])
    return row


@dataclass(frozen=True)
class NewRepresentative:
    email: str
    full_name: str
    kind: RepresentativeKind
    consent: ConsentMethod
    note: str | None


def _person_for(given: NewRepresentative) -> tuple[User, bool]:
    """The person with this email address (a resident or a councillor), or a new resident's record
    without a password; and whether it is new."""
    from shared.services import accounts  # accounts needs the outbox, which needs cases: imported late

    found = accounts.find_by_email(given.email)
    if found is not None:
        if found.role not in REPRESENTATIVE_ROLES:
            from flask_babel import lazy_gettext as _l

            raise RepresentativeError("email", _l("This email address belongs to a council staff account. "
                                                  "Enter the representative's own email address"))
        return found, False
    # A new record is always a resident's: a councillor's account is made by an administrator, never
    # from a case page.
    person = User(email=given.email.strip().lower(), full_name=given.full_name.strip(), role=Role.RESIDENT,
                  password_hash=None)
    try:
        with db.session.begin_nested():
            db.session.add(person)
    except IntegrityError:  # the same address added twice at once: use the record the other made
        return _person_for(given)
    return person, True


def add(case: Case, given: NewRepresentative, *, actor: User) -> CaseRepresentative:
    """Name a representative on the case (staff), audit it, and invite them: a link to finish their
    account for a record without a password, or word that they can now see the case."""
    from flask_babel import lazy_gettext as _l

    from shared.services import audit

    person, created = _person_for(given)
    if person.id == case.resident_id:
        raise RepresentativeError("email", _l("This is the person the case is about. Enter their representative's email address"))
    if given.kind in COUNCILLOR_KINDS and person.role is not Role.COUNCILLOR:
        raise RepresentativeError("kind", _l("This person does not have a councillor's account. "
                                             "Choose another kind of representative"))
    if represents(person, case):
        raise RepresentativeError("email", _l("This person is already a representative on this case"))
    row = name_on_case(case, person, kind=given.kind, consent=given.consent, note=given.note, actor=actor)
    audit.record("representative.added", actor=actor, subject_type="case", subject_id=case.id,
                 person_id=case.resident_id, representative_id=person.id, kind=given.kind.value,
                 consent=given.consent.value, new_record=created)
    _invite(case, person)
    return row


def _invite(case: Case, person: User) -> None:
    """Tell the representative they are named on the case: with a link to choose a password first
    for a record without one (their first sign-in leads to "Your cases", where the case is listed)."""
    from shared.services import accounts, notifications, outbox

    if not person.is_active or not person.email:
        return
    finish_url = None if person.has_account else accounts.finish_account_url(person)  # the guest's link
    outbox.queue("representative_invited", recipient=person.email, locale=person.locale or "en",
                 user_id=person.id, case_id=case.id, name=person.full_name, reference=case.reference,
                 finish_url=finish_url, case_url=notifications.link("portal.case", reference=case.reference))


def withdraw(row: CaseRepresentative, *, actor: User, reason: str | None = None) -> None:
    """Consent withdrawn: the representative's access ends at their next request."""
    from shared.services import audit

    row.withdrawn_at = utcnow()
    row.withdrawn_by_id = actor.id
    db.session.flush()
    case_id = row.case_id
    resident_id = db.session.scalar(select(Case.resident_id).where(Case.id == case_id))
    audit.record("representative.withdrawn", actor=actor, subject_type="case", subject_id=case_id,
                 person_id=resident_id, representative_id=row.representative_id,
                 **({"reason": reason.strip()} if reason and reason.strip() else {}))
