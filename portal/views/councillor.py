"""The portal's side of acting for someone else: the councillor area (log an enquiry for a
constituent, their enquiries, chasing one, ward counts), and a resident stopping a representative.

A councillor sees only the cases they are named on now (shared/services/member_enquiries.py); any
other reference is 404, whoever it belongs to. Nothing on these pages comes from a constituent's
person record, so logging an enquiry never tells a councillor whether the council knew the person.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal import bp
from portal.forms_councillor import ChaseForm, ConfirmForm, EnquiryForm, period_choices
from shared.auth.access import portal
from shared.domain.enums import ConsentMethod, Finding, MessageDirection, Role
from shared.models import Case
from shared.services import cases as case_queries
from shared.services import member_enquiries, representatives, resident_actions, responses
from shared.services.case_progress import today
from shared.web.numbers import page_number, whole_number

COUNCILLOR = Role.COUNCILLOR


@bp.get("/councillor")
@portal(COUNCILLOR)
def councillor_home():
    """Your enquiries: the ones they logged, and cases the complaints team named them on."""
    page = page_number(request.args)
    return render_template("portal/councillor/enquiries.html", page=member_enquiries.enquiries_for(current_user, page))


# --- log an enquiry ---------------------------------------------------------------------------------------


def _enquiry_form(**kwargs) -> EnquiryForm:
    return EnquiryForm(wards=member_enquiries.active_wards(), services=member_enquiries.active_services(),
                       locale=str(get_locale()), **kwargs)


@bp.route("/councillor/enquiries/new", methods=["GET", "POST"])
@portal(COUNCILLOR)
def councillor_enquiry_new():
    if request.method == "GET":
        draft = member_enquiries.draft_for(current_user) if request.args.get("change") else None
        data = draft.answers if draft else {"ward": str(current_user.ward_id or "")}
        form = _enquiry_form(formdata=None, data=data)
        return render_template("portal/councillor/new.html", form=form)
    form = _enquiry_form()
    if not form.validate():
        return render_template("portal/councillor/new.html", form=form), 400
    member_enquiries.save_draft(current_user, form.answers())
    return redirect(url_for("portal.councillor_enquiry_check"))


@bp.route("/councillor/enquiries/check", methods=["GET", "POST"])
@portal(COUNCILLOR)
def councillor_enquiry_check():
    draft = member_enquiries.draft_for(current_user)
    if draft is None:
        return redirect(url_for("portal.councillor_enquiry_new"))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            case = member_enquiries.submit(current_user, draft)
        except member_enquiries.IncompleteEnquiry:
            flash(_("Check the enquiry's details and try again: a ward or service may no longer be offered."))
            return redirect(url_for("portal.councillor_enquiry_new", change=1))
        return redirect(url_for("portal.councillor_enquiry_sent", reference=case.reference))
    return render_template("portal/councillor/check.html", form=form, rows=_check_rows(draft.answers)), (
        400 if form.is_submitted() else 200)


def _check_rows(answers: dict) -> list[dict]:
    """The answers as a summary list, each with a link to change it (the form again, as typed)."""
    locale = str(get_locale())
    wards = {str(w.id): w.display_name(locale) for w in member_enquiries.active_wards()}
    services = {str(s.id): s.display_name(locale) for s in member_enquiries.active_services()}
    consent = ConsentMethod(answers["consent"]).label if answers.get("consent") in ConsentMethod._value2member_map_ else ""
    change = url_for("portal.councillor_enquiry_new", change=1)
    shown = [
        ("full_name", _("Name"), answers.get("full_name")),
        ("email", _("Email address"), answers.get("email")),
        ("phone", _("Phone number"), answers.get("phone")),
        ("address", _("Postal address"), answers.get("address")),
        ("consent", _("Consent"), consent),
        ("consent_note", _("Details of their consent"), answers.get("consent_note")),
        ("ward", _("Ward"), wards.get(answers.get("ward", ""), "")),
        ("service", _("Service"), services.get(answers.get("service", ""), "")),
        ("what_happened", _("What the enquiry is about"), answers.get("what_happened")),
        ("outcome_wanted", _("What they would like the council to do"), answers.get("outcome_wanted")),
    ]
    return [
        {"key": {"text": label}, "value": {"text": value or _("Not given"), "classes": "redress-pre-line"},
         "actions": {"items": [{"href": f"{change}#{name}", "text": _("Change"),
                                "visuallyHiddenText": label}]}}
        for name, label, value in shown
    ]


@bp.get("/councillor/enquiries/<reference>/sent")
@portal(COUNCILLOR)
def councillor_enquiry_sent(reference: str):
    case = _their_enquiry(reference)
    return render_template("portal/councillor/sent.html", case=case)


# --- one enquiry, and chasing it ------------------------------------------------------------------------------


def _their_enquiry(reference: str) -> Case:
    found = member_enquiries.enquiry_for(current_user, reference)
    if found is None:
        abort(404)
    return found


@bp.get("/councillor/enquiries/<reference>")
@portal(COUNCILLOR)
def councillor_enquiry(reference: str):
    case = _their_enquiry(reference)
    return render_template("portal/councillor/enquiry.html", case=case, sent=responses.sent_for(case),
                           talk=case_queries.correspondence_for_resident(case), finding_of=Finding,
                           directions=MessageDirection, today=today())


@bp.route("/councillor/enquiries/<reference>/chase", methods=["GET", "POST"])
@portal(COUNCILLOR)
def councillor_enquiry_chase(reference: str):
    case = _their_enquiry(reference)
    form = ChaseForm()
    if form.validate_on_submit():
        resident_actions.reply(case, current_user, form.body.data)  # a message in, and the officer told
        flash(_("Your message has been sent to the officer handling this enquiry."))
        return redirect(url_for("portal.councillor_enquiry", reference=reference))
    return render_template("portal/councillor/chase.html", case=case, form=form), 400 if form.is_submitted() else 200


# --- ward counts ------------------------------------------------------------------------------------------------


@bp.get("/councillor/ward")
@portal(COUNCILLOR)
def councillor_ward():
    choices = period_choices()
    chosen = request.args.get("period", "90")
    days = whole_number(chosen) if whole_number(chosen) in member_enquiries.PERIODS else 90
    ward = member_enquiries.ward_of(current_user)
    counts = member_enquiries.ward_counts(ward, days) if ward is not None else None
    return render_template("portal/councillor/ward.html", ward=ward, counts=counts, choices=choices, days=days,
                           small=member_enquiries.SMALL_NUMBER)


# --- a resident stopping someone acting for them ------------------------------------------------------------------


@bp.post("/cases/<reference>/representatives/<int:representative_id>/remove")
@portal(Role.RESIDENT)
def case_representative_remove(reference: str, representative_id: int):
    """The case's own resident only (not a representative): the person's access ends at once."""
    case = case_queries.case_for(current_user, reference)
    if case is None or case.resident_id != current_user.id:
        abort(404)
    row = representatives.get_active(case.id, representative_id)
    if row is None:
        abort(404)
    representatives.withdraw(row, actor=current_user, reason=None)
    flash(_("%(name)s can no longer see or act on this case.", name=row.representative.full_name))
    return redirect(url_for("portal.case", reference=reference))
