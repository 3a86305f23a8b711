"""Importing cases from a spreadsheet (docs/import-format.md): checked whole, then written whole.

Every row is checked before anything is written; one problem anywhere and nothing is imported, and
each problem is reported with its line, its column and what was expected. A case whose reference is
already in Redress is left as it is, so importing the same file twice changes nothing. Imported
cases get the same stages, clocks and events as cases made in Redress, so every report counts them.
Writes are bulk INSERTs (a few per table), never one ORM object at a time.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import IO, Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import joinedload

from shared.clock import LONDON, to_london, utcnow
from shared.db import db
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import (
    CaseKind,
    CaseReason,
    CaseStatus,
    Channel,
    ClosureCode,
    ContactMethod,
    EventType,
    Finding,
    Ombudsman,
    OmbudsmanDecision,
    RefusalGround,
    Role,
)
from shared.domain.procedures import ClockStart, ProcedureRules, StageRules
from shared.models import (
    Case,
    CaseEvent,
    CaseStage,
    ComplaintReason,
    OmbudsmanReferral,
    Procedure,
    Service,
    User,
    Ward,
)
from shared.services import audit
from shared.services.calendar import council_calendar
from shared.services.case_csv import CASE_COLUMNS, COLUMNS, EXPORT_ONLY, LAST_STAGE_COLUMNS, REQUIRED
from shared.services.case_progress import expected_dates
from shared.services.engine import default_procedure
from shared.services.reports import uncsv_cell

MAX_PROBLEMS = 200  # a file wrong throughout says so without listing every cell
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,19}$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
BATCH = 5000

# How a case closed at triage, and the event that closes it (the engine's own codes).
_TRIAGE_CLOSING = {
    CaseStatus.SERVICE_REQUEST: (EventType.TRIAGED_SERVICE_REQUEST, ClosureCode.REFERRED_ELSEWHERE),
    CaseStatus.FEEDBACK: (EventType.TRIAGED_FEEDBACK, ClosureCode.NOT_A_COMPLAINT),
    CaseStatus.SIGNPOSTED: (EventType.SIGNPOSTED, ClosureCode.REFERRED_ELSEWHERE),
    CaseStatus.DUPLICATE: (EventType.MARKED_DUPLICATE, ClosureCode.DUPLICATE),
    CaseStatus.REFUSED: (EventType.REFUSED, ClosureCode.NOT_A_COMPLAINT),
}
# The event that leaves a case in a status the dates alone do not reach.
_BRIDGE = {
    CaseStatus.TRIAGED: EventType.TRIAGED_COMPLAINT,
    CaseStatus.WITH_TEAM: EventType.INVESTIGATION_STARTED,
    CaseStatus.WITH_SERVICE: EventType.PASSED_TO_SERVICE,
    CaseStatus.RESPONSE_DRAFTED: EventType.RESPONSE_DRAFTED,
    CaseStatus.AWAITING_QUALITY_CHECK: EventType.SUBMITTED_FOR_CHECK,
    CaseStatus.RETURNED_FOR_CHANGES: EventType.RETURNED_FOR_CHANGES,
    CaseStatus.ESCALATION_REQUESTED: EventType.ESCALATION_REQUESTED,
    CaseStatus.WITH_OMBUDSMAN: EventType.REFERRED_TO_OMBUDSMAN,
    CaseStatus.REOPENED: EventType.REOPENED,
    CaseStatus.ACKNOWLEDGED: EventType.ACKNOWLEDGED,
}
# Statuses that say the current stage's response has gone.
_RESPONDED = frozenset({CaseStatus.RESPONSE_SENT, CaseStatus.ESCALATION_REQUESTED})


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    message: str


class ImportRefused(Exception):
    """The file has problems; nothing was imported."""

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        super().__init__(f"{len(problems) + more} problems")
        self.problems = problems
        self.more = more  # problems found beyond MAX_PROBLEMS, not listed


@dataclass(frozen=True)
class Imported:
    cases: int
    stages: int
    people: int
    already_there: int  # rows whose stage was already in Redress, left as they were


@dataclass
class _Row:
    line: int
    cells: dict[str, str]
    reference: str = ""
    stage: int = 0
    values: dict[str, Any] = field(default_factory=dict)
    case_key: str | None = None


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.more = 0

    def add(self, line: int, column: str | None, message: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem(line, column, message))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.found)

    def refuse(self) -> None:
        if self.found:
            self.found.sort(key=lambda p: (p.line, COLUMNS.index(p.column) if p.column in COLUMNS else -1))
            raise ImportRefused(self.found, self.more)


# --- reading cells -------------------------------------------------------------------------------------


def _date(text: str) -> date:
    """2024-05-31 or 31/05/2024 (how UK spreadsheets write dates)."""
    uk = _UK_DATE.match(text)
    if uk:
        day, month, year = (int(part) for part in uk.groups())
        return date(year, month, day)
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        return date.fromisoformat(text)
    raise ValueError(text)


def _choices(enum: type[Enum]) -> str:
    return ", ".join(member.value for member in enum)


class _Lookups:
    """Everything the rows are checked against, read once: services, procedures, wards, reasons, today."""

    def __init__(self) -> None:
        self.services = {}
        for service in db.session.scalars(select(Service)):
            self.services[service.slug.lower()] = service
            self.services.setdefault(service.name.lower(), service)
        procedures = db.session.scalars(
            select(Procedure).where(Procedure.is_current.is_(True)).options(joinedload(Procedure.stages))
        ).unique()
        self.procedures: dict[str, tuple[Procedure, ProcedureRules]] = {p.slug: (p, p.rules()) for p in procedures}
        self.wards = {}
        for ward in db.session.scalars(select(Ward)):
            self.wards[ward.name.lower()] = ward
            if ward.code:
                self.wards[ward.code.lower()] = ward
        self.reasons = {reason.name.casefold(): reason for reason in db.session.scalars(select(ComplaintReason))}
        self.today = to_london(utcnow()).date()
        self.calendar: WorkingCalendar = council_calendar()
        self.people: dict[str, tuple[int, Role]] = {}  # by email, read once the rows are checked


def _read_row(row: _Row, lookups: _Lookups, problems: _Problems) -> None:
    """Turn one row's cells into values, noting each cell that cannot be read."""
    cells, values, line = row.cells, row.values, row.line

    def problem(column: str, message: str) -> None:
        problems.add(line, column, message)

    for column in REQUIRED:
        if not cells.get(column):
            problem(column, _("Enter the %(column)s: this column cannot be empty.", column=column))

    reference = cells.get("reference", "")
    if reference and not _REFERENCE.match(reference):
        problem("reference", _("Expected a reference of up to 20 letters, digits and / . _ - (it was “%(value)s”).",
                               value=reference[:40]))
    row.reference = reference.upper()
    stage = cells.get("stage", "")
    if stage:
        if stage.isascii() and stage.isdigit() and 1 <= int(stage) <= 9:  # int("²") fails
            row.stage = int(stage)
        else:
            problem("stage", _("Expected a stage number, like 1 or 2 (it was “%(value)s”).", value=stage[:40]))
    escalated_from = cells.get("escalated_from", "")
    values["escalated_from"] = escalated_from.upper() or None
    if escalated_from and row.stage == 1:
        problem("escalated_from", _("A stage 1 cannot be escalated from anything: leave escalated_from empty."))

    def enum(column: str, kind: type[Enum]):
        text = cells.get(column, "")
        if not text:
            return None
        try:
            return kind(text.lower())
        except ValueError:
            problem(column, _("Expected one of: %(choices)s (it was “%(value)s”).", choices=_choices(kind),
                              value=text[:40]))
            return None

    values["kind"] = enum("kind", CaseKind)
    values["reason"] = enum("reason", CaseReason)
    values["channel"] = enum("channel", Channel) or Channel.LETTER
    values["status"] = enum("status", CaseStatus)
    values["outcome"] = enum("outcome", Finding)
    values["closure_code"] = enum("closure_code", ClosureCode)
    values["refusal_ground"] = enum("refusal_ground", RefusalGround)
    values["ombudsman"] = enum("ombudsman", Ombudsman)
    values["ombudsman_decision"] = enum("ombudsman_decision", OmbudsmanDecision)

    service = cells.get("service", "")
    values["service"] = lookups.services.get(service.lower()) if service else None
    if service and values["service"] is None:
        problem("service", _("Expected the slug or name of a service in Redress (it was “%(value)s”).",
                             value=service[:40]))
    procedure = cells.get("procedure", "").lower()
    if not procedure and values["kind"] is not None:
        procedure = default_procedure(values["kind"])
    values["procedure"] = lookups.procedures.get(procedure) if procedure else None
    if procedure and values["procedure"] is None:
        problem("procedure", _("Expected one of: %(choices)s (it was “%(value)s”).",
                               choices=", ".join(sorted(lookups.procedures)), value=procedure[:40]))
    detail = cells.get("reason_detail", "")
    values["reason_detail"] = lookups.reasons.get(detail.casefold()) if detail else None
    if detail and values["reason_detail"] is None:
        problem("reason_detail", _("Expected the name of a complaint reason in Redress (it was “%(value)s”).",
                                   value=detail[:40]))
    elif values["reason_detail"] is not None:
        chosen = values["reason_detail"]
        if values["reason"] is None:
            values["reason"] = chosen.category  # the category follows from the reason
        elif values["reason"] is not chosen.category:
            problem("reason_detail", _("“%(name)s” is a %(category)s reason, but the reason column says %(reason)s.",
                                       name=chosen.name, category=chosen.category.value, reason=values["reason"].value))
        if values["service"] is not None and chosen.service_id not in {None, values["service"].id}:
            problem("reason_detail", _("“%(name)s” is a reason for another service, not %(service)s.",
                                       name=chosen.name, service=values["service"].slug))
    ward = cells.get("ward", "")
    values["ward"] = lookups.wards.get(ward.lower()) if ward else None
    if ward and values["ward"] is None:
        problem("ward", _("Expected the name or ONS code of a ward in Redress (it was “%(value)s”).",
                          value=ward[:40]))

    for column in ("received_on", "triaged_on", "acknowledged_on", "acknowledge_by", "respond_by", "extended_to",
                   "responded_on", "closed_on", "ombudsman_received_on", "ombudsman_decided_on"):
        text = cells.get(column, "")
        values[column] = None
        if not text:
            continue
        try:
            values[column] = _date(text)
        except ValueError:
            problem(column, _("Expected a date like 2024-05-31 or 31/05/2024 (it was “%(value)s”).", value=text[:40]))
            continue
        happened = column not in {"acknowledge_by", "respond_by", "extended_to"}
        if happened and values[column] > lookups.today:
            problem(column, _("This date is in the future: it must be today or earlier."))

    _check_order(row, problem)

    if values["outcome"] is not None and values["responded_on"] is None:
        problem("outcome", _("An outcome needs the date the response was sent (responded_on)."))
    if values["ombudsman_decided_on"] and values["ombudsman_decision"] in {None, OmbudsmanDecision.PENDING}:
        problem("ombudsman_decision", _("A decision date needs the Ombudsman's decision."))
    ombudsman_given = any(cells.get(column) for column in LAST_STAGE_COLUMNS if column.startswith("ombudsman"))
    if ombudsman_given:
        if not cells.get("ombudsman"):  # (a value that is not a code is a problem already)
            problem("ombudsman", _("Say which Ombudsman (one of: %(choices)s).", choices=_choices(Ombudsman)))
        if values["ombudsman_received_on"] is None and not cells.get("ombudsman_received_on"):
            problem("ombudsman_received_on", _("Enter the date the Ombudsman's enquiry was received."))

    values["name"] = cells.get("name", "")
    values["phone"] = cells.get("phone", "") or None
    values["address"] = cells.get("address", "") or None
    values["summary"] = cells.get("summary", "")
    values["closure_reason"] = cells.get("closure_reason", "") or None
    values["ombudsman_reference"] = cells.get("ombudsman_reference", "")
    email = cells.get("email", "")
    values["email"] = None
    if email:
        try:
            values["email"] = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problem("email", _("Expected an email address, like name@example.com (it was “%(value)s”)."
                               , value=email[:60]))
    if (email or values["phone"] or values["address"]) and not values["name"]:
        problem("name", _("Enter the person's name: the row gives their contact details."))


