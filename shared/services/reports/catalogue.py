"""The reports themselves: each arranges the figures from `figures` into the tables a council's
committee papers use (the seeds in the product brief), with the same figures a year earlier where
a comparison is asked for."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from flask import g, has_app_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain.enums import CaseKind, CaseReason, CaseStatus, Finding, Ombudsman, OmbudsmanDecision
from shared.domain.policy import PEOPLE_REPORT_READER_ROLES
from shared.domain.reporting import (
    Period,
    change,
    financial_year,
    financial_year_label,
    financial_year_of,
    last_complete_quarter,
    mean,
    percentile,
    quarters_back,
    quarters_in,
    share,
)
from shared.models import Case, ComplaintReason, Procedure, Service
from shared.services.calendar import council_calendar
from shared.services.reports import (
    CHANGE,
    DAYS,
    PERCENT,
    TEXT,
    Column,
    Filters,
    Report,
    ReportSpec,
    Table,
    figures,
)

# A contact should be triaged (complaint, service request, elsewhere) within this many working days.
TRIAGE_TARGET_DAYS = 2


def today() -> date:
    return to_london(utcnow()).date()


def _locale() -> str:
    return str(get_locale() or "en")


def _per_request(key: str, load):
    """Read once per request (the filter form and the report both name services and procedures)."""
    if not has_app_context():
        return load()
    if key not in g:
        setattr(g, key, load())
    return getattr(g, key)


def services() -> list[Service]:
    return _per_request("report_services", lambda: db.session.scalars(select(Service).order_by(Service.name)).all())


def procedures() -> list[Procedure]:
    """Every version of every procedure, oldest first within each slug."""
    return _per_request(
        "report_procedures",
        lambda: db.session.scalars(select(Procedure).order_by(Procedure.slug, Procedure.version)).all(),
    )


def _service_names() -> dict[int, str]:
    locale = _locale()
    return {service.id: service.display_name(locale) for service in services()}


def _reason_names() -> dict[int, str]:
    """The council's own complaint reasons by id, in the page's language."""
    locale = _locale()
    return _per_request("report_reasons", lambda: {
        reason.id: reason.display_name(locale) for reason in db.session.scalars(select(ComplaintReason))})


def _procedure_names() -> dict[str, str]:
    """The latest name of every procedure, by slug (all versions share the slug)."""
    locale = _locale()
    return {procedure.slug: procedure.display_name(locale) for procedure in procedures()}


def quarter_label(start_year: int, quarter: int) -> str:
    """"2026/27 Q2", in the page's language."""
    return _("%(year)s Q%(quarter)s", year=financial_year_label(start_year), quarter=quarter)


def _label(value) -> object:
    return value.label if value is not None and hasattr(value, "label") else _l("Not recorded")


UPHELD_IN_PART_OR_WHOLE = (Finding.UPHELD, Finding.PARTLY_UPHELD)


# --- 1. quarterly summary (seed 000 §3) --------------------------------------------------------------


def _contact_rows(contacts: Counter, index: int) -> dict[str, int]:
    def count(*, kind=None, statuses=None) -> int:
        return sum(n for (i, k, s), n in contacts.items()
                   if i == index and (kind is None or k is kind) and (statuses is None or s in statuses))

    return {
        "contacts": count(),
        "service_requests": count(kind=CaseKind.COMPLAINT, statuses={CaseStatus.SERVICE_REQUEST}),
        "signposted": count(kind=CaseKind.COMPLAINT, statuses={CaseStatus.SIGNPOSTED}),
        "awaiting_triage": count(kind=CaseKind.COMPLAINT, statuses={CaseStatus.RECEIVED}),
        "compliments": count(kind=CaseKind.COMPLIMENT),
        "comments": count(kind=CaseKind.COMMENT),
        "member_enquiries": count(kind=CaseKind.MEMBER_ENQUIRY),
    }


