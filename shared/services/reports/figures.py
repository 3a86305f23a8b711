"""The SQL behind the reports: every figure is an aggregate (COUNT, GROUP BY, a window), never a loop
over ORM objects. Results come back as small grouped rows that the report modules arrange.

What counts as what:
- a *contact* is any case received in the period (complaints, service requests, compliments,
  comments, member enquiries);
- a *stage N complaint* is a case stage N of a case made as a complaint, started in the period
  (its `received_on`, day 0 of its clocks); a stage 1 counts once the case was triaged as a
  complaint (a `triaged_complaint` event), so contacts passed on as service requests do not;
- *escalated 1 → 2* is a stage 2 whose case has a stage 1; *direct to stage 2* is one that has none;
- a stage is *answered* on the day its response was sent; its outcome is `case_stages.outcome`;
- periods are London days: a stored moment (UTC) is in a period when it falls between the UTC
  instants of the London midnights that bound it. The clock figures (answered on time, working
  days) compare the *UTC* day of a moment with a due date, so a response sent between midnight and
  1 a.m. in summer time counts for the day before: never later than it was.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from shared.clock import LONDON
from shared.db import db
from shared.domain.enums import CaseKind, CaseReason, CaseStatus, EventType, Finding, LearningStatus, OmbudsmanDecision
from shared.domain.reporting import Period
from shared.models import (
    Case,
    CaseEvent,
    CaseStage,
    LearningAction,
    NamedEmployee,
    OmbudsmanRecommendation,
    OmbudsmanReferral,
    Procedure,
)
from shared.services.reports import Filters


def london_midnight(day: date) -> datetime:
    """The UTC instant a London day starts."""
    return datetime.combine(day, time(0), tzinfo=LONDON)


def moment_bounds(period: Period) -> tuple[datetime, datetime]:
    """[start, end) instants for a period of London days."""
    return london_midnight(period.start), london_midnight(period.end + timedelta(days=1))


def narrowed(statement, filters: Filters):
    """The report filters on `Case` (which must be in the statement's FROM)."""
    if filters.service_id:
        statement = statement.where(Case.service_id == filters.service_id)
    if filters.ward_id:
        statement = statement.where(Case.ward_id == filters.ward_id)
    if filters.channel:
        statement = statement.where(Case.channel == filters.channel)
    if filters.procedure:
        statement = statement.where(
            Case.procedure_id.in_(select(Procedure.id).where(Procedure.slug == filters.procedure).scalar_subquery())
        )
    return statement


def triaged_as_complaint():
    return exists().where(CaseEvent.case_id == Case.id, CaseEvent.type == EventType.TRIAGED_COMPLAINT)


def _stage(number: int):
    other = aliased(CaseStage)
    return exists().where(other.case_id == CaseStage.case_id, other.number == number)


def is_counted_stage():
    """A stage that counts as a complaint at its stage: stage 1 once triaged as a complaint, any later
    stage (it exists only because the complaint went on)."""
    return and_(Case.kind == CaseKind.COMPLAINT, or_(CaseStage.number > 1, triaged_as_complaint()))


# --- contacts, stages and outcomes, for several periods in one query each ------------------------------


def _which_period(column, periods: list[Period], *, moments: bool):
    """A CASE naming which period (its index) a date or moment column falls in, and the WHERE for any."""
    whens, anywhere = [], []
    for index, period in enumerate(periods):
        if moments:
            start, end = moment_bounds(period)
            inside = and_(column >= start, column < end)
        else:
            inside = and_(column >= period.start, column <= period.end)
        whens.append((inside, index))
        anywhere.append(inside)
    return case(*whens, else_=-1), or_(*anywhere)


def contacts_by_kind_and_status(filters: Filters, periods: list[Period]) -> Counter:
    """{(period index, kind, status): how many} for cases received in each period."""
    which, anywhere = _which_period(Case.received_at, periods, moments=True)
    statement = narrowed(
        select(which, Case.kind, Case.status, func.count()).where(anywhere).group_by(which, Case.kind, Case.status),
        filters,
    )
    return Counter({(index, kind, status): count for index, kind, status, count in db.session.execute(statement)})


def stages_started(filters: Filters, periods: list[Period]) -> Counter:
    """{(period index, stage number, gone on to stage 2): complaints started at that stage in each period}."""
    which, anywhere = _which_period(CaseStage.received_on, periods, moments=False)
    went_on = case((_stage(2), 1), else_=0)
    statement = narrowed(
        select(which, CaseStage.number, went_on, func.count())
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .where(anywhere, is_counted_stage())
        .group_by(which, CaseStage.number, went_on),
        filters,
    )
    return Counter({(index, number, bool(on)): count for index, number, on, count in db.session.execute(statement)})


def outcomes(filters: Filters, periods: list[Period]) -> Counter:
    """{(period index, reason, outcome): complaint stages answered in each period}."""
    which, anywhere = _which_period(CaseStage.responded_at, periods, moments=True)
    statement = narrowed(
        select(which, Case.reason, CaseStage.outcome, func.count())
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .where(anywhere, Case.kind == CaseKind.COMPLAINT)
        .group_by(which, Case.reason, CaseStage.outcome),
        filters,
    )
    return Counter({(index, reason, outcome): count for index, reason, outcome, count in db.session.execute(statement)})


CLOCK_KEYS = ("started", "acknowledged", "acknowledged_on_time", "acknowledge_target", "answered",
              "answered_on_time", "extended")


def _clock_counts(among):
    """The counts of `stage_clock_counts`, each among the rows matching `among` (a condition)."""
    due = func.coalesce(CaseStage.extended_to, CaseStage.respond_by)
    acknowledged_in_time = and_(CaseStage.acknowledged_at.is_not(None), CaseStage.acknowledge_by.is_not(None),
                                func.date(CaseStage.acknowledged_at) <= func.date(CaseStage.acknowledge_by))
    answered_in_time = and_(CaseStage.responded_at.is_not(None), due.is_not(None),
                            func.date(CaseStage.responded_at) <= func.date(due))
    return [
        func.count(case((among, 1))),
        func.count(case((and_(among, CaseStage.acknowledged_at.is_not(None)), 1))),
        func.count(case((and_(among, acknowledged_in_time), 1))),
        func.count(case((and_(among, CaseStage.acknowledge_by.is_not(None)), 1))),
        func.count(case((and_(among, CaseStage.responded_at.is_not(None)), 1))),
        func.count(case((and_(among, answered_in_time), 1))),
        func.count(case((and_(among, CaseStage.extended_to.is_not(None)), 1))),
    ]


def stage_clocks_and_outcomes(filters: Filters, period: Period) -> tuple[dict[int, dict[str, int]], Counter]:
    """In one query: `stage_clock_counts` for the stages started in the period, and {(stage number,
    outcome): complaint stages answered in the period} (answered by its response date, wherever it started)."""
    start, end = moment_bounds(period)
    started = and_(CaseStage.received_on >= period.start, CaseStage.received_on <= period.end, is_counted_stage())
    answered = and_(CaseStage.responded_at >= start, CaseStage.responded_at < end, Case.kind == CaseKind.COMPLAINT)
    statement = narrowed(
        select(CaseStage.number, CaseStage.outcome, func.count(case((answered, 1))), *_clock_counts(started))
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .where(or_(started, answered))
        .group_by(CaseStage.number, CaseStage.outcome),
        filters,
    )
    clocks: dict[int, Counter] = {}
    outcomes: Counter = Counter()
    for number, outcome, answered_count, *counts in db.session.execute(statement):
        if answered_count:
            outcomes[(number, outcome)] += answered_count
        if counts[0]:
            clocks.setdefault(number, Counter()).update(dict(zip(CLOCK_KEYS, counts, strict=True)))
    return {number: {key: c[key] for key in CLOCK_KEYS} for number, c in clocks.items()}, outcomes


def refusals(filters: Filters, period: Period) -> list[tuple[str, int, int]]:
    """(ground, service id, how many) for complaints refused in the period: a `refused` event, triage
    deciding not to take the complaint forward on one of the RefusalGround grounds, with written
    reasons. The ground is "" for refusals recorded without one (imported from older systems)."""
    start, end = moment_bounds(period)
    ground = func.coalesce(CaseEvent.details["ground"].as_string(), "")
    statement = narrowed(
        select(ground, Case.service_id, func.count())
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.type == EventType.REFUSED, CaseEvent.at >= start, CaseEvent.at < end)
        .group_by(ground, Case.service_id),
        filters,
    )
    return [(key or "", service_id, count) for key, service_id, count in db.session.execute(statement)]