def _check_order(row: _Row, problem) -> None:
    values = row.values
    received = values["received_on"]
    if received is None:
        return
    for column in ("triaged_on", "acknowledged_on", "responded_on", "closed_on"):
        if values[column] is not None and values[column] < received:
            problem(column, _("This date is before the date received (%(date)s).", date=received.isoformat()))
    acknowledged, responded = values["acknowledged_on"], values["responded_on"]
    if acknowledged and responded and responded < acknowledged:
        problem("responded_on", _("The response cannot be sent before the acknowledgement (%(date)s).",
                                  date=acknowledged.isoformat()))
    latest = max(filter(None, (acknowledged, responded, values["triaged_on"])), default=None)
    if values["closed_on"] is not None and latest is not None and values["closed_on"] < latest:
        problem("closed_on", _("The case cannot close before %(date)s, the last date on its row.",
                               date=latest.isoformat()))


# --- the whole file ------------------------------------------------------------------------------------


def _header(reader, problems: _Problems) -> list[str] | None:
    try:
        header = next(reader)
    except StopIteration:
        if not problems:  # (a header that cannot be read is a problem already)
            problems.add(1, None, _("The file is empty: it needs a header row and at least one case."))
        return None
    names = [name.strip().lower() for name in header]
    known = set(COLUMNS)
    for name in names:
        if name and name not in known:
            problems.add(1, name, _("Unknown column “%(name)s”: the columns are listed in the import format.",
                                    name=name[:40]))
    for name in REQUIRED:
        if name not in names:
            problems.add(1, name, _("The column “%(name)s” is missing from the header row.", name=name))
    seen = set()
    for name in names:
        if name and name in seen:
            problems.add(1, name, _("The column “%(name)s” appears twice.", name=name))
        seen.add(name)
    return names


