"""Requests for information: ask a service from the case page, the task list, the responder's answer."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.policy import CASEWORK_ROLES
from shared.models import Case
from shared.services import information, outbox
from shared.web.numbers import page_number
from staff import TASK_ROLES, bp
from staff.actions import attempt
from staff.forms_information import AnswerForm, AskForm
from staff.lookups import case_or_404
from staff.panels import case_panel

TEAM = CASEWORK_ROLES  # the complaints team


@case_panel
def _information_panel(case: Case) -> tuple[str, dict]:
    can_ask = current_user.role in TEAM
    return "staff/information/_panel.html", {"requests": information.requests_for_case(case), "can_ask": can_ask}


def _ask_page(found: Case, form: AskForm, status: int = 200):
    return render_template("staff/information/ask.html", case=found, form=form,
                           suggested=information.suggested_due()), status


@bp.route("/cases/<reference>/information/new", methods=["GET", "POST"])
@staff(*TEAM)
def information_new(reference: str):
    found = case_or_404(reference)
    choices = {"services": information.active_services(), "responders": information.active_responders(),
               "locale": str(get_locale())}
    if request.method == "GET":
        return _ask_page(found, AskForm(formdata=None, data={"service": str(found.service_id)}, **choices))
    form = AskForm(**choices)
    if not form.validate():
        return _ask_page(found, form, 400)
    refused = attempt(
        lambda case: information.ask(case, current_user, question=form.question.data, service_id=int(form.service.data),
                                     responder_id=form.responder_id, due_on=form.due_on.data),
        found, form=form, render=_ask_page, field="question",
        invalid=(information.InformationError,),
    )
    if refused:
        return refused
    flash(_("Request for information sent."))
    return redirect(url_for("staff.case", reference=reference))


@bp.get("/tasks")
@staff(*TASK_ROLES)
def tasks():
    page = page_number(request.args)
    # Messages the outbox could not deliver (or letters to post) are the complaints team's tasks too.
    undelivered = outbox.waiting_for_staff() if current_user.role in TEAM else None
    return render_template("staff/information/tasks.html", tasks=information.open_tasks(current_user, page),
                           today=information.today(), undelivered=undelivered)


def _answer_page(found, form: AnswerForm | None, status: int = 200):
    if form is None and found.answered_at is None:
        form = AnswerForm(formdata=None)
    return render_template("staff/information/answer.html", item=found, form=form), status


@bp.route("/information/<int:request_id>", methods=["GET", "POST"])
@staff(*TASK_ROLES)
def information_request(request_id: int):
    found = information.request_for(current_user, request_id)
    if found is None:
        abort(404)
    if request.method == "GET":
        return _answer_page(found, None)
    form = AnswerForm()
    if found.answered_at is not None:
        form.validate()
        form.answer.errors = [_("This request has already been answered")]
        return _answer_page(found, form, 409)
    if not form.validate():
        return _answer_page(found, form, 400)
    refused = attempt(
        lambda item: information.answer(item, current_user, form.answer.data),
        found, form=form, render=_answer_page,
        field="answer", invalid=(information.InformationError,),
    )
    if refused:
        return refused
    flash(_("Answer sent to the complaints team."))
    return redirect(url_for("staff.tasks"))
