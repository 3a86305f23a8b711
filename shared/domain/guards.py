"""Rules an action must satisfy beyond the transition table; each raises GuardFailed with a reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import ClosureCode, Finding, RefusalGround
from shared.domain.procedures import ClockStart, StageRules
from shared.domain.transitions import GuardFailed


def different_person(actor_id: int, other_id: int | None, message: object) -> None:
    if other_id is not None and actor_id == other_id:
        raise GuardFailed(message)


def may_check(checker_id: int, author_id: int | None) -> bool:
    """A response is checked by someone other than the person who wrote it (seed 000)."""
    return author_id is None or checker_id != author_id


def checked_by_someone_else(checker_id: int, author_id: int | None) -> None:
    if not may_check(checker_id, author_id):
        raise GuardFailed(_l("Someone other than the author must check the response."))


def findings_complete(points: Sequence[Mapping], findings: Mapping[str, str]) -> None:
    """A response answers every point of the complaint definition with a finding."""
    if not points:
        raise GuardFailed(_l("Record the points of the complaint before writing the response."))
    missing = [str(point["id"]) for point in points if findings.get(str(point["id"])) not in {f.value for f in Finding}]
    if missing:
        raise GuardFailed(
            _l("Give a finding for every point of the complaint: %(count)s still need one.", count=len(missing))
        )


def extension(
    stage: StageRules,
    calendar: WorkingCalendar,
    respond_by: date | None,
    already_extended: bool,
    new_date: date | None,
    reason: str | None,
) -> None:
    if not stage.extension_max:
        raise GuardFailed(_l("This stage of the procedure does not allow an extension."))
    if already_extended:
        raise GuardFailed(_l("This stage has already been extended once. It cannot be extended again."))
    if respond_by is None:
        raise GuardFailed(_l("There is no response date to extend yet."))
    if not reason or not reason.strip():
        raise GuardFailed(_l("Give the reason for the extension: the person will be told it."))
    latest = calendar.add(respond_by, stage.extension_max)
    if new_date is None or new_date <= respond_by:
        raise GuardFailed(_l("The new date must be after the current response date."))
    if new_date > latest:
        raise GuardFailed(
            _l("The new date can be at most %(days)s working days after the current one.", days=stage.extension_max)
        )
    if not calendar.is_working_day(new_date):
        raise GuardFailed(_l("The new date must be a working day."))


def agreed_date(stage: StageRules, received_on: date, agreed: date | None) -> None:
    if stage.respond_from is not ClockStart.AGREED:
        return
    if agreed is None:
        raise GuardFailed(_l("Agree a response date with the person and record it."))
    if agreed <= received_on:
        raise GuardFailed(_l("The agreed response date must be after the complaint was received."))
    if stage.agreed_max_days and agreed > received_on + timedelta(days=stage.agreed_max_days):
        if stage.agreed_max_days >= 180:
            raise GuardFailed(_l("The agreed response date can be at most 6 months after the complaint was received."))
        raise GuardFailed(
            _l("The agreed response date can be at most %(days)s days after the case was received.", days=stage.agreed_max_days)
        )


def escalation_window(window_ends: date | None, today: date, by_staff: bool) -> None:
    """Residents escalate within the window; staff may accept a late request."""
    if by_staff or window_ends is None:
        return
    if today > window_ends:
        raise GuardFailed(
            _l(
                "The time to ask for the next stage ended on %(date)s. Contact the complaints team: they can still consider it.",
                date=format_date(window_ends, "d MMMM y"),
            )
        )


def refusal(reason: str | None, ombudsman_right_given: bool, ground: RefusalGround | None) -> None:
    if ground is None:
        raise GuardFailed(_l("Choose why the complaint is not being taken forward."))
    if not reason or not reason.strip():
        raise GuardFailed(_l("Give the reason the complaint is not being taken forward."))
    if not ombudsman_right_given:
        raise GuardFailed(_l("Tell the person they can ask the Ombudsman to look at the decision."))


def closure(code: ClosureCode | None, response_sent: bool, reason: str | None, duplicate_of: int | None) -> None:
    """Each closure code needs its own facts before the case can close."""
    if code is None:
        raise GuardFailed(_l("Choose why the case is being closed."))
    if code is ClosureCode.RESPONDED and not response_sent:
        raise GuardFailed(_l("A case can only be closed as responded once a response has been sent."))
    if code is ClosureCode.DUPLICATE and duplicate_of is None:
        raise GuardFailed(_l("Give the reference of the case this one duplicates."))
    if code in {ClosureCode.OUT_OF_TIME, ClosureCode.NOT_A_COMPLAINT, ClosureCode.REFERRED_ELSEWHERE} and not (reason or "").strip():
        raise GuardFailed(_l("Give the reason for closing the case."))
    if code is ClosureCode.WITHDRAWN:
        raise GuardFailed(_l("Record a withdrawal with the withdraw action, so the person's request is kept."))


def required_text(value: str | None, message: object) -> None:
    if not value or not value.strip():
        raise GuardFailed(message)


def legal_hold_may_be_placed(on_hold: bool, anonymised: bool) -> None:
    if on_hold:
        raise GuardFailed(_l("This case is already on legal hold."))
    if anonymised:
        raise GuardFailed(_l("This case has been anonymised: there is nothing left on it to hold."))


def legal_hold_may_be_lifted(on_hold: bool) -> None:
    if not on_hold:
        raise GuardFailed(_l("This case is not on legal hold."))
