"""Triage pages: the queue, the decision on a new contact (one page per decision), split, allocation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.clock import to_london, utcnow
from shared.domain import deadlines
from shared.domain.enums import Role
from shared.domain.policy import CASEWORK_ROLES, TRIAGE_ROLES, can_see_named_employees
from shared.domain.transitions import EngineError
from shared.models import Case
from shared.services import cases as case_queries
from shared.services import named_employees, reason_admin
from shared.services import triage as triage_service
from shared.services.calendar import council_calendar
from shared.services.triage import Decision
from shared.web.htmx import varies, wants_section
from shared.web.numbers import page_number
from staff import bp
from staff.actions import attempt
from staff.forms_triage import (
    NAMED_AT_TRIAGE,
    AllocateForm,
    BulkAllocateForm,
    ComplaintForm,
    DecisionForm,
    DuplicateForm,
    RefuseForm,
    SignpostForm,
    SplitForm,
)
from staff.lookups import case_or_404

DECIDERS = (Role.AGENT, Role.OFFICER, Role.MANAGER)  # the transition table's first-contact roles
TEAM = CASEWORK_ROLES  # the complaints team
_REFUSED_KEY = "bulk_allocation_refused"


def current_locale() -> str:
    return str(get_locale())


# --- the queue ---------------------------------------------------------------------------------


def _queue_page(bulk_form: BulkAllocateForm | None = None, status: int = 200):
    page = page_number(request.args)
    queue = case_queries.triage_queue(page)
    calendar = council_calendar()
    today = to_london(utcnow()).date()
    ages = {case.id: calendar.between(calendar.receipt_day(case.received_at), today) for case in queue.items}
    handlers = triage_service.handlers()
    if bulk_form is None:
        bulk_form = BulkAllocateForm(formdata=None, handlers=handlers)
    selected = set(request.form.getlist("cases")) if request.method == "POST" else set()
    context = {"queue": queue, "ages": ages, "target": deadlines.TRIAGE_TARGET, "handlers": handlers,
               "form": bulk_form, "selected": selected}
    if wants_section():
        # The queue refreshing itself: the list alone, and a few words for screen readers only
        # when the number waiting differs from what the page last showed.
        seen = request.args.get("seen", type=int)
        return varies(render_template("staff/triage/_queue.html", announce=seen != queue.total, **context), status)
    refused = session.pop(_REFUSED_KEY, None) if status == 200 else None
    return varies(render_template("staff/triage.html", refused=refused, **context), status)


@bp.get("/triage")
@staff(*TRIAGE_ROLES)
def triage():
    return _queue_page()


@bp.post("/triage/allocate")
@staff(*TEAM)
def triage_allocate():
    form = BulkAllocateForm(handlers=triage_service.handlers())
    if not form.validate():
        return _queue_page(form, 400)
    references = form.references[:case_queries.PAGE_SIZE]
    try:
        result = triage_service.allocate_many(references, current_user, handler_id=int(form.handler.data))
    except EngineError as refused:  # the person chosen cannot take cases (any more): a rule, so 409
        form.handler.errors = [refused.message]
        return _queue_page(form, refused.status_code)
    if result.allocated:
        flash(ngettext("%(num)s case allocated to %(name)s.", "%(num)s cases allocated to %(name)s.",
                       len(result.allocated), name=result.handler.full_name))
    if result.refused:
        session[_REFUSED_KEY] = result.refused
    return redirect(url_for("staff.triage"))


# --- the decision ------------------------------------------------------------------------------


def _decision_page(found: Case, form: DecisionForm | None, status: int = 200):
    decisions = triage_service.decisions_for(found, current_user)
    if form is None:
        form = DecisionForm(formdata=None, data={"version": found.version}, decisions=decisions)
    back_url = url_for("staff.triage") if current_user.role in TRIAGE_ROLES else url_for("staff.case", reference=found.reference)
    return render_template("staff/triage/decision.html", case=found, form=form if decisions else None,
                           back_url=back_url), status


@bp.route("/cases/<reference>/triage", methods=["GET", "POST"])
@staff(*DECIDERS)
def triage_decision(reference: str):
    found = case_or_404(reference)
    if request.method == "GET":
        return _decision_page(found, None)
    decisions = triage_service.decisions_for(found, current_user)
    form = DecisionForm(decisions=decisions)
    if not form.validate():
        return _decision_page(found, form, 400)
    decision = Decision(form.decision.data)
    if decision is Decision.SPLIT:
        return redirect(url_for("staff.split", reference=reference))
    if decision.needs_details:
        return redirect(url_for("staff.triage_details", reference=reference, decision=decision.value))

    def call(case):
        triage_service.decide_simple(case, current_user, decision, version=form.expected_version)

    failed = attempt(call, found, form=form, render=_decision_page, field=form.decision)
    if failed:
        return failed
    flash(_("Case %(reference)s recorded as: %(decision)s.", reference=reference, decision=decision.label))
    return redirect(_after_decision(reference))


def _after_decision(reference: str) -> str:
    # Back to the queue for those who work it; the contact centre goes back to the case.
    return url_for("staff.triage") if current_user.role in TRIAGE_ROLES else url_for("staff.case", reference=reference)


_DETAIL_DECISIONS = "any(complaint, signpost, duplicate, refuse)"


def _details_form(decision: Decision, found: Case, formdata=None):
    locale = current_locale()
    kwargs: dict = {}
    if decision is Decision.COMPLAINT:
        kwargs = {"procedures": triage_service.complaint_procedures(), "services": triage_service.active_services(),
                  "locale": locale, "naming": can_see_named_employees(current_user)}
        # The reasons offered for the service chosen (as posted: a changed service changes the list).
        chosen_service = request.form.get("service", type=int) if formdata is not None else None
        kwargs["reasons"] = reason_admin.offered_for(chosen_service or found.service_id)
        # The contact centre does not name employees (policy.can_see_named_employees). The staff list
        # is read for the page, and for a POST only when a member of staff was chosen (a query spared).
        if kwargs["naming"] and (formdata is None or any(
                request.form.get(f"employee_{n}_user") for n in range(1, NAMED_AT_TRIAGE + 1))):
            kwargs["staff"] = named_employees.staff_users()
    elif decision is Decision.SIGNPOST:
        kwargs = {"organisations": triage_service.active_organisations(), "locale": locale}
    form_class = {Decision.COMPLAINT: ComplaintForm, Decision.SIGNPOST: SignpostForm,
                  Decision.DUPLICATE: DuplicateForm, Decision.REFUSE: RefuseForm}[decision]
    if formdata is None:
        data: dict = {"version": found.version}
        if decision is Decision.COMPLAINT:
            data.update(procedure=triage_service.procedure_slug(found), service=str(found.service_id),
                        reason=found.reason.value if found.reason else None,
                        reason_detail=str(found.reason_detail_id) if found.reason_detail_id else None,
                        outcome=found.outcome_wanted,
                        points="\n".join(p["text"] for p in found.definition.get("points", [])),
                        vulnerable=found.vulnerable, vulnerability_note=found.vulnerability_note)
        return form_class(formdata=None, data=data, **kwargs)
    return form_class(**kwargs)


def _details_renderer(decision: Decision):
    def render(found: Case, form, status: int = 200):
        return render_template(f"staff/triage/{decision.value}.html", case=found, form=form, decision=decision), status

    return render


@bp.route(f"/cases/<reference>/triage/<{_DETAIL_DECISIONS}:decision>", methods=["GET", "POST"])
@staff(*DECIDERS)
def triage_details(reference: str, decision: str):
    found = case_or_404(reference)
    chosen = Decision(decision)
    if chosen not in triage_service.decisions_for(found, current_user):
        abort(404)
    render = _details_renderer(chosen)
    if request.method == "GET":
        return render(found, _details_form(chosen, found))
    form = _details_form(chosen, found, formdata=True)
    if not form.validate():
        return render(found, form, 400)
    actor, version = current_user, form.expected_version
    error_field = form.submit
    if chosen is Decision.COMPLAINT:
        error_field = form.procedure
        named = form.named if form.naming else []

        def call(case):
            triage_service.triage_complaint(
                case, actor, version=version, procedure=form.procedures[form.procedure.data],
                service_id=int(form.service.data),
                reason=form.category, reason_detail=form.chosen_reason, points=form.point_list, outcome=form.outcome.data,
                vulnerable=form.vulnerable.data, vulnerability_note=form.vulnerability_note.data,
                named=[entry for _prefix, entry in named], named_fields=[prefix for prefix, _e in named],
            )
    elif chosen is Decision.SIGNPOST:
        error_field = form.organisation

        def call(case):
            triage_service.signpost(case, actor, version=version, organisation_id=int(form.organisation.data),
                                    note=form.note.data)
    elif chosen is Decision.DUPLICATE:
        error_field = form.reference

        def call(case):
            triage_service.mark_duplicate(case, actor, version=version, reference=form.reference.data)
    else:
        error_field = form.reason

        def call(case):
            triage_service.refuse(case, actor, version=version, ground=form.ground.data, reason=form.reason.data,
                                  ombudsman_right_given=form.ombudsman_right_given.data)

    failed = attempt(call, found, form=form, render=render, field=error_field,
                     invalid=(named_employees.NamedEmployeeError,))
    if failed:
        return failed
    flash(_("Case %(reference)s recorded as: %(decision)s.", reference=reference, decision=chosen.label))
    return redirect(url_for("staff.case", reference=reference) if chosen is Decision.COMPLAINT else _after_decision(reference))


# --- split -------------------------------------------------------------------------------------


def _split_page(found: Case, form: SplitForm | None, status: int = 200):
    if form is None:
        form = SplitForm(formdata=None, data={"version": found.version, "service_1": str(found.service_id)},
                         services=triage_service.active_services(), locale=current_locale())
    return render_template("staff/triage/split.html", case=found, form=form), status


@bp.route("/cases/<reference>/split", methods=["GET", "POST"])
@staff(*TEAM)
def split(reference: str):
    found = case_or_404(reference)
    if Decision.SPLIT not in triage_service.decisions_for(found, current_user):
        abort(404)
    if request.method == "GET":
        return _split_page(found, None)
    form = SplitForm(services=triage_service.active_services(), locale=current_locale())
    if not form.validate():
        return _split_page(found, form, 400)
    created: list[Case] = []

    def call(case):
        created.extend(triage_service.split(case, current_user, version=form.expected_version, parts=form.parts))

    failed = attempt(call, found, form=form, render=_split_page, field=form.issue_1)
    if failed:
        return failed
    flash(ngettext("Case %(reference)s was split: %(num)s new case, %(references)s, is in the triage queue.",
                   "Case %(reference)s was split: %(num)s new cases, %(references)s, are in the triage queue.",
                   len(created), reference=reference, references=", ".join(c.reference for c in created)))
    return redirect(url_for("staff.case", reference=reference))


# --- allocation --------------------------------------------------------------------------------


def _allocate_page(found: Case, form: AllocateForm | None, status: int = 200):
    handlers = form.handlers if form is not None else triage_service.handlers(found.service_id)
    suggested = triage_service.suggested_handler_id(found)  # a restriction's named officer (issue 7)
    if form is None:
        handler = found.officer_id or suggested
        form = AllocateForm(formdata=None, data={"version": found.version,
                                                 "handler": str(handler) if handler else None},
                            handlers=handlers)
    return render_template("staff/triage/allocate.html", case=found, form=form, handlers=handlers,
                           suggested=suggested), status


@bp.route("/cases/<reference>/allocate", methods=["GET", "POST"])
@staff(*TEAM)
def allocate(reference: str):
    found = case_or_404(reference)
    if request.method == "GET":
        return _allocate_page(found, None)
    handlers = triage_service.handlers(found.service_id)
    form = AllocateForm(handlers=handlers)
    if not form.validate():
        return _allocate_page(found, form, 400)
    chosen: list = []

    def call(case):
        chosen.append(triage_service.allocate(case, current_user, version=form.expected_version,
                                              handler_id=int(form.handler.data)))

    failed = attempt(call, found, form=form, render=_allocate_page, field=form.handler)
    if failed:
        return failed
    flash(_("Case %(reference)s allocated to %(name)s.", reference=reference, name=chosen[0].full_name))
    return redirect(url_for("staff.case", reference=reference))
