"""The Complaint Handling Code's annual complaints performance and service improvement report, with
the self-assessment: the figures the Code asks for (live SQL aggregates from `figures`), the summary
of refused complaints, the service improvements made, the statements that go with them (the governing
body's response, the Member Responsible for Complaints' comments, the Ombudsman's findings and annual
review), and the council's answer to each provision (shared/domain/chc.py).

The answers and statements are kept per financial year (`ChcAnnualReport`); managers change them,
each change audited. One `Annual` feeds the page; its `report` is the CSV and `redress report
chc_annual`, so the printed pack and the download agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import format_decimal, format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shared.clock import utcnow
from shared.db import db
from shared.domain.chc import BY_NUMBER, PROVISIONS, Provision
from shared.domain.enums import Finding, RefusalGround
from shared.domain.reporting import Period, financial_year, financial_year_label, financial_year_of, share
from shared.models import ChcAnnualReport, User
from shared.services import audit
from shared.services.reports import PERCENT, TEXT, Column, Filters, Report, Table, figures

NAME = "chc_annual"
TITLE = _l("Complaint Handling Code annual report")

# The four statements kept with each year, in the order the report shows them.
STATEMENTS: dict[str, object] = {
    "governing_body_response": _l("The governing body's response"),
    "member_comments": _l("Comments from the Member Responsible for Complaints"),
    "ombudsman_findings": _l("Findings of non-compliance with the Code by the Ombudsman"),
    "ombudsman_annual_review": _l("The Ombudsman's annual review of the council's complaint handling"),
}


def default_year(today: date) -> int:
    """The last complete financial year."""
    return financial_year_of(today) - 1


def default_period(today: date) -> Period:
    return financial_year(default_year(today))


def year_choices(today: date, back: int = 6) -> list[int]:
    """The financial years a report can be asked for: this one (so far) and the six before it."""
    current = financial_year_of(today)
    return list(range(current, current - back - 1, -1))


@dataclass(frozen=True)
class Answer:
    compliant: bool | None
    evidence: str
    commentary: str


@dataclass(frozen=True)
class Assessed:
    provision: Provision
    answer: Answer | None
    figure: str | None  # what the case data says about it, in words


@dataclass
class Annual:
    year: int
    filters: Filters
    report: Report
    assessed: list[Assessed]
    statements: dict[str, str]
    record: ChcAnnualReport | None

    @property
    def label(self) -> str:
        return financial_year_label(self.year)


def record_for(year: int) -> ChcAnnualReport | None:
    return db.session.get(ChcAnnualReport, year)


def answer_of(record: ChcAnnualReport | None, number: str) -> Answer | None:
    found = (record.answers or {}).get(number) if record else None
    if not found:
        return None
    return Answer(found.get("compliant"), found.get("evidence") or "", found.get("commentary") or "")


def _yes_no(answer: Answer | None) -> object:
    if answer is None or answer.compliant is None:
        return _l("Not answered")
    return _l("Yes") if answer.compliant else _l("No")


# --- the figures --------------------------------------------------------------------------------------


def annual(filters: Filters) -> Annual:
    """The whole report for a period (normally a financial year); the self-assessment and statements
    are those of the financial year the period starts in."""
    from shared.services.reports import catalogue

    period = filters.period
    year = financial_year_of(period.start)
    record = record_for(year)
    clocks, found = figures.stage_clocks_and_outcomes(filters, period)
    ombudsman = figures.ombudsman_summary(filters, period, catalogue.today())
    refused = figures.refusals(filters, period)
    learning = figures.learning_by_service(filters, period, catalogue.today())
    improvements = figures.you_said_we_did(filters, period)
    names = catalogue._service_names()

    tables = [
        _stages_table(clocks),
        _outcomes_table(found),
        _ombudsman_table(ombudsman),
        *_refusal_tables(refused, names),
        *_learning_tables(learning, improvements, names),
    ]
    measures = _measures(clocks, found, refused, ombudsman, learning)
    assessed = [Assessed(p, answer_of(record, p.number), measures.get(p.measure) if p.measure else None)
                for p in PROVISIONS]
    statements = {key: (getattr(record, key) or "") if record else "" for key in STATEMENTS}
    tables.append(_self_assessment_table(assessed))
    tables.append(Table(
        "statements", _l("Statements"),
        [Column("statement", _l("Statement"), TEXT), Column("text", _l("Text"), TEXT)],
        [[label, statements[key] or _("None recorded")] for key, label in STATEMENTS.items()],
    ))
    report = Report(NAME, TITLE, filters, tables)
    return Annual(year, filters, report, assessed, statements, record)


def build(filters: Filters) -> Report:
    return annual(filters).report


def _stage_label(number: int) -> object:
    return _l("Stage %(number)s", number=number)


def _stages_table(clocks: dict[int, dict[str, int]]) -> Table:
    rows = []
    for number in sorted(set(clocks) | {1, 2}):
        c = clocks.get(number) or dict.fromkeys(
            ("started", "acknowledged_on_time", "acknowledge_target", "answered", "answered_on_time", "extended"), 0)
        rows.append([_stage_label(number), c["started"], c["acknowledged_on_time"],
                     share(c["acknowledged_on_time"], c["acknowledge_target"]), c["answered"], c["answered_on_time"],
                     share(c["answered_on_time"], c["answered"]), c["extended"]])
    return Table(
        "stages", _l("Complaints received and answered within the Code's timescales"),
        [Column("stage", _l("Stage"), TEXT), Column("received", _l("Complaints received")),
         Column("acknowledged_on_time", _l("Acknowledged within 5 working days")),
         Column("acknowledged_share", _l("Acknowledged in time (%)"), PERCENT),
         Column("answered", _l("Answered")), Column("answered_on_time", _l("Answered within the timescale")),
         Column("answered_share", _l("Answered in time (%)"), PERCENT), Column("extended", _l("Extensions used"))],
        rows,
        description=_l("Complaints that started each stage in the year. The Code's timescales: acknowledged within "
                       "5 working days; answered within 10 working days of acknowledgement at stage 1 and 20 at "
                       "stage 2, or by the extended date where an extension was given."),
    )


def _outcomes_table(found: Counter) -> Table:
    numbers = sorted({number for number, _o in found} | {1, 2})
    total = sum(found.values())
    rows = []
    for finding in [*Finding, None]:
        per_stage = [found[(number, finding)] for number in numbers]
        if finding is None and not any(per_stage):
            continue
        rows.append([finding.label if finding else _l("No finding recorded"), *per_stage, sum(per_stage),
                     share(sum(per_stage), total)])
    columns = [Column("outcome", _l("Outcome"), TEXT),
               *(Column(f"stage_{number}", _stage_label(number)) for number in numbers),
               Column("all", _l("All stages")), Column("share", _l("Share (%)"), PERCENT)]
    return Table("outcomes", _l("Outcomes of complaints answered"), columns, rows, chart="all",
                 totals=[_l("Total"), *(sum(found[(n, f)] for f in [*Finding, None]) for n in numbers), total,
                         share(total, total)],
                 description=_l("Every stage answered in the year, by its overall finding."))


def _ombudsman_table(o: dict[str, int]) -> Table:
    return Table(
        "ombudsman", _l("The Ombudsman"),
        [Column("measure", _l("Measure"), TEXT), Column("value", _l("Number")),
         Column("share", _l("Share (%)"), PERCENT)],
        [[_l("Complaints referred to the Ombudsman"), o["received"], None],
         [_l("Determinations (investigated and decided)"), o["investigated"], None],
         [_l("Fault or maladministration found"), o["fault"], share(o["fault"], o["investigated"])],
         [_l("Orders and recommendations due"), o["due"], None],
         [_l("Complied with on time"), o["on_time"], share(o["on_time"], o["due"])],
         [_l("Complied with late"), o["late"], share(o["late"], o["due"])],
         [_l("Overdue"), o["overdue"], share(o["overdue"], o["due"])]],
        description=_l("Referrals received in the year; the Ombudsman's decisions made in it; orders and "
                       "recommendations due in it."),
    )


def _refusal_tables(refused: list[tuple[str, int, int]], names: dict[int, str]) -> list[Table]:
    by_ground: Counter = Counter()
    by_service: Counter = Counter()
    for ground, service_id, count in refused:
        by_ground[ground if ground in RefusalGround._value2member_map_ else ""] += count
        by_service[service_id] += count
    total = sum(by_service.values())
    # Every ground, in the policy's order, so one year's table compares with the next.
    grounds = [[g.label, by_ground[g.value], share(by_ground[g.value], total)] for g in RefusalGround]
    if by_ground[""]:
        grounds.append([_l("Ground not recorded"), by_ground[""], share(by_ground[""], total)])
    services = sorted(by_service.items(), key=lambda item: (-item[1], names.get(item[0], "?")))
    columns = [Column("refused", _l("Complaints refused")), Column("share", _l("Share (%)"), PERCENT)]
    totals = [_l("Total"), total, share(total, total)] if total else None
    return [
        Table("refused_by_ground", _l("Complaints the council refused to accept, by ground"),
              [Column("ground", _l("Ground"), TEXT), *columns], grounds, totals=totals,
              description=_l("Complaints not taken forward at triage in the year, by the ground the complaints "
                             "policy allows. Each refusal is explained to the person in writing and tells them "
                             "they can go to the Ombudsman. Refusals imported without a ground are counted as "
                             "not recorded.")),
        Table("refused_by_service", _l("Complaints the council refused to accept, by service"),
              [Column("service", _l("Service"), TEXT), *columns],
              [[names.get(service_id, "?"), count, share(count, total)] for service_id, count in services],
              totals=totals, chart="refused"),
    ]


def _learning_tables(learning: list, improvements: list, names: dict[int, str]) -> list[Table]:
    completed = sorted(([names.get(service_id, "?"), done] for service_id, _open, _overdue, done, _c in learning
                        if done), key=lambda row: (-row[1], str(row[0])))
    total = sum(row[1] for row in completed)
    return [
        Table("improvements_by_service", _l("Service improvements made: learning actions completed"),
              [Column("service", _l("Service"), TEXT), Column("completed", _l("Completed in the year"))],
              completed, totals=[_l("Total"), total] if completed else None, chart="completed"),
        Table("improvements", _l("What we changed because of complaints"),
              [Column("service", _l("Service"), TEXT), Column("title", _l("Action"), TEXT),
               Column("you_said", _l("You said"), TEXT), Column("we_did", _l("We did"), TEXT)],
              [[names.get(service_id, "?"), title, you_said or "", we_did or ""]
               for service_id, title, you_said, we_did, _at in improvements],
              description=_l("Published actions completed in the year, most recent first (up to 50).")),
    ]


def _self_assessment_table(assessed: list[Assessed]) -> Table:
    return Table(
        "self_assessment", _l("Self-assessment against the Code"),
        [Column("provision", _l("Provision"), TEXT), Column("requirement", _l("Requirement"), TEXT),
         Column("compliant", _l("Compliant"), TEXT), Column("evidence", _l("Evidence"), TEXT),
         Column("commentary", _l("Commentary or explanation"), TEXT),
         Column("figure", _l("From the case data"), TEXT)],
        [[item.provision.number, item.provision.requirement, _yes_no(item.answer),
          item.answer.evidence if item.answer else "", item.answer.commentary if item.answer else "",
          item.figure or ""] for item in assessed],
    )


def _of(part: int, whole: int) -> str:
    percent = share(part, whole)
    if percent is None:
        return _("none in the year")
    # Numbers in the reader's locale (a decimal comma in Polish, say), as the tables show them.
    return _("%(percent)s%% (%(part)s of %(whole)s)", percent=format_decimal(percent, format="#,##0.0"),
             part=format_number(part), whole=format_number(whole))


def _measures(clocks, found: Counter, refused, due: dict[str, int], learning) -> dict[str, str]:
    """A sentence per measure named in shared/domain/chc.py, from the figures already read."""
    empty = {"started": 0, "acknowledged_on_time": 0, "acknowledge_target": 0, "answered": 0,
             "answered_on_time": 0, "extended": 0}
    one, two = clocks.get(1) or empty, clocks.get(2) or empty
    answered_one = sum(n for (number, _f), n in found.items() if number == 1)
    with_finding_one = sum(n for (number, f), n in found.items() if number == 1 and f is not None)
    return {
        "refused": _("Complaints refused in the year: %(count)s", count=format_number(sum(n for *_k, n in refused))),
        "stage_1_acknowledged": _("Acknowledged within 5 working days: %(figure)s",
                                  figure=_of(one["acknowledged_on_time"], one["acknowledge_target"])),
        "stage_1_answered": _("Answered within the timescale: %(figure)s",
                              figure=_of(one["answered_on_time"], one["answered"])),
        "stage_1_extended": _("Extended: %(figure)s", figure=_of(one["extended"], one["started"])),
        "stage_1_outcomes": _("Stage 1 responses with a finding recorded: %(figure)s",
                              figure=_of(with_finding_one, answered_one)),
        "stage_2_acknowledged": _("Acknowledged within 5 working days: %(figure)s",
                                  figure=_of(two["acknowledged_on_time"], two["acknowledge_target"])),
        "stage_2_answered": _("Answered within the timescale: %(figure)s",
                              figure=_of(two["answered_on_time"], two["answered"])),
        "recommendations": _("Complied with on time: %(figure)s", figure=_of(due["on_time"], due["due"])),
        "learning": _("Learning actions completed in the year: %(count)s",
                      count=format_number(sum(row[3] for row in learning))),
    }


# --- changing a year's answers and statements (managers; audited) -------------------------------------


class UnknownProvision(LookupError):
    pass


def _record_to_change(year: int) -> ChcAnnualReport:
    record = record_for(year)
    if record is None:
        record = ChcAnnualReport(financial_year=year, answers={})
        db.session.add(record)
    return record


def save_answer(actor: User, year: int, number: str, *, compliant: bool, evidence: str, commentary: str) -> None:
    if number not in BY_NUMBER:
        raise UnknownProvision(number)
    record = _record_to_change(year)
    before = (record.answers or {}).get(number)
    after = {"compliant": compliant, "evidence": evidence.strip(), "commentary": commentary.strip()}
    # A new dict, so the JSON column is seen to change.
    record.answers = {**(record.answers or {}), number: after}
    record.updated_at, record.updated_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("chc.answer_saved", actor=actor, subject_type="chc_annual_report", subject_id=year,
                 provision=number, before=before, after=after)


def save_statements(actor: User, year: int, texts: dict[str, str]) -> None:
    record = _record_to_change(year)
    before = {key: getattr(record, key) for key in STATEMENTS}
    after = {key: (texts.get(key) or "").strip() or None for key in STATEMENTS}
    for key, value in after.items():
        setattr(record, key, value)
    record.updated_at, record.updated_by_id = utcnow(), actor.id
    db.session.flush()
    changed = {key for key in STATEMENTS if before[key] != after[key]}
    audit.record("chc.statements_saved", actor=actor, subject_type="chc_annual_report", subject_id=year,
                 changed=sorted(changed), before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