def stage_one_by(filters: Filters, period: Period, *dimensions) -> Counter:
    """{dimension values: stage 1 complaints started in the period} (dimensions: Case columns)."""
    statement = narrowed(
        select(*dimensions, func.count())
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .where(
            CaseStage.number == 1,
            CaseStage.received_on >= period.start,
            CaseStage.received_on <= period.end,
            is_counted_stage(),
        )
        .group_by(*dimensions),
        filters,
    )
    return Counter({tuple(values): count for *values, count in db.session.execute(statement)})


# --- demand -------------------------------------------------------------------------------------------


def stages_by_procedure_and_day(filters: Filters, period: Period) -> list[tuple[str, int, str, date, int]]:
    """(procedure slug, stage number, "escalated" | "direct" | "first", day, how many) for stages started
    in the period."""
    route = case(
        (CaseStage.number == 1, literal("first")),
        (_stage(1), literal("escalated")),
        else_=literal("direct"),
    )
    statement = narrowed(
        select(Procedure.slug, CaseStage.number, route, CaseStage.received_on, func.count())
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .join(Procedure, Procedure.id == Case.procedure_id)
        .where(CaseStage.received_on >= period.start, CaseStage.received_on <= period.end, is_counted_stage())
        .group_by(Procedure.slug, CaseStage.number, route, CaseStage.received_on),
        filters,
    )
    return [tuple(row) for row in db.session.execute(statement)]


