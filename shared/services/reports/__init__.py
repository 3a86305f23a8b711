"""Management reports, live from the case data, for any period.

Each report is a function from `Filters` to a `Report`: a title and one or more `Table`s of figures,
every figure a SQL aggregate (the queries are in `shared/services/reports/figures.py`). The same
`Report` is shown as a page (staff/views/reports.py), downloaded as CSV, and printed by
`redress report NAME --from DATE --to DATE --format csv|json`, so a committee pack and the screen
always agree.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from shared.domain.enums import Channel, Role
from shared.domain.policy import REPORT_READER_ROLES
from shared.domain.reporting import Period


@dataclass(frozen=True)
class Filters:
    """What every report can be narrowed by. `procedure` is a procedure's slug (any version)."""

    period: Period
    procedure: str | None = None
    service_id: int | None = None
    ward_id: int | None = None
    channel: Channel | None = None

    def described(self) -> dict[str, str | None]:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "procedure": self.procedure,
            "service": str(self.service_id) if self.service_id else None,
            "ward": str(self.ward_id) if self.ward_id else None,
            "channel": self.channel.value if self.channel else None,
        }


NUMBER, PERCENT, CHANGE, DAYS, TEXT = "number", "percent", "change", "days", "text"


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translated string
    kind: str = NUMBER


@dataclass
class Table:
    """Rows of figures. The first column names the row; `chart` names the column drawn as bars."""

    key: str
    title: object
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    chart: str | None = None
    description: object | None = None
    totals: list | None = None  # a last row, shown apart (bold) and written last in CSV

    def column_index(self, key: str) -> int:
        return next(index for index, column in enumerate(self.columns) if column.key == key)

    def chart_bars(self) -> list[tuple[str, int | float, float]]:
        """(row label, value, width as a share of the largest) for the chart column."""
        if self.chart is None:
            return []
        index = self.column_index(self.chart)
        values = [(str(row[0]), row[index] or 0) for row in self.rows]
        largest = max((value for _label, value in values), default=0) or 1
        return [(label, value, round(100 * value / largest, 1)) for label, value in values]


@dataclass
class Report:
    name: str
    title: object
    filters: Filters
    tables: list[Table]
    notes: list[object] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "report": self.name,
            "title": str(self.title),
            "filters": self.filters.described(),
            "tables": [
                {
                    "key": table.key,
                    "title": str(table.title),
                    "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns],
                    "rows": [[_plain(cell) for cell in row] for row in table.rows],
                    "totals": [_plain(cell) for cell in table.totals] if table.totals else None,
                }
                for table in self.tables
            ],
        }


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: object
    summary: object
    build: Callable[[Filters], Report]
    default_period: Callable[[date], Period]
    # Who may see it in /staff/reports, open it and download it (the CLI is trusted). Anyone else
    # gets "not found", as for a report that does not exist.
    roles: frozenset[Role] = REPORT_READER_ROLES
    period_is_a_date: bool = False  # a snapshot "at" one date (the period's end) rather than a span
    own_page: str | None = None  # the endpoint of a report with pages of its own (not the filters page)
    # About named people: every view and download is written to the audit log.
    audited: bool = False

    def readable_by(self, role: Role) -> bool:
        return role in self.roles


def _plain(cell):
    if cell is None or isinstance(cell, int | float):
        return cell
    return str(cell)


# Cells a spreadsheet would run as a formula (OWASP: CSV injection) get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def csv_cell(cell) -> str | int | float:
    if cell is None:
        return ""
    if isinstance(cell, int | float):
        return cell
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def uncsv_cell(text: str) -> str:
    """What csv_cell was given, from what it wrote (an import reading an export)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_lines(report: Report) -> Iterator[str]:
    """The report as CSV, table after table: a title line, a header row, the rows, then a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow([csv_cell(report.title)])
    period = report.filters.period
    writer.writerow([str(_l("From")), period.start.isoformat(), str(lazy_pgettext("end of a date range", "To")), period.end.isoformat()])
    yield flush()
    for table in report.tables:
        writer.writerow([])
        writer.writerow([csv_cell(table.title)])
        writer.writerow([csv_cell(column.label) for column in table.columns])
        for row in table.rows:
            writer.writerow([csv_cell(cell) for cell in row])
        if table.totals:
            writer.writerow([csv_cell(cell) for cell in table.totals])
        yield flush()


def as_csv(report: Report) -> str:
    return "".join(csv_lines(report))


def as_json_text(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def registry() -> dict[str, ReportSpec]:
    from shared.services.reports import catalogue

    return catalogue.REPORTS
