"""The give-feedback journey's questions: which ones a draft must answer, in order, and when each
counts as answered. Pure logic over the draft's answers (a dict of strings), so the portal's
pages and the intake service agree on one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.domain.enums import CaseKind, ContactMethod

YES, NO = "yes", "no"
# On the "have you asked before?" follow-up: what the person chose to do.
AS_REQUEST, AS_COMPLAINT = "request", "complaint"

# The kinds a person can choose to start; a service request is reached from a complaint.
STARTING_KINDS = (CaseKind.COMPLAINT, CaseKind.COMPLIMENT, CaseKind.COMMENT)

# The answer that marks each question answered, where it is not the question's own name.
_ANSWER_KEY = {
    "message": "what_happened",
    "first_request": "route",
    "their_details": "subject_name",
    "contact": "contact_method",
    "files": "files_done",
}
# The answers each question writes, so that a question that no longer applies can be forgotten.
ANSWERS_OF = {
    "service": ("service",),
    "what_happened": ("what_happened",),
    "message": ("what_happened",),
    "happened_on": ("happened_on",),
    "outcome_wanted": ("outcome_wanted",),
    "asked_before": ("asked_before",),
    "first_request": ("route",),
    "someone_else": ("someone_else",),
    "their_details": ("subject_name", "subject_relationship", "subject_address"),
    "consent": ("consent",),
    "support": ("support",),
    "support_note": ("support_note",),
    "reply_wanted": ("reply_wanted",),
    "your_name": ("your_name",),
    "your_email": ("your_email",),
    "contact": ("contact_method",),
    "contact_phone": ("contact_phone",),
    "contact_address": ("contact_address",),
    "files": ("files_done",),
}
_PHONE_METHODS = {ContactMethod.PHONE.value, ContactMethod.TEXT.value}


def is_service_request(kind: CaseKind, answers: Mapping[str, Any]) -> bool:
    """A complaint the person chose to send to the service as a first-time request."""
    return kind is CaseKind.COMPLAINT and answers.get("asked_before") == NO and answers.get("route") == AS_REQUEST


def case_kind(kind: CaseKind, answers: Mapping[str, Any]) -> CaseKind:
    return CaseKind.SERVICE_REQUEST if is_service_request(kind, answers) else kind


def wants_reply(kind: CaseKind, answers: Mapping[str, Any]) -> bool:
    """Compliments are thanked, not answered; a comment is answered only if they asked."""
    if kind is CaseKind.COMPLIMENT:
        return False
    if kind is CaseKind.COMMENT:
        return answers.get("reply_wanted") == YES
    return True


def _contact_steps(answers: Mapping[str, Any]) -> list[str]:
    method = answers.get("contact_method")
    if method in _PHONE_METHODS:
        return ["contact", "contact_phone"]
    if method == ContactMethod.POST.value:
        return ["contact", "contact_address"]
    return ["contact"]


def steps(kind: CaseKind, answers: Mapping[str, Any], *, guest: bool) -> list[str]:
    """The questions this draft must answer, given its kind and what has been chosen so far."""
    you = ["your_name", "your_email"] if guest else []
    if kind is CaseKind.COMPLAINT:
        order = ["service", "what_happened", "happened_on", "outcome_wanted", "asked_before"]
        if answers.get("asked_before") == NO:
            order.append("first_request")
        if not is_service_request(kind, answers):
            order.append("someone_else")
            if answers.get("someone_else") == YES:
                order += ["their_details", "consent"]
            order.append("support")
            if answers.get("support") == YES:
                order.append("support_note")
        return [*order, *you, *_contact_steps(answers), "files"]
    order = ["service", "message"]
    if kind is CaseKind.COMMENT:
        order.append("reply_wanted")
    order += you
    if wants_reply(kind, answers):
        order += _contact_steps(answers)
    return order


def is_answered(step: str, answers: Mapping[str, Any]) -> bool:
    value = answers.get(_ANSWER_KEY.get(step, step))
    return value is not None and value != ""


def first_unanswered(kind: CaseKind, answers: Mapping[str, Any], *, guest: bool) -> str | None:
    return next((s for s in steps(kind, answers, guest=guest) if not is_answered(s, answers)), None)


def relevant(kind: CaseKind, answers: Mapping[str, Any], *, guest: bool) -> dict[str, Any]:
    """Only the answers to questions that still apply: a changed choice leaves nothing stale."""
    keys = {key for step in steps(kind, answers, guest=guest) for key in ANSWERS_OF[step]}
    return {key: value for key, value in answers.items() if key in keys}
