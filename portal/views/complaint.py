"""Make a complaint: one question a page, answers kept on the server, check answers, confirmation."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from portal import bp
from portal.forms import (
    AddressForm,
    ContactForm,
    OutcomeForm,
    PhoneForm,
    ServiceForm,
    SubmitComplaintForm,
    WhatHappenedForm,
    WhenForm,
)
from shared.auth.access import portal
from shared.clock import to_london, utcnow
from shared.domain import deadlines
from shared.domain.enums import ContactMethod, Role
from shared.services import cases as case_queries
from shared.services import intake

# step name → (url slug, form class, template)
STEP_PAGES = {
    "service": ("service", ServiceForm, "portal/complaint/service.html"),
    "what_happened": ("what-happened", WhatHappenedForm, "portal/complaint/what_happened.html"),
    "happened_on": ("when", WhenForm, "portal/complaint/when.html"),
    "outcome_wanted": ("put-it-right", OutcomeForm, "portal/complaint/outcome.html"),
    "contact": ("contact", ContactForm, "portal/complaint/contact.html"),
    "contact_phone": ("phone-number", PhoneForm, "portal/complaint/phone.html"),
    "contact_address": ("postal-address", AddressForm, "portal/complaint/address.html"),
}
SLUG_TO_STEP = {slug: step for step, (slug, _f, _t) in STEP_PAGES.items()}


def _step_url(step: str, **kwargs) -> str:
    return url_for("portal.complaint_step", slug=STEP_PAGES[step][0], **kwargs)


@bp.get("/complaint")
@portal(Role.RESIDENT)
def complaint_start():
    answers = intake.get_draft(current_user)
    missing = intake.first_unanswered(answers)
    resume_url = _step_url(missing) if missing else None
    return render_template("portal/complaint/start.html", has_draft=bool(answers), resume_url=resume_url)


@bp.route("/complaint/<slug>", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def complaint_step(slug: str):
    step = SLUG_TO_STEP.get(slug)
    if step is None:
        abort(404)
    _slug, form_class, template = STEP_PAGES[step]
    answers = intake.get_draft(current_user)
    if step not in intake.required_steps(answers):
        # A phone number or address page when that is not how they chose to be contacted.
        return redirect(_step_url("contact"))
    locale = str(get_locale())
    changing = request.args.get("change") == "1"
    extra = {}
    if step == "service":
        services = intake.active_services()
        form = form_class(data=answers, services=services, locale=locale)
        extra["service_hints"] = form.service_hints
    else:
        form = form_class(data=_form_data(step, answers))

    if form.validate_on_submit():
        given = _answers_from(step, form)
        intake.save_answers(current_user, given)
        updated = {**answers, **given}
        following = intake.first_unanswered(updated)
        if following is None:
            return redirect(url_for("portal.complaint_check"))
        if changing:
            return redirect(_step_url(following, change=1))
        return redirect(_step_url(_next_step(step, updated)))
    return render_template(template, form=form, back_url=_previous_url(step, answers, changing), changing=changing, **extra)


def _next_step(step: str, answers: dict) -> str:
    steps = intake.required_steps(answers)
    return steps[min(steps.index(step) + 1, len(steps) - 1)]


def _previous_url(step: str, answers: dict, changing: bool) -> str:
    if changing:
        return url_for("portal.complaint_check")
    steps = intake.required_steps(answers)
    index = steps.index(step)
    return url_for("portal.complaint_start") if index == 0 else _step_url(steps[index - 1])


def _form_data(step: str, answers: dict) -> dict:
    if step == "happened_on" and answers.get("happened_on"):
        return {"happened_on": date.fromisoformat(answers["happened_on"])}
    return answers


def _answers_from(step: str, form) -> dict:
    if step == "service":
        return {"service": form.service.data}
    if step == "what_happened":
        return {"what_happened": form.what_happened.data.strip()}
    if step == "happened_on":
        return {"happened_on": form.happened_on.data.isoformat()}
    if step == "outcome_wanted":
        return {"outcome_wanted": form.outcome_wanted.data.strip()}
    if step == "contact_phone":
        return {"contact_phone": form.contact_phone.data.strip()}
    if step == "contact_address":
        return {"contact_address": form.contact_address.data.strip()}
    method = form.contact_method.data
    # Details for another way of contacting them are dropped, so nothing stale is kept or shown.
    return {
        "contact_method": method,
        **({} if method == ContactMethod.PHONE.value else {"contact_phone": ""}),
        **({} if method == ContactMethod.POST.value else {"contact_address": ""}),
    }


@bp.route("/complaint/check-your-answers", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def complaint_check():
    answers = intake.get_draft(current_user)
    missing = intake.first_unanswered(answers)
    if missing:
        return redirect(_step_url(missing))
    form = SubmitComplaintForm()
    if form.validate_on_submit():
        try:
            submitted = intake.submit_complaint(current_user, answers)
        except intake.IncompleteComplaint as incomplete:
            return redirect(_step_url(incomplete.step))
        return redirect(url_for("portal.complaint_sent", reference=submitted.reference))
    services = {s.slug: s for s in intake.active_services()}
    happened_on = date.fromisoformat(answers["happened_on"])
    over_a_year = deadlines.is_late_complaint(happened_on, to_london(utcnow()).date())
    return render_template(
        "portal/complaint/check.html",
        form=form,
        answers=answers,
        service=services.get(answers["service"]),
        happened_on=happened_on,
        over_a_year=over_a_year,
        contact_method=ContactMethod(answers["contact_method"]),
        step_url=_step_url,
        back_url=_step_url(intake.required_steps(answers)[-1]),
    )


@bp.get("/complaint/sent/<reference>")
@portal(Role.RESIDENT)
def complaint_sent(reference: str):
    case = case_queries.case_for(current_user, reference)
    if case is None:
        abort(404)
    return render_template("portal/complaint/sent.html", case=case)
