"""Everything held about a person, gathered for them to download ("your data"), as plain data.

One function, `export_for`, returns dicts and lists that both the JSON download and the readable
page are made from. It takes a fixed number of set-based queries however many cases the person
has. It leaves out what the council writes only for itself: internal notes and internal events,
drafts of responses not yet sent, triage assessments, and who on the staff did what. Of a
restriction on how they contact us, it gives the letters we sent them, as sent, and nothing of the
proposal, its evidence or the managers' notes (issue 7).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import Finding
from shared.models import (
    Adjustment,
    Case,
    CaseEvent,
    CaseMessage,
    CaseResponse,
    FeedbackDraft,
    OutboxMessage,
    StoredFile,
    User,
    UserSession,
)
from shared.services.restriction_letters import LETTER_TEMPLATES

FORMAT_VERSION = 1


def _label(member) -> str | None:
    return str(member.label) if member is not None else None


def _value(member) -> str | None:
    return member.value if member is not None else None


def _file(stored: StoredFile) -> dict[str, Any]:
    return {
        "name": stored.original_name,
        "size_bytes": stored.size,
        "type": stored.content_type,
        "uploaded_at": stored.created_at,
    }


def export_for(user: User, locale: str = "en") -> dict[str, Any]:
    """The person's account, cases, unfinished feedback, sign-ins and the emails we sent them."""
    own_drafts = select(FeedbackDraft.id).where(FeedbackDraft.user_id == user.id).scalar_subquery()
    drafts = db.session.scalars(
        select(FeedbackDraft).where(FeedbackDraft.user_id == user.id).order_by(FeedbackDraft.created_at, FeedbackDraft.id)
    ).all()
    cases, draft_files = _cases_where(Case.resident_id == user.id, locale, own_drafts if drafts else None)

    sessions = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.created_at, UserSession.id)
    ).all()
    emails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    contact_letters = [m for m in emails if m.template in LETTER_TEMPLATES]
    adjustments = db.session.scalars(
        select(Adjustment).where(Adjustment.person_id == user.id).order_by(Adjustment.recorded_at, Adjustment.id)
    ).all()

    return {
        "format_version": FORMAT_VERSION,
        "generated_at": utcnow(),
        "account": _account(user),
        "cases": cases,
        "feedback_drafts": [
            {
                "kind": _value(draft.kind),
                "kind_label": _label(draft.kind),
                "started_at": draft.created_at,
                "updated_at": draft.updated_at,
                "answers": draft.answers or {},
                "files": [_file(f) for f in draft_files[draft.id]],
            }
            for draft in drafts
        ],
        # The person's own register, ended ones included (issue 7); who recorded them is staff's.
        "help_and_adjustments": [
            {"kind": _value(a.kind), "kind_label": _label(a.kind), "detail": a.detail, "recorded_at": a.recorded_at,
             "review_on": a.review_on, "reviewed_at": a.reviewed_at, "ended_at": a.ended_at}
            for a in adjustments
        ],
        "sign_ins": [
            {"started_at": s.created_at, "last_seen_at": s.last_seen_at, "ended_at": s.revoked_at, "browser": s.user_agent}
            for s in sessions
        ],
        "emails_sent_to_you": [
            {"sent_at": m.sent_at or m.created_at, "to": m.recipient, "subject": m.subject} for m in emails
        ],
        "letters_about_how_you_contact_us": [
            {"sent_at": m.sent_at or m.created_at, "by": m.channel.value, "subject": m.subject, "letter": m.body}
            for m in contact_letters
        ],
    }


def cases_where(condition, locale: str = "en") -> list[dict[str, Any]]:
    """The cases matching `condition` as the person's export gives them (a fixed number of queries):
    for a subject-access request, the cases someone is named on as a representative."""
    return _cases_where(condition, locale)[0]


