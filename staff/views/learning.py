"""Learning actions in the back office: the list, new and edit pages, status, linked cases."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import LearningStatus, Role
from shared.domain.policy import CASEWORK_ROLES
from shared.services import learning
from shared.services.learning import LearningFilters, UnknownReference
from shared.web.numbers import page_number, whole_number
from staff import bp
from staff.forms_followup import LearningEditForm, LearningForm, LearningStatusForm, LinkCaseForm

TEAM = CASEWORK_ROLES  # the complaints team
READERS = (Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER, Role.ADMIN)


def _load(action_id: int):
    found = learning.get(action_id)
    if found is None:
        abort(404)
    return found


def _options() -> dict:
    return {"services": learning.services(), "people": learning.staff_people(), "locale": str(get_locale())}


def _int_arg(name: str) -> int | None:
    return whole_number(request.args.get(name))


@bp.get("/learning")
@staff(*READERS)
def learning_list():
    status_value = request.args.get("status", "")
    status = LearningStatus(status_value) if status_value in {s.value for s in LearningStatus} else None
    filters = LearningFilters(status=status, service_id=_int_arg("service"), page=page_number(request.args))
    found = learning.find(filters)
    params = {k: v for k, v in {"status": status.value if status else None, "service": filters.service_id}.items() if v}
    return render_template("staff/learning/list.html", found=found, filters=filters, services=learning.services(),
                           statuses=list(LearningStatus), params=params, today=learning.today(),
                           overdue=learning.is_overdue, may_edit=learning.may_edit(current_user))


@bp.route("/learning/new", methods=["GET", "POST"])
@staff(*TEAM)
def learning_new():
    case = None
    typed = request.args.get("case", "")
    if typed:
        try:
            case = learning.case_by_reference(typed)
        except UnknownReference:
            abort(404)
    if request.method == "POST":
        form = LearningForm(**_options())
    else:
        form = LearningForm(formdata=None, data={"service": str(case.service_id) if case else ""}, **_options())
    if form.validate_on_submit():
        action = learning.create(current_user, title=form.title.data, description=form.description.data,
                                 service_id=form.service_id(), owner_id=form.owner_id(), due_on=form.due_on.data,
                                 status=form.learning_status(), case=case)
        flash(_("Learning action added."))
        if case is not None:
            return redirect(url_for("staff.case", reference=case.reference))
        return redirect(url_for("staff.learning_action", action_id=action.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/learning/new.html", form=form, case=case), status


def _detail(action, status_form=None, link_form=None, *, form=None, code: int = 200):
    may_status = learning.may_update_status(current_user, action)
    may_edit = learning.may_edit(current_user)
    if status_form is None and may_status:
        status_form = LearningStatusForm(formdata=None, data={"status": action.status.value})
    if link_form is None and may_edit:
        link_form = LinkCaseForm(formdata=None)
    return render_template(
        "staff/learning/action.html", action=action, status_form=status_form if may_status else None,
        link_form=link_form if may_edit else None, may_edit=may_edit, form=form,
        overdue=learning.is_overdue(action.status, action.due_on),
        may_open_cases=current_user.role is not Role.ADMIN,
    ), code


@bp.get("/learning/<int:action_id>")
@staff(*READERS)
def learning_action(action_id: int):
    return _detail(_load(action_id))


@bp.route("/learning/<int:action_id>/edit", methods=["GET", "POST"])
@staff(*TEAM)
def learning_edit(action_id: int):
    action = _load(action_id)
    if request.method == "POST":
        form = LearningEditForm(**_options())
    else:
        form = LearningEditForm(formdata=None, data={
            "title": action.title, "description": action.description, "service": str(action.service_id),
            "owner": str(action.owner_id or ""), "due_on": action.due_on, "status": action.status.value,
            "you_said": action.you_said, "we_did": action.we_did, "published": action.published,
        }, **_options())
    if form.validate_on_submit():
        learning.update(action, title=form.title.data, description=form.description.data,
                        service_id=form.service_id(), owner_id=form.owner_id(), due_on=form.due_on.data,
                        status=form.learning_status(), you_said=form.you_said.data, we_did=form.we_did.data,
                        published=bool(form.published.data))
        flash(_("Learning action saved."))
        return redirect(url_for("staff.learning_action", action_id=action.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/learning/edit.html", form=form, action=action), status


@bp.post("/learning/<int:action_id>/status")
@staff(Role.RESPONDER, *TEAM)
def learning_status(action_id: int):
    action = _load(action_id)
    if not learning.may_update_status(current_user, action):
        abort(404)  # another service's action: not theirs to change
    form = LearningStatusForm()
    if not form.validate():
        return _detail(action, status_form=form, form=form, code=400)
    learning.update_status(action, LearningStatus(form.status.data))
    flash(_("Status updated."))
    return redirect(url_for("staff.learning_action", action_id=action.id))


@bp.post("/learning/<int:action_id>/cases")
@staff(*TEAM)
def learning_link(action_id: int):
    action = _load(action_id)
    form = LinkCaseForm()
    if form.validate():
        try:
            case = learning.link(action, form.reference.data)
        except UnknownReference as unknown:
            form.reference.errors = [unknown.message]
        else:
            flash(_("Case %(reference)s linked.", reference=case.reference))
            return redirect(url_for("staff.learning_action", action_id=action.id))
    return _detail(action, link_form=form, form=form, code=400)


@bp.post("/learning/<int:action_id>/cases/<reference>/remove")
@staff(*TEAM)
def learning_unlink(action_id: int, reference: str):
    action = _load(action_id)
    if not learning.unlink(action, reference):
        abort(404)
    flash(_("Case %(reference)s unlinked.", reference=reference))
    return redirect(url_for("staff.learning_action", action_id=action.id))
