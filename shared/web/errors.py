"""Error pages: a full page normally, a partial for htmx swaps; never a stack trace."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from shared.auth.sessions import login_manager
from shared.domain.transitions import EngineError
from shared.services import audit

# (title, what to tell the person) for each status we answer with a page.
MESSAGES = {
    400: (_l("Sorry, there is a problem with that request"), _l("Go back, check what you entered and try again.")),
    403: (_l("You cannot see this page"), _l("You do not have permission to see this page. If you think you should, contact your manager or the council.")),
    404: (_l("Page not found"), _l("If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.")),
    405: (_l("Sorry, that action is not possible here"), _l("Go back to the previous page and use the buttons on the page.")),
    409: (_l("Sorry, someone else changed this first"), _l("Your change was not saved because the information changed while you were working. Go back, refresh the page and try again.")),
    413: (_l("The file or text you sent is too large"), _l("Go back and send less: a smaller file or shorter text.")),
    429: (_l("Sorry, too many attempts"), _l("Wait a few minutes and then try again.")),
    500: (_l("Sorry, there is a problem with the service"), _l("Try again later. Nothing you entered has been lost if you saw it saved; otherwise please enter it again.")),
    503: (_l("Sorry, the service is unavailable"), _l("Try again later.")),
}


def render_error(code: int):
    title, body = MESSAGES.get(code, MESSAGES[500])
    template = "shared/error_partial.html" if getattr(request, "htmx", False) else "shared/error.html"
    return render_template(template, code=code, title=title, body=body), code


def _record_refusal(status: int = 403, **details) -> None:
    """Every 403 is audited: who (if signed in) was refused which route; so are forms refused for
    their CSRF token (400) and case actions refused by the rules or by someone's change first (409)."""
    user = current_user if current_user.is_authenticated else None
    audit.refused(status, actor=user, person_id=user.id if user else None, **details)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        _record_refusal(400, reason="csrf", why=str(error.description)[:100])
        title = _l("Your page timed out")
        body = _l("To protect your information, the form expired. Go back, refresh the page and try again. We have not saved what you entered on that page.")
        template = "shared/error_partial.html" if request.htmx else "shared/error.html"
        return render_template(template, code=400, title=title, body=body), 400

    @app.errorhandler(EngineError)
    def engine_refused(error: EngineError):
        """A case action the rules do not allow: say which rule, never a bare error."""
        title = _l("Sorry, that cannot be done") if error.status_code == 409 else MESSAGES[403][0]
        if error.status_code == 403:
            _record_refusal()
        elif error.status_code == 409:
            _record_refusal(409, reason="case_rules")
        template = "shared/error_partial.html" if request.htmx else "shared/error.html"
        return render_template(template, code=error.status_code, title=title, body=error.message), error.status_code

    @app.errorhandler(StaleDataError)
    def stale_case(_error: StaleDataError):
        _record_refusal(409, reason="changed_meanwhile")
        return render_error(409)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in MESSAGES:
            return error
        if code == 403:
            _record_refusal()
        response, status = render_error(code)
        headers = {}
        if code == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        if code == 429 and getattr(error, "retry_after", None):
            headers["Retry-After"] = str(error.retry_after)
        return response, status, headers

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        app.logger.error("database unavailable: %s", str(error.orig or error).splitlines()[0])
        # The page must not need the database: without this, the layout asks who is signed in, the
        # session look-up fails again inside this handler, and the person gets gunicorn's bare 500.
        session = g.get("db_session")
        if session is not None:
            session.rollback()
        g._login_user = login_manager.anonymous_user()
        return render_error(ServiceUnavailable.code)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
