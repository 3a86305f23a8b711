"""Administration: the council's services (names in English and Welsh, social care, open or not)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import Role
from shared.services import service_admin
from staff import bp
from staff.forms_services import NOT_CARE, ServiceForm


@bp.get("/admin/services")
@staff(Role.ADMIN)
def services():
    return render_template("staff/admin/services.html", rows=service_admin.listed(), locale=str(get_locale()))


def _save(service, form: ServiceForm):
    return service_admin.save(
        service, current_user, slug=form.slug.data if service is None else None, name=form.name.data,
        name_cy=form.name_cy.data, description=form.description.data, description_cy=form.description_cy.data,
        care_kind=form.care(), active=form.active.data)


@bp.route("/admin/services/new", methods=["GET", "POST"])
@staff(Role.ADMIN)
def service_new():
    form = ServiceForm()
    if form.validate_on_submit():
        try:
            saved = _save(None, form)
        except service_admin.SlugTaken:
            form.slug.errors.append(_("Another service already has this short name"))
        else:
            flash(_("%(name)s added.", name=saved.name))
            return redirect(url_for("staff.services"))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/service_form.html", form=form, service=None), status


@bp.route("/admin/services/<int:service_id>", methods=["GET", "POST"])
@staff(Role.ADMIN)
def service_edit(service_id: int):
    service = service_admin.get(service_id)
    if service is None:
        abort(404)
    form = ServiceForm(obj=service)
    if not form.is_submitted():
        form.care_kind.data = service.care_kind.value if service.care_kind else NOT_CARE
    del form.slug  # fixed once made: reports, imports and links use it
    if form.validate_on_submit():
        _save(service, form)
        flash(_("%(name)s saved.", name=service.name))
        return redirect(url_for("staff.services"))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/service_form.html", form=form, service=service,
                           responders=service_admin.responders(service.id),
                           history=service_admin.history(service.id)), status
