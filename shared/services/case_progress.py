"""Where a resident's case stands and what comes next: the next date, the next stage, the Ombudsman.

Read for the portal's pages. Dates the engine stored (acknowledge by, respond by, the end of the
escalation window) are shown as stored; dates for a stage that has not started yet are worked
out from the procedure's rules and said to be expected, not promised.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import CaseStatus, EventType, Role
from shared.domain.ombudsman_contacts import OmbudsmanContact, contact_for
from shared.domain.procedures import ClockStart, StageRules
from shared.domain.transitions import allowed_actions
from shared.models import Case, CaseEvent, CaseStage, Procedure
from shared.services.council import council
from shared.web.filters import govuk_date

S = CaseStatus
AWAITING_ACKNOWLEDGEMENT = frozenset({S.RECEIVED, S.TRIAGED, S.ESCALATED})
BEING_LOOKED_AT = frozenset(
    {S.ACKNOWLEDGED, S.WITH_TEAM, S.WITH_SERVICE, S.RESPONSE_DRAFTED, S.AWAITING_QUALITY_CHECK,
     S.RETURNED_FOR_CHANGES, S.REOPENED}
)


def today() -> date:
    return to_london(utcnow()).date()


def stage_text(stage: int, count: int) -> str | None:
    """ "Stage 1 of 2", or nothing for a procedure with a single stage."""
    if count <= 1:
        return None
    return _("Stage %(n)s of %(total)s", n=stage, total=count)


class NextKind(enum.Enum):
    ACKNOWLEDGE = "acknowledge"
    RESPOND = "respond"
    ESCALATE_UNTIL = "escalate_until"


@dataclass(frozen=True)
class NextStep:
    """The next date a resident is waiting for (or has until), and what it is."""

    kind: NextKind
    on: date

    @property
    def text(self) -> str:
        when = govuk_date(self.on)
        if self.kind is NextKind.ACKNOWLEDGE:
            return _("We will acknowledge by %(date)s", date=when)
        if self.kind is NextKind.RESPOND:
            return _("We will respond by %(date)s", date=when)
        return _("You can ask us to look again until %(date)s", date=when)


def next_step(case: Case, escalation_ends: date | None, on: date, *, can_go_further: bool = True) -> NextStep | None:
    """The one date that matters next for this case, or None when nothing is due from either side."""
    if case.status in AWAITING_ACKNOWLEDGEMENT:
        if case.acknowledge_by:
            return NextStep(NextKind.ACKNOWLEDGE, case.acknowledge_by)
        return NextStep(NextKind.RESPOND, case.respond_by) if case.respond_by else None
    if case.status in BEING_LOOKED_AT:
        return NextStep(NextKind.RESPOND, case.respond_by) if case.respond_by else None
    if case.status is S.RESPONSE_SENT and can_go_further and escalation_ends and on <= escalation_ends:
        return NextStep(NextKind.ESCALATE_UNTIL, escalation_ends)
    return None


@dataclass(frozen=True)
class ExpectedDates:
    """When a stage that starts at a given moment should be acknowledged and answered, at the latest."""

    acknowledge_by: date | None
    respond_by: date | None
    agreed: bool  # the response date is agreed with the person instead


def expected_dates(rules: StageRules, at: datetime, calendar: WorkingCalendar) -> ExpectedDates:
    day0 = calendar.receipt_day(at)
    acknowledge_by = calendar.add(day0, rules.acknowledge_within) if rules.acknowledge_within is not None else None
    respond_by = None
    if rules.respond_within is not None:
        if rules.respond_from is ClockStart.RECEIPT:
            respond_by = calendar.add(day0, rules.respond_within)
        elif rules.respond_from is ClockStart.ACKNOWLEDGEMENT:
            respond_by = calendar.add(acknowledge_by or day0, rules.respond_within)
    return ExpectedDates(acknowledge_by, respond_by, rules.respond_from is ClockStart.AGREED)


@dataclass(frozen=True)
class Outlook:
    """A case under its procedure, as its resident sees it: this stage, the next, and the way out."""

    case: Case
    stage_count: int
    stage: StageRules | None
    next_stage: StageRules | None
    stage_row: CaseStage | None
    contact: OmbudsmanContact | None  # the Ombudsman to go to, if the procedure has one
    today: date

    @property
    def escalation_ends(self) -> date | None:
        return self.stage_row.escalation_ends if self.stage_row else None

    @property
    def responded_at(self) -> datetime | None:
        return self.stage_row.responded_at if self.stage_row else None

    @property
    def window_closed(self) -> bool:
        return self.escalation_ends is not None and self.today > self.escalation_ends

    @property
    def can_escalate(self) -> bool:
        """The engine's rule for residents: after a response, with a next stage, inside the window."""
        return self.case.status is S.RESPONSE_SENT and self.next_stage is not None and not self.window_closed

    @property
    def can_withdraw(self) -> bool:
        return EventType.WITHDRAWN in allowed_actions(self.case.status, Role.RESIDENT)

    @property
    def why_no_escalation(self) -> str:
        if self.case.status is not S.RESPONSE_SENT:
            return _("You can ask us to look at your complaint again once we have sent you our response.")
        if self.next_stage is None:
            return _("Our response was the final stage of our complaints procedure, so we cannot look at it again.")
        return _(
            "The time to ask us to look at your complaint again ended on %(date)s. If you are still not "
            "satisfied, contact us: we can still consider a late request.",
            date=govuk_date(self.escalation_ends),
        )

    @property
    def show_ombudsman(self) -> bool:
        """Once our procedure has run its course (or we will not take the complaint further)."""
        if self.contact is None:
            return False
        status = self.case.status
        if status in {S.REFUSED, S.WITH_OMBUDSMAN}:
            return True
        if status is S.RESPONSE_SENT:
            return not self.can_escalate
        return status is S.CLOSED and self.responded_at is not None

    def stage_text(self) -> str | None:
        return stage_text(self.case.stage, self.stage_count)

    def stage_name(self, rules: StageRules, locale: str) -> str:
        return rules.display_name(locale)

    def next_step(self) -> NextStep | None:
        return next_step(self.case, self.escalation_ends, self.today, can_go_further=self.next_stage is not None)

    def escalation_requested_at(self, events: list[CaseEvent]) -> datetime | None:
        requests = [e.at for e in events if e.type is EventType.ESCALATION_REQUESTED]
        return requests[-1] if requests else None