def quarterly(filters: Filters) -> Report:
    periods = [filters.period, filters.period.a_year_earlier()]
    contacts = figures.contacts_by_kind_and_status(filters, periods)
    contacts_now, contacts_before = _contact_rows(contacts, 0), _contact_rows(contacts, 1)
    stages = figures.stages_started(filters, periods)

    def started(index: int, number: int | None = None, *, went_on: bool | None = None) -> int:
        return sum(n for (i, num, on), n in stages.items()
                   if i == index and (number is None or num == number) and (went_on is None or on is went_on))

    comparison = [Column("measure", _l("Measure"), TEXT), Column("now", _l("This period")),
                  Column("before", _l("Same period a year earlier")), Column("change", _l("Change (%)"), CHANGE)]

    def line(label, a: int, b: int) -> list:
        return [label, a, b, change(a, b)]

    labels = {
        "contacts": _l("Contacts received"),
        "service_requests": _l("Passed to the service as a request"),
        "signposted": _l("Signposted elsewhere"),
        "awaiting_triage": _l("Awaiting triage"),
        "compliments": _l("Compliments"),
        "comments": _l("Comments"),
        "member_enquiries": _l("Member enquiries"),
    }
    contact_table = Table("contacts", _l("Contacts and complaints"), comparison,
                          [line(labels[key], contacts_now[key], contacts_before[key]) for key in labels])
    for number in sorted({num for (_i, num, _on) in stages} | {1, 2}):
        contact_table.rows.append(line(_l("Stage %(number)s complaints", number=number),
                                       started(0, number), started(1, number)))
    contact_table.rows.append(line(_l("All complaints"), started(0), started(1)))

    escalation = Table(
        "escalation", _l("Stage 1 complaints escalated to stage 2"),
        [Column("period", _l("Period"), TEXT), Column("stage_1", _l("Stage 1 complaints")),
         Column("escalated", _l("Escalated to stage 2")), Column("share", _l("Escalated (%)"), PERCENT)],
        [[label, started(index, 1), started(index, 1, went_on=True),
          share(started(index, 1, went_on=True), started(index, 1))]
         for index, label in enumerate([_l("This period"), _l("Same period a year earlier")])],
        description=_l("Of the stage 1 complaints received in each period, how many have gone on to stage 2 so far."),
    )

    found = figures.outcomes(filters, periods)

    def answered(index: int, finding=..., reason=...) -> int:
        return sum(n for (i, r, f), n in found.items()
                   if i == index and (finding is ... or f in finding) and (reason is ... or r is reason))

    answered_now, answered_before = answered(0), answered(1)
    outcome_columns = [Column("outcome", _l("Outcome"), TEXT), Column("now", _l("This period")),
                       Column("now_share", _l("Share (%)"), PERCENT), Column("before", _l("Same period a year earlier")),
                       Column("before_share", _l("Share a year earlier (%)"), PERCENT)]
    outcome_rows = []
    for finding in [*Finding, None]:
        a, b = answered(0, {finding}), answered(1, {finding})
        if finding is None and not (a or b):
            continue
        label = finding.label if finding else _l("No finding recorded")
        outcome_rows.append([label, a, share(a, answered_now), b, share(b, answered_before)])
    justified_now, justified_before = answered(0, UPHELD_IN_PART_OR_WHOLE), answered(1, UPHELD_IN_PART_OR_WHOLE)
    outcome_table = Table(
        "outcomes", _l("Outcomes of complaints answered"), outcome_columns, outcome_rows, chart="now",
        totals=[_l("Upheld in whole or in part"), justified_now, share(justified_now, answered_now),
                justified_before, share(justified_before, answered_before)],
        description=_l("Every stage answered in the period, by its overall finding."),
    )

    reason_rows = []
    for reason in [*CaseReason, None]:
        total = answered(0, reason=reason)
        if reason is None and not total:
            continue
        upheld = answered(0, UPHELD_IN_PART_OR_WHOLE, reason)
        reason_rows.append([_label(reason), total, upheld, share(upheld, total)])
    reason_table = Table(
        "upheld_by_reason", _l("Upheld by reason"),
        [Column("reason", _l("Reason"), TEXT), Column("answered", _l("Answered")),
         Column("upheld", _l("Upheld in whole or in part")), Column("share", _l("Upheld (%)"), PERCENT)],
        reason_rows, chart="share",
    )

    # Reasons and services from one grouping of this period's stage 1 complaints. The council's own
    # reason is counted where triage recorded one, else the category (older and imported cases).
    first = figures.stage_one_by(filters, filters.period, Case.reason, Case.reason_detail_id, Case.service_id)
    reasons, services = Counter(), Counter()
    for (reason, detail_id, service_id), count in first.items():
        reasons[detail_id if detail_id is not None else reason] += count
        services[service_id] += count
    total_first = sum(first.values())
    own = _reason_names() if any(isinstance(key, int) for key in reasons) else {}

    def reason_label(key):
        return own.get(key, "?") if isinstance(key, int) else _label(key)

    top = Table(
        "top_reasons", _l("Reasons for stage 1 complaints"),
        [Column("reason", _l("Reason"), TEXT), Column("complaints", _l("Stage 1 complaints")),
         Column("share", _l("Share (%)"), PERCENT)],
        [[reason_label(key), count, share(count, total_first)] for key, count in _ranked(reasons, reason_label)],
        chart="complaints",
        description=_l("By the council's own reason where triage recorded one, otherwise by its category."),
    )
    names = _service_names()
    by_service = Table(
        "by_service", _l("Stage 1 complaints by service"),
        [Column("service", _l("Service"), TEXT), Column("complaints", _l("Stage 1 complaints")),
         Column("share", _l("Share (%)"), PERCENT)],
        [[names.get(service_id, "?"), count, share(count, total_first)]
         for service_id, count in _ranked(services, names.get)],
        chart="complaints",
    )
    return Report("quarterly", SPECS_TITLES["quarterly"], filters,
                  [contact_table, escalation, outcome_table, reason_table, top, by_service])


