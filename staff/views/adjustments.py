"""A person's reasonable adjustments from their case (see, add, end, mark reviewed, history), the
list of reviews that are due, and sending them entries from the advocacy and support directory.
(The case page shows adjustments and signposts from its own query: shared/services/case_page.py.)"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shared.auth.access import staff
from shared.db import db
from shared.domain import adjustments as rules
from shared.domain.enums import AdjustmentKind, Role
from shared.domain.policy import ADJUSTMENT_RECORDER_ROLES, can_view_case
from shared.models import Case
from shared.services import adjustments, audit, signposting
from shared.web.filters import govuk_date
from shared.web.numbers import page_number, whole_number
from staff import bp
from staff.forms_adjustments import AdjustmentForm, ConfirmForm, SendSupportForm

REVIEWER_ROLES = (Role.OFFICER, Role.MANAGER)


def _case_with_person(reference: str) -> Case:
    """The case and its person, if this viewer may see it and it has one; 404 otherwise."""
    case = db.session.scalar(select(Case).where(Case.reference == reference).options(
        joinedload(Case.resident), joinedload(Case.procedure)))
    if case is None or case.resident is None or not can_view_case(current_user, case):
        abort(404)
    return case


def _register_page(case: Case, status: int = 200):
    return render_template(
        "staff/adjustments/register.html", case=case, person=case.resident,
        active=adjustments.active_for(case.resident_id), history=adjustments.history_for(case.resident_id),
        today=adjustments.today(), is_due=rules.is_due, kinds={k.value: k.label for k in AdjustmentKind},
    ), status


@bp.get("/cases/<reference>/adjustments")
@staff(*ADJUSTMENT_RECORDER_ROLES)
def case_adjustments(reference: str):
    case = _case_with_person(reference)
    audit.record("adjustments.viewed", actor=current_user, subject_type="case", subject_id=case.id,
                 person_id=case.resident_id)
    return _register_page(case)


@bp.route("/cases/<reference>/adjustments/new", methods=["GET", "POST"])
@staff(*ADJUSTMENT_RECORDER_ROLES)
def case_adjustment_new(reference: str):
    case = _case_with_person(reference)
    form = AdjustmentForm()
    if form.validate_on_submit():
        added = adjustments.add(case.resident, AdjustmentKind(form.kind.data), form.detail.data, actor=current_user)
        flash(_("%(adjustment)s added for %(name)s.", adjustment=added.kind.label, name=case.resident.full_name))
        return redirect(url_for("staff.case_adjustments", reference=reference))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/adjustments/new.html", case=case, form=form, descriptions=rules.DESCRIPTIONS), status


def _adjustment_of(case: Case, adjustment_id: int):
    found = adjustments.get_for_person(adjustment_id, case.resident_id)
    if found is None:
        abort(404)
    return found


@bp.post("/cases/<reference>/adjustments/<int:adjustment_id>/end")
@staff(*ADJUSTMENT_RECORDER_ROLES)
def case_adjustment_end(reference: str, adjustment_id: int):
    case = _case_with_person(reference)
    adjustment = _adjustment_of(case, adjustment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    adjustments.end(adjustment, actor=current_user)
    flash(_("%(adjustment)s ended.", adjustment=adjustment.kind.label))
    return redirect(url_for("staff.case_adjustments", reference=reference))


@bp.post("/cases/<reference>/adjustments/<int:adjustment_id>/review")
@staff(*ADJUSTMENT_RECORDER_ROLES)
def case_adjustment_review(reference: str, adjustment_id: int):
    case = _case_with_person(reference)
    adjustment = _adjustment_of(case, adjustment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    adjustments.mark_reviewed(adjustment, actor=current_user)
    flash(_("%(adjustment)s reviewed. Next review: %(date)s.", adjustment=adjustment.kind.label,
            date=govuk_date(adjustment.review_on)))
    return redirect(url_for("staff.case_adjustments", reference=reference))


# --- reviews that are due ----------------------------------------------------------------------


@bp.get("/adjustments/reviews")
@staff(*REVIEWER_ROLES)
def adjustment_reviews():
    return render_template("staff/adjustments/reviews.html", due=adjustments.due_reviews(page_number(request.args)))


@bp.post("/adjustments/<int:adjustment_id>/reviewed")
@staff(*REVIEWER_ROLES)
def adjustment_reviewed(adjustment_id: int):
    adjustment = adjustments.get_active(adjustment_id)
    if adjustment is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    adjustments.mark_reviewed(adjustment, actor=current_user)
    flash(_("%(adjustment)s reviewed.", adjustment=adjustment.kind.label))
    return redirect(url_for("staff.adjustment_reviews", page=page_number(request.args)))


# --- sending the person entries from the support directory ----------------------------------------------


@bp.route("/cases/<reference>/support", methods=["GET", "POST"])
@staff(*ADJUSTMENT_RECORDER_ROLES)
def case_send_support(reference: str):
    case = _case_with_person(reference)
    locale = str(get_locale())
    services = signposting.active_services()
    form = SendSupportForm(services=services, locale=locale)
    if request.method == "GET":
        topic = signposting.social_care_topic(procedure_kind=case.procedure.kind if case.procedure else None)
        form.services.data = [str(s.id) for s in signposting.rank(services, signposting.topics_for(signposting.SUPPORT, topic))]
    if form.validate_on_submit():
        chosen = signposting.services_by_ids([n for n in map(whole_number, form.services.data) if n is not None])
        try:
            signposting.send(case, case.resident, chosen, actor=current_user)
        except signposting.NoWayToContact:
            form.services.errors.append(_("We have no email address, phone number or postal address for this person"))
        else:
            flash(_("Support information sent to %(name)s.", name=case.resident.full_name))
            return redirect(url_for("staff.case", reference=reference))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/adjustments/send_support.html", case=case, form=form), status
