"""Ended sessions on the web: the "you were signed out" answer, typed text kept and given back, and the
status and keep-alive answers the timeout warning asks for (frontend/js/timeout.mjs).

portal/ and staff/ each publish the three routes (status, keep-alive, signed-out page) through the
view helpers here, so both sides behave the same.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_timedelta
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from shared.auth import sessions
from shared.domain.enums import Role
from shared.domain.session_limits import EndReason
from shared.services import kept_forms
from shared.web.redirects import safe_next

_SKIPPED = ("static", "health.")


def kept_cookie_name() -> str:
    """The cookie naming what was kept for this browser (listed on the cookies page)."""
    # __Secure- rather than __Host-: the cookie is scoped to the form's own path, so it travels with
    # no other request.
    return "__Secure-redress-kept" if current_app.config["SETTINGS"].production else "redress-kept"


def _same_origin_path(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def return_path() -> str:
    """The page to come back to: this one for a page, the page the form was on for a form."""
    here = request.full_path.rstrip("?")
    if request.method == "GET":
        return here
    page = _same_origin_path(request.headers.get("HX-Current-URL")) or _same_origin_path(request.referrer)
    return safe_next(page, here)


def _signed_out_endpoint(ended: sessions.EndedSession) -> str:
    return "staff.signed_out" if ended.role.is_staff else "portal.signed_out"


def _answer_ended(ended: sessions.EndedSession) -> Response:
    """Keep what a form sent, stop naming the session, and send the person to the signed-out page."""
    path = return_path()
    token = None
    if request.method == "POST":
        token = kept_forms.keep(ended.user_id, path, request.form, current_app.config["SETTINGS"].kept_form_lifetime)
    sessions.forget_ended_session()
    target = url_for(_signed_out_endpoint(ended), reason=ended.reason.value, kept="1" if token else None,
                     admin="1" if ended.role is Role.ADMIN else None, next=path)
    if request.headers.get("HX-Request"):
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target  # htmx takes the whole page there, not one section
    else:
        response = redirect(target)
    if token:
        response.set_cookie(kept_cookie_name(), token, max_age=int(current_app.config["SETTINGS"].kept_form_lifetime.total_seconds()),
                            path=urlsplit(path).path, secure=current_app.config["SETTINGS"].production,
                            httponly=True, samesite="Lax")
    return response


def init_app(app: Flask) -> None:
    """Hooks: run after CSRF is checked (a forged POST keeps nothing) and before the access rules."""

    @app.before_request
    def end_timed_out_session():
        endpoint = request.endpoint or ""
        if not endpoint or endpoint.startswith(_SKIPPED):
            return None
        current_user._get_current_object()  # loads the session, ending it if a limit has passed
        ended = sessions.ended_session()
        if ended is None:
            return None
        if endpoint.endswith(".signed_out"):
            sessions.forget_ended_session()
            return None
        view = app.view_functions.get(endpoint)
        if getattr(view, "background_request", False):
            return None  # the status and keep-alive answers say "signed out" themselves
        return _answer_ended(ended)

    @app.before_request
    def give_back_kept_form():
        token = request.cookies.get(kept_cookie_name())
        if not token or request.method != "GET" or request.headers.get("HX-Request") or not current_user.is_authenticated:
            return None
        fields = kept_forms.take(token, current_user.id, request.full_path.rstrip("?"))
        if fields is not None:
            g.kept_form = fields
            g.forget_kept_cookie = True
        return None

    @app.after_request
    def say_time_left(response: Response) -> Response:
        # A section the person asked for through htmx extended the session: the page's warning follows.
        if request.headers.get("HX-Request") and not sessions.is_background() and current_user.is_authenticated:
            left = sessions.seconds_left()
            if left is not None:
                response.headers["X-Redress-Session-Expires-In"] = str(left)
        return response

    @app.after_request
    def forget_kept_cookie(response: Response) -> Response:
        if g.get("forget_kept_cookie"):
            response.delete_cookie(kept_cookie_name(), path=request.path, secure=current_app.config["SETTINGS"].production,
                                   httponly=True, samesite="Lax")
        return response

    @app.context_processor
    def session_context() -> dict:
        return {"session_timeout": timeout_settings, "kept_form_restored": lambda: g.get("kept_form_used", False)}


def kept_formdata(field_names: set[str]) -> MultiDict | None:
    """What was kept for this page, for a form that has any of these fields (others on the page keep theirs)."""
    fields = g.get("kept_form") if has_request_context() else None
    if not fields or not field_names.intersection(fields.keys()):
        return None
    g.kept_form_used = True
    return fields


def timeout_settings() -> dict | None:
    """What the page tells its scripts and its readers about the signed-in session, or None."""
    if not current_user.is_authenticated:
        return None
    left = sessions.seconds_left()
    if left is None:
        return None
    limits = sessions.limits()
    return {
        "expires_in": left,
        "warn_before": int(limits.warning.total_seconds()),
        "warning": format_timedelta(limits.warning, threshold=2),
        "idle": format_timedelta(limits.idle_for(current_user.role), threshold=2),
    }


def status() -> Response:
    """GET by the warning's script: how long is left (a background request: it extends nothing)."""
    return _status_answer()


def keep_alive() -> Response:
    """POST from "Stay signed in": the idle limit starts again; the new time left."""
    if current_user.is_authenticated:
        sessions.extend()
    return _status_answer()


def _status_answer() -> Response:
    ended = sessions.ended_session()
    if current_user.is_authenticated:
        body = {"signed_in": True, "expires_in": sessions.seconds_left()}
    else:
        reason = ended.reason.value if ended else None
        body = {"signed_in": False, "signed_out_url": url_for(request.blueprint + ".signed_out", reason=reason)}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def signed_out_page(sign_in_endpoint: str):
    """The page after the service ended a session: why, and sign in again to come back here."""
    reason = request.args.get("reason")
    limits = sessions.limits()
    next_path = safe_next(request.args.get("next"), "")
    return render_template(
        "shared/signed_out.html",
        reason=reason if reason in {r.value for r in EndReason} else None,
        idle=format_timedelta(limits.admin_idle if request.args.get("admin") == "1" else limits.idle, threshold=2),
        absolute=format_timedelta(limits.absolute, threshold=2),
        staff=sign_in_endpoint.startswith("staff."),
        kept=request.args.get("kept") == "1",
        sign_in_url=url_for(sign_in_endpoint, next=next_path or None),
    )