def _ranked(counts: Counter, name=None) -> list:
    """Largest first; ties in a stable order (by name, else by value)."""
    return sorted(counts.items(), key=lambda item: (-item[1], str(name(item[0]) if name else item[0])))


# --- 2. backlog snapshot (seed 001) ------------------------------------------------------------------

_NOT_STARTED = {CaseStatus.RECEIVED, CaseStatus.TRIAGED, CaseStatus.ACKNOWLEDGED, CaseStatus.ESCALATED,
                CaseStatus.ESCALATION_REQUESTED, CaseStatus.REOPENED}
_WITH_TEAM = {CaseStatus.WITH_TEAM, CaseStatus.RESPONSE_DRAFTED, CaseStatus.AWAITING_QUALITY_CHECK,
              CaseStatus.RETURNED_FOR_CHANGES}
_COMPLETE = {CaseStatus.RESPONSE_SENT, CaseStatus.WITH_OMBUDSMAN}
_NOT_A_COMPLAINT = {CaseStatus.SERVICE_REQUEST, CaseStatus.SIGNPOSTED, CaseStatus.FEEDBACK}


def backlog_bucket(status: CaseStatus, responded: bool) -> str:
    if status in _NOT_STARTED:
        return "not_started"
    if status in _WITH_TEAM:
        return "with_team"
    if status is CaseStatus.WITH_SERVICE:
        return "with_service"
    if status in _COMPLETE or (status is CaseStatus.CLOSED and responded):
        return "complete"
    if status in _NOT_A_COMPLAINT:
        return "not_a_complaint"
    return "closed_other"


def backlog(filters: Filters) -> Report:
    day = filters.period.end
    # One pass over the cases for both tables.
    found = figures.status_at(filters, day, Case.procedure_id, Case.service_id, today=today())
    rows_by_procedure = _backlog_table(found, "procedure")
    rows_by_service = _backlog_table(found, "service")
    return Report("backlog", SPECS_TITLES["backlog"], filters, [rows_by_procedure, rows_by_service],
                  notes=[_l("Each complaint is counted in the state it was in at the end of the chosen date.")])


_BACKLOG_COLUMNS = ("not_started", "with_team", "with_service", "complete", "closed_other")