def _readable(reader, problems: _Problems):
    """The reader's rows, until one cannot be read as CSV (a cell longer than the csv module allows,
    say): that is a problem of its line, and reading stops there."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.add(max(reader.line_num, 1), None,
                         _("This line cannot be read as CSV (%(error)s): nothing after it was read.", error=str(error)))
            return


def _rows(stream: Iterable[str], problems: _Problems) -> list[_Row]:
    reader = csv.reader(stream)
    lines = _readable(reader, problems)
    names = _header(lines, problems)
    if names is None or problems:
        return []
    rows = []
    for cells in lines:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if any("\0" in cell for cell in cells):  # PostgreSQL cannot store it; no spreadsheet means it
            problems.add(line, None, _("This row holds a NUL character: save the file again as CSV."))
            continue
        if len(cells) > len(names):
            problems.add(line, None, _("This row has %(count)s cells but the header has %(columns)s.",
                                       count=len(cells), columns=len(names)))
            continue
        rows.append(_Row(line, {name: uncsv_cell(cell.strip()) for name, cell in zip(names, cells, strict=False)
                                if name and name not in EXPORT_ONLY}))
    if not rows and not problems:
        problems.add(2, None, _("The file has a header row but no cases."))
    return rows


def _existing(references: set[str]) -> dict[str, tuple[int, set[int]]]:
    """{reference: (case id, its stage numbers)} for those already in Redress (queries in batches)."""
    found: dict[str, tuple[int, set[int]]] = {}
    ordered = sorted(references)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start:start + 900]
        for reference, case_id, number in db.session.execute(
            select(Case.reference, Case.id, CaseStage.number)
            .outerjoin(CaseStage, CaseStage.case_id == Case.id)
            .where(Case.reference.in_(chunk))  # references are kept in capitals, as Redress makes them
        ):
            entry = found.setdefault(reference.upper(), (case_id, set()))
            if number is not None:
                entry[1].add(number)
    return found


def _link(rows: list[_Row], existing: dict, problems: _Problems) -> dict[str, list[_Row]]:
    """Give each row the case it belongs to: its own reference for a case's first stage; for a later
    stage, the case of the stage it was escalated from (named by escalated_from, or the previous stage
    under the same reference). Returns the rows of each case, in stage order."""
    by_key: dict[tuple[str, int], _Row] = {}
    for row in rows:
        if not row.reference or not row.stage:
            continue
        twin = by_key.get((row.reference, row.stage))
        if twin is not None:
            problems.add(row.line, "reference", _("Stage %(stage)s of %(reference)s is also on line %(line)s: each "
                                                  "stage of a case is one row.", stage=row.stage,
                                                  reference=row.reference, line=twin.line))
            continue
        by_key[(row.reference, row.stage)] = row
    cases: dict[str, list[_Row]] = defaultdict(list)
    for row in sorted(by_key.values(), key=lambda r: (r.stage, r.line)):
        source = row.values["escalated_from"]
        previous = by_key.get((source or row.reference, row.stage - 1)) if row.stage > 1 else None
        if previous is not None:
            if previous.case_key is None:
                continue  # its own problem is already reported
            row.case_key = previous.case_key
        elif source is not None and source in existing and row.stage - 1 in existing[source][1]:
            row.case_key = source
        elif source is not None:
            problems.add(row.line, "escalated_from",
                         _("There is no stage %(stage)s with the reference %(reference)s, in this file or in Redress: "
                           "a stage %(this)s needs the stage it was escalated from.", stage=row.stage - 1,
                           reference=source, this=row.stage))
            continue
        elif row.reference in existing and row.stage - 1 in existing[row.reference][1]:
            row.case_key = row.reference
        else:
            row.case_key = row.reference  # a case's first stage (a stage 2 here went direct to stage 2)
        cases[row.case_key].append(row)
    return cases


def _check_case(key: str, stages: list[_Row], lookups: _Lookups, problems: _Problems) -> None:
    first, last = stages[0], stages[-1]
    numbers = [row.stage for row in stages]
    for previous, row in zip(numbers, numbers[1:], strict=False):
        if row != previous + 1:
            problems.add(stages[numbers.index(row)].line, "stage",
                         _("%(reference)s has no stage %(stage)s: its stages must follow on from each other.",
                           reference=key, stage=previous + 1))
    for row in stages[1:]:
        for column in CASE_COLUMNS:
            if row.cells.get(column) and first.cells.get(column) != row.cells.get(column):
                problems.add(row.line, column, _("This differs from line %(line)s, the case's first stage: a case's "
                                                 "details are the same on each of its rows.", line=first.line))
        if row.values["received_on"] and first.values["received_on"] and \
                row.values["received_on"] < first.values["received_on"]:
            problems.add(row.line, "received_on", _("A later stage cannot be received before the stage before it."))
    for row in stages[:-1]:
        for column in LAST_STAGE_COLUMNS:
            if row.cells.get(column):
                problems.add(row.line, column, _("Only the row of the case's last stage (stage %(stage)s, line "
                                                 "%(line)s) says how it closed and about the Ombudsman.",
                                                 stage=last.stage, line=last.line))
        if row.values["status"] not in {None, CaseStatus.ESCALATED}:
            problems.add(row.line, "status", _("An earlier stage's status is “escalated” (or empty): the case's "
                                               "status goes on the row of its last stage."))
    procedure = first.values["procedure"]
    kind = first.values["kind"]
    if procedure is not None:
        rules = procedure[1]
        for row in stages:
            if row.stage and not rules.has_stage(row.stage):
                problems.add(row.line, "stage", _("The %(procedure)s procedure has no stage %(stage)s.",
                                                  procedure=rules.slug, stage=row.stage))
    status = last.values["status"] or _status_from_dates(last)
    last.values["status"] = status
    if status is CaseStatus.ESCALATED and len(stages) == 1 and last.stage == 1:
        problems.add(last.line, "status", _("A case whose last stage is stage 1 cannot be “escalated”: add its "
                                            "next stage's row."))
    if status in _TRIAGE_CLOSING and (len(stages) > 1 or first.stage > 1):
        problems.add(last.line, "status", _("Only a case that stopped at triage can be “%(status)s”.",
                                            status=status.value))
    if kind in {CaseKind.COMPLIMENT, CaseKind.COMMENT} and status not in {CaseStatus.RECEIVED, CaseStatus.FEEDBACK}:
        problems.add(last.line, "status", _("A compliment or comment is “received” or passed to the service "
                                            "(“feedback”)."))
    if status in {CaseStatus.CLOSED, CaseStatus.WITHDRAWN} and last.values["closed_on"] is None:
        problems.add(last.line, "closed_on", _("Enter the date the case was closed: its status is “%(status)s”.",
                                               status=status.value))
    if last.values["refusal_ground"] is not None and status is not CaseStatus.REFUSED:
        problems.add(last.line, "refusal_ground", _("Only a complaint not taken forward (status “refused”) has a "
                                                    "refusal ground; this case's status is “%(status)s”.",
                                                    status=status.value))
    if status is CaseStatus.CLOSED and not last.cells.get("closure_code"):
        problems.add(last.line, "closure_code", _("Enter how the case closed (one of: %(choices)s).",
                                                  choices=_choices(ClosureCode)))
    if status.is_open and last.values["closed_on"] is not None:
        problems.add(last.line, "closed_on", _("The case is still open (“%(status)s”), so it has no closing date.",
                                               status=status.value))
    if status in _RESPONDED and last.values["responded_on"] is None:
        problems.add(last.line, "responded_on", _("Enter the date the response was sent: the status is "
                                                  "“%(status)s”.", status=status.value))
    if last.values["closure_code"] is ClosureCode.RESPONDED and last.values["responded_on"] is None:
        problems.add(last.line, "closure_code", _("A case closed as “responded” needs the date its last response "
                                                  "was sent."))


def _status_from_dates(row: _Row) -> CaseStatus:
    values = row.values
    if values["closed_on"]:
        return CaseStatus.WITHDRAWN if values["closure_code"] is ClosureCode.WITHDRAWN else CaseStatus.CLOSED
    if values["responded_on"]:
        return CaseStatus.RESPONSE_SENT
    if values["acknowledged_on"]:
        return CaseStatus.ACKNOWLEDGED
    if values["triaged_on"] or row.stage > 1:
        return CaseStatus.ESCALATED if row.stage > 1 else CaseStatus.TRIAGED
    return CaseStatus.RECEIVED


def check(stream: Iterable[str]) -> tuple[dict[str, list[_Row]], dict, _Lookups]:
    """Read and check a whole file; raises ImportRefused listing every problem (up to MAX_PROBLEMS)."""
    problems = _Problems()
    rows = _rows(stream, problems)
    problems.refuse()
    lookups = _Lookups()
    for row in rows:
        _read_row(row, lookups, problems)
    references = {row.reference for row in rows if row.reference}
    references |= {row.values["escalated_from"] for row in rows if row.values.get("escalated_from")}
    existing = _existing(references)
    cases = _link(rows, existing, problems)
    for key, stages in cases.items():
        if key in existing:
            _, numbers = existing[key]
            for row in stages:
                if row.stage not in numbers:
                    problems.add(row.line, "stage", _("%(reference)s is already in Redress without stage %(stage)s: "
                                                      "add a stage to an existing case in Redress itself.",
                                                      reference=key, stage=row.stage))
            continue
        _check_case(key, stages, lookups, problems)
    _check_people(cases, existing, lookups, problems)
    problems.refuse()
    return cases, existing, lookups


def _check_people(cases: dict[str, list[_Row]], existing: dict, lookups: _Lookups, problems: _Problems) -> None:
    """Read everyone the file names by email (one query a batch) and refuse staff addresses."""
    emails = {stages[0].values["email"] for key, stages in cases.items() if key not in existing}
    emails.discard(None)
    lookups.people = _people_by_email(emails)
    for key, stages in cases.items():
        email = stages[0].values["email"]
        if key not in existing and email in lookups.people and lookups.people[email][1] is not Role.RESIDENT:
            problems.add(stages[0].line, "email", _("This email address belongs to a member of staff, not a resident."))


def _people_by_email(emails: set[str]) -> dict[str, tuple[int, Role]]:
    found: dict[str, tuple[int, Role]] = {}
    ordered = sorted(emails)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start:start + 900]
        statement = select(func.lower(User.email), User.id, User.role).where(func.lower(User.email).in_(chunk))
        found.update({email: (user_id, role) for email, user_id, role in db.session.execute(statement)})
    return found


# --- writing -------------------------------------------------------------------------------------------


def _moment(day: date, step: int = 0) -> datetime:
    """A date from the file as a moment: 9 a.m. London time, a second apart for events on one day."""
    return datetime.combine(day, time(9, 0), tzinfo=LONDON) + timedelta(seconds=step)


def _insert(model, rows: list[dict], *, returning: tuple = ()) -> list:
    """Bulk INSERT in batches; with `returning`, the rows of those columns, in no particular order
    (asking for the order would make SQLite insert one row at a time). On PostgreSQL, COPY."""
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        return _copy(model, rows, returning)
    found: list = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        # render_nulls: rows with empty cells go in the same batch as the rest (else one per shape)
        if not returning:
            db.session.execute(insert(model), chunk, execution_options={"render_nulls": True})
        else:
            found.extend(db.session.execute(insert(model).returning(*returning), chunk,
                                            execution_options={"render_nulls": True}).all())
    return found


def _copy(model, rows: list[dict], returning: tuple) -> list:
    """PostgreSQL's COPY, in the session's transaction: ids are taken from the table's sequence first
    (one query), so the rows are known without RETURNING. Values go through each column's own type
    (enums by value, UTC times, JSON), as an INSERT's would."""
    table = model.__table__
    connection = db.session.connection()
    dialect = connection.dialect
    if returning:
        ids = connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table.name, "count": len(rows)},
        ).scalars().all()
        rows = [{**row, "id": row_id} for row, row_id in zip(rows, ids, strict=True)]
    names = list(rows[0])
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([process(row[name]) if process else row[name]
                            for name, process in zip(names, processors, strict=True)])
    cursor.close()
    return [tuple(row[column.key] for column in returning) for row in rows] if returning else []