# --- the backlog at a date ----------------------------------------------------------------------------


def status_at(filters: Filters, day: date, *dimensions, today: date) -> list[tuple]:
    """(each dimension's value, status at the end of `day`, whether a response had been sent by then,
    how many) for complaint contacts received by then: each case's last event up to that moment gives
    its status. Per case, two probes of the (case_id, at) index of the event log rather than a window
    over all of it (issue 9: 1.2 s a pass at 200,000 cases and 1.7 million events on PostgreSQL).
    From today on, that is each case's status now, which the case row holds (every change of status
    is an event): no event log needed."""
    if day >= today:
        return current_status(filters, *dimensions)
    end = london_midnight(day + timedelta(days=1))
    before = (CaseEvent.case_id == Case.id) & (CaseEvent.at < end)
    last_status = (
        select(CaseEvent.to_status).where(before)
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()).limit(1)
        .correlate(Case).scalar_subquery()
    )
    responded = exists().where(before, CaseEvent.type == EventType.RESPONSE_SENT).correlate(Case)
    per_case = narrowed(
        select(
            *(dimension.label(f"d{index}") for index, dimension in enumerate(dimensions)),
            last_status.label("status"),
            case((responded, 1), else_=0).label("responded"),
        ).where(Case.received_at < end, Case.kind == CaseKind.COMPLAINT),
        filters,
    ).subquery()
    keys = [per_case.c[f"d{index}"] for index in range(len(dimensions))]
    statement = (
        select(*keys, per_case.c.status, per_case.c.responded, func.count())
        .group_by(*keys, per_case.c.status, per_case.c.responded)
    )
    # A case with no event by then has no status (None): dropped here, not in SQL, where PostgreSQL
    # would run the subquery a second time for the filter.
    return [(*row[:-3], CaseStatus(row[-3]), bool(row[-2]), row[-1]) for row in db.session.execute(statement)
            if row[-3] is not None]


