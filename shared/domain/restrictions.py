"""The rules of unreasonable-behaviour restrictions: what a proposal and a decision must contain,
who may decide, the default dates, and whether a restriction applies on a given day. Pure logic.

A restriction's stored status says what people decided (proposed, active, rejected, lifted); whether
it still applies is read from its dates every time, so one past its end date stops applying on that
day by itself, whether or not `redress reminders` has yet marked it ended.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from flask_babel import lazy_gettext as _l

from shared.domain.enums import RestrictionStatus, RestrictionType, Role
from shared.domain.transitions import EngineError

DEFAULT_REVIEW_MONTHS = 6
CHALLENGE_DAYS = 28  # the letter tells the person to write to the complaints manager within this
REVIEW_REMINDER_DAYS = 14  # reviews due within this many days (or overdue) appear in the digest
PROPOSER_ROLES = frozenset({Role.OFFICER, Role.MANAGER})
DECIDER_ROLES = frozenset({Role.MANAGER})
MAX_TEXT = 5000


class RestrictionRefused(EngineError):
    """A restriction action that cannot be done now, by this person (shown as a 409 page)."""


class RestrictionInvalid(EngineError):
    """What was asked for breaks a rule about its content; `field` names the form field to show it at."""

    status_code = 400

    def __init__(self, field: str, message: object) -> None:
        super().__init__(message)
        self.field = field


class _Restriction(Protocol):
    status: RestrictionStatus
    starts_on: date | None
    ends_on: date | None
    review_on: date | None
    lifted_at: datetime | None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer days (31 Aug + 6 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_on(today: date) -> date:
    return add_months(today, DEFAULT_REVIEW_MONTHS)


def default_ends_on(review_on: date) -> date:
    """A suggestion only: a month after the review, so the review comes first and can decide."""
    return add_months(review_on, 1)


def challenge_by(decided_on: date) -> date:
    return decided_on + timedelta(days=CHALLENGE_DAYS)


def in_force(restriction: _Restriction, today: date) -> bool:
    """Approved, not lifted, and today within its dates (both ends included)."""
    return (
        restriction.status is RestrictionStatus.ACTIVE
        and restriction.lifted_at is None
        and restriction.starts_on is not None
        and restriction.starts_on <= today
        and (restriction.ends_on is None or today <= restriction.ends_on)
    )


def effective_status(restriction: _Restriction, today: date) -> RestrictionStatus:
    """The status as people should read it today: an approved restriction past its end date has ended."""
    if (restriction.status is RestrictionStatus.ACTIVE and restriction.ends_on is not None
            and today > restriction.ends_on):
        return RestrictionStatus.EXPIRED
    return restriction.status


def review_due(restriction: _Restriction, today: date) -> bool:
    """In force, with its review date within REVIEW_REMINDER_DAYS or already passed."""
    return (in_force(restriction, today) and restriction.review_on is not None
            and restriction.review_on <= today + timedelta(days=REVIEW_REMINDER_DAYS))


def may_propose(role: Role) -> bool:
    return role in PROPOSER_ROLES


def may_decide(role: Role, viewer_id: int, proposed_by_id: int) -> bool:
    """A manager who did not propose it: the decision is a second person's, as a quality check is."""
    return role in DECIDER_ROLES and viewer_id != proposed_by_id


@dataclass(frozen=True)
class Proposal:
    category: object
    types: tuple[RestrictionType, ...]
    behaviour: str
    terms: str
    named_officer_id: int | None
    event_ids: tuple[int, ...]
    message_ids: tuple[int, ...]


def check_terms(types: Collection[RestrictionType], terms: str, named_officer_id: int | None) -> None:
    """What the restriction asks must be specific: limited calls say when; a single point of contact says who."""
    if not types:
        raise RestrictionInvalid("types", _l("Choose at least one restriction"))
    if RestrictionType.LIMITED_PHONE in types and not terms.strip():
        raise RestrictionInvalid("terms", _l("Enter the days and times the person may phone"))
    if RestrictionType.SINGLE_POINT_OF_CONTACT in types and named_officer_id is None:
        raise RestrictionInvalid("named_officer", _l("Choose the named officer who will be the single point of contact"))


def check_proposal(proposal: Proposal) -> None:
    """Raise RestrictionInvalid for the first rule the proposal breaks."""
    check_terms(proposal.types, proposal.terms, proposal.named_officer_id)
    if not proposal.behaviour.strip():
        raise RestrictionInvalid("behaviour", _l("Describe the behaviour, as the person will be told it"))
    if not proposal.event_ids and not proposal.message_ids:
        raise RestrictionInvalid("events", _l("Choose at least one event or message as evidence"))


def check_dates(review_on: date | None, ends_on: date | None, today: date) -> None:
    """A decision (or a review that continues it) needs a review date from today on and a later end date."""
    if review_on is None:
        raise RestrictionInvalid("review_on", _l("Enter the review date"))
    if review_on < today:
        raise RestrictionInvalid("review_on", _l("The review date must be today or in the future"))
    if ends_on is None:
        raise RestrictionInvalid("ends_on", _l("Enter the end date"))
    if ends_on <= review_on:
        raise RestrictionInvalid("ends_on", _l("The end date must be after the review date"))


def only_known(ids: Iterable[int], known: Collection[int]) -> tuple[int, ...]:
    """The chosen ids that were offered; anything else (a forged form) is dropped, not trusted."""
    return tuple(sorted({i for i in ids if i in known}))