def _contact_method(values: dict) -> ContactMethod:
    if values["email"]:
        return ContactMethod.EMAIL
    if values["address"]:
        return ContactMethod.POST
    if values["phone"]:
        return ContactMethod.PHONE
    return ContactMethod.POST


def _stage_dates(rules: StageRules, values: dict, started: datetime, calendar: WorkingCalendar) -> dict:
    """A stage's day 0 and clocks: the file's dates where given, else the procedure's, as the engine
    sets them (from the start; a clock that runs from the acknowledgement, from that)."""
    expected = expected_dates(rules, started, calendar)
    acknowledge_by = values["acknowledge_by"] or expected.acknowledge_by
    respond_by = values["respond_by"]
    if respond_by is None and rules.respond_within is not None:
        if rules.respond_from is ClockStart.RECEIPT:
            respond_by = expected.respond_by
        elif rules.respond_from is ClockStart.ACKNOWLEDGEMENT and values["acknowledged_on"]:
            respond_by = calendar.add(calendar.receipt_day(_moment(values["acknowledged_on"])), rules.respond_within)
    escalation_ends = None
    if values["responded_on"] and rules.escalation_window is not None:
        escalation_ends = calendar.add(calendar.receipt_day(_moment(values["responded_on"])), rules.escalation_window)
    return {"received_on": calendar.receipt_day(started), "acknowledge_by": acknowledge_by, "respond_by": respond_by,
            "escalation_ends": escalation_ends}


