"""Administration: the council's own complaint reasons, each in one of the four report categories."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import CaseReason, Role
from shared.services import reason_admin, triage
from staff import bp
from staff.forms_reasons import ALL_SERVICES, ReasonForm


@bp.get("/admin/reasons")
@staff(Role.ADMIN)
def reasons():
    locale = str(get_locale())
    return render_template("staff/admin/reasons.html", groups=reason_admin.listed(locale), locale=locale)


def _form(reason=None) -> ReasonForm:
    services = triage.active_services()
    if reason is not None and reason.service_id is not None and all(s.id != reason.service_id for s in services):
        services.append(reason_admin.service_of(reason))  # a service no longer offered keeps its reasons
    return ReasonForm(obj=reason, services=services, locale=str(get_locale()))


def _page(form: ReasonForm, reason, status: int, cases: int = 0):
    context = {"form": form, "reason": reason, "cases": cases}
    if reason is not None:
        context.update(history=reason_admin.history(reason.id), services=reason_admin.service_names(),
                       categories={category.value: category.label for category in CaseReason})
    return render_template("staff/admin/reason_form.html", **context), status


def _save(reason, form: ReasonForm):
    category = form.chosen_category() if form.category else reason.category
    return reason_admin.save(reason, current_user, name=form.name.data, name_cy=form.name_cy.data,
                             category=category, service_id=form.service_id(),
                             active=form.active.data, sort_order=form.sort_order.data)


@bp.route("/admin/reasons/new", methods=["GET", "POST"])
@staff(Role.ADMIN)
def reason_new():
    form = _form()
    if not form.is_submitted():
        form.service.data = ALL_SERVICES
    if form.validate_on_submit():
        try:
            saved = _save(None, form)
        except reason_admin.NameTaken:
            form.name.errors.append(_("Another reason already has this name"))
        else:
            flash(_("%(name)s added.", name=saved.name))
            return redirect(url_for("staff.reasons"))
    return _page(form, None, 400 if form.is_submitted() else 200)


@bp.route("/admin/reasons/<int:reason_id>", methods=["GET", "POST"])
@staff(Role.ADMIN)
def reason_edit(reason_id: int):
    reason = reason_admin.get(reason_id)
    if reason is None:
        abort(404)
    form = _form(reason)
    cases = reason_admin.cases_using(reason.id)
    if cases:
        del form.category  # fixed once on cases: see reason_admin.CategoryInUse
    if not form.is_submitted():
        if form.category:
            form.category.data = reason.category.value
        form.service.data = str(reason.service_id) if reason.service_id else ALL_SERVICES
    if form.validate_on_submit():
        try:
            _save(reason, form)
        except reason_admin.NameTaken:
            form.name.errors.append(_("Another reason already has this name"))
        except reason_admin.CategoryInUse:  # only if cases recorded it while this request ran
            form.category.errors.append(_(
                "This reason is on cases, so its category cannot change: the committee reports count those "
                "cases in this category. Stop offering it and add a new reason in the other category instead."))
        else:
            flash(_("%(name)s saved.", name=reason.name))
            return redirect(url_for("staff.reasons"))
    return _page(form, reason, 400 if form.is_submitted() else 200, cases)
