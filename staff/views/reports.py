"""Reports in the back office: the list, each report with its filters, and its CSV download."""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from shared.auth.access import staff
from shared.db import db
from shared.domain.policy import REPORT_READER_ROLES
from shared.models import Ward
from shared.services import audit, reports
from shared.services.reports import catalogue
from staff import bp
from staff.forms_reports import ReportFiltersForm, default_data


def _spec(name: str) -> reports.ReportSpec:
    """The report, if this member of staff may read it: a report kept from their role (managers'
    reports, from officers) is "not found", like one that does not exist."""
    spec = reports.registry().get(name)
    if spec is None or not spec.readable_by(current_user.role):
        abort(404)
    return spec


def _audit(spec: reports.ReportSpec, report: reports.Report, how: str) -> None:
    """A report about named people: who looked at which figures, and how (page or CSV)."""
    if spec.audited:
        audit.record(f"report.{how}", actor=current_user, subject_type="report", report=spec.name,
                     filters=report.filters.described())


def _form(spec: reports.ReportSpec) -> tuple[ReportFiltersForm, reports.Filters | None]:
    """The filters from the query string (None when they are wrong: the form holds the errors), or
    the report's default period when none were given."""
    locale = str(get_locale())
    procedures = sorted((p for p in catalogue.procedures() if p.is_current), key=lambda p: p.display_name(locale))
    services = catalogue.services()
    wards = db.session.scalars(select(Ward).where(Ward.active.is_(True)).order_by(Ward.name)).all()
    options = {"procedures": procedures, "services": services, "wards": wards, "locale": locale,
               "snapshot": spec.period_is_a_date}
    if request.args:
        form = ReportFiltersForm(request.args, **options)
        return form, form.filters() if form.validate() else None
    period = spec.default_period(catalogue.today())
    return ReportFiltersForm(None, data=default_data(period), **options), reports.Filters(period=period)


@bp.get("/reports")
@staff(*REPORT_READER_ROLES)
def report_list():
    specs = [spec for spec in reports.registry().values() if spec.readable_by(current_user.role)]
    return render_template("staff/reports/index.html", specs=specs)


def _built(name: str):
    """(spec, form, the report, or None when the filters are wrong)."""
    spec = _spec(name)
    form, filters = _form(spec)
    return spec, form, spec.build(filters) if filters is not None else None


@bp.get("/reports/<name>")
@staff(*REPORT_READER_ROLES)
def report(name: str):
    spec, form, found = _built(name)
    if found is None:
        return render_template("staff/reports/report.html", spec=spec, form=form, report=None), 400
    _audit(spec, found, "viewed")
    csv_url = url_for("staff.report_csv", name=name) + ("?" + request.query_string.decode() if request.args else "")
    return render_template("staff/reports/report.html", spec=spec, form=form, report=found, csv_url=csv_url)


@bp.get("/reports/<name>.csv")
@staff(*REPORT_READER_ROLES)
def report_csv(name: str):
    spec, _form_, found = _built(name)
    if found is None:
        abort(400)
    _audit(spec, found, "downloaded")
    period = found.filters.period
    filename = f"{name}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(
        stream_with_context(reports.csv_lines(found)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