def import_cases(stream: IO[str] | Iterable[str], *, actor: User | None, source: str,
                 dry_run: bool = False) -> Imported:
    """Check the whole file, then write it in the current transaction (the caller commits). Raises
    ImportRefused, having written nothing, when any row has a problem. A dry run only checks, and
    says what importing would add."""
    cases, existing, lookups = check(stream)
    new = {key: stages for key, stages in cases.items() if key not in existing}
    already = sum(len(stages) for key, stages in cases.items() if key in existing)
    now = utcnow()
    to_make = _plan_people(new, lookups, now)
    people_made = len(to_make)
    if dry_run:
        return Imported(cases=len(new), stages=sum(len(stages) for stages in new.values()), people=people_made,
                        already_there=already)
    people = _people(new, lookups, to_make)

    case_rows, stage_rows, event_plans, referral_plans = [], [], [], []
    for key, stages in new.items():
        first, last = stages[0], stages[-1]
        values = first.values
        procedure, rules = values["procedure"]
        received_at = _moment(values["received_on"])
        planned = []
        for row in stages:
            started = received_at if row is first else _moment(row.values["received_on"])
            dates = _stage_dates(rules.stage(row.stage), row.values, started, lookups.calendar)
            planned.append((row, started, dates))
        status: CaseStatus = last.values["status"]
        closing = _TRIAGE_CLOSING.get(status)
        triaged_on = values["triaged_on"] or (values["received_on"] if status is not CaseStatus.RECEIVED else None)
        closed_on = last.values["closed_on"]
        closure_code = last.values["closure_code"]
        if closing is not None:
            closed_on = closed_on or triaged_on
            closure_code = closure_code or closing[1]
        elif status is CaseStatus.WITHDRAWN:
            closure_code = closure_code or ClosureCode.WITHDRAWN
        last_dates = planned[-1][2]
        due = last.values["extended_to"] or last_dates["respond_by"]
        case_rows.append({
            "reference": key, "kind": values["kind"], "status": status, "stage": last.stage,
            "channel": values["channel"], "service_id": values["service"].id,
            "resident_id": people.get(key), "entered_by_id": None, "officer_id": None,
            "what_happened": values["summary"], "happened_on": None, "outcome_wanted": "",
            "contact_method": _contact_method(values), "contact_phone": values["phone"],
            "contact_address": values["address"], "received_at": received_at, "procedure_id": procedure.id,
            "acknowledge_by": last_dates["acknowledge_by"], "respond_by": due, "definition": {},
            "reason": values["reason"],
            "reason_detail_id": values["reason_detail"].id if values["reason_detail"] else None, "vulnerable": False, "closure_code": closure_code,
            "closure_reason": last.values["closure_reason"],
            "closed_at": _moment(closed_on, 50) if closed_on and not status.is_open else None,
            "for_someone_else": False, "support_needed": False, "ward_id": values["ward"].id if values["ward"] else None,
            "updated_at": now, "version": 1,
        })
        event_plans.append((key, planned, status, triaged_on, closed_on, closing, last))
        if last.values["ombudsman"] is not None:
            referral_plans.append(last.values)

    case_ids = {reference: case_id for case_id, reference in _insert(Case, case_rows, returning=(Case.id, Case.reference))}
    events = []
    referrals = []
    for (key, planned, status, triaged_on, closed_on, closing, last) in event_plans:
        case_id = case_ids[key]
        for row, started, dates in planned:
            responded, acknowledged = row.values["responded_on"], row.values["acknowledged_on"]
            stage_rows.append({
                "case_id": case_id, "number": row.stage, "started_at": started, "received_on": dates["received_on"],
                "handler_id": None, "acknowledge_by": dates["acknowledge_by"],
                "acknowledged_at": _moment(acknowledged, 20) if acknowledged else None,
                "respond_by": dates["respond_by"], "extended_to": row.values["extended_to"],
                "responded_at": _moment(responded, 30) if responded else None,
                "escalation_ends": dates["escalation_ends"], "findings": {}, "outcome": row.values["outcome"],
            })
        events.extend(_events(case_id, planned, status, triaged_on, closed_on, closing, last, source, actor))
        if last.values["ombudsman"] is not None:
            values = last.values
            referrals.append({
                "case_id": case_id, "ombudsman": values["ombudsman"], "their_reference": values["ombudsman_reference"],
                "received_on": values["ombudsman_received_on"],
                "decision": values["ombudsman_decision"] or OmbudsmanDecision.PENDING,
                "decided_on": values["ombudsman_decided_on"], "created_at": now,
                "created_by_id": actor.id if actor else None,
            })
    _insert(CaseStage, stage_rows)
    _insert(CaseEvent, events)
    _insert(OmbudsmanReferral, referrals)
    audit.record("cases.imported", actor=actor, subject_type="import", source=source[:200], cases=len(case_rows),
                 stages=len(stage_rows), people=people_made, already_there=already)
    return Imported(cases=len(case_rows), stages=len(stage_rows), people=people_made, already_there=already)


