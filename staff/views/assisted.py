"""Logging a case for a customer: the assisted journey, one step a page, check answers, and a
confirmation with the reference and dates to read back to them."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from shared.auth.access import staff
from shared.domain import adjustments as adjustment_rules
from shared.domain import feedback
from shared.domain.enums import CaseKind, Channel
from shared.services import adjustments, assisted, customers
from staff import bp
from staff.forms_assisted import (
    AdjustmentsForm,
    CheckForm,
    ContactForm,
    DetailsForm,
    DiscardForm,
    FirstRequestForm,
    IssuesForm,
    PreferencesForm,
    RemoveAdjustmentForm,
)
from staff.lookups import customer_or_404
from staff.views.customers import CUSTOMER_ROLES


def _locale() -> str:
    return str(get_locale())


def _draft(draft_id: int):
    found = assisted.find(draft_id, current_user)
    if found is None:
        abort(404)
    return found


def _step_url(draft, step: str | None) -> str:
    if step is None:
        return url_for("staff.assisted_check", draft_id=draft.id)
    return url_for("staff.assisted_step", draft_id=draft.id, step=step)


def _contact_form(answers: dict | None, formdata=None):
    services = list(assisted.services_by_slug().values())
    return ContactForm(formdata=formdata, data=answers, services=services, locale=_locale())


def _contact_answers(form: ContactForm) -> dict:
    return {"channel": form.channel.data, "acting": form.acting.data, "caller_name": form.caller_name.data,
            "caller_relationship": form.caller_relationship.data, "consent": form.consent.data,
            "service": form.service.data}


def _render(step: str, form, customer, draft=None, status: int = 200, **extra):
    previous = _previous(draft, step) if draft is not None else None
    back = _step_url(draft, previous) if previous else url_for("staff.customer", customer_id=customer.id)
    kind = (draft.kind if draft is not None else None) or CaseKind.COMPLAINT
    return render_template(f"staff/assisted/{step.replace('-', '_')}.html", form=form, customer=customer, draft=draft,
                           kind=kind, back_url=back, step=step, **extra), status


def _previous(draft, step: str) -> str | None:
    order = assisted.steps(draft.kind or CaseKind.COMPLAINT, draft.answers)
    return order[order.index(step) - 1] if step in order and order.index(step) > 0 else None


@bp.route("/customers/<int:customer_id>/log", methods=["GET", "POST"])
@staff(*CUSTOMER_ROLES)
def assisted_start(customer_id: int):
    customer = customer_or_404(customer_id)
    if request.method == "GET":
        return _render("contact", _contact_form({"channel": Channel.PHONE.value, "acting": assisted.CUSTOMER}), customer)
    form = _contact_form(None, request.form)
    if not form.validate():
        return _render("contact", form, customer, status=400)
    draft = assisted.start(customer, current_user, CaseKind(form.kind.data), _contact_answers(form))
    return redirect(_step_url(draft, assisted.first_unanswered(draft)))


@bp.route("/assisted/<int:draft_id>/<step>", methods=["GET", "POST"])
@staff(*CUSTOMER_ROLES)
def assisted_step(draft_id: int, step: str):
    draft, customer = _draft(draft_id)
    if step not in assisted.STEPS or not assisted.applies(draft, step):
        abort(404)
    answers = draft.answers
    posted = request.form if request.method == "POST" else None
    if step == "adjustments":
        return _adjustments_step(draft, customer, posted)
    if step == "contact":
        form = _contact_form({**answers, "kind": draft.kind.value if draft.kind else None}, posted)
    elif step == "details":
        form = DetailsForm(formdata=posted, data=answers, kind=draft.kind)
        if posted is None and answers.get("happened_on") and "happened_on" in form:
            form.happened_on.data = assisted.summary(draft, {}).happened_on
    elif step == "first-request":
        form = FirstRequestForm(formdata=posted, data=answers)
    elif step == "preferences":
        data = {"contact_method": customer.preferred_contact.value if customer.preferred_contact else None, **answers}
        form = PreferencesForm(formdata=posted, data=data, has_email=customers.has_email(customer))
    else:
        form = IssuesForm(formdata=posted, data=_issue_data(answers), services=list(assisted.services_by_slug().values()), locale=_locale())
    if posted is None:
        return _render(step, form, customer, draft)
    if not form.validate():
        return _render(step, form, customer, draft, status=400)
    assisted.save(draft, *_given(step, form))
    return redirect(_step_url(draft, assisted.first_unanswered(draft)))


def _adjustments_step(draft, customer, posted):
    """Add another: each adjustment chosen is added to the draft and the question asked again, until
    the agent answers that there are no more. Those already in the register are shown, not asked."""
    if posted is not None and "remove" in posted:
        remove = RemoveAdjustmentForm()
        if not remove.validate():
            abort(400)
        assisted.remove_adjustment(draft, remove.remove.data)
        return redirect(_step_url(draft, "adjustments"))
    in_force = adjustments.active_for(customer.id)
    added = assisted.drafted_adjustments(draft)
    form = AdjustmentsForm(formdata=posted, in_force={a.kind.value for a in in_force}, added=added)
    extra = {"in_force": in_force, "added": added, "descriptions": adjustment_rules.DESCRIPTIONS}
    if posted is None:
        return _render("adjustments", form, customer, draft, **extra)
    if not form.validate():
        return _render("adjustments", form, customer, draft, status=400, **extra)
    if form.chosen is None:
        assisted.no_more_adjustments(draft)
        return redirect(_step_url(draft, assisted.first_unanswered(draft)))
    assisted.add_adjustment(draft, form.chosen, form.detail.data)  # the form checked a detail is given if needed
    return redirect(_step_url(draft, "adjustments"))


def _issue_data(answers: dict) -> dict:
    data = {}
    for number, issue in enumerate(answers.get("issues", []), 1):
        data[f"issue_{number}"], data[f"service_{number}"] = issue["text"], issue["service"]
    return data


def _given(step: str, form) -> tuple[CaseKind | None, dict]:
    if step == "contact":
        return CaseKind(form.kind.data), _contact_answers(form)
    if step == "details":
        given = {"what_happened": form.what_happened.data}
        if "happened_on" in form:
            given.update(happened_on=form.happened_on.data.isoformat(), outcome_wanted=form.outcome_wanted.data,
                         asked_before=form.asked_before.data)
        return None, given
    if step == "first-request":
        return None, {"route": form.route.data}
    if step == "preferences":
        return None, {"contact_method": form.contact_method.data, "contact_phone": form.contact_phone.data,
                      "contact_address": form.contact_address.data}
    return None, {"issues": form.issues, "issues_done": feedback.YES}


@bp.route("/assisted/<int:draft_id>/check", methods=["GET", "POST"])
@staff(*CUSTOMER_ROLES)
def assisted_check(draft_id: int):
    draft, customer = _draft(draft_id)
    missing = assisted.first_unanswered(draft)
    if missing:
        return redirect(_step_url(draft, missing))
    services = assisted.services_by_slug()
    summary = assisted.summary(draft, services)
    form = CheckForm(kind=summary.received_as)
    if request.method == "POST" and form.validate():
        try:
            created = assisted.submit(draft, customer, current_user, locale=_locale())
        except assisted.Incomplete as incomplete:
            return redirect(_step_url(draft, incomplete.step))
        return redirect(url_for("staff.assisted_done", reference=created[0].reference))
    # A refused POST (only a rate limit can refuse it: the token is checked before any view) is the
    # page again with the error, answered 429.
    order = assisted.steps(summary.kind, draft.answers)
    return render_template("staff/assisted/check.html", draft=draft, customer=customer, summary=summary, form=form,
                           discard_form=DiscardForm(), answers=draft.answers, back_url=_step_url(draft, order[-1]),
                           locale=_locale())


@bp.post("/assisted/<int:draft_id>/discard")
@staff(*CUSTOMER_ROLES)
def assisted_discard(draft_id: int):
    draft, customer = _draft(draft_id)
    if not DiscardForm().validate_on_submit():
        abort(400)
    assisted.discard(draft)
    return redirect(url_for("staff.customer", customer_id=customer.id))


@bp.get("/assisted/logged/<reference>")
@staff(*CUSTOMER_ROLES)
def assisted_done(reference: str):
    logged = assisted.logged_cases(reference, current_user)
    if not logged:
        abort(404)
    return render_template("staff/assisted/done.html", first=logged[0], cases=logged, customer=logged[0].resident,
                           adjustments=adjustments.active_for(logged[0].resident_id), locale=_locale())
