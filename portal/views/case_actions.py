"""What a resident (or a guest with their case's link) does on a case: reply, escalate, withdraw.

Each action is a page with a form, then a confirmation. A refusal from the engine (the window has
closed, the case changed meanwhile) shows the page again with the reason and what was typed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import bp
from portal.forms_cases import EscalateForm, ReplyForm, WithdrawForm
from portal.views.cases import viewer, visible_case
from shared.auth.access import portal_or_guest
from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import CaseStatus, EventType, Role
from shared.domain.transitions import EngineError, transition_for
from shared.models import Case
from shared.services import case_progress, files, reply_files, resident_actions
from shared.services import cases as case_queries
from shared.services.calendar import council_calendar
from shared.web.forms import error_summary_params
from shared.web.htmx import varies, wants_section


def _actor(case: Case):
    return resident_actions.acting_resident(case, viewer())


# --- add information or reply -----------------------------------------------------------------


@bp.route("/cases/<reference>/reply", methods=["GET", "POST"])
@portal_or_guest(Role.RESIDENT)
def case_reply(reference: str):
    found = visible_case(reference)
    form = ReplyForm()
    if request.method == "GET":
        return _reply_page(found, form)
    removing = request.form.get("remove_file", type=int)
    if removing is not None:  # a file's Remove button, without JavaScript: the page again, as typed
        return _reply_page(found, form, held=reply_files.remove(found, _actor(found), removing))
    valid = form.validate()
    actor = _actor(found)
    held = reply_files.held(found, actor)  # files added with JavaScript before sending
    accepted, refused = files.check_all(files.chosen(request.files.getlist(form.files.name)), already=len(held))
    if refused:
        form.files.errors = [*form.files.errors, *refused]
    if not valid or refused:
        return _reply_page(found, form, 400, held=held)
    message = resident_actions.reply(found, actor, form.body.data, accepted)
    reply_files.attach(found, message, held)
    flash(_("Your message has been sent. We will reply if we need to."))
    return redirect(url_for("portal.case", reference=reference, _anchor="messages"))


@bp.post("/cases/<reference>/reply/files")
@portal_or_guest(Role.RESIDENT)
def case_reply_files(reference: str):
    """Files chosen (or removed) with JavaScript while writing a reply: stored at once, and the list
    drawn again naming each file accepted or refused. Sent with the message (see reply_files)."""
    found = visible_case(reference)
    form = ReplyForm()
    actor = _actor(found)
    removing = request.form.get("remove_file", type=int)
    if removing is not None:
        result = reply_files.Added(reply_files.remove(found, actor, removing))
    else:
        result = reply_files.add(found, actor, request.files.getlist(form.files.name))
    form.files.errors = result.refused
    if not wants_section():  # the whole page, with what was typed
        return _reply_page(found, form, 400 if result.refused else 200, held=result.held)
    return varies(render_template("portal/case/_reply_files_section.html", case=found, form=form, held=result.held,
                                  result=result, accept=files.ACCEPT_ATTRIBUTE, max_files=files.MAX_FILES,
                                  human_size=files.human_size))


def _reply_page(case: Case, form: ReplyForm, status: int = 200, *, held=None):
    return render_template("portal/case/reply.html", case=case, form=form, accept=files.ACCEPT_ATTRIBUTE,
                           held=_held(case) if held is None else held,
                           max_files=files.MAX_FILES, human_size=files.human_size,
                           error_summary_params=_summary_naming_each_file), status


def _held(case: Case) -> list:
    # Who the reply is from is only worked out (for a representative, a query) when there are files.
    return reply_files.held(case, _actor(case)) if reply_files.holds_any(case) else []


def _summary_naming_each_file(form: ReplyForm) -> dict:
    """The error summary with one line per refused file (the usual one shows a field's first error only)."""
    params = error_summary_params(form)
    anchor = f"#{form.files.id}"
    params["errorList"] = [item for item in params["errorList"] if item["href"] != anchor] + [
        {"text": message, "href": anchor} for message in form.files.errors
    ]
    return params


# --- ask for the next stage -----------------------------------------------------------------------


@bp.route("/cases/<reference>/escalate", methods=["GET", "POST"])
@portal_or_guest(Role.RESIDENT)
def case_escalate(reference: str):
    found = visible_case(reference)
    if request.method == "GET":
        view = case_progress.outlook(found)
        if not view.can_escalate:
            return _cannot_escalate(found, view, view.why_no_escalation, typed="")
        return _escalate_page(found, view, EscalateForm(formdata=None, data={"version": found.version}))
    form = EscalateForm()
    if not form.validate():
        return _escalate_page(found, case_progress.outlook(found), form, 400)
    if form.expected_version() is None:
        abort(400)  # not a form this service made
    try:
        resident_actions.request_escalation(found, _actor(found), form.expected_version(), form.reason.data)
    except EngineError as refused:
        db.session.rollback()
        found = visible_case(reference)
        view = case_progress.outlook(found)
        if view.can_escalate:  # only changed meanwhile (a stale page): they can try again as it is now
            form.version.data = str(found.version)
            form.reason.errors = [*form.reason.errors, refused.message]
            return _escalate_page(found, view, form, 409)
        return _cannot_escalate(found, view, refused.message, typed=form.reason.data or "")
    return redirect(url_for("portal.case_escalation_requested", reference=reference))


def _escalate_page(case: Case, view, form: EscalateForm, status: int = 200):
    lines = case_progress.next_stage_lines(view, utcnow(), council_calendar())
    return render_template("portal/case/escalate.html", case=case, view=view, form=form, expected_lines=lines), status


def _cannot_escalate(case: Case, view, message: object, *, typed: str):
    """Why not, and what they can do instead; anything they typed is offered back as a message."""
    reply = ReplyForm(formdata=None, data={"body": typed}) if typed.strip() else None
    return render_template("portal/case/cannot_escalate.html", case=case, view=view, message=message,
                           reply=reply), 409


@bp.get("/cases/<reference>/escalation-requested")
@portal_or_guest(Role.RESIDENT)
def case_escalation_requested(reference: str):
    found = visible_case(reference)
    if found.status is not CaseStatus.ESCALATION_REQUESTED:
        abort(404)  # nothing to confirm
    view = case_progress.outlook(found)
    events = case_queries.public_timeline(found)
    requested = view.escalation_requested_at(events) or found.updated_at
    lines = case_progress.next_stage_lines(view, requested, council_calendar())
    return render_template("portal/case/escalation_requested.html", case=found, view=view, expected_lines=lines)


# --- withdraw ----------------------------------------------------------------------------------------


@bp.route("/cases/<reference>/withdraw", methods=["GET", "POST"])
@portal_or_guest(Role.RESIDENT)
def case_withdraw(reference: str):
    found = visible_case(reference)
    if request.method == "GET":
        # A closed case cannot be withdrawn: the engine's reason, as a page (409).
        transition_for(found.status, EventType.WITHDRAWN, Role.RESIDENT)
        return _withdraw_page(found, WithdrawForm(formdata=None, data={"version": found.version}))
    form = WithdrawForm()
    if not form.validate():
        return _withdraw_page(found, form, 400)
    if form.expected_version() is None:
        abort(400)
    try:
        resident_actions.withdraw(found, _actor(found), form.expected_version(), form.reason.data)
    except EngineError as refused:
        db.session.rollback()
        found = visible_case(reference)
        form.version.data = str(found.version)  # a second try is against the case as it is now
        form.reason.errors = [*form.reason.errors, refused.message]
        return _withdraw_page(found, form, refused.status_code)
    return redirect(url_for("portal.case_withdrawn", reference=reference))


def _withdraw_page(case: Case, form: WithdrawForm, status: int = 200):
    return render_template("portal/case/withdraw.html", case=case, form=form), status


@bp.get("/cases/<reference>/withdrawn")
@portal_or_guest(Role.RESIDENT)
def case_withdrawn(reference: str):
    found = visible_case(reference)
    if found.status is not CaseStatus.WITHDRAWN:
        abort(404)  # nothing to confirm
    return render_template("portal/case/withdrawn.html", case=found, guest=viewer() is None)
