"""create_app(): settings, extensions, template loaders, blueprints, errors and headers."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Response, g
from flask_babel import get_locale
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from werkzeug.local import LocalProxy

from shared import clock
from shared.auth import access
from shared.auth.sessions import login_manager
from shared.config import Settings, load_settings
from shared.db import db, make_engine
from shared.domain.enums import Channel, LegalHoldReason, RefusalGround
from shared.domain.translations import pick
from shared.extensions import babel, compress, csrf, htmx, wtforms_helpers
from shared.web import chrome, errors, filters, querycount, ratelimits, sealed_search, security, session_timeout
from shared.web.forms import error_summary_params
from shared.web.locale import LANGUAGES, select_locale, text_direction

ROOT = Path(__file__).resolve().parent.parent


# Compressed: the style sheets, scripts and images (a resident page's first visit, issue 11). Never
# a page: HTML holds the CSRF token beside text the visitor typed, what BREACH reads through a
# compressed response's length.
COMPRESSED_TYPES = ("text/css", "text/javascript", "application/javascript", "image/svg+xml",
                    "application/manifest+json")


def _compress_assets(app: Flask) -> None:
    # Static files are sent as streams (a file wrapper), so streams are compressed too; the CSV
    # downloads, also streamed, are not of these types.
    # Flask-Compress's own hook would add "Vary: Accept-Encoding" to every answer, pages included;
    # it runs here only for the types it may compress, so a page's Vary stays exactly "Cookie".
    app.config.update(COMPRESS_MIMETYPES=list(COMPRESSED_TYPES), COMPRESS_ALGORITHM=["br", "gzip"],
                      COMPRESS_STREAMS=True, COMPRESS_ALGORITHM_STREAMING=["br", "deflate"],
                      COMPRESS_REGISTER=False)
    compress.init_app(app)

    @app.after_request
    def compress_assets(response):
        if response.mimetype in COMPRESSED_TYPES:
            return compress.after_request(response)
        return response


def _language_name(code: str | None) -> str:
    """A person's language, named in the reader's (English if they have none on record)."""
    from shared.services.templates import LANGUAGES as NAMES

    return str(NAMES.get(code or "en", NAMES["en"]))


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(
        "shared",
        instance_path=str(settings.instance_path),
        static_folder=str(ROOT / "shared" / "static"),
        template_folder=None,
    )
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        DEBUG=settings.debug,
        TESTING=settings.env == "testing",
        MAX_CONTENT_LENGTH=settings.max_content_length,
        UPLOAD_PATH=str(settings.upload_path or settings.instance_path / "uploads"),
        SESSION_COOKIE_NAME="__Host-redress" if settings.production else "redress",
        SESSION_COOKIE_SECURE=settings.production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The cookie outlives the session it names (shared/auth/sessions.py ends that after its idle or
        # absolute limit), so a form sent after the end is still recognised and what it says kept.
        PERMANENT_SESSION_LIFETIME=settings.session_limits.absolute + settings.kept_form_lifetime,
        # A form's token lives as long as the session it belongs to (WCAG 2.2.1: a long complaint
        # typed over an evening is not refused for its age; the session's own limit still applies).
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        BABEL_DEFAULT_TIMEZONE="Europe/London",
        COUNT_QUERIES=settings.env != "production",
        OIDC=dict(settings.oidc),  # per audience; see shared.auth.sso_flow
        LOCAL_PASSWORDS=dict(settings.local_passwords),
        STAFF_MFA=settings.staff_mfa,
        REAUTH_MINUTES=settings.reauth_minutes,
    )
    clock.configure_from_env(settings.production)
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)

    app.jinja_options = {
        **app.jinja_options,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "extensions": ["jinja2.ext.do"],
    }
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("shared", "templates"),
            PackageLoader("portal", "templates"),
            PackageLoader("staff", "templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )

    _compress_assets(app)  # first, so that it runs after every other after_request
    engine = engine or make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    db.init_app(app, engine)
    if app.config["COUNT_QUERIES"]:
        querycount.init_app(app, engine)
    _commit_after_request(app)

    htmx.init_app(app)
    csrf.init_app(app)
    wtforms_helpers.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = None  # the access rules redirect to the right sign-in page
    security.init_app(app)
    sealed_search.init_app(app)
    ratelimits.init_app(app, storage_url=settings.ratelimit_storage_url, trusted_proxies=settings.trusted_proxies)
    errors.init_app(app)
    filters.init_app(app)

    from shared.services import file_scanning

    app.jinja_env.globals.update(
        url_with_lang=chrome.url_with_lang,
        channel_label=lambda value: Channel(value).label,
        refusal_ground_label=lambda value: RefusalGround(value).label,
        legal_hold_reason_label=lambda value: LegalHoldReason(value).label,
        file_state=file_scanning.state,
        translated_text=pick,  # council-entered text from plain columns (a model has .text(field, locale))
    )

    from shared.services.council import council

    current_council = LocalProxy(council)  # read only when a template uses it (an htmx fragment may not)

    @app.context_processor
    def layout_context() -> dict:
        locale = str(get_locale())
        return {
            "settings": settings,
            "council": current_council,
            "locale": locale,
            "text_direction": text_direction(locale),
            "languages": LANGUAGES,
            "language_name": _language_name,
            "error_summary_params": error_summary_params,
            **chrome.current_chrome(),
        }

    from portal import bp as portal_bp
    from portal import chrome as portal_chrome
    from shared.web.health import bp as health_bp
    from staff import bp as staff_bp
    from staff import chrome as staff_chrome

    app.register_blueprint(health_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    chrome.register(app, "/", portal_chrome)
    chrome.register(app, "/staff/", staff_chrome)
    session_timeout.init_app(app)  # after CSRF's check, before the access rules
    access.init_app(app)

    from shared.cli import register_commands

    register_commands(app)
    return app


def _commit_after_request(app: Flask) -> None:
    """One commit per request, only when the answer is a success or a redirect; then, whatever the
    answer, the audit rows kept for it (a refusal is recorded although its transaction is not)."""
    from shared.services import audit

    @app.after_request
    def commit(response: Response) -> Response:
        response = _commit_or_roll_back(response)
        audit.write_kept()
        return response

    def _commit_or_roll_back(response: Response) -> Response:
        session = g.get("db_session")
        if session is None:
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except OperationalError as error:  # the database went away between the work and its commit
            session.rollback()
            app.logger.error("database unavailable at commit: %s", str(error.orig or error).splitlines()[0])
            g._login_user = login_manager.anonymous_user()
            body, status = errors.render_error(503)
            # The same response object keeps the security headers already set on it; nothing said saved.
            response.set_data(body)
            response.status_code = status
            response.mimetype = "text/html"
            response.headers.pop("Location", None)
        return response

    @app.teardown_request
    def rollback_on_error(exc: BaseException | None) -> None:
        session = g.get("db_session")
        if exc is not None and session is not None:
            session.rollback()
