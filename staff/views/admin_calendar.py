"""Administration: the closure days a council adds to its nation's bank holidays."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.clock import to_london, utcnow
from shared.domain.enums import Role
from shared.services import calendar as calendar_service
from shared.web.filters import govuk_date
from staff import bp
from staff.forms import ClosureDayForm


@bp.get("/admin/closure-days")
@staff(Role.ADMIN)
def closure_days():
    this_year = to_london(utcnow()).year
    years = [(year, calendar_service.list_closure_days(year)) for year in (this_year, this_year + 1)]
    return render_template("staff/admin/closure_days.html", years=years)


@bp.route("/admin/closure-days/new", methods=["GET", "POST"])
@staff(Role.ADMIN)
def closure_day_new():
    form = ClosureDayForm()
    if form.validate_on_submit():
        try:
            closure = calendar_service.add_closure_day(form.closure_date.data, form.reason.data, current_user)
        except calendar_service.AlreadyNonWorking as refused:
            form.closure_date.errors.append(refused.message)
        else:
            flash(_("%(date)s is now a closure day.", date=govuk_date(closure.day)))
            return redirect(url_for("staff.closure_days"))
    return render_template("staff/admin/closure_day_new.html", form=form)


@bp.post("/admin/closure-days/<int:day_id>/remove")
@staff(Role.ADMIN)
def closure_day_remove(day_id: int):
    removed = calendar_service.remove_closure_day(day_id, current_user)
    if removed is None:
        abort(404)
    flash(_("%(date)s is no longer a closure day.", date=govuk_date(removed.day)))
    return redirect(url_for("staff.closure_days"))