def _cases_where(condition, locale: str, drafts=None) -> tuple[list[dict[str, Any]], dict[int, list[StoredFile]]]:
    """Each case matching `condition` with its public timeline, messages, sent responses and files;
    and the files of the drafts in the `drafts` subquery, by draft (read in the same query)."""
    matching = select(Case.id).where(condition).scalar_subquery()
    cases = db.session.scalars(
        select(Case).where(condition).options(joinedload(Case.service)).order_by(Case.received_at, Case.id)
    ).all()

    events: dict[int, list[CaseEvent]] = defaultdict(list)
    messages: dict[int, list[CaseMessage]] = defaultdict(list)
    responses: dict[int, list[CaseResponse]] = defaultdict(list)
    if cases:
        for event in db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id.in_(matching), CaseEvent.public.is_(True))
            .order_by(CaseEvent.at, CaseEvent.id)
        ):
            events[event.case_id].append(event)
        for message in db.session.scalars(
            select(CaseMessage).where(CaseMessage.case_id.in_(matching)).order_by(CaseMessage.created_at, CaseMessage.id)
        ):
            messages[message.case_id].append(message)
        for response in db.session.scalars(
            select(CaseResponse).where(CaseResponse.case_id.in_(matching), CaseResponse.sent_at.is_not(None))
            .order_by(CaseResponse.stage, CaseResponse.id)
        ):
            responses[response.case_id].append(response)

    case_files: dict[int, list[StoredFile]] = defaultdict(list)
    message_files: dict[int, list[StoredFile]] = defaultdict(list)
    draft_files: dict[int, list[StoredFile]] = defaultdict(list)
    wanted = [StoredFile.case_id.in_(matching)] if cases else []
    if drafts is not None:
        wanted.append(StoredFile.draft_id.in_(drafts))
    if wanted:
        for stored in db.session.scalars(select(StoredFile).where(or_(*wanted)).order_by(StoredFile.created_at, StoredFile.id)):
            if stored.case_id is not None:
                case_files[stored.case_id].append(stored)
                if stored.message_id is not None:
                    message_files[stored.message_id].append(stored)
            elif stored.draft_id is not None:
                draft_files[stored.draft_id].append(stored)
    return ([_case(case, locale, events[case.id], messages[case.id], responses[case.id], case_files[case.id], message_files)
             for case in cases], draft_files)


def _account(user: User) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "address": user.address,
        "date_of_birth": user.date_of_birth,
        "preferred_contact": _value(user.preferred_contact),
        "preferred_contact_label": _label(user.preferred_contact),
        "language": user.locale,
        "account_created_at": user.created_at,
        "email_confirmed_at": user.email_confirmed_at,
        "last_signed_in_at": user.last_sign_in_at,
    }


def _case(case, locale, events, messages, responses, files, message_files) -> dict[str, Any]:
    points = {p.get("id"): p.get("text") for p in (case.definition or {}).get("points", []) if isinstance(p, dict)}
    return {
        "reference": case.reference,
        "kind": case.kind.value,
        "kind_label": _label(case.kind),
        "service": case.service.display_name(locale),
        "status": case.status.value,
        "status_label": _label(case.status),
        "stage": case.stage,
        "received_at": case.received_at,
        "channel": case.channel.value,
        "channel_label": _label(case.channel),
        "closed_at": case.closed_at,
        "what_you_told_us": {
            "what_happened": case.what_happened,
            "happened_on": case.happened_on,
            "outcome_wanted": case.outcome_wanted,
            "asked_the_service_before": case.asked_before,
            "contact_method": case.contact_method.value,
            "contact_method_label": _label(case.contact_method),
            "contact_phone": case.contact_phone,
            "contact_address": case.contact_address,
            "for_someone_else": case.for_someone_else,
            "their_name": case.subject_name,
            "your_relationship": case.subject_relationship,
            "their_address": case.subject_address,
            "consent": _value(case.consent),
            "consent_label": _label(case.consent),
            "support_needed": case.support_needed,
            "support_note": case.support_note,
        },
        "timeline": [
            {"at": e.at, "what": e.type.value, "what_label": _label(e.type), "status": e.to_status.value,
             "status_label": _label(e.to_status), "stage": e.stage}
            for e in events
        ],
        "messages": [
            {"at": m.created_at, "direction": m.direction.value, "direction_label": _label(m.direction),
             "text": m.body, "files": [f.original_name for f in message_files.get(m.id, [])]}
            for m in messages
        ],
        "responses": [
            {
                "stage": r.stage,
                "sent_at": r.sent_at,
                "letter": r.body,
                "findings": [
                    {"point": points.get(point_id, point_id), "finding": found.get("finding"),
                     "finding_label": _finding_label(found.get("finding")), "reason": found.get("reason")}
                    for point_id, found in (r.findings or {}).items()
                    if isinstance(found, dict)
                ],
                "remedies": [
                    {"kind": remedy.get("kind"), "detail": remedy.get("detail"), "amount_pence": remedy.get("amount_pence")}
                    for remedy in (r.remedies or [])
                    if isinstance(remedy, dict)
                ],
            }
            for r in responses
        ],
        "files": [_file(f) for f in files],
    }


def _finding_label(value: str | None) -> str | None:
    try:
        return str(Finding(value).label) if value else None
    except ValueError:
        return None


def _encode(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, default=_encode, ensure_ascii=False, indent=2)
