"""Security headers and the per-request CSP nonce.

Every response gets the same set; downloads (anything sent as an attachment: files, CSV, the
personal data export) get a sandboxing policy instead of the pages' one and are never stored.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, abort, g, request
from flask.sessions import SecureCookieSessionInterface

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


# For a download: nothing in it may run, load or be framed, even if a browser were to render it.
DOWNLOAD_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'"
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


def _is_download(response: Response) -> bool:
    return response.headers.get("Content-Disposition", "").startswith("attachment")


def _holds_nul(values) -> bool:
    return any("\x00" in value for _name, given in values.lists() for value in given if isinstance(value, str))


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, never sent with a static file. Browsers keep a built asset
    for a year (portal/views/pwa.py), so it must not carry anyone's session cookie (a shared cache
    could hand it on) nor vary by it (every asset would be fetched again after signing in)."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.session_interface = _SessionInterface()

    @app.before_request
    def refuse_nul_characters():
        """Nobody types a NUL character, and PostgreSQL cannot hold one in text: a query or form
        carrying one is refused as a bad request, before any view or query sees it."""
        if _holds_nul(request.args) or (request.method == "POST" and request.mimetype in FORM_TYPES
                                        and _holds_nul(request.form)):
            abort(400)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        download = _is_download(response)
        if download:
            headers["Content-Security-Policy"] = DOWNLOAD_POLICY
        else:
            headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if download or response.mimetype in {"text/html", "application/json"}:
            # Pages and downloads hold personal data: never keep them in shared or browser caches.
            headers["Cache-Control"] = "no-store"
        if request.endpoint != "static":  # the same for everyone (see _SessionInterface)
            headers.setdefault("Vary", "Cookie")
        return response