def _backlog_table(found: list[tuple], group: str) -> Table:
    if group == "procedure":
        slugs = {procedure.id: procedure.slug for procedure in procedures()}
        names = _procedure_names()

        def name_of(value):
            return names.get(slugs.get(value), "?")
    else:
        service_names = _service_names()

        def name_of(value):
            return service_names.get(value, "?")

    counts: dict[str, Counter] = defaultdict(Counter)
    not_a_complaint = 0
    for procedure_id, service_id, status, responded, count in found:
        value = procedure_id if group == "procedure" else service_id
        bucket = backlog_bucket(status, responded)
        if bucket == "not_a_complaint":
            not_a_complaint += count
        else:
            counts[name_of(value)][bucket] += count
    rows = []
    for name in sorted(counts):
        figures_of = counts[name]
        rows.append([name, sum(figures_of.values()), *(figures_of[key] for key in _BACKLOG_COLUMNS)])
    rows.append([_l("Service requests and contacts that were not complaints"), not_a_complaint, None, None, None, None,
                 not_a_complaint])
    totals = [_l("Total")] + [sum(row[i] or 0 for row in rows) for i in range(1, len(_BACKLOG_COLUMNS) + 2)]
    title = _l("By procedure") if group == "procedure" else _l("By service")
    return Table(
        f"by_{group}", title,
        [Column("group", _l("Procedure") if group == "procedure" else _l("Service"), TEXT), Column("total", _l("Total")),
         Column("not_started", _l("Unallocated or not started")),
         Column("with_team", _l("Open with the complaints team")),
         Column("with_service", _l("Open with the service")),
         Column("complete", _l("Complete (response sent)")),
         Column("closed_other", _l("Closed for another reason (withdrawn, duplicate, out of time)"))],
        rows, totals=totals,
    )


# --- 3. demand (seed 004's appendix) -----------------------------------------------------------------


def demand(filters: Filters) -> Report:
    quarters = quarters_in(filters.period)
    stages = figures.stages_by_procedure_and_day(filters, filters.period)
    referred = figures.referrals_by_procedure_and_day(filters, filters.period, decided=False)
    decided = figures.referrals_by_procedure_and_day(filters, filters.period, decided=True)
    names = _procedure_names()

    # (slug, measure) -> [per quarter] ; measures keyed so their order and labels are fixed.
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(quarters))

    def add(slug: str, measure: str, day: date, count: int) -> None:
        for index, (_fy, _q, span) in enumerate(quarters):
            if span.contains(day):
                table[(slug, measure)][index] += count
                return

    for slug, number, route, day, count in stages:
        add(slug, f"stage_{number}", day, count)
        if number == 2:
            add(slug, "escalated" if route == "escalated" else "direct", day, count)
        elif number > 2:
            add(slug, f"escalated_to_{number}", day, count)
    upheld = {OmbudsmanDecision.FAULT_INJUSTICE, OmbudsmanDecision.FAULT_NO_INJUSTICE}
    for slug, day, _decision, count in referred:
        add(slug, "ombudsman", day, count)
    for slug, day, decision, count in decided:
        if decision in upheld:
            add(slug, "ombudsman_upheld", day, count)

    labels = {
        "stage_1": _l("Stage 1 complaints"),
        "stage_2": _l("Stage 2 complaints"),
        "escalated": _l("Escalated from stage 1 to stage 2"),
        "direct": _l("Went direct to stage 2"),
        "stage_3": _l("Stage 3 complaints"),
        "ombudsman": _l("Escalated to the Ombudsman"),
        "ombudsman_upheld": _l("Upheld by the Ombudsman"),
    }
    columns = [Column("measure", _l("Number of complaints received"), TEXT)]
    for fy, quarter, _span in quarters:
        columns.append(Column(f"{fy}_q{quarter}", quarter_label(fy, quarter)))
    columns.append(Column("total", _l("Total")))
    tables = []
    for slug in sorted({slug for slug, _measure in table}, key=lambda s: names.get(s, s)):
        rows = []
        for measure, label in labels.items():
            counts = table.get((slug, measure))
            if counts is None and measure in {"stage_3"}:
                continue
            counts = counts or [0] * len(quarters)
            rows.append([label, *counts, sum(counts)])
        tables.append(Table(slug, names.get(slug, slug), list(columns), rows))
    if not tables:
        tables.append(Table("none", _l("No complaints"), list(columns), []))
    return Report("demand", SPECS_TITLES["demand"], filters, tables)


