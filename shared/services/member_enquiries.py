"""Member enquiries: a councillor logging one for a constituent (with a server-side draft for the
check-answers page), their own list, and the complaint counts for their ward.

A councillor must never learn whether the person they type in is already known to the council or
has other cases (no duplicate-detection oracle): the constituent is found or made silently, the
same work is done and the same pages shown either way, and everything shown back comes from what
the councillor typed or from this enquiry, never from the person's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from shared.clock import LONDON, utcnow
from shared.db import db
from shared.domain.enums import CaseKind, Channel, ConsentMethod, ContactMethod, RepresentativeKind, Role
from shared.models import Case, CaseRepresentative, FeedbackDraft, Service, User, Ward
from shared.services import audit, engine, representatives
from shared.services.case_progress import today

PROCEDURE = "member-enquiry"
PAGE_SIZE = 50
SMALL_NUMBER = 5  # counts below this are shown as "fewer than 5", so that nobody can be picked out


# --- the draft behind the check-answers page ----------------------------------------------------------


def draft_for(councillor: User) -> FeedbackDraft | None:
    """The councillor's unfinished enquiry, kept on the server (a cookie is no place for a constituent's details)."""
    return db.session.scalar(
        select(FeedbackDraft)
        .where(FeedbackDraft.user_id == councillor.id, FeedbackDraft.kind == CaseKind.MEMBER_ENQUIRY)
        .order_by(FeedbackDraft.updated_at.desc(), FeedbackDraft.id.desc())
        .limit(1)
    )


def save_draft(councillor: User, answers: dict[str, Any]) -> FeedbackDraft:
    draft = draft_for(councillor)
    now = utcnow()
    if draft is None:
        draft = FeedbackDraft(user_id=councillor.id, kind=CaseKind.MEMBER_ENQUIRY, created_at=now)
        db.session.add(draft)
    draft.answers = dict(answers)
    draft.updated_at = now
    db.session.flush()
    return draft


def active_wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).where(Ward.active.is_(True)).order_by(Ward.name)))


def active_services() -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name)))


# --- logging an enquiry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enquiry:
    """What the councillor typed (answers as the form keeps them)."""

    full_name: str
    email: str | None
    phone: str | None
    address: str | None
    consent: ConsentMethod
    consent_note: str | None
    ward_id: int
    service_id: int
    what_happened: str
    outcome_wanted: str

    @classmethod
    def from_answers(cls, answers: dict[str, Any]) -> Enquiry:
        def text(name: str) -> str | None:
            return (answers.get(name) or "").strip() or None

        return cls(full_name=text("full_name") or "", email=text("email"), phone=text("phone"), address=text("address"),
                   consent=ConsentMethod(answers["consent"]), consent_note=text("consent_note"),
                   ward_id=int(answers["ward"]), service_id=int(answers["service"]),
                   what_happened=text("what_happened") or "", outcome_wanted=text("outcome_wanted") or "")

    @property
    def contact_method(self) -> ContactMethod:
        if self.email:
            return ContactMethod.EMAIL
        return ContactMethod.PHONE if self.phone else ContactMethod.POST


class IncompleteEnquiry(Exception):
    """The draft is missing something, or names a ward or service no longer offered: ask again."""


def _constituent(enquiry: Enquiry) -> User | None:
    """The person record for the constituent's email address, found or made, without a word to anyone.

    A record of a resident is used as it is (the councillor's typing never changes it). An address
    that belongs to council staff or another councillor is not linked: the enquiry keeps the typed
    details only. Without an email address there is no record to find or make.
    """
    from shared.services import accounts  # it needs the outbox, which needs cases: imported late

    if not enquiry.email:
        return None
    found = accounts.find_by_email(enquiry.email)
    if found is not None:
        return found if found.role is Role.RESIDENT else None
    person = User(email=enquiry.email.lower(), full_name=enquiry.full_name, role=Role.RESIDENT, password_hash=None,
                  phone=enquiry.phone, address=enquiry.address)
    try:
        with db.session.begin_nested():
            db.session.add(person)
    except IntegrityError:  # the same address logged twice at once: use the record the other made
        found = accounts.find_by_email(enquiry.email)
        return found if found is not None and found.role is Role.RESIDENT else None
    return person


def submit(councillor: User, draft: FeedbackDraft) -> Case:
    """Receive the enquiry under the member-enquiry procedure, name the councillor as the
    constituent's representative with the consent they gave, and delete the draft."""
    try:
        enquiry = Enquiry.from_answers(draft.answers)
    except (KeyError, ValueError, TypeError):
        raise IncompleteEnquiry() from None
    if not enquiry.full_name or not enquiry.what_happened or not (enquiry.email or enquiry.phone or enquiry.address):
        raise IncompleteEnquiry()
    service = db.session.scalar(select(Service).where(Service.id == enquiry.service_id, Service.active.is_(True)))
    ward = db.session.scalar(select(Ward).where(Ward.id == enquiry.ward_id, Ward.active.is_(True)))
    if service is None or ward is None:
        raise IncompleteEnquiry()
    constituent = _constituent(enquiry)
    case = engine.receive(
        kind=CaseKind.MEMBER_ENQUIRY,
        service=service,
        resident=constituent,
        entered_by=councillor,
        on_behalf_of=constituent,
        channel=Channel.COUNCILLOR,
        what_happened=enquiry.what_happened,
        outcome_wanted=enquiry.outcome_wanted,
        contact_method=enquiry.contact_method,
        contact_phone=enquiry.phone,
        contact_address=enquiry.address,
        procedure_slug=PROCEDURE,
        for_someone_else=True,
        subject_name=enquiry.full_name,
        subject_address=enquiry.address,
        consent=enquiry.consent,
        ward_id=ward.id,
    )
    representatives.name_on_case(case, councillor, kind=RepresentativeKind.COUNCILLOR, consent=enquiry.consent,
                                 note=enquiry.consent_note, actor=councillor)
    audit.record("member_enquiry.logged", actor=councillor, subject_type="case", subject_id=case.id,
                 person_id=case.resident_id, consent=enquiry.consent.value)
    db.session.delete(draft)
    db.session.flush()
    return case


# --- the councillor's own enquiries -------------------------------------------------------------------------


@dataclass(frozen=True)
class EnquiryRow:
    case: Case
    logged_by_them: bool  # False: the complaints team named them on someone's case

    @property
    def about(self) -> str:
        return self.case.subject_name or ""


@dataclass(frozen=True)
class EnquiryPage:
    items: list[EnquiryRow]
    total: int
    page: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _theirs(councillor: User):
    """The cases a councillor may see: only those they are named on now (their own enquiries, and any
    case the complaints team named them on), whoever the person is and whatever else they have."""
    return Case.id.in_(representatives.represented_case_ids(councillor))


def enquiries_for(councillor: User, page: int = 1) -> EnquiryPage:
    """Newest first (two queries)."""
    total = db.session.scalar(select(func.count(Case.id)).where(_theirs(councillor))) or 0
    rows = db.session.scalars(
        select(Case)
        .where(_theirs(councillor))
        .options(joinedload(Case.service))
        .order_by(Case.received_at.desc(), Case.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return EnquiryPage([EnquiryRow(case, case.entered_by_id == councillor.id) for case in rows], total, page)


def enquiry_for(councillor: User, reference: str) -> Case | None:
    """One case the councillor is named on now, with its service; None (404) for any other reference."""
    if councillor.role is not Role.COUNCILLOR:
        return None
    found = db.session.scalar(
        select(Case)
        .where(Case.reference == reference, _theirs(councillor))
        .options(joinedload(Case.service), joinedload(Case.officer))  # the officer is told of a chase
    )
    if found is None:  # the reference only: asking which case it is would cost the page a query
        audit.refused(404, actor=councillor, subject_type="case", reference=reference[:40])
    return found


# --- ward counts ----------------------------------------------------------------------------------------------

PERIODS = (30, 90, 365)  # days back from today


@dataclass(frozen=True)
class WardCount:
    service: Service
    count: int

    @property
    def suppressed(self) -> bool:
        return self.count < SMALL_NUMBER


@dataclass(frozen=True)
class WardCounts:
    ward: Ward
    since: date
    rows: list[WardCount]

    @property
    def total(self) -> int | None:
        """The total, unless it would give away a single hidden number (exactly one row is hidden,
        so the total minus the others would show it) or is itself small."""
        hidden = sum(1 for row in self.rows if row.suppressed)
        total = sum(row.count for row in self.rows)
        if hidden == 1 or total < SMALL_NUMBER:
            return None
        return total


def ward_of(councillor: User) -> Ward | None:
    if councillor.ward_id is None:
        return None
    return db.session.scalar(select(Ward).where(Ward.id == councillor.ward_id))


def ward_counts(ward: Ward, days: int, *, on: date | None = None) -> WardCounts:
    """Complaints received in the ward over the last `days` days, by service: numbers only, as one
    SQL aggregate (one query), every active service listed so a missing row gives nothing away."""
    since = (on or today()) - timedelta(days=days)
    start = datetime.combine(since, datetime.min.time(), LONDON)
    counted = func.count(Case.id)
    rows = db.session.execute(
        select(Service, counted)
        .outerjoin(Case, and_(Case.service_id == Service.id, Case.ward_id == ward.id,
                              Case.kind == CaseKind.COMPLAINT, Case.received_at >= start))
        .where(Service.active.is_(True))
        .group_by(Service.id)
        .order_by(Service.name)
    ).all()
    return WardCounts(ward, since, [WardCount(service, count) for service, count in rows])


# --- for tests and the demo -------------------------------------------------------------------------------------


def representative_rows(case_id: int) -> list[CaseRepresentative]:
    return list(db.session.scalars(select(CaseRepresentative).where(CaseRepresentative.case_id == case_id)))
