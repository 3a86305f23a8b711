"""Rules of the reasonable adjustments register: which kinds need a detail, when a review falls
due, how an adjustment changes the way we write to someone, and the plain-language descriptions
residents choose from. Pure logic (labels are lazily translated, as enums' are)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l

from shared.domain.enums import AdjustmentKind

# The Ombudsman's Code asks for adjustments to be kept under active review: a year unless changed.
REVIEW_AFTER_MONTHS = 12

# Kinds that mean nothing without saying what: the times, the person, what "something else" is.
DETAIL_REQUIRED = frozenset({
    AdjustmentKind.OTHER,
    AdjustmentKind.FIXED_CALL_TIMES,
    AdjustmentKind.NAMED_CONTACT,
    AdjustmentKind.SOMEONE_TO_SPEAK,
})

# What each kind means, in words a resident choosing one would use.
DESCRIPTIONS: dict[AdjustmentKind, object] = {
    AdjustmentKind.LARGE_PRINT: _l("We send you letters in large print."),
    AdjustmentKind.EASY_READ: _l("We write to you in easy read, with short sentences and pictures."),
    AdjustmentKind.BRAILLE: _l("We send you letters in braille."),
    AdjustmentKind.AUDIO: _l("We send you a recording of our letters."),
    AdjustmentKind.PLAIN_TEXT_EMAIL: _l("We send you emails as plain text, which works better with some screen readers."),
    AdjustmentKind.BSL_INTERPRETER: _l("We book a British Sign Language interpreter when we meet or call you."),
    AdjustmentKind.TEXT_RELAY: _l("We call you using Relay UK, where a relay assistant types what we say."),
    AdjustmentKind.PHONE_ONLY: _l("We contact you by phone, not in writing."),
    AdjustmentKind.EMAIL_ONLY: _l("We contact you by email, not by phone or letter."),
    AdjustmentKind.NAMED_CONTACT: _l("You deal with one person at the council who knows your case."),
    AdjustmentKind.SOMEONE_TO_SPEAK: _l("Someone you choose, like a friend, family member or advocate, speaks to us for you."),
    AdjustmentKind.EXTRA_TIME: _l("We give you more time to reply to us."),
    AdjustmentKind.FIXED_CALL_TIMES: _l("We only call you at times you agree with us."),
    AdjustmentKind.OTHER: _l("Tell us what you need and we will see how we can help."),
}

# What the detail question asks for each kind that has one.
DETAIL_QUESTIONS: dict[AdjustmentKind, object] = {
    AdjustmentKind.OTHER: _l("What help or adjustment do you need?"),
    AdjustmentKind.FIXED_CALL_TIMES: _l("When can we call you?"),
    AdjustmentKind.NAMED_CONTACT: _l("Who would you like as your contact?"),
    AdjustmentKind.SOMEONE_TO_SPEAK: _l("Who will speak for you?"),
}
DETAIL_QUESTION = _l("Anything else we should know? (optional)")


def needs_detail(kind: AdjustmentKind) -> bool:
    return kind in DETAIL_REQUIRED


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 29th of February becomes the 28th in a year without one."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover (every month has a 28th)


def next_review(today: date) -> date:
    return add_months(today, REVIEW_AFTER_MONTHS)


def is_due(review_on: date | None, today: date) -> bool:
    return review_on is not None and review_on <= today


def correspondence_effects(kinds: Iterable[AdjustmentKind | str]) -> frozenset[str]:
    """What the register changes about writing to someone, as notifications reads it:
    "large_print" (a large-print letter), "email_only", "phone_only", "plain_text_email"."""
    values = {str(kind) for kind in kinds}
    effects = {AdjustmentKind.LARGE_PRINT.value, AdjustmentKind.EMAIL_ONLY.value,
               AdjustmentKind.PHONE_ONLY.value, AdjustmentKind.PLAIN_TEXT_EMAIL.value}
    return frozenset(values & effects)
