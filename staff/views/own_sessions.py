"""Where you're signed in, for staff, from "Your account": their own live sessions, and signing one
or all the others out (shared/services/own_sessions.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import STAFF_ROLES
from shared.services import own_sessions
from shared.web.own_sessions import ended_one_message, ended_others_message
from staff import bp


@bp.get("/account/sessions")
@staff(*STAFF_ROLES)
def own_sessions_list():
    return render_template("staff/account/sessions.html", listing=own_sessions.listing(current_user))


@bp.post("/account/sessions/<int:session_id>/sign-out")
@staff(*STAFF_ROLES)
def own_session_end(session_id: int):
    outcome, device = own_sessions.end_one(current_user, session_id)
    if outcome is own_sessions.Ended.NOT_FOUND:
        abort(404)
    flash(ended_one_message(outcome, device))
    return redirect(url_for("staff.own_sessions_list"))


@bp.post("/account/sessions/sign-out-others")
@staff(*STAFF_ROLES)
def own_sessions_end_others():
    flash(ended_others_message(own_sessions.end_others(current_user)))
    return redirect(url_for("staff.own_sessions_list"))