def _plan_people(new: dict[str, list[_Row]], lookups: _Lookups, now: datetime) -> dict[str, dict]:
    """The people to make: one per email address not already a resident's; a person with no email
    address gets a record of their own. Keyed by email, or by case for those without one."""
    to_make: dict[str, dict] = {}
    for key, stages in new.items():
        values = stages[0].values
        person_key = values["email"] or f"\0{key}"
        if not values["name"] or values["email"] in lookups.people or person_key in to_make:
            continue
        to_make[person_key] = {
            "email": values["email"], "full_name": values["name"][:200],
            "password_hash": None,  # nosec B105  # an imported person has no password
            "role": Role.RESIDENT, "phone": values["phone"], "address": values["address"],
            "preferred_contact": _contact_method(values), "created_at": now,
        }
    return to_make


def _people(new: dict[str, list[_Row]], lookups: _Lookups, to_make: dict[str, dict]) -> dict[str, int]:
    """{case key: resident id}, making the people planned."""
    # Matched back by what was written: people with the same name and details and no email address
    # are the same record twice over, so which of them goes with which case does not matter.
    written = defaultdict(list)
    columns = (User.id, User.email, User.full_name, User.phone, User.address)
    for user_id, *details in _insert(User, list(to_make.values()), returning=columns):
        written[tuple(details)].append(user_id)
    made = {key: written[(row["email"], row["full_name"], row["phone"], row["address"])].pop()
            for key, row in to_make.items()}
    people = {}
    for key, stages in new.items():
        values = stages[0].values
        if not values["name"]:
            continue
        email = values["email"]
        people[key] = lookups.people[email][0] if email in lookups.people else made[email or f"\0{key}"]
    return people


