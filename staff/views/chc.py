"""The Complaint Handling Code's annual report in the back office: the printable page for a financial
year, its CSV, and the managers' pages that answer the self-assessment and write the statements."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.chc import BY_NUMBER, SECTIONS
from shared.domain.policy import CHC_EDITOR_ROLES, REPORT_READER_ROLES, can_edit_chc_annual
from shared.domain.reporting import financial_year, financial_year_label
from shared.services import reports
from shared.services.reports import Filters, catalogue, chc
from staff import bp
from staff.forms_chc import ChcAnswerForm, ChcStatementsForm, ChcYearForm


def _year_form() -> tuple[ChcYearForm, int | None]:
    years = chc.year_choices(catalogue.today())
    if "year" in request.args:
        form = ChcYearForm(request.args, years=years)
        return form, int(form.year.data) if form.validate() else None
    year = chc.default_year(catalogue.today())
    return ChcYearForm(None, data={"year": str(year)}, years=years), year


def _editable_year(year: int) -> int:
    if year not in chc.year_choices(catalogue.today()):
        abort(404)
    return year


def _annual(year: int) -> chc.Annual:
    return chc.annual(Filters(period=financial_year(year)))


@bp.get("/reports/chc_annual")
@staff(*REPORT_READER_ROLES)
def report_chc():
    form, year = _year_form()
    if year is None:
        return render_template("staff/reports/chc.html", form=form, annual=None), 400
    return render_template("staff/reports/chc.html", form=form, annual=_annual(year), sections=SECTIONS,
                           annual_statements=list(chc.STATEMENTS.items()),
                           may_edit=can_edit_chc_annual(current_user),
                           csv_url=url_for("staff.report_chc_csv", year=year))


@bp.get("/reports/chc_annual.csv")
@staff(*REPORT_READER_ROLES)
def report_chc_csv():
    _form, year = _year_form()
    if year is None:
        abort(400)
    found = _annual(year).report
    filename = f"{chc.NAME}-{financial_year_label(year).replace('/', '-')}.csv"
    return Response(stream_with_context(reports.csv_lines(found)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _back(year: int, anchor: str | None = None):
    return redirect(url_for("staff.report_chc", year=year, _anchor=anchor))


@bp.route("/reports/chc_annual/<int:year>/provisions/<provision>", methods=["GET", "POST"])
@staff(*CHC_EDITOR_ROLES)
def report_chc_answer(year: int, provision: str):
    year = _editable_year(year)
    found = BY_NUMBER.get(provision)
    if found is None:
        abort(404)
    if request.method == "POST":
        form = ChcAnswerForm()
    else:
        answer = chc.answer_of(chc.record_for(year), provision)
        data = {}
        if answer is not None:
            data = {"compliant": "yes" if answer.compliant else "no", "evidence": answer.evidence,
                    "commentary": answer.commentary}
        form = ChcAnswerForm(formdata=None, data=data)
    if form.validate_on_submit():
        chc.save_answer(current_user, year, provision, compliant=form.compliant.data == "yes",
                        evidence=form.evidence.data or "", commentary=form.commentary.data or "")
        flash(_("The answer to provision %(number)s is saved.", number=provision))
        return _back(year, f"provision-{provision.replace('.', '-')}")
    return render_template("staff/reports/chc_answer.html", form=form, provision=found, year=year,
                           section=SECTIONS[found.section], label=financial_year_label(year)), \
        400 if form.is_submitted() else 200


@bp.route("/reports/chc_annual/<int:year>/statements", methods=["GET", "POST"])
@staff(*CHC_EDITOR_ROLES)
def report_chc_statements(year: int):
    year = _editable_year(year)
    if request.method == "POST":
        form = ChcStatementsForm()
    else:
        record = chc.record_for(year)
        form = ChcStatementsForm(formdata=None, data={key: getattr(record, key) for key in chc.STATEMENTS} if record
                                 else {})
    if form.validate_on_submit():
        chc.save_statements(current_user, year, {key: getattr(form, key).data for key in chc.STATEMENTS})
        flash(_("The statements for %(year)s are saved.", year=financial_year_label(year)))
        return _back(year, "statements")
    return render_template("staff/reports/chc_statements.html", form=form, year=year,
                           label=financial_year_label(year)), 400 if form.is_submitted() else 200
