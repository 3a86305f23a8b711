"""Administration: the organisations triage can signpost people to."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import Role
from shared.services import organisations as organisation_service
from staff import bp
from staff.forms_triage import OrganisationForm


@bp.get("/admin/organisations")
@staff(Role.ADMIN)
def organisations():
    return render_template("staff/admin/organisations.html", organisations=organisation_service.all_organisations())


def _save(organisation, form: OrganisationForm):
    return organisation_service.save(
        organisation, name=form.name.data, name_cy=form.name_cy.data, helps_with=form.helps_with.data,
        contact=form.contact.data, website=form.website.data,
        active=form.active.data if organisation is not None else True, actor=current_user,
    )


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@staff(Role.ADMIN)
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        saved = _save(None, form)
        flash(_("%(name)s added.", name=saved.name))
        return redirect(url_for("staff.organisations"))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/organisation_form.html", form=form, organisation=None), status


@bp.route("/admin/organisations/<int:organisation_id>", methods=["GET", "POST"])
@staff(Role.ADMIN)
def organisation_edit(organisation_id: int):
    organisation = organisation_service.get(organisation_id)
    if organisation is None:
        abort(404)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        _save(organisation, form)
        flash(_("%(name)s saved.", name=organisation.name))
        return redirect(url_for("staff.organisations"))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/organisation_form.html", form=form, organisation=organisation), status


@bp.post("/admin/organisations/<int:organisation_id>/deactivate")
@staff(Role.ADMIN)
def organisation_deactivate(organisation_id: int):
    organisation = organisation_service.deactivate(organisation_id, current_user)
    if organisation is None:
        abort(404)
    flash(_("%(name)s will no longer be offered when signposting.", name=organisation.name))
    return redirect(url_for("staff.organisations"))
