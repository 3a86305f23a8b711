"""Administration: the advocacy and support directory the portal and staff signpost people to."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import Role, SupportTopic
from shared.services import signposting
from staff import bp
from staff.forms_adjustments import SupportServiceForm

TOPIC_LABELS = {topic.value: topic.label for topic in SupportTopic}


@bp.get("/admin/support-services")
@staff(Role.ADMIN)
def support_services():
    return render_template("staff/admin/support_services.html", services=signposting.all_services(), topics=TOPIC_LABELS)


def _save(service, form: SupportServiceForm):
    values = {name: form[name].data for name in signposting.DIRECTORY_FIELDS if name != "active"}
    values["active"] = form.active.data if service is not None else True
    return signposting.save_service(service, actor=current_user, **values)


def _form_page(form: SupportServiceForm, service):
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/support_service_form.html", form=form, service=service), status


@bp.route("/admin/support-services/new", methods=["GET", "POST"])
@staff(Role.ADMIN)
def support_service_new():
    form = SupportServiceForm()
    if form.validate_on_submit():
        saved = _save(None, form)
        flash(_("%(name)s added.", name=saved.name))
        return redirect(url_for("staff.support_services"))
    return _form_page(form, None)


@bp.route("/admin/support-services/<int:support_id>", methods=["GET", "POST"])
@staff(Role.ADMIN)
def support_service_edit(support_id: int):
    service = signposting.get_service(support_id)
    if service is None:
        abort(404)
    form = SupportServiceForm(obj=service)
    if form.validate_on_submit():
        _save(service, form)
        flash(_("%(name)s saved.", name=service.name))
        return redirect(url_for("staff.support_services"))
    return _form_page(form, service)


@bp.post("/admin/support-services/<int:support_id>/deactivate")
@staff(Role.ADMIN)
def support_service_deactivate(support_id: int):
    service = signposting.deactivate_service(support_id, actor=current_user)
    if service is None:
        abort(404)
    flash(_("%(name)s will no longer be offered to people.", name=service.name))
    return redirect(url_for("staff.support_services"))