def current_status(filters: Filters, *dimensions) -> list[tuple]:
    """status_at for now: the cases' own statuses, and whether any stage's response has been sent."""
    responded = case((exists().where(CaseStage.case_id == Case.id, CaseStage.responded_at.is_not(None)), 1),
                     else_=0)
    statement = narrowed(
        select(*dimensions, Case.status, responded, func.count())
        .select_from(Case)
        .where(Case.kind == CaseKind.COMPLAINT)
        .group_by(*dimensions, Case.status, responded),
        filters,
    )
    return [(*row[:-3], CaseStatus(row[-3]), bool(row[-2]), row[-1]) for row in db.session.execute(statement)]


# --- timeliness ---------------------------------------------------------------------------------------


def stage_clock_counts(filters: Filters, period: Period) -> dict[int, dict[str, int]]:
    """Per stage number, for complaint stages started in the period: started, acknowledged (and on
    time), answered (and on time), extended."""
    statement = narrowed(
        select(CaseStage.number, *_clock_counts(true()))
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .where(CaseStage.received_on >= period.start, CaseStage.received_on <= period.end, is_counted_stage())
        .group_by(CaseStage.number),
        filters,
    )
    return {number: dict(zip(CLOCK_KEYS, figures, strict=True)) for number, *figures in db.session.execute(statement)}


def answer_day_pairs(filters: Filters, period: Period) -> list[tuple[int, date, date, int]]:
    """(stage number, day 0, day answered, how many) for answered stages started in the period: the
    working days between them are counted with the council's calendar."""
    answered_day = func.date(CaseStage.responded_at)
    statement = narrowed(
        select(CaseStage.number, CaseStage.received_on, answered_day, func.count())
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .where(
            CaseStage.received_on >= period.start,
            CaseStage.received_on <= period.end,
            CaseStage.responded_at.is_not(None),
            is_counted_stage(),
        )
        .group_by(CaseStage.number, CaseStage.received_on, answered_day),
        filters,
    )
    return [(number, start, _as_date(day), count) for number, start, day, count in db.session.execute(statement)]


def triage_day_pairs(filters: Filters, period: Period) -> list[tuple[date, date | None, int]]:
    """(day received, day first triaged or None, how many) for complaint contacts received in the period."""
    start, end = moment_bounds(period)
    first_triage = (
        select(func.min(CaseEvent.at))
        .where(
            CaseEvent.case_id == Case.id,
            CaseEvent.type.in_(
                [EventType.TRIAGED_COMPLAINT, EventType.TRIAGED_SERVICE_REQUEST, EventType.TRIAGED_FEEDBACK,
                 EventType.SIGNPOSTED, EventType.MARKED_DUPLICATE, EventType.REFUSED]
            ),
        )
        .correlate(Case)
        .scalar_subquery()
    )
    received_day = func.date(Case.received_at)
    triaged_day = func.date(first_triage)
    statement = narrowed(
        select(received_day, triaged_day, func.count())
        .where(Case.received_at >= start, Case.received_at < end, Case.kind == CaseKind.COMPLAINT)
        .group_by(received_day, triaged_day),
        filters,
    )
    return [(_as_date(received), _as_date(triaged) if triaged else None, count)
            for received, triaged, count in db.session.execute(statement)]


