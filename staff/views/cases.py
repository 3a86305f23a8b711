"""The triage queue and the staff case page."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user

from shared.auth.access import staff
from shared.clock import to_london, utcnow
from shared.domain import deadlines
from shared.domain.calendar import WorkingCalendar
from shared.domain.policy import CASE_READER_ROLES, TRIAGE_ROLES
from shared.services import cases as case_queries
from staff import bp


@bp.get("/triage")
@staff(*TRIAGE_ROLES)
def triage():
    page = max(1, request.args.get("page", 1, type=int))
    queue = case_queries.triage_queue(page)
    calendar = WorkingCalendar(current_app.config["SETTINGS"].nation)
    today = to_london(utcnow()).date()
    ages = {case.id: calendar.between(calendar.receipt_day(case.received_at), today) for case in queue.items}
    return render_template("staff/triage.html", queue=queue, ages=ages, target=deadlines.TRIAGE_TARGET)


@bp.get("/cases/<reference>")
@staff(*CASE_READER_ROLES)
def case(reference: str):
    found = case_queries.case_for(current_user, reference)
    if found is None:
        abort(404)
    return render_template("staff/case.html", case=found, events=case_queries.timeline(current_user, found))