def _events(case_id, planned, status, triaged_on, closed_on, closing, last, source, actor) -> list[dict]:
    """The event log a case made in Redress would have, from the dates in the file."""
    events: list[dict] = []
    current = [None]
    first_row, first_started, _dates = planned[0]
    channel = first_row.values["channel"]
    actor_id = actor.id if actor else None

    def add(type_: EventType, day: date | datetime, to: CaseStatus, stage: int, step: int, **details) -> None:
        at = day if isinstance(day, datetime) else _moment(day, step)
        if events and at <= events[-1]["at"]:  # two things on one day: in the order they happened
            at = events[-1]["at"] + timedelta(seconds=1)
        events.append({"case_id": case_id, "type": type_, "at": at, "actor_id": actor_id, "channel": channel,
                       "stage": stage, "from_status": current[0], "to_status": to, "public": True,
                       "details": {"imported": True, **details}})
        current[0] = to

    add(EventType.RECEIVED, first_started, CaseStatus.RECEIVED, first_row.stage, 0, channel=channel.value,
        procedure=first_row.values["procedure"][1].slug, source=source[:200])
    if closing is not None:
        details = {}
        if closing[0] is EventType.REFUSED:
            details = {"reason": last.values["closure_reason"]}
            if last.values["refusal_ground"] is not None:
                details["ground"] = last.values["refusal_ground"].value
        add(closing[0], triaged_on, status, first_row.stage, 10, **details)
        return events
    if status is CaseStatus.RECEIVED:
        return events
    add(EventType.TRIAGED_COMPLAINT, triaged_on, CaseStatus.TRIAGED, first_row.stage, 10)
    latest: date = triaged_on
    for index, (row, _started, _dates) in enumerate(planned):
        values = row.values
        if index:
            add(EventType.ESCALATED, values["received_on"], CaseStatus.ESCALATED, row.stage, 5,
                **({"imported_reference": row.reference} if row.reference != first_row.reference else {}))
            latest = values["received_on"]
        if values["acknowledged_on"]:
            add(EventType.ACKNOWLEDGED, values["acknowledged_on"], CaseStatus.ACKNOWLEDGED, row.stage, 20)
            latest = values["acknowledged_on"]
        if values["responded_on"]:
            add(EventType.RESPONSE_SENT, values["responded_on"], CaseStatus.RESPONSE_SENT, row.stage, 30,
                **({"outcome": values["outcome"].value} if values["outcome"] else {}))
            latest = values["responded_on"]
    if status in {CaseStatus.CLOSED, CaseStatus.WITHDRAWN}:
        type_ = EventType.WITHDRAWN if status is CaseStatus.WITHDRAWN else EventType.CLOSED
        code = last.values["closure_code"] or ClosureCode.WITHDRAWN
        add(type_, closed_on, status, last.stage, 50, code=code.value)
    elif status is not current[0]:
        bridge = _BRIDGE.get(status, EventType.INVESTIGATION_STARTED)
        day = last.values["ombudsman_received_on"] if status is CaseStatus.WITH_OMBUDSMAN else None
        add(bridge, max(filter(None, (day, latest))), status, last.stage, 40)
    return events