def _as_date(value) -> date:
    """SQLite's date() answers with text; PostgreSQL's with a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))




# --- the Ombudsman ------------------------------------------------------------------------------------


def referrals(filters: Filters, period: Period) -> Counter:
    """{(ombudsman, "received" | decision value): how many} — referrals received in the period, and
    decisions made in it (one query: a referral can be both)."""
    received = and_(OmbudsmanReferral.received_on >= period.start, OmbudsmanReferral.received_on <= period.end)
    decided = and_(OmbudsmanReferral.decided_on >= period.start, OmbudsmanReferral.decided_on <= period.end)
    was_received, was_decided = case((received, 1), else_=0), case((decided, 1), else_=0)
    statement = narrowed(
        select(OmbudsmanReferral.ombudsman, OmbudsmanReferral.decision, was_received, was_decided, func.count())
        .select_from(OmbudsmanReferral)
        .join(Case, Case.id == OmbudsmanReferral.case_id)
        .where(or_(received, decided))
        .group_by(OmbudsmanReferral.ombudsman, OmbudsmanReferral.decision, was_received, was_decided),
        filters,
    )
    found: Counter = Counter()
    for ombudsman, decision, in_received, in_decided, count in db.session.execute(statement):
        if in_received:
            found[(ombudsman, "received")] += count
        if in_decided:
            found[(ombudsman, decision.value)] += count
    return found


def referrals_by_procedure_and_day(filters: Filters, period: Period, *, decided: bool) -> list[tuple]:
    """(procedure slug, day, decision, how many): referrals received (or decided) in the period."""
    day = OmbudsmanReferral.decided_on if decided else OmbudsmanReferral.received_on
    statement = narrowed(
        select(Procedure.slug, day, OmbudsmanReferral.decision, func.count())
        .select_from(OmbudsmanReferral)
        .join(Case, Case.id == OmbudsmanReferral.case_id)
        .join(Procedure, Procedure.id == Case.procedure_id)
        .where(day >= period.start, day <= period.end)
        .group_by(Procedure.slug, day, OmbudsmanReferral.decision),
        filters,
    )
    return [tuple(row) for row in db.session.execute(statement)]


def recommendations(filters: Filters, period: Period, today: date) -> dict[str, int]:
    """Recommendations due in the period: complied with on time, late, overdue, not yet due."""
    on_time = and_(OmbudsmanRecommendation.complied_on.is_not(None),
                   OmbudsmanRecommendation.complied_on <= OmbudsmanRecommendation.due_on)
    late = and_(OmbudsmanRecommendation.complied_on.is_not(None),
                OmbudsmanRecommendation.complied_on > OmbudsmanRecommendation.due_on)
    outstanding = OmbudsmanRecommendation.complied_on.is_(None)
    statement = narrowed(
        select(
            func.count(),
            func.count(case((on_time, 1))),
            func.count(case((late, 1))),
            func.count(case((and_(outstanding, OmbudsmanRecommendation.due_on < today), 1))),
            func.count(case((and_(outstanding, OmbudsmanRecommendation.due_on >= today), 1))),
        )
        .select_from(OmbudsmanRecommendation)
        .join(OmbudsmanReferral, OmbudsmanReferral.id == OmbudsmanRecommendation.referral_id)
        .join(Case, Case.id == OmbudsmanReferral.case_id)
        .where(OmbudsmanRecommendation.due_on >= period.start, OmbudsmanRecommendation.due_on <= period.end),
        filters,
    )
    keys = ("due", "on_time", "late", "overdue", "not_yet_due")
    return dict(zip(keys, db.session.execute(statement).one(), strict=True))


def ombudsman_summary(filters: Filters, period: Period, today: date) -> dict[str, int]:
    """The Ombudsman's figures for an annual report in one round trip (one scalar subquery each):
    referrals received in the period; decisions made in it that investigated, and that found fault;
    recommendations due in it, complied with on time, late, and outstanding past their date."""
    investigated = [OmbudsmanDecision.NO_FAULT, OmbudsmanDecision.FAULT_NO_INJUSTICE, OmbudsmanDecision.FAULT_INJUSTICE]
    fault = [OmbudsmanDecision.FAULT_NO_INJUSTICE, OmbudsmanDecision.FAULT_INJUSTICE]
    decided = and_(OmbudsmanReferral.decided_on >= period.start, OmbudsmanReferral.decided_on <= period.end)

    def referrals_where(*conditions):
        return narrowed(select(func.count()).select_from(OmbudsmanReferral)
                        .join(Case, Case.id == OmbudsmanReferral.case_id).where(*conditions), filters).scalar_subquery()

    def recommendations_where(*conditions):
        return narrowed(
            select(func.count()).select_from(OmbudsmanRecommendation)
            .join(OmbudsmanReferral, OmbudsmanReferral.id == OmbudsmanRecommendation.referral_id)
            .join(Case, Case.id == OmbudsmanReferral.case_id)
            .where(OmbudsmanRecommendation.due_on >= period.start, OmbudsmanRecommendation.due_on <= period.end,
                   *conditions),
            filters,
        ).scalar_subquery()

    complied = OmbudsmanRecommendation.complied_on
    statement = select(
        referrals_where(OmbudsmanReferral.received_on >= period.start, OmbudsmanReferral.received_on <= period.end),
        referrals_where(decided, OmbudsmanReferral.decision.in_(investigated)),
        referrals_where(decided, OmbudsmanReferral.decision.in_(fault)),
        recommendations_where(),
        recommendations_where(complied.is_not(None), complied <= OmbudsmanRecommendation.due_on),
        recommendations_where(complied.is_not(None), complied > OmbudsmanRecommendation.due_on),
        recommendations_where(complied.is_(None), OmbudsmanRecommendation.due_on < today),
    )
    keys = ("received", "investigated", "fault", "due", "on_time", "late", "overdue")
    return dict(zip(keys, db.session.execute(statement).one(), strict=True))


# --- learning -----------------------------------------------------------------------------------------


def learning_by_service(filters: Filters, period: Period, today: date) -> list[tuple[int, int, int, int, int]]:
    """(service id, open now, overdue now, completed in the period, cancelled in the period)."""
    start, end = moment_bounds(period)
    open_now = LearningAction.status.in_([LearningStatus.PLANNED, LearningStatus.IN_PROGRESS])
    in_period = and_(LearningAction.completed_at >= start, LearningAction.completed_at < end)
    statement = (
        select(
            LearningAction.service_id,
            func.count(case((open_now, 1))),
            func.count(case((and_(open_now, LearningAction.due_on < today), 1))),
            func.count(case((and_(LearningAction.status == LearningStatus.DONE, in_period), 1))),
            func.count(case((and_(LearningAction.status == LearningStatus.CANCELLED, in_period), 1))),
        )
        .group_by(LearningAction.service_id)
    )
    if filters.service_id:
        statement = statement.where(LearningAction.service_id == filters.service_id)
    return [tuple(row) for row in db.session.execute(statement)]


def you_said_we_did(filters: Filters, period: Period, limit: int = 50) -> list[tuple[int, str, str, str, datetime]]:
    """(service id, title, you said, we did, completed at) for published actions completed in the period."""
    start, end = moment_bounds(period)
    statement = (
        select(LearningAction.service_id, LearningAction.title, LearningAction.you_said, LearningAction.we_did,
               LearningAction.completed_at)
        .where(LearningAction.published.is_(True), LearningAction.status == LearningStatus.DONE,
               LearningAction.completed_at >= start, LearningAction.completed_at < end)
        .order_by(LearningAction.completed_at.desc())
        .limit(limit)
    )
    if filters.service_id:
        statement = statement.where(LearningAction.service_id == filters.service_id)
    return [tuple(row) for row in db.session.execute(statement)]


# --- now ------------------------------------------------------------------------------------------------


def _waiting() -> list[CaseStatus]:
    """Open and not yet answered (a response sent, or with the Ombudsman, is not being dealt with)."""
    return [status for status in CaseStatus if status.is_open
            and status not in {CaseStatus.RESPONSE_SENT, CaseStatus.WITH_OMBUDSMAN}]


def open_complaints(filters: Filters, today: date) -> tuple[int, int]:
    """(complaints being dealt with now — open and not yet answered —, of which past their response date)."""
    waiting = _waiting()
    statement = narrowed(
        select(func.count(), func.count(case((Case.respond_by < today, 1))))
        .select_from(Case)
        .where(Case.kind == CaseKind.COMPLAINT, Case.status.in_(waiting), triaged_as_complaint()),
        filters,
    )
    total, overdue = db.session.execute(statement).one()
    return total, overdue


def stages_by_day(filters: Filters, period: Period) -> list[tuple[int, date, int]]:
    """(stage number, day, complaints started at that stage that day) over the period."""
    statement = narrowed(
        select(CaseStage.number, CaseStage.received_on, func.count())
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .where(CaseStage.received_on >= period.start, CaseStage.received_on <= period.end, is_counted_stage())
        .group_by(CaseStage.number, CaseStage.received_on),
        filters,
    )
    return [(number, _as_date(day), count) for number, day, count in db.session.execute(statement)]


# --- member enquiries ---------------------------------------------------------------------------------


def member_enquiries(filters: Filters, period: Period, today: date) -> list[tuple[int, int, int, int, int, int]]:
    """(service id, received, answered, answered by the due date, open now, open past the due date) for
    member enquiries received in the period (one stage each: its response is the reply)."""
    due = func.coalesce(CaseStage.extended_to, CaseStage.respond_by)
    answered = CaseStage.responded_at.is_not(None)
    open_now = Case.status.in_([status for status in CaseStatus if status.is_open])
    statement = narrowed(
        select(
            Case.service_id,
            func.count(),
            func.count(case((answered, 1))),
            func.count(case((and_(answered, due.is_not(None), func.date(CaseStage.responded_at) <= func.date(due)), 1))),
            func.count(case((and_(open_now, ~answered), 1))),
            func.count(case((and_(open_now, ~answered, due < today), 1))),
        )
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .where(Case.kind == CaseKind.MEMBER_ENQUIRY, CaseStage.number == 1,
               CaseStage.received_on >= period.start, CaseStage.received_on <= period.end)
        .group_by(Case.service_id),
        filters,
    )
    return [tuple(row) for row in db.session.execute(statement)]


# --- staff attitude and behaviour complaints by named employee ------------------------------------------


def by_named_employee(filters: Filters, period: Period) -> list[tuple]:
    """(name key, service id, a name as written, received, stage 1, stage 2 or later, upheld, partly
    upheld, not upheld, open now) for complaints mainly about staff attitude and behaviour (triaged as
    complaints), per employee they name — key and service None for those that name nobody.

    Received: cases received in the period. Stages: started in the period (`received_on`). Outcomes:
    stages answered in the period. Open now: open and not yet answered, whenever received. A row
    appears when any of these is above nought. One query: cases outer-joined to the employees they
    name and to their stages, every figure a COUNT(DISTINCT) so the joins count nothing twice.
    """
    start, end = moment_bounds(period)
    received = and_(Case.received_at >= start, Case.received_at < end)
    started = and_(CaseStage.received_on >= period.start, CaseStage.received_on <= period.end)
    answered = and_(CaseStage.responded_at >= start, CaseStage.responded_at < end)

    def distinct_cases(condition):
        return func.count(func.distinct(case((condition, Case.id))))

    def distinct_stages(condition):
        return func.count(func.distinct(case((condition, CaseStage.id))))

    def outcome(finding: Finding):
        return distinct_stages(and_(answered, CaseStage.outcome == finding))

    figures_of = (
        distinct_cases(received),
        distinct_stages(and_(started, CaseStage.number == 1)),
        distinct_stages(and_(started, CaseStage.number >= 2)),
        outcome(Finding.UPHELD),
        outcome(Finding.PARTLY_UPHELD),
        outcome(Finding.NOT_UPHELD),
        distinct_cases(Case.status.in_(_waiting())),
    )
    grouped = narrowed(
        select(NamedEmployee.name_key, NamedEmployee.service_id, func.min(NamedEmployee.name), *figures_of)
        .select_from(Case)
        .outerjoin(NamedEmployee, NamedEmployee.case_id == Case.id)
        .outerjoin(CaseStage, CaseStage.case_id == Case.id)
        .where(Case.kind == CaseKind.COMPLAINT, Case.reason == CaseReason.STAFF_ATTITUDE, triaged_as_complaint())
        .group_by(NamedEmployee.name_key, NamedEmployee.service_id),
        filters,
    )
    rows = []
    for key, service_id, name, *counts in db.session.execute(grouped):
        if any(counts):
            rows.append((key, service_id, name, *counts))
    return rows