# --- 4. timeliness -----------------------------------------------------------------------------------


def timeliness(filters: Filters) -> Report:
    calendar = council_calendar()
    clocks = figures.stage_clock_counts(filters, filters.period)
    days: dict[int, Counter] = defaultdict(Counter)
    for number, start, answered, count in figures.answer_day_pairs(filters, filters.period):
        days[number][calendar.between(start, answered)] += count
    rows = []
    for number in sorted(clocks):
        c = clocks[number]
        rows.append([
            _l("Stage %(number)s", number=number), c["started"],
            share(c["acknowledged_on_time"], c["acknowledge_target"]),
            c["answered"], share(c["answered_on_time"], c["answered"]),
            c["extended"], mean(days[number]), percentile(days[number], 0.9),
        ])
    stages = Table(
        "stages", _l("Acknowledged and answered within target"),
        [Column("stage", _l("Stage"), TEXT), Column("started", _l("Complaints")),
         Column("acknowledged_on_time", _l("Acknowledged within target (%)"), PERCENT),
         Column("answered", _l("Answered")), Column("answered_on_time", _l("Answered within target (%)"), PERCENT),
         Column("extended", _l("Extensions used")), Column("mean_days", _l("Average working days to answer"), DAYS),
         Column("p90_days", _l("90% answered within (working days)"), DAYS)],
        rows, chart="answered_on_time",
        description=_l("Complaints that started each stage in the period. A response is within target when it was "
                       "sent by the due date, or the extended date where an extension was given."),
    )

    triaged = within = waiting = 0
    for received, triaged_on, count in figures.triage_day_pairs(filters, filters.period):
        if triaged_on is None:
            waiting += count
            continue
        triaged += count
        if calendar.between(calendar.next_working_day(received) if not calendar.is_working_day(received) else received,
                            triaged_on) <= TRIAGE_TARGET_DAYS:
            within += count
    triage = Table(
        "triage", _l("Triage at first contact"),
        [Column("measure", _l("Measure"), TEXT), Column("value", _l("Number")), Column("share", _l("Share (%)"), PERCENT)],
        [[_l("Triaged"), triaged, None],
         [_l("Triaged within %(days)s working days", days=TRIAGE_TARGET_DAYS), within, share(within, triaged)],
         [_l("Not triaged yet"), waiting, None]],
    )
    return Report("timeliness", SPECS_TITLES["timeliness"], filters, [stages, triage])


# --- 5. Ombudsman (seed 002: 97 / 21 / 9) ------------------------------------------------------------

_INVESTIGATED = {OmbudsmanDecision.NO_FAULT, OmbudsmanDecision.FAULT_NO_INJUSTICE, OmbudsmanDecision.FAULT_INJUSTICE}
_FAULT = {OmbudsmanDecision.FAULT_NO_INJUSTICE, OmbudsmanDecision.FAULT_INJUSTICE}


