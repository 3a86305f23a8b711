"""Case work pages: the actions on a case after triage, each a small form that calls one service.

Every page checks the transition table first (409 saying why, or 403), keeps the case version in
the form, and shows a refusal from the engine as the form's error summary, keeping what was typed
(staff/actions.py).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from shared.auth.access import staff
from shared.domain import guards
from shared.domain.enums import EventType, Finding, RemedyKind, Role
from shared.domain.policy import CASE_READER_ROLES, CASEWORK_ROLES
from shared.domain.transitions import allowed_actions, transition_for
from shared.models import Case, User
from shared.services import casework, responses, templates
from staff import bp
from staff.actions import attempt
from staff.forms_casework import (
    AcknowledgeForm,
    CaseActionForm,
    CheckForm,
    CloseForm,
    ExtendForm,
    ReopenForm,
    WithdrawForm,
    response_form,
)
from staff.lookups import case_or_404

TEAM = CASEWORK_ROLES  # the complaints team
CASEWORKERS = (Role.OFFICER, Role.MANAGER, Role.RESPONDER)

# The page for each action a case worker takes here, with its button text. Actions missing from
# this table have their own pages elsewhere (triage, allocation) or sit on the case page (notes).
ACTION_PAGES: dict[EventType, tuple[str, object]] = {
    EventType.TRIAGED_COMPLAINT: ("staff.triage_decision", _l("Triage")),
    EventType.TRIAGED_SERVICE_REQUEST: ("staff.triage_decision", _l("Triage")),
    EventType.TRIAGED_FEEDBACK: ("staff.triage_decision", _l("Triage")),
    EventType.ALLOCATED: ("staff.allocate", _l("Allocate")),
    EventType.ACKNOWLEDGED: ("staff.acknowledge", _l("Acknowledge")),
    EventType.INVESTIGATION_STARTED: ("staff.start_investigation", _l("Start investigation")),
    EventType.PASSED_TO_SERVICE: ("staff.pass_to_service", _l("Pass to the service")),
    EventType.RETURNED_FROM_SERVICE: ("staff.returned_from_service", _l("Returned from the service")),
    EventType.RESPONSE_DRAFTED: ("staff.response", _l("Write the response")),
    EventType.SUBMITTED_FOR_CHECK: ("staff.submit_response", _l("Send for checking")),
    EventType.RESPONSE_SENT: ("staff.check_response", _l("Check the response")),
    EventType.EXTENDED: ("staff.extend", _l("Extend the deadline")),
    EventType.ESCALATED: ("staff.escalate", _l("Escalate to the next stage")),
    EventType.REFERRED_TO_OMBUDSMAN: ("staff.refer_to_ombudsman", _l("Refer to the Ombudsman")),
    EventType.REOPENED: ("staff.reopen", _l("Reopen")),
    EventType.WITHDRAWN: ("staff.withdraw", _l("Withdraw")),
    EventType.CLOSED: ("staff.close_case", _l("Close")),
}


@bp.context_processor
def _casework_helpers() -> dict:
    return {
        "finding_of": lambda value: Finding(value),
        "remedy_label": lambda value: RemedyKind(value).label,
        "pounds": lambda pence: format_currency(pence / 100, "GBP"),
    }


def case_actions(case: Case, user: User) -> list[dict]:
    """Buttons for the case page: what the engine allows this person now, one per page."""
    seen, buttons = set(), []
    for action in allowed_actions(case.status, user.role):
        page = ACTION_PAGES.get(action)
        if page is None or page[0] in seen:
            continue
        if page[0] == "staff.check_response" and not guards.may_check(user.id, case.draft_author_id):
            continue  # not offered to the author; the engine refuses them anyway
        seen.add(page[0])
        buttons.append({"text": page[1], "href": url_for(page[0], reference=case.reference)})
    return buttons


# --- actions that need only a confirmation --------------------------------------------------------

_CONFIRM_TEXT = {
    EventType.INVESTIGATION_STARTED: (_l("Start the investigation"), _l("The complaints team will investigate the complaint.")),
    EventType.PASSED_TO_SERVICE: (_l("Pass the complaint to the service"), _l("The service will investigate and reply to the complaints team.")),
    EventType.RETURNED_FROM_SERVICE: (_l("Record that the service has replied"), _l("The complaints team takes the investigation back.")),
    EventType.ESCALATED: (_l("Escalate to the next stage"), _l("The next stage starts today with its own deadlines. It must be handled by someone other than the previous stage's handler.")),
    EventType.REFERRED_TO_OMBUDSMAN: (_l("Refer to the Ombudsman"), _l("Record that the complaint is now with the Ombudsman.")),
    EventType.SUBMITTED_FOR_CHECK: (_l("Send the response for checking"), _l("Someone other than the author will check the draft response before it is sent. You cannot change it while it is being checked.")),
}


def _confirm_page(found: Case, form: CaseActionForm, action: EventType, endpoint: str, status: int = 200):
    heading, body = _CONFIRM_TEXT[action]
    draft = responses.response_for(found) if action is EventType.SUBMITTED_FOR_CHECK else None
    return render_template("staff/casework/confirm.html", case=found, form=form, heading=heading, body=body, draft=draft,
                           action_url=url_for(f"staff.{endpoint}", reference=found.reference)), status


def _register_confirm(endpoint: str, path: str, action: EventType, roles: tuple[Role, ...], done: object) -> None:
    def view(reference: str):
        found = case_or_404(reference)
        transition_for(found.status, action, current_user.role)
        if request.method == "GET":
            return _confirm_page(found, CaseActionForm(formdata=None, data={"version": found.version}), action, endpoint)
        form = CaseActionForm()
        form.validate()

        def render(case, f, status):
            return _confirm_page(case, f, action, endpoint, status)

        refused = attempt(lambda case: casework.confirm(case, action, current_user, form.expected_version()), found,
                          form=form, render=render)
        if refused:
            return refused
        flash(str(done))
        return redirect(url_for("staff.case", reference=reference))

    view.__name__ = endpoint
    bp.add_url_rule(f"/cases/<reference>/{path}", endpoint, staff(*roles)(view), methods=["GET", "POST"])


_register_confirm("start_investigation", "investigate", EventType.INVESTIGATION_STARTED, TEAM, _l("Investigation started."))
_register_confirm("pass_to_service", "pass-to-service", EventType.PASSED_TO_SERVICE, TEAM, _l("Passed to the service."))
_register_confirm("returned_from_service", "returned-from-service", EventType.RETURNED_FROM_SERVICE, CASEWORKERS,
                  _l("Recorded that the service has replied."))
_register_confirm("submit_response", "response/submit", EventType.SUBMITTED_FOR_CHECK, CASEWORKERS,
                  _l("Response sent for checking."))
_register_confirm("escalate", "escalate", EventType.ESCALATED, TEAM, _l("Escalated to the next stage."))
_register_confirm("refer_to_ombudsman", "refer-to-ombudsman", EventType.REFERRED_TO_OMBUDSMAN, TEAM,
                  _l("Recorded that the complaint is with the Ombudsman."))


# --- actions with a field or two ----------------------------------------------------------------


@bp.route("/cases/<reference>/acknowledge", methods=["GET", "POST"])
@staff(*TEAM)
def acknowledge(reference: str):
    found = case_or_404(reference)
    transition_for(found.status, EventType.ACKNOWLEDGED, current_user.role)
    agreed = casework.needs_agreed_date(found)

    def render(case, form, status=200):
        return render_template("staff/casework/acknowledge.html", case=case, form=form), status

    form = AcknowledgeForm() if request.method == "POST" else AcknowledgeForm(formdata=None, data={"version": found.version})
    if not agreed:
        del form.agreed_date
    if request.method == "GET":
        return render(found, form)
    if not form.validate():
        return render(found, form, 400)
    date = form.agreed_date.data if agreed else None
    refused = attempt(lambda case: casework.acknowledge(case, current_user, form.expected_version(), date), found,
                      form=form, render=render)
    if refused:
        return refused
    flash(_("Case acknowledged."))
    return redirect(url_for("staff.case", reference=reference))


def reason_view(reference: str, action: EventType, form_class, template: str, call, done: str, *,
                field: str | None = None, before=None):
    """A case action's page with a form of a field or two: the state and role checked first (409 or
    403), the form shown, and on a valid post `call(case, form)` tried, a refusal shown at `field`.
    `before(case)`, when given, runs after those checks and may refuse too (a guard, on GET as well);
    it returns what else the page shows."""
    found = case_or_404(reference)
    transition_for(found.status, action, current_user.role)
    shown = before(found) if before else {}

    def render(case, form, status=200):
        return render_template(template, case=case, form=form, **shown), status

    if request.method == "GET":
        return render(found, form_class(formdata=None, data={"version": found.version}))
    form = form_class()
    if not form.validate():
        return render(found, form, 400)
    refused = attempt(lambda case: call(case, form), found, form=form, render=render, field=field)
    if refused:
        return refused
    flash(done)
    return redirect(url_for("staff.case", reference=reference))


@bp.route("/cases/<reference>/withdraw", methods=["GET", "POST"])
@staff(Role.AGENT, *TEAM)
def withdraw(reference: str):
    return reason_view(
        reference, EventType.WITHDRAWN, WithdrawForm, "staff/casework/withdraw.html",
        lambda case, form: casework.withdraw(case, current_user, form.expected_version(), form.reason.data),
        _("The case has been withdrawn."),
    )


@bp.route("/cases/<reference>/reopen", methods=["GET", "POST"])
@staff(*TEAM)
def reopen(reference: str):
    return reason_view(
        reference, EventType.REOPENED, ReopenForm, "staff/casework/reopen.html",
        lambda case, form: casework.reopen(case, current_user, form.expected_version(), form.reason.data),
        _("The case has been reopened."),
    )


@bp.route("/cases/<reference>/close", methods=["GET", "POST"])
@staff(*TEAM)
def close_case(reference: str):
    return reason_view(
        reference, EventType.CLOSED, CloseForm, "staff/casework/close.html",
        lambda case, form: casework.close(case, current_user, form.expected_version(), form.closure_code(),
                                          form.reason.data, form.duplicate_reference.data),
        _("The case has been closed."),
    )


@bp.route("/cases/<reference>/extend", methods=["GET", "POST"])
@staff(*TEAM)
def extend(reference: str):
    found = case_or_404(reference)
    transition_for(found.status, EventType.EXTENDED, current_user.role)
    stage = casework.current_stage(found)

    def render(case, form, status=200):
        return render_template("staff/casework/extend.html", case=case, form=form, stage=stage), status

    if request.method == "GET":
        return render(found, ExtendForm(formdata=None, data={"version": found.version}))
    form = ExtendForm()
    if not form.validate():
        return render(found, form, 400)
    refused = attempt(
        lambda case: casework.extend(case, current_user, form.expected_version(), form.new_date.data, form.reason.data),
        found, form=form, render=render,
    )
    if refused:
        return refused
    return redirect(url_for("staff.extended", reference=reference))


@bp.get("/cases/<reference>/extended")
@staff(*TEAM)
def extended(reference: str):
    found = case_or_404(reference)
    notice = casework.extension_notice(found)
    if notice is None:
        abort(404)
    return render_template("staff/casework/extended.html", case=found, notice=notice)


# --- the response -------------------------------------------------------------------------------


@bp.route("/cases/<reference>/response", methods=["GET", "POST"])
@staff(*CASEWORKERS)
def response(reference: str):
    found = case_or_404(reference)
    transition_for(found.status, EventType.RESPONSE_DRAFTED, current_user.role)
    points = found.definition.get("points", [])
    resident_locale, offered = templates.offered_for(found)

    def render(case, form, status=200, existing=None):
        existing = existing or responses.response_for(case)
        form.template_id.choices = [("", _("Choose a template")),
                                    *((str(o.id), o.label) for o in templates.offers(offered, resident_locale))]
        return render_template("staff/casework/response.html", case=case, form=form, points=points,
                               existing=existing, offered=offered), status

    if request.method == "GET":
        existing = responses.response_for(found)
        return render(found, response_form(points, existing, version=found.version), existing=existing)
    form = response_form(points, formdata=request.form)
    if form.use_template.data:
        return _use_template(found, form, offered, render)
    if not form.validate():
        return render(found, form, 400)
    refused = attempt(
        lambda case: responses.save_draft(case, current_user, form.expected_version(), form.to_draft()),
        found, form=form, render=render,
    )
    if refused:
        return refused
    flash(_("Draft response saved. Send it for checking when it is ready."))
    return redirect(url_for("staff.case", reference=reference))


def _use_template(found: Case, form, offered: list, render):
    """Fill the letter from the chosen template and give the page back; nothing is saved, and what
    else was typed stays. A letter that already has words is replaced only if the officer says so."""
    chosen = next((t for t in offered if str(t.id) == (form.template_id.data or "")), None)
    if chosen is None:
        form.template_id.errors = [_("Choose a template")]
        return render(found, form, 400)
    if (form.body.data or "").strip() and not form.replace_body.data:
        form.replace_body.errors = [_("The letter already has words in it. Tick the box to replace them with the "
                                      "template, or clear the letter first")]
        return render(found, form, 400)
    try:
        form.body.data = templates.render(chosen.body, templates.case_values(found, current_user, chosen.locale))
    except templates.TemplateProblem:
        form.template_id.errors = [_("This template has a mistake in its merge fields. Ask an administrator to fix it")]
        return render(found, form, 400)
    form.replace_body.data = False
    return render(found, form)


@bp.route("/cases/<reference>/check", methods=["GET", "POST"])
@staff(*TEAM)
def check_response(reference: str):
    found = case_or_404(reference)
    transition_for(found.status, EventType.RESPONSE_SENT, current_user.role)

    def render(case, form, status=200):
        draft = responses.response_for(case)
        if draft is None:
            abort(404)
        return render_template("staff/casework/check.html", case=case, form=form, draft=draft), status

    if request.method == "GET":
        return render(found, CheckForm(formdata=None, data={"version": found.version}))
    form = CheckForm()
    if not form.validate():
        return render(found, form, 400)
    returning = bool(form.return_for_changes.data)
    if returning:
        def call(case):
            return responses.return_for_changes(case, current_user, form.expected_version(), form.comments.data)
    else:
        def call(case):
            return responses.approve_and_send(case, current_user, form.expected_version())
    refused = attempt(call, found, form=form, render=render)
    if refused:
        return refused
    flash(_("Response returned to the author for changes.") if returning else _("Response approved and sent."))
    return redirect(url_for("staff.case", reference=reference))


@bp.get("/cases/<reference>/response/letter")
@staff(*CASE_READER_ROLES)
def response_letter(reference: str):
    found = case_or_404(reference)
    sent = responses.latest_sent(found)
    if sent is None:
        abort(404)
    notice = casework.letter_context(found, sent.stage)
    return render_template("staff/casework/letter.html", case=found, letter=sent, large=request.args.get("large") == "1",
                           **notice)
