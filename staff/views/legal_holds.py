"""Placing and lifting a legal hold on a case (issue 10; docs/privacy.md): the complaints manager's
pages, each a small form that calls shared/services/legal_holds.py.

Like the case work pages, each checks the rules first (409 saying why: already held, not held,
anonymised), keeps the case version in the form, and shows a refusal as the form's error summary
with everything typed kept (staff/actions.py).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain import guards
from shared.domain.enums import EventType, LegalHoldReason
from shared.domain.policy import LEGAL_HOLD_ROLES
from shared.domain.transitions import transition_for
from shared.services import legal_holds
from staff import bp
from staff.actions import attempt
from staff.forms_privacy import LegalHoldForm, LiftLegalHoldForm
from staff.lookups import case_or_404


@bp.route("/cases/<reference>/legal-hold", methods=["GET", "POST"])
@staff(*LEGAL_HOLD_ROLES)
def place_legal_hold(reference: str):
    found = case_or_404(reference)
    transition_for(found.status, EventType.LEGAL_HOLD_PLACED, current_user.role)
    guards.legal_hold_may_be_placed(found.on_legal_hold, found.anonymised_at is not None)

    def render(case, form, status=200):
        return render_template("staff/legal_holds/place.html", case=case, form=form), status

    if request.method == "GET":
        return render(found, LegalHoldForm(formdata=None, data={"version": found.version}))
    form = LegalHoldForm()
    if not form.validate():
        return render(found, form, 400)
    refused = attempt(lambda case: legal_holds.place(case, current_user, form.expected_version(),
                                                     LegalHoldReason(form.reason.data), form.note.data),
                      found, form=form, render=render, field="note")
    if refused:
        return refused
    flash(_("The case is on legal hold. It will not be anonymised, and its person's details cannot be erased, "
            "until the hold is lifted."))
    return redirect(url_for("staff.case", reference=reference))


@bp.route("/cases/<reference>/legal-hold/lift", methods=["GET", "POST"])
@staff(*LEGAL_HOLD_ROLES)
def lift_legal_hold(reference: str):
    found = case_or_404(reference)
    transition_for(found.status, EventType.LEGAL_HOLD_LIFTED, current_user.role)
    guards.legal_hold_may_be_lifted(found.on_legal_hold)
    placed_by = legal_holds.placer(found)

    def render(case, form, status=200):
        return render_template("staff/legal_holds/lift.html", case=case, form=form, placed_by=placed_by), status

    if request.method == "GET":
        return render(found, LiftLegalHoldForm(formdata=None, data={"version": found.version}))
    form = LiftLegalHoldForm()
    if not form.validate():
        return render(found, form, 400)
    refused = attempt(lambda case: legal_holds.lift(case, current_user, form.expected_version(), form.note.data),
                      found, form=form, render=render, field="note")
    if refused:
        return refused
    flash(_("The legal hold has been lifted. The case is kept for its retention period as usual."))
    return redirect(url_for("staff.case", reference=reference))
