"""Employees a staff attitude complaint names, on the staff case page: the panel listing them, and
adding, correcting or removing one afterwards (each audited). The complaints team only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.db import db
from shared.domain.policy import NAMED_EMPLOYEE_ROLES, can_see_named_employees
from shared.models import Case, NamedEmployee
from shared.services import named_employees
from shared.services import triage as triage_service
from staff import bp
from staff.forms_triage import NamedEmployeeForm, RemoveNamedEmployeeForm
from staff.lookups import case_or_404
from staff.panels import case_panel


@case_panel
def _panel(case: Case):
    """Who the complaint names (one query), for the complaints team on a staff attitude complaint."""
    if not can_see_named_employees(current_user) or not named_employees.may_name_employees(case):
        return None
    return "staff/case/_named_employees.html", {
        "rows": named_employees.for_case(case.id),
        "remove_form": RemoveNamedEmployeeForm(),
    }


def _case(reference: str) -> Case:
    case = case_or_404(reference)
    if not named_employees.may_name_employees(case):
        abort(404)
    return case


def _form(formdata=..., data=None) -> NamedEmployeeForm:
    options = {"services": triage_service.active_services(), "staff": named_employees.staff_users(),
               "locale": str(get_locale())}
    if formdata is ...:
        return NamedEmployeeForm(**options)
    return NamedEmployeeForm(formdata=formdata, data=data, **options)


def _page(case: Case, form: NamedEmployeeForm, row: NamedEmployee | None, status: int):
    return render_template("staff/named_employees/form.html", case=case, form=form, row=row), status


def _back(reference: str):
    return redirect(url_for("staff.case", reference=reference, _anchor="named-employees"))


@bp.route("/cases/<reference>/named-employees/new", methods=["GET", "POST"])
@staff(*NAMED_EMPLOYEE_ROLES)
def named_employee_new(reference: str):
    case = _case(reference)
    if request.method == "GET":
        return _page(case, _form(None), None, 200)
    form = _form()
    if form.validate():
        try:
            with db.session.begin_nested():
                named_employees.record(case, [form.named], actor=current_user)
        except named_employees.NamedEmployeeError as refused:
            form[refused.field or "name"].errors.append(refused.message)
        else:
            flash(_("%(name)s is recorded as named by this complaint.", name=form.named.name))
            return _back(reference)
    return _page(case, form, None, 400)


def _row(case: Case, employee_id: int) -> NamedEmployee:
    row = named_employees.get(case.id, employee_id)
    if row is None:
        abort(404)
    return row


@bp.route("/cases/<reference>/named-employees/<int:employee_id>", methods=["GET", "POST"])
@staff(*NAMED_EMPLOYEE_ROLES)
def named_employee_edit(reference: str, employee_id: int):
    case = _case(reference)
    row = _row(case, employee_id)
    if request.method == "GET":
        data = {"name": row.name, "service": str(row.service_id), "user": str(row.user_id) if row.user_id else ""}
        return _page(case, _form(None, data), row, 200)
    form = _form()
    if form.validate():
        try:
            with db.session.begin_nested():
                named_employees.correct(row, case, form.named, actor=current_user)
        except named_employees.NamedEmployeeError as refused:
            form[refused.field or "name"].errors.append(refused.message)
        else:
            flash(_("The named employee is corrected: %(name)s.", name=row.name))
            return _back(reference)
    return _page(case, form, row, 400)


@bp.post("/cases/<reference>/named-employees/<int:employee_id>/remove")
@staff(*NAMED_EMPLOYEE_ROLES)
def named_employee_remove(reference: str, employee_id: int):
    case = _case(reference)
    row = _row(case, employee_id)
    if not RemoveNamedEmployeeForm().validate_on_submit():
        abort(400)
    name = row.name
    named_employees.remove(row, case, actor=current_user)
    flash(_("%(name)s is no longer recorded as named by this complaint.", name=name))
    return _back(reference)
