"""Administration: procedures and their clocks. Saving makes a new version; running cases keep theirs."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shared.auth.access import staff
from shared.db import db
from shared.domain.enums import Role
from shared.models import Procedure
from shared.services import procedures
from staff import bp
from staff.forms import ProcedureForm

CLOCKS = ("acknowledge_within", "respond_within", "extension_max", "escalation_window")


@bp.get("/admin/procedures")
@staff(Role.ADMIN)
def procedure_list():
    return render_template("staff/admin/procedures.html", procedures=procedures.all_current())


@bp.route("/admin/procedures/<slug>", methods=["GET", "POST"])
@staff(Role.ADMIN)
def procedure_edit(slug: str):
    procedure = procedures.current(slug)
    if procedure is None:
        abort(404)
    rules = procedure.rules()
    form = ProcedureForm(data={"stages": [{clock: getattr(stage, clock) for clock in CLOCKS} for stage in rules.stages]})
    if form.validate_on_submit():
        stages = [
            replace(stage, **{clock: entry.form[clock].data for clock in CLOCKS})
            for stage, entry in zip(rules.stages, form.stages.entries, strict=True)
        ]
        saved = procedures.new_version(slug, stages, current_user)
        flash(_("Saved as version %(version)s. Cases already running keep the deadlines they have.", version=saved.version))
        return redirect(url_for("staff.procedure_list"))
    history = db.session.scalars(
        select(Procedure).where(Procedure.slug == slug).options(joinedload(Procedure.created_by)).order_by(Procedure.version.desc())
    ).all()
    return render_template("staff/admin/procedure_edit.html", procedure=procedure, rules=rules, form=form, history=history)
