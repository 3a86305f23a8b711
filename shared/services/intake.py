"""Receiving feedback online: drafts kept on the server (a resident's several, or a guest's one),
their evidence files, and turning a finished draft into a case with its acknowledgement.

Which questions a draft must answer is decided in shared/domain/feedback.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from shared.clock import utcnow
from shared.db import db
from shared.domain import feedback
from shared.domain.enums import CaseKind, Channel, ConsentMethod, ContactMethod, EventType, Role
from shared.models import Case, FeedbackDraft, OutboxMessage, Service, StoredFile, User
from shared.services import (
    accounts,
    adjustments,
    engine,
    files,
    guest_access,
    notifications,
    outbox,
    sending_reads,
    signposting,
)

# A guest cannot come back to a draft once their session cookie has gone, so old ones are clutter.
GUEST_DRAFT_LIFETIME = timedelta(days=7)
# Enough for anyone part-way through several things; a limit keeps the list one short page.
MAX_DRAFTS = 20
_RECEIVED_MAIL = {
    CaseKind.COMPLAINT: "complaint_received",
    CaseKind.SERVICE_REQUEST: "service_request_received",
    CaseKind.COMPLIMENT: "compliment_received",
    CaseKind.COMMENT: "comment_received",
}


class IncompleteFeedback(Exception):
    """The draft cannot be sent yet: `step` is the question to answer (again)."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


class TooManyDrafts(Exception):
    pass


def hash_guest_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- drafts -----------------------------------------------------------------------------------


def drafts_for(user: User) -> list[FeedbackDraft]:
    return list(
        db.session.scalars(
            select(FeedbackDraft)
            .where(FeedbackDraft.user_id == user.id)
            .order_by(FeedbackDraft.updated_at.desc(), FeedbackDraft.id.desc())
            .limit(MAX_DRAFTS)
        )
    )


def find_draft(draft_id: int, *, user: User | None, guest_key: str | None, sending: bool = False
               ) -> FeedbackDraft | None:
    """The draft if it belongs to this resident, or to this guest's browser; otherwise None (a 404).

    `sending`: "Send" was pressed. The same query then also reads everything submit() reads
    before it writes (shared/services/sending_reads.py), taking the service and a guest's address
    from the draft's answers, so sending reads nothing more."""
    if user is not None:
        owner = [FeedbackDraft.user_id == user.id]
    elif guest_key:
        owner = [FeedbackDraft.guest_key_hash == hash_guest_key(guest_key), FeedbackDraft.user_id.is_(None)]
    else:
        return None
    if not sending:
        return db.session.scalar(select(FeedbackDraft).where(FeedbackDraft.id == draft_id, *owner))
    return sending_reads.with_draft(draft_id, user, owner)


def guest_draft(guest_key: str | None) -> FeedbackDraft | None:
    if not guest_key:
        return None
    return db.session.scalar(select(FeedbackDraft).where(FeedbackDraft.guest_key_hash == hash_guest_key(guest_key)))


def start_draft(kind: CaseKind, *, user: User | None, guest_key: str | None = None) -> FeedbackDraft:
    """A new, empty draft. A guest has one at a time, so starting again replaces theirs."""
    if kind not in feedback.STARTING_KINDS:
        raise ValueError(kind)
    now = utcnow()
    if user is not None:
        count = db.session.scalar(select(func.count()).where(FeedbackDraft.user_id == user.id)) or 0
        if count >= MAX_DRAFTS:
            raise TooManyDrafts()
        draft = FeedbackDraft(user_id=user.id, kind=kind, answers={}, created_at=now, updated_at=now)
    else:
        if not guest_key:
            raise ValueError("a guest's draft needs the key from their session")
        old = guest_draft(guest_key)
        if old is not None:
            delete_draft(old)
        draft = FeedbackDraft(guest_key_hash=hash_guest_key(guest_key), kind=kind, answers={}, created_at=now, updated_at=now)
    db.session.add(draft)
    db.session.flush()
    return draft


def save_answers(draft: FeedbackDraft, given: dict[str, Any]) -> None:
    """Add answers to the draft, forgetting any to questions that no longer apply."""
    merged = {**draft.answers, **given}
    # A new dict, so the JSON column sees the change.
    draft.answers = feedback.relevant(draft.kind, merged, guest=draft.user_id is None)
    draft.updated_at = utcnow()
    db.session.flush()


