"""A person's data for the complaints manager: the subject-access download and erasure (issue 10;
docs/privacy.md has the rules)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.erasure import ErasureBar, ErasureGround
from shared.domain.policy import PRIVACY_ROLES
from shared.services import erasure, subject_access
from staff import bp
from staff.forms_privacy import ErasureForm, SubjectAccessForm
from staff.lookups import customer_or_404


@bp.post("/customers/<int:customer_id>/subject-access")
@staff(*PRIVACY_ROLES)
def customer_subject_access(customer_id: int):
    person = customer_or_404(customer_id)
    if not SubjectAccessForm().validate_on_submit():
        abort(400)
    data, name = subject_access.download(person, current_user)
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/customers/<int:customer_id>/erase", methods=["GET", "POST"])
@staff(*PRIVACY_ROLES)
def customer_erase(customer_id: int):
    person = customer_or_404(customer_id)
    bars = erasure.refusals(person)
    if bars:
        holds = erasure.placed_holds(person) if ErasureBar.PLACED_LEGAL_HOLD in bars else []
        return render_template("staff/customers/erase_refused.html", person=person, bars=bars, holds=holds), 409 if \
            ErasureForm().is_submitted() else 200
    form = ErasureForm()
    if form.validate_on_submit():
        ground = ErasureGround(form.ground.data)
        if form.confirmed.data != "yes":
            return render_template("staff/customers/erase_confirm.html", person=person, form=form, ground=ground)
        counts = erasure.erase(person, ground=ground, note=form.note.data, actor=current_user)
        flash(_("Their details have been erased. Cases anonymised: %(cases)d. Files deleted: %(files)d.",
                cases=counts.cases, files=counts.files))
        return redirect(url_for("staff.customer", customer_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/customers/erase.html", person=person, form=form), status
