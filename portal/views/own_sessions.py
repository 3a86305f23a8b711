"""Where you're signed in, for residents and councillors: their own live sessions, and signing one
or all the others out (shared/services/own_sessions.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import bp
from shared.auth.access import portal
from shared.domain.enums import Role
from shared.services import own_sessions
from shared.web.own_sessions import ended_one_message, ended_others_message

PORTAL_ACCOUNTS = (Role.RESIDENT, Role.COUNCILLOR)


@bp.get("/account/sessions")
@portal(*PORTAL_ACCOUNTS)
def own_sessions_list():
    return render_template("portal/account/sessions.html", listing=own_sessions.listing(current_user))


@bp.post("/account/sessions/<int:session_id>/sign-out")
@portal(*PORTAL_ACCOUNTS)
def own_session_end(session_id: int):
    outcome, device = own_sessions.end_one(current_user, session_id)
    if outcome is own_sessions.Ended.NOT_FOUND:
        abort(404)
    flash(ended_one_message(outcome, device))
    return redirect(url_for("portal.own_sessions_list"))


@bp.post("/account/sessions/sign-out-others")
@portal(*PORTAL_ACCOUNTS)
def own_sessions_end_others():
    flash(ended_others_message(own_sessions.end_others(current_user)))
    return redirect(url_for("portal.own_sessions_list"))

