"""Ombudsman enquiries: record one from the case page, then its dates, decision and recommendations.

Also registers the case page's follow-up panel (learning actions and Ombudsman referral), which
reads everything in one query because the case page must stay within 10.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import Ombudsman
from shared.domain.policy import CASEWORK_ROLES
from shared.services import learning
from shared.services import ombudsman as service
from shared.web.numbers import page_number
from staff import bp
from staff.forms_followup import ComplyForm, EnquiryForm, RecommendationForm, ReferralForm
from staff.lookups import case_or_404
from staff.panels import case_panel

TEAM = CASEWORK_ROLES  # the complaints team


@case_panel
def followup_panel(case):
    rows = service.case_followup(case)
    may_record = current_user.role in TEAM
    if not rows and not may_record:
        return None
    return "staff/ombudsman/_case_panel.html", {
        "learning_rows": [r for r in rows if r.kind == "learning"],
        "referral_rows": [r for r in rows if r.kind == "ombudsman"],
        "may_record": may_record,
        "today": service.today(),
        "learning_overdue": learning.is_overdue,
    }


@bp.get("/ombudsman")
@staff(*TEAM)
def ombudsman_list():
    found = service.find(page_number(request.args))
    return render_template("staff/ombudsman/list.html", found=found)


@bp.route("/cases/<reference>/ombudsman/new", methods=["GET", "POST"])
@staff(*TEAM)
def ombudsman_new(reference: str):
    case = case_or_404(reference)
    if request.method == "POST":
        form = EnquiryForm()
    else:
        form = EnquiryForm(formdata=None, data={"ombudsman": service.default_ombudsman(case).value})
    if form.validate_on_submit():
        referral, moved = service.record_enquiry(
            case, current_user, ombudsman=Ombudsman(form.ombudsman.data),
            their_reference=form.their_reference.data, received_on=form.received_on.data,
            information_due_on=form.information_due_on.data,
        )
        flash(_("Ombudsman enquiry recorded. The case is now with the Ombudsman.") if moved
              else _("Ombudsman enquiry recorded."))
        return redirect(url_for("staff.ombudsman_referral", referral_id=referral.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/ombudsman/new.html", form=form, case=case), status


def _load(referral_id: int):
    found = service.get(referral_id)
    if found is None:
        abort(404)
    return found


@bp.route("/ombudsman/<int:referral_id>", methods=["GET", "POST"])
@staff(*TEAM)
def ombudsman_referral(referral_id: int):
    referral, reference = _load(referral_id)
    if request.method == "POST":
        form = ReferralForm()
    else:
        form = ReferralForm(formdata=None, data={
            "information_sent_on": referral.information_sent_on, "decision": referral.decision.value,
            "decided_on": referral.decided_on,
        })
    if form.validate_on_submit():
        service.update(referral, information_sent_on=form.information_sent_on.data, decision=form.decision_value(),
                       decided_on=form.decided_on.data)
        flash(_("Ombudsman record saved."))
        return redirect(url_for("staff.ombudsman_referral", referral_id=referral.id))
    status = 400 if form.is_submitted() else 200
    today = service.today()
    return render_template("staff/ombudsman/referral.html", form=form, referral=referral, reference=reference,
                           overdue={r.id for r in referral.recommendations if service.is_overdue(r, today)}), status


@bp.route("/ombudsman/<int:referral_id>/recommendations/new", methods=["GET", "POST"])
@staff(*TEAM)
def ombudsman_recommendation_new(referral_id: int):
    referral, reference = _load(referral_id)
    form = RecommendationForm() if request.method == "POST" else RecommendationForm(formdata=None)
    if form.validate_on_submit():
        service.add_recommendation(referral, text=form.text.data, due_on=form.due_on.data)
        flash(_("Recommendation added."))
        return redirect(url_for("staff.ombudsman_referral", referral_id=referral.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/ombudsman/recommendation.html", form=form, referral=referral,
                           reference=reference), status


@bp.route("/ombudsman/<int:referral_id>/recommendations/<int:recommendation_id>", methods=["GET", "POST"])
@staff(*TEAM)
def ombudsman_comply(referral_id: int, recommendation_id: int):
    referral, reference = _load(referral_id)
    recommendation = service.recommendation(referral, recommendation_id)
    if recommendation is None:
        abort(404)
    if request.method == "POST":
        form = ComplyForm()
    else:
        form = ComplyForm(formdata=None, data={"complied_on": recommendation.complied_on,
                                               "evidence": recommendation.evidence})
    if form.validate_on_submit():
        service.comply(recommendation, complied_on=form.complied_on.data, evidence=form.evidence.data)
        flash(_("Compliance recorded."))
        return redirect(url_for("staff.ombudsman_referral", referral_id=referral.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/ombudsman/comply.html", form=form, referral=referral, reference=reference,
                           recommendation=recommendation, overdue=service.is_overdue(recommendation)), status