def ombudsman(filters: Filters) -> Report:
    found = figures.referrals(filters, filters.period)
    rows = []
    ombudsmen = sorted({o for o, _key in found}, key=lambda o: list(Ombudsman).index(o))
    for body in ombudsmen:
        decided = sum(n for (o, key), n in found.items() if o is body and key != "received"
                      and key != OmbudsmanDecision.PENDING.value)
        investigated = sum(found[(body, d.value)] for d in _INVESTIGATED)
        fault = sum(found[(body, d.value)] for d in _FAULT)
        rows.append([body.label, found[(body, "received")], decided, investigated, fault, share(fault, investigated)])
    totals = None
    if len(rows) > 1:
        totals = [_l("All Ombudsmen")] + [sum(row[i] for row in rows) for i in range(1, 5)]
        totals.append(share(totals[4], totals[3]))
    referrals = Table(
        "referrals", _l("Referred, investigated, fault found"),
        [Column("ombudsman", _l("Ombudsman"), TEXT), Column("referred", _l("Referred to the Ombudsman")),
         Column("decided", _l("Decided")), Column("investigated", _l("Investigated")),
         Column("fault", _l("Fault found")), Column("fault_share", _l("Fault found of those investigated (%)"), PERCENT)],
        rows, totals=totals,
        description=_l("Referrals received in the period, and the Ombudsman's decisions made in it."),
    )
    decisions = Table(
        "decisions", _l("Decisions"),
        [Column("decision", _l("Decision"), TEXT), Column("count", _l("Number"))],
        [[d.label, sum(found[(o, d.value)] for o in Ombudsman)] for d in OmbudsmanDecision if d is not OmbudsmanDecision.PENDING],
        chart="count",
    )
    due = figures.recommendations(filters, filters.period, today())
    recommendations = Table(
        "recommendations", _l("Recommendations due in the period"),
        [Column("measure", _l("Measure"), TEXT), Column("count", _l("Number")), Column("share", _l("Share (%)"), PERCENT)],
        [[_l("Due"), due["due"], None],
         [_l("Complied with on time"), due["on_time"], share(due["on_time"], due["due"])],
         [_l("Complied with late"), due["late"], share(due["late"], due["due"])],
         [_l("Overdue"), due["overdue"], share(due["overdue"], due["due"])],
         [_l("Not yet due"), due["not_yet_due"], share(due["not_yet_due"], due["due"])]],
    )
    return Report("ombudsman", SPECS_TITLES["ombudsman"], filters, [referrals, decisions, recommendations])


# --- 7. learning actions ("you said, we did") --------------------------------------------------------


def learning(filters: Filters) -> Report:
    names = _service_names()
    rows = sorted(([names.get(service_id, "?"), *counts] for service_id, *counts in
                   figures.learning_by_service(filters, filters.period, today())), key=lambda row: str(row[0]))
    totals = [_l("Total")] + [sum(row[i] for row in rows) for i in range(1, 5)] if rows else None
    actions = Table(
        "actions", _l("Learning actions by service"),
        [Column("service", _l("Service"), TEXT), Column("open", _l("Open now")), Column("overdue", _l("Overdue now")),
         Column("completed", _l("Completed in the period")), Column("cancelled", _l("Cancelled in the period"))],
        rows, totals=totals,
    )
    said = Table(
        "you_said_we_did", _l("You said, we did"),
        [Column("service", _l("Service"), TEXT), Column("title", _l("Action"), TEXT),
         Column("you_said", _l("You said"), TEXT), Column("we_did", _l("We did"), TEXT)],
        [[names.get(service_id, "?"), title, you_said or "", we_did or ""]
         for service_id, title, you_said, we_did, _at in figures.you_said_we_did(filters, filters.period)],
        description=_l("Published actions completed in the period, most recent first (up to 50)."),
    )
    return Report("learning", SPECS_TITLES["learning"], filters, [actions, said])


# --- the dashboard, for the Member Responsible for Complaints ---------------------------------------