def delete_draft(draft: FeedbackDraft) -> None:
    for stored in files.for_draft(draft.id):
        files.remove(stored)
    db.session.delete(draft)
    db.session.flush()


def delete_stale_guest_drafts(older_than: timedelta = GUEST_DRAFT_LIFETIME) -> int:
    """Delete guests' drafts (and their files) not touched for `older_than`; return how many."""
    cutoff = utcnow() - older_than
    stale = list(
        db.session.scalars(
            select(FeedbackDraft).where(FeedbackDraft.guest_key_hash.is_not(None), FeedbackDraft.updated_at < cutoff)
        )
    )
    for draft in stale:
        delete_draft(draft)
    return len(stale)


def active_services() -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name)))


# --- evidence files ---------------------------------------------------------------------------


def draft_files(draft: FeedbackDraft) -> list[StoredFile]:
    return files.for_draft(draft.id)


@dataclass
class FilesAdded:
    """The files just stored on the draft, and a message naming each file refused."""

    added: list[StoredFile] = field(default_factory=list)
    # Plain strings: a lazy message counts as safe HTML in a template, and these hold the name
    # the person's browser sent, which must be escaped like anything else they typed.
    refused: list[str] = field(default_factory=list)


def add_files(draft: FeedbackDraft, uploads: list[FileStorage], *, user: User | None) -> FilesAdded:
    """Store the acceptable files on the draft; the others are named in `refused`."""
    already = db.session.scalar(select(func.count()).where(StoredFile.draft_id == draft.id)) or 0
    accepted, errors = files.check_all(files.chosen(uploads), already=already)
    stored = []
    if accepted:
        stored = files.store(accepted, uploaded_by=user, draft_id=draft.id)
        draft.updated_at = utcnow()
        db.session.flush()
    return FilesAdded(stored, [str(error) for error in errors])


def remove_file(draft: FeedbackDraft, file_id: int) -> bool:
    stored = db.session.scalar(select(StoredFile).where(StoredFile.id == file_id, StoredFile.draft_id == draft.id))
    if stored is None:
        return False
    files.remove(stored)
    return True


# --- guests' email addresses ------------------------------------------------------------------


def may_use_as_guest(email: str) -> bool:
    """A guest may give any address except one that belongs to council staff or a councillor.

    An address that belongs to a resident is fine: the case is filed under that person, and the
    link to follow it goes only to that address, so nothing is revealed to whoever typed it.
    """
    found = accounts.find_by_email(email)
    return found is None or found.role is Role.RESIDENT


def _guest_person(name: str, email: str, locale: str, found: User | None) -> User:
    """The record a guest's case is filed under: `found`, the one for their address (read with
    what sending reads), or a new one. A new one has no adjustments, which is remembered rather
    than asked for when the acknowledgement chooses its channel."""
    if found is not None:
        if found.role is not Role.RESIDENT:
            raise IncompleteFeedback("your_email")
        return found
    # A record of who got in touch, not an account: there is no password to sign in with.
    person = User(email=email.strip().lower(), full_name=name.strip(), role=Role.RESIDENT, password_hash=None, locale=locale)
    try:
        with db.session.begin_nested():
            db.session.add(person)
    except IntegrityError:  # the same address sent twice at once: use the record the other made
        found = accounts.find_by_email(email)
        if found is None or found.role is not Role.RESIDENT:
            raise IncompleteFeedback("your_email") from None
        return found
    adjustments.remember(person.id, ())
    return person


# --- sending ----------------------------------------------------------------------------------


def submission_key(draft: FeedbackDraft) -> str:
    """What makes a case from this draft one of a kind: the draft's id and the moment it was started
    (an id alone can come round again on SQLite once a draft is deleted)."""
    return hashlib.sha256(f"{draft.id}:{draft.created_at.isoformat()}".encode()).hexdigest()


def case_for_submission(key: str) -> Case | None:
    return db.session.scalar(select(Case).where(Case.submission_key == key))


