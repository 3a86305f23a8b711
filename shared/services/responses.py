"""A stage's response: drafted, sent for checking, checked by someone else, sent, then frozen.

The engine keeps the rules (every point has a finding, the checker is not the author); this
module keeps the response's words beside them. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import ContactMethod, EventType, Finding, RemedyKind
from shared.domain.transitions import GuardFailed
from shared.models import Case, CaseResponse, User
from shared.services import engine, notifications


@dataclass
class Remedy:
    kind: RemedyKind
    detail: str = ""
    amount_pence: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "detail": self.detail, "amount_pence": self.amount_pence}


@dataclass
class OutstandingAction:
    what: str
    owner: str
    due: date | None

    def as_json(self) -> dict[str, Any]:
        return {"what": self.what, "owner": self.owner, "due": self.due.isoformat() if self.due else None}


@dataclass
class Draft:
    """What the author wrote: per point a finding (or None) and the reason for it."""

    findings: dict[str, tuple[Finding | None, str]]
    body: str
    remedies: list[Remedy] = field(default_factory=list)
    actions: list[OutstandingAction] = field(default_factory=list)


def response_for(case: Case, stage: int | None = None) -> CaseResponse | None:
    """The response of the case's current stage (or of `stage`)."""
    return db.session.scalar(
        select(CaseResponse)
        .where(CaseResponse.case_id == case.id, CaseResponse.stage == (stage or case.stage))
        .order_by(CaseResponse.id.desc())
        .limit(1)
    )


def latest_sent(case: Case) -> CaseResponse | None:
    return db.session.scalar(
        select(CaseResponse)
        .where(CaseResponse.case_id == case.id, CaseResponse.sent_at.is_not(None))
        .order_by(CaseResponse.stage.desc(), CaseResponse.id.desc())
        .limit(1)
    )


def save_draft(case: Case, actor: User, version: int | None, draft: Draft) -> CaseResponse:
    """Record the draft (RESPONSE_DRAFTED); sending it for checking is a separate confirmation."""
    response = response_for(case)
    if response is not None and response.sent_at is not None:
        raise GuardFailed(_l("This response has been sent. It cannot be changed."))
    findings = {point: finding.value for point, (finding, _reason) in draft.findings.items() if finding is not None}
    # The engine refuses a draft that misses a point before anything here is written.
    engine.perform(case, EventType.RESPONSE_DRAFTED, actor, expected_version=version, findings=findings)
    now = utcnow()
    if response is None:
        response = CaseResponse(case_id=case.id, stage=case.stage, author_id=actor.id, created_at=now)
        db.session.add(response)
    # The author is whoever wrote the latest words: the engine checks the checker against them.
    response.author_id = actor.id
    response.body = draft.body.strip()
    response.findings = {
        point: {"finding": finding.value if finding else None, "reason": reason.strip()}
        for point, (finding, reason) in draft.findings.items()
    }
    response.remedies = [remedy.as_json() for remedy in draft.remedies]
    response.actions = [action.as_json() for action in draft.actions]
    response.updated_at = now
    db.session.flush()
    return response


def _checked_response(case: Case) -> CaseResponse:
    response = response_for(case)
    if response is None or response.sent_at is not None:
        raise GuardFailed(_l("There is no response waiting to be checked."))
    return response


def approve_and_send(case: Case, checker: User, version: int | None) -> CaseResponse:
    response = _checked_response(case)
    event = engine.perform(case, EventType.RESPONSE_SENT, checker, expected_version=version)
    response.checker_id = checker.id
    response.sent_at = event.at
    response.updated_at = event.at
    _tell_the_resident(case)
    db.session.flush()
    return response


def _tell_the_resident(case: Case) -> None:
    """A message that the response is ready to read online (no complaint text in it), by the person's
    channel; the councillor who raised the case hears too.

    People who asked for post get the printed letter (the letter view) instead.
    """
    if case.resident_id is None or case.contact_method is ContactMethod.POST:
        return
    notifications.tell_resident(case, "response_sent", EventType.RESPONSE_SENT)


def sent_for(case: Case) -> list[CaseResponse]:
    """Every response sent on a case, first stage first: what the resident may read."""
    return list(
        db.session.scalars(
            select(CaseResponse)
            .where(CaseResponse.case_id == case.id, CaseResponse.sent_at.is_not(None))
            .order_by(CaseResponse.stage, CaseResponse.id)
        )
    )


def return_for_changes(case: Case, checker: User, version: int | None, comments: str | None) -> CaseResponse:
    response = _checked_response(case)
    engine.perform(case, EventType.RETURNED_FOR_CHANGES, checker, expected_version=version, reason=comments)
    response.check_comments = (comments or "").strip()
    response.updated_at = utcnow()
    db.session.flush()
    return response
