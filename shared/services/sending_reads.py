"""What sending feedback reads before it writes, in one query (issue 11: every request within 10).

The view reads it with the draft when "Send" is pressed (intake.find_draft(sending=True)), so the
whole send costs one read; intake.submit() reads it by itself for a draft it was handed. Either
way the closure days, the person's adjustments and the council's details are kept for the rest
of the request (the case's dates and the acknowledgement look for them there).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_app_context
from sqlalchemy import and_, case, func, null, select
from sqlalchemy.orm import aliased, joinedload

from shared.db import db
from shared.domain import feedback
from shared.domain.enums import CaseKind
from shared.models import FeedbackDraft, Procedure, Service, Signpost, StoredFile, User
from shared.services import adjustments, calendar, council, engine


@dataclass
class SendingReads:
    service: Service | None  # None: no longer offered
    procedure: Procedure | None
    has_files: bool
    has_signposts: bool
    guest: User | None  # the record already held for a guest's email address, if any
    guest_email: str | None = None  # the address that record was looked up by


_READ_WITH_DRAFT = "sending_reads"


def _sending_query(draft_id: int, user: User | None, *, slug, procedure_slug, guest_email, draft_owner=None):
    """Everything sending reads before it writes, as one query: the chosen service, if still offered,
    and the current procedure for the kind with its stages; the closure days, for the case's dates;
    whether the draft has files or signposts to move (a draft with none costs no UPDATE for them);
    the person's adjustments, which decide how the acknowledgement goes (a signed-in resident's, or
    those of the record a guest's address already has); for a guest, that record; and the council's
    details unless the session check brought them (a guest has none).

    `slug`, `procedure_slug` and `guest_email` are values, or expressions on the draft's row when
    `draft_owner` is given: the draft is then read too (with_draft), first, so a
    draft whose service has gone still comes back."""
    if user is not None:
        person_id = user.id
    else:  # the first record for the address, as accounts.find_by_email finds it
        holder = aliased(User)  # not correlated to the User this query reads
        person_id = (
            select(holder.id).where(func.lower(holder.email) == guest_email).order_by(holder.id).limit(1).scalar_subquery()
        )
    columns = (
        Service,
        Procedure,
        User if user is None else null(),
        calendar.closure_days_column(),
        select(StoredFile.id).where(StoredFile.draft_id == draft_id).exists(),
        select(Signpost.id).where(Signpost.draft_id == draft_id).exists(),
        adjustments.kinds_column(user.id if user is not None else User.id),
    )
    offered = and_(Service.slug == slug, Service.active.is_(True))
    if draft_owner is None:
        query = select(*columns).select_from(Service).where(offered)
    else:
        query = (
            select(FeedbackDraft, guest_email if user is None else null(), *columns)
            .select_from(FeedbackDraft).outerjoin(Service, offered)
            .where(FeedbackDraft.id == draft_id, *draft_owner)
        )
    query = query.outerjoin(
        Procedure, and_(Procedure.slug == procedure_slug, Procedure.is_current.is_(True))
    ).options(joinedload(Procedure.stages))
    if user is None:
        query = query.outerjoin(User, User.id == person_id)
    if not council.remembered():
        query = council.with_identity(query)
    return query


def _remember(user: User | None, row) -> SendingReads:
    """What a _sending_query row holds, with the closure days, adjustments and council details kept
    for the rest of the request (the case's dates and the acknowledgement read them from there)."""
    service, procedure, guest, closure_days, has_files, has_signposts, adjustment_kinds, *identity = row
    if identity:
        council.remember(identity[0])
    calendar.remember_closure_days(closure_days)
    person = user or guest
    if person is not None:
        adjustments.remember_listed(person.id, adjustment_kinds)
    return SendingReads(service, procedure, bool(has_files), bool(has_signposts), guest)


def with_draft(draft_id: int, user: User | None, owner: list) -> FeedbackDraft | None:
    """The draft (None if it is not there or not theirs: `owner`, intake.find_draft's conditions),
    read with everything sending it reads, which read_with_draft() then hands to submit()."""
    answers = FeedbackDraft.answers
    # Which procedure: engine.default_procedure of the draft's kind (a complaint sent on as a
    # service request keeps the complaint's; submit() checks, and reads again if that changes).
    procedure_slug = case({kind: engine.default_procedure(kind) for kind in feedback.STARTING_KINDS},
                          value=FeedbackDraft.kind, else_=engine.default_procedure(CaseKind.COMPLAINT))
    query = _sending_query(
        draft_id, user, slug=answers["service"].as_string(), procedure_slug=procedure_slug,
        guest_email=func.lower(func.trim(answers["your_email"].as_string())) if user is None else None,
        draft_owner=owner,
    )
    row = db.session.execute(query).unique().one_or_none()
    if row is None:
        return None
    draft, guest_email, *rest = row
    reads = _remember(user, rest)
    reads.guest_email = guest_email
    g.setdefault(_READ_WITH_DRAFT, {})[draft.id] = reads
    return draft


def read_with_draft(draft_id: int, slug: str, procedure_slug: str, guest_email: str | None) -> SendingReads | None:
    """What with_draft() read, if it read what submit() now needs: the service the
    answers name, the procedure for the kind they make, and the guest's address as Python writes it
    (SQL's lower() can differ for letters outside ASCII); otherwise None."""
    reads = g.get(_READ_WITH_DRAFT, {}).pop(draft_id, None) if has_app_context() else None
    if reads is None or reads.service is None or reads.service.slug != slug or reads.procedure is None \
            or reads.procedure.slug != procedure_slug or reads.guest_email != guest_email:
        return None
    return reads


def read(draft_id: int, user: User | None, slug: str, procedure_slug: str, guest_email: str | None) -> SendingReads:
    """_sending_query for a draft already read: one query. Its service is None if no longer offered."""
    query = _sending_query(draft_id, user, slug=slug, procedure_slug=procedure_slug, guest_email=guest_email)
    row = db.session.execute(query).unique().one_or_none()
    reads = _remember(user, row) if row is not None else SendingReads(None, None, False, False, None)
    if reads.service is not None and reads.procedure is None:
        raise LookupError(f"no current procedure {procedure_slug!r}; run `redress db upgrade` to load the presets")
    return reads