def dashboard(filters: Filters) -> Report:
    periods = [filters.period, filters.period.a_year_earlier()]
    found = figures.outcomes(filters, periods)
    clocks = figures.stage_clock_counts(filters, filters.period)
    open_now, overdue_now = figures.open_complaints(filters, today())
    referrals = figures.referrals(filters, filters.period)
    # One grouping of stages by day covers the trend (the last eight quarters to the period's end)
    # and both periods of the headlines.
    trend_span = Period(quarters_back(filters.period.end, 7).start, filters.period.end)
    by_day = figures.stages_by_day(filters, Period(min(trend_span.start, periods[1].start), filters.period.end))

    def started(index: int, number: int) -> int:
        return sum(n for num, day, n in by_day if num == number and periods[index].contains(day))

    def upheld_share(index: int) -> float | None:
        answered = sum(n for (i, _r, _f), n in found.items() if i == index)
        upheld = sum(n for (i, _r, f), n in found.items() if i == index and f in UPHELD_IN_PART_OR_WHOLE)
        return share(upheld, answered)

    def on_time(number: int) -> float | None:
        c = clocks.get(number)
        return share(c["answered_on_time"], c["answered"]) if c else None

    fault = sum(n for (_o, key), n in referrals.items() if key in {d.value for d in _FAULT})
    headlines = Table(
        "headlines", _l("Headlines"),
        [Column("measure", _l("Measure"), TEXT), Column("now", _l("This period")),
         Column("before", _l("Same period a year earlier")), Column("change", _l("Change (%)"), CHANGE)],
        [[_l("Stage 1 complaints"), started(0, 1), started(1, 1), change(started(0, 1), started(1, 1))],
         [_l("Stage 2 complaints"), started(0, 2), started(1, 2), change(started(0, 2), started(1, 2))]],
    )
    rates = Table(
        "rates", _l("Outcomes and timeliness"),
        [Column("measure", _l("Measure"), TEXT), Column("value", _l("This period"), PERCENT)],
        [[_l("Upheld in whole or in part"), upheld_share(0)],
         [_l("Stage 1 answered within target"), on_time(1)],
         [_l("Stage 2 answered within target"), on_time(2)]],
    )
    now = Table(
        "now", _l("Now"),
        [Column("measure", _l("Measure"), TEXT), Column("value", _l("Number"))],
        [[_l("Complaints open"), open_now], [_l("Open complaints past their response date"), overdue_now],
         [_l("Referred to the Ombudsman in the period"), sum(n for (_o, key), n in referrals.items() if key == "received")],
         [_l("Ombudsman decisions finding fault in the period"), fault]],
    )
    quarters = quarters_in(trend_span)
    counts = [0] * len(quarters)
    for number, day, count in by_day:
        if number != 1:
            continue
        for index, (_fy, _q, clipped) in enumerate(quarters):
            if clipped.contains(day):
                counts[index] += count
                break
    trend = Table(
        "trend", _l("Stage 1 complaints by quarter"),
        [Column("quarter", _l("Quarter"), TEXT), Column("complaints", _l("Stage 1 complaints"))],
        [[quarter_label(q_fy, q), counts[index]] for index, (q_fy, q, _c) in enumerate(quarters)],
        chart="complaints",
        description=_l("The last eight quarters to the end of the period (the latest may be part of a quarter)."),
    )
    return Report("dashboard", SPECS_TITLES["dashboard"], filters, [headlines, rates, now, trend])


# --- member enquiries (councillors' and MPs' enquiries) ----------------------------------------------


def member_enquiries(filters: Filters) -> Report:
    names = _service_names()
    found = sorted(figures.member_enquiries(filters, filters.period, today()), key=lambda row: names.get(row[0], "?"))
    rows = [[names.get(service_id, "?"), received, answered, share(on_time, answered), open_now, overdue]
            for service_id, received, answered, on_time, open_now, overdue in found]
    totals = None
    if found:
        sums = [sum(row[i] for row in found) for i in range(1, 6)]
        totals = [_l("Total"), sums[0], sums[1], share(sums[2], sums[1]), sums[3], sums[4]]
    table = Table(
        "by_service", _l("Member enquiries by service"),
        [Column("service", _l("Service"), TEXT), Column("received", _l("Received")),
         Column("answered", _l("Answered")), Column("on_time", _l("Answered within target (%)"), PERCENT),
         Column("open", _l("Open now")), Column("overdue", _l("Overdue now"))],
        rows, totals=totals, chart="received",
        description=_l("Enquiries from councillors and MPs' offices received in the period."),
    )
    return Report("member_enquiries", SPECS_TITLES["member_enquiries"], filters, [table])


# --- staff attitude and behaviour complaints by named employee (managers only, audited) ---------------


