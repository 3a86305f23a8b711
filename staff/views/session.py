"""The signed-in session's own pages: how long is left, "stay signed in", and "you were signed out"."""

from __future__ import annotations

from shared.auth.access import public
from shared.auth.sessions import background
from shared.web import session_timeout
from staff import bp


# Public: each answers for the browser asking, signed in or not, and says nothing about anyone else.
@bp.get("/session")
@public
@background
def session_status():
    return session_timeout.status()


@bp.post("/session/keep-alive")
@public
@background
def session_keep_alive():
    return session_timeout.keep_alive()


@bp.get("/signed-out")
@public
def signed_out():
    return session_timeout.signed_out_page("staff.sign_in")