def outlook(case: Case, *, on: date | None = None) -> Outlook:
    """The case's procedure with its stages and the current stage's row, in one query."""
    stage_count, stage, following, stage_row, contact = 0, None, None, None, None
    if case.procedure_id is not None:
        row = db.session.execute(
            select(Procedure, CaseStage)
            .outerjoin(CaseStage, and_(CaseStage.case_id == case.id, CaseStage.number == case.stage))
            .where(Procedure.id == case.procedure_id)
            .options(joinedload(Procedure.stages))
        ).unique().first()
        if row is not None:
            procedure, stage_row = row
            rules = procedure.rules()
            stage_count = len(rules.stages)
            stage = rules.stage(case.stage) if rules.has_stage(case.stage) else None
            later = [s for s in rules.stages if s.number > case.stage]
            following = min(later, key=lambda s: s.number) if later else None
            contact = contact_for(rules.ombudsman, council().nation)
    return Outlook(case, stage_count, stage, following, stage_row, contact, on or today())


def what_happens_next(view: Outlook, events: list[CaseEvent], calendar: WorkingCalendar | None) -> list[str]:
    """The "What happens next" paragraphs for the case's status, in the page's language.

    `calendar` is needed only while an escalation request waits to be accepted (for its expected
    dates); pass None otherwise to save the query.
    """
    case = view.case
    status = case.status
    when = govuk_date
    if status is S.RECEIVED:
        lines = [_("We have received this and are deciding how best to deal with it.")]
        if case.acknowledge_by:
            lines.append(_("We will acknowledge it by %(date)s and tell you who is looking into it.",
                           date=when(case.acknowledge_by)))
        return lines
    if status is S.TRIAGED:
        lines = [_("We are dealing with this as a complaint.")]
        if case.acknowledge_by:
            lines.append(_("We will acknowledge it by %(date)s and tell you who is looking into it.",
                           date=when(case.acknowledge_by)))
        return lines
    if status is S.ESCALATED:
        lines = [_("We are looking at your complaint again at stage %(n)s.", n=case.stage)]
        if case.acknowledge_by:
            lines.append(_("We will acknowledge it by %(date)s.", date=when(case.acknowledge_by)))
        return lines
    if status in BEING_LOOKED_AT:
        lines = [_("We are looking into your complaint.")]
        if case.respond_by:
            lines.append(_("We will send you our response by %(date)s.", date=when(case.respond_by)))
        elif view.stage and view.stage.respond_from is ClockStart.AGREED:
            lines.append(_("We will agree with you the date by which we will respond."))
        else:
            lines.append(_("We will tell you when to expect our response."))
        return lines
    if status is S.RESPONSE_SENT:
        lines = []
        if view.responded_at:
            lines.append(_("We sent you our response on %(date)s. You can read it on this page.",
                           date=when(view.responded_at)))
        if view.can_escalate:
            lines.append(_("If you are not satisfied with our response, you can ask us to look at your complaint "
                           "again at stage %(n)s. You do not have to give a reason.", n=view.next_stage.number))
            if view.escalation_ends:
                lines.append(_("You can ask us until %(date)s.", date=when(view.escalation_ends)))
        else:
            lines.append(view.why_no_escalation)
        return lines
    if status is S.ESCALATION_REQUESTED:
        requested = view.escalation_requested_at(events)
        lines = [_("You asked us to look at your complaint again on %(date)s.", date=when(requested))
                 if requested else _("You asked us to look at your complaint again.")]
        if requested and calendar is not None:
            lines.extend(next_stage_lines(view, requested, calendar))
        return lines
    if status is S.WITH_OMBUDSMAN:
        name = view.contact.name if view.contact else _("Ombudsman")
        return [_("Your complaint is with the %(ombudsman)s. They will contact you about what happens next.",
                  ombudsman=name)]
    if status is S.WITHDRAWN:
        return [_("This case was withdrawn on %(date)s. We have stopped looking into it.", date=when(case.closed_at)),
                _("If you change your mind, contact us and quote your reference.")]
    if status is S.CLOSED:
        return [_("This case was closed on %(date)s.", date=when(case.closed_at))]
    if status is S.SERVICE_REQUEST:
        return [_("This is something the service can deal with directly, so we have passed it to them as a "
                  "request. They will contact you. If they do not put things right, you can then make a complaint.")]
    if status is S.FEEDBACK:
        return [_("Thank you. We have passed what you told us to the service.")]
    if status is S.SIGNPOSTED:
        return [_("Another organisation is better placed to help with this, and we have told you how to contact "
                  "them. This case is closed.")]
    if status is S.DUPLICATE:
        return [_("This is the same as another of your cases, so we are dealing with it there. This case is closed.")]
    if status is S.REFUSED:
        return [_("We have decided not to take this complaint forward, and we have written to you to explain why.")]
    return []


def next_stage_lines(view, at: datetime, calendar: WorkingCalendar) -> list[str]:
    """What to expect of the next stage if it starts at `at`: the lines the escalation pages and
    the case page show (none when there is no next stage)."""
    if view.next_stage is None:
        return []
    return expected_lines(expected_dates(view.next_stage, at, calendar), view.next_stage.number)


def expected_lines(expected: ExpectedDates, stage_number: int) -> list[str]:
    lines = []
    if expected.acknowledge_by:
        lines.append(_("We expect to acknowledge your request by %(date)s.", date=govuk_date(expected.acknowledge_by)))
    if expected.respond_by:
        lines.append(_("We expect to send you our stage %(n)s response by %(date)s.",
                       n=stage_number, date=govuk_date(expected.respond_by)))
    elif expected.agreed:
        lines.append(_("We will agree with you the date by which we will send our stage %(n)s response.",
                       n=stage_number))
    return lines