def submit(draft: FeedbackDraft, *, user: User | None, locale: str) -> Case:
    """Turn a finished draft into a case: receive it, move its files, acknowledge it, delete the draft.

    `user` is the signed-in resident, or None for a guest, who gets an emailed link to follow it.
    The case carries the draft's submission key, unique: when "Send" is pressed twice at once, the
    second request's flush fails on it (the view then shows the first one's confirmation).
    """
    guest = user is None
    key = submission_key(draft)
    kind = draft.kind or CaseKind.COMPLAINT
    answers = feedback.relevant(kind, draft.answers, guest=guest)
    missing = feedback.first_unanswered(kind, answers, guest=guest)
    if missing:
        raise IncompleteFeedback(missing)
    received_as = feedback.case_kind(kind, answers)
    guest_email = None if user else accounts.normalise_email(answers["your_email"])
    procedure_slug = engine.default_procedure(received_as)
    reads = sending_reads.read_with_draft(draft.id, answers["service"], procedure_slug, guest_email)
    if reads is None:  # not read with the draft (or read differently): one query now
        reads = sending_reads.read(draft.id, user, answers["service"], procedure_slug, guest_email)
    if reads.service is None:
        raise IncompleteFeedback("service")
    person = user or _guest_person(answers["your_name"], answers["your_email"], locale, reads.guest)

    wants_reply = feedback.wants_reply(kind, answers)
    method = ContactMethod(answers["contact_method"]) if wants_reply else ContactMethod.EMAIL
    case = engine.receive(
        kind=received_as,
        service=reads.service,
        procedure=reads.procedure,
        resident=person,
        entered_by=person,
        channel=Channel.ONLINE,
        what_happened=answers["what_happened"],
        happened_on=date.fromisoformat(answers["happened_on"]) if answers.get("happened_on") else None,
        outcome_wanted=answers.get("outcome_wanted", ""),
        contact_method=method,
        contact_phone=answers.get("contact_phone") if method in {ContactMethod.PHONE, ContactMethod.TEXT} else None,
        contact_address=answers.get("contact_address") if method is ContactMethod.POST else None,
        submission_key=key,  # a parallel "Send" of the same draft fails on it (IntegrityError) in the insert
        **(_complaint_details(answers) if kind is CaseKind.COMPLAINT else {}),
    )
    if reads.has_files:
        files.move_draft_files_to_case(draft.id, case.id)
    if reads.has_signposts:
        signposting.link_draft_to_case(draft.id, case)  # what the draft's pages signposted (issue 7)
    db.session.delete(draft)
    with outbox.batched():  # a guest's link and their text or letter: one INSERT
        acknowledge(case, person, received_as, method, guest=guest, locale=locale)
    return case


def _complaint_details(answers: dict[str, Any]) -> dict[str, Any]:
    """What only this journey asks a complaint about, as engine.receive() takes it."""
    details: dict[str, Any] = {"asked_before": answers["asked_before"] == feedback.YES}
    if answers.get("someone_else") == feedback.YES:
        details.update(
            for_someone_else=True,
            subject_name=answers["subject_name"],
            subject_relationship=answers["subject_relationship"],
            subject_address=answers.get("subject_address") or None,
            consent=ConsentMethod(answers["consent"]),
        )
    if answers.get("support") == feedback.YES:
        details.update(support_needed=True, support_note=answers["support_note"])
    return details


def acknowledge(case: Case, person: User, received_as: CaseKind, method: ContactMethod, *, guest: bool,
                locale: str) -> None:
    """Tell the person we have it, the way they asked (email, text or letter), like every later message.

    A guest's emailed link to follow the case is their acknowledgement by email; one who asked for
    texts or letters gets that as well.
    """
    if guest:
        guest_access.issue_link(case, person, locale=locale)
        if method not in {ContactMethod.TEXT, ContactMethod.POST}:
            return
    notifications.tell_resident(case, _RECEIVED_MAIL[received_as], EventType.RECEIVED,
                                acknowledge_by=case.acknowledge_by)


def acknowledgement(case: Case) -> OutboxMessage | None:
    """The acknowledgement queued when the case was sent, for the confirmation page to say how it went."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.case_id == case.id, OutboxMessage.template == _RECEIVED_MAIL.get(case.kind, ""))
        .order_by(OutboxMessage.id)
        .limit(1)
    )


def sent_case(reference: str) -> Case | None:
    """A case for its confirmation page (the caller has checked this visitor just sent it)."""
    return db.session.scalar(
        select(Case).where(Case.reference == reference).options(joinedload(Case.service), joinedload(Case.resident))
    )