def staff_attitude(filters: Filters) -> Report:
    names = _service_names()
    found = figures.by_named_employee(filters, filters.period)
    named = [row for row in found if row[0] is not None]
    not_named = next((row for row in found if row[0] is None), None)
    # Most complaints first; ties by name, then service.
    named.sort(key=lambda row: (-row[3], row[0], names.get(row[1], "?")))
    rows = [[name, names.get(service_id, "?"), *counts] for _key, service_id, name, *counts in named]
    rows.append([_l("No employee named"), "", *(not_named[3:] if not_named else [0] * 7)])
    table = Table(
        "by_employee", _l("Staff attitude and behaviour complaints by named employee"),
        [Column("employee", _l("Employee"), TEXT), Column("service", _l("Service they work in"), TEXT),
         Column("received", _l("Complaints received")), Column("stage_1", _l("Stage 1")),
         Column("stage_2", _l("Stage 2 or later")), Column("upheld", _l("Upheld")),
         Column("partly_upheld", _l("Partly upheld")), Column("not_upheld", _l("Not upheld")),
         Column("open", _l("Open now"))],
        rows, chart="received",
        description=_l("Complaints mainly about staff attitude and behaviour. Received: complaints received in the "
                       "period; stages: started in the period; outcomes: stages answered in the period; open now: "
                       "not yet answered, whenever received. A complaint naming two employees counts for each, so "
                       "the rows do not add up to a total. Names are grouped ignoring capitals, spaces and "
                       "punctuation, within the service the employee works in."),
    )
    return Report("staff_attitude", SPECS_TITLES["staff_attitude"], filters, [table],
                  notes=[_l("These figures name people: only managers can see them, and every view and download is "
                            "recorded in the audit log.")])


# --- the catalogue -------------------------------------------------------------------------------------


def _this_financial_year(day: date) -> Period:
    return Period(financial_year(financial_year_of(day)).start, day)


def _today_only(day: date) -> Period:
    return Period(day, day)


SPECS_TITLES = {
    "dashboard": _l("Dashboard"),
    "quarterly": _l("Quarterly summary"),
    "backlog": _l("Backlog snapshot"),
    "demand": _l("Complaints demand"),
    "timeliness": _l("Timeliness"),
    "ombudsman": _l("Ombudsman"),
    "learning": _l("Learning actions"),
    "member_enquiries": _l("Member enquiries"),
    "staff_attitude": _l("Staff attitude complaints by named employee"),
}

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in [
        ReportSpec("dashboard", SPECS_TITLES["dashboard"],
                   _l("The headline numbers and the trend, for the Member Responsible for Complaints."),
                   dashboard, _this_financial_year),
        ReportSpec("quarterly", SPECS_TITLES["quarterly"],
                   _l("Contacts and complaints by stage against the same period last year, escalation, outcomes, "
                      "reasons and services."), quarterly, last_complete_quarter),
        ReportSpec("backlog", SPECS_TITLES["backlog"],
                   _l("Where every complaint stood at the end of a date: not started, with the complaints team, with "
                      "the service, complete or closed."), backlog, _today_only, period_is_a_date=True),
        ReportSpec("demand", SPECS_TITLES["demand"],
                   _l("Complaints received per quarter for each procedure: each stage, escalations and the Ombudsman."),
                   demand, _this_financial_year),
        ReportSpec("timeliness", SPECS_TITLES["timeliness"],
                   _l("Acknowledged and answered within target, extensions, working days per stage, and triage."),
                   timeliness, last_complete_quarter),
        ReportSpec("ombudsman", SPECS_TITLES["ombudsman"],
                   _l("Referred, investigated and fault found; recommendations complied with on time."),
                   ombudsman, _this_financial_year),
        ReportSpec("learning", SPECS_TITLES["learning"],
                   _l("Service improvements: open, overdue and completed, and what was published."),
                   learning, _this_financial_year),
        ReportSpec("member_enquiries", SPECS_TITLES["member_enquiries"],
                   _l("Councillors' and MPs' enquiries by service: received, answered within target, open and "
                      "overdue."), member_enquiries, last_complete_quarter),
        ReportSpec("staff_attitude", SPECS_TITLES["staff_attitude"],
                   _l("Complaints about staff attitude and behaviour for each employee they name: stages, outcomes "
                      "and open now. Managers only; every view is audited."),
                   staff_attitude, _this_financial_year, roles=PEOPLE_REPORT_READER_ROLES, audited=True),
    ]
}


def _register_chc() -> None:
    # Its own module (and pages: staff/views/chc.py), listed here so the report list and `redress report
    # chc_annual` know it.
    from shared.services.reports import chc

    REPORTS[chc.NAME] = ReportSpec(
        chc.NAME, chc.TITLE,
        _l("The Complaint Handling Code's annual complaints performance and service improvement report, with the "
           "refused complaints, the service improvements made and the self-assessment. Printable."),
        chc.build, chc.default_period, own_page="staff.report_chc")


_register_chc()
