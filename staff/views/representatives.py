"""Representatives on a case, from the staff case page: the panel listing them, naming one (with
the consent record and an invitation), and withdrawing consent, which ends their access at once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shared.auth.access import staff
from shared.db import db
from shared.domain.enums import ConsentMethod, RepresentativeKind
from shared.domain.policy import REPRESENTATIVE_RECORDER_ROLES, can_record_representatives, can_view_case
from shared.models import Case
from shared.services import representatives
from staff import bp
from staff.forms_representatives import RepresentativeForm, WithdrawRepresentativeForm
from staff.panels import case_panel


def _case(reference: str) -> Case:
    """The case with its person, if this member of staff may name representatives on it; 404 otherwise."""
    case = db.session.scalar(select(Case).where(Case.reference == reference).options(joinedload(Case.resident)))
    if case is None or case.resident_id is None or not can_record_representatives(current_user, case):
        abort(404)
    return case


@case_panel
def _panel(case: Case):
    """Who acts for the person on this case (one query); the team may add or withdraw them."""
    if not can_view_case(current_user, case):
        return None
    return "staff/case/_representatives.html", {
        "rows": representatives.active_for_case(case.id),
        "may_change": current_user.role in REPRESENTATIVE_RECORDER_ROLES and case.resident_id is not None,
        "withdraw_form": WithdrawRepresentativeForm(),
    }


@bp.route("/cases/<reference>/representatives/new", methods=["GET", "POST"])
@staff(*REPRESENTATIVE_RECORDER_ROLES)
def case_representative_new(reference: str):
    case = _case(reference)
    form = RepresentativeForm()
    if form.validate_on_submit():
        given = representatives.NewRepresentative(
            email=form.email.data, full_name=form.full_name.data, kind=RepresentativeKind(form.kind.data),
            consent=ConsentMethod(form.consent.data), note=form.note.data)
        try:
            with db.session.begin_nested():  # nothing half-saved if the person cannot be named
                row = representatives.add(case, given, actor=current_user)
        except representatives.RepresentativeError as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash(_("%(name)s can now see and act on this case for %(person)s.",
                    name=row.representative.full_name,
                    person=case.resident.full_name))
            return redirect(url_for("staff.case", reference=reference, _anchor="representatives"))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/representatives/new.html", case=case, form=form), status


@bp.post("/cases/<reference>/representatives/<int:representative_id>/withdraw")
@staff(*REPRESENTATIVE_RECORDER_ROLES)
def case_representative_withdraw(reference: str, representative_id: int):
    case = _case(reference)
    row = representatives.get_active(case.id, representative_id)
    if row is None:
        abort(404)
    if not WithdrawRepresentativeForm().validate_on_submit():
        abort(400)
    representatives.withdraw(row, actor=current_user)
    flash(_("Consent withdrawn: %(name)s can no longer see or act on this case.", name=row.representative.full_name))
    return redirect(url_for("staff.case", reference=reference, _anchor="representatives"))
