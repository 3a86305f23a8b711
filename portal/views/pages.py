"""The start page and the footer's information pages."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_login import current_user

from portal import bp
from shared.auth.access import public
from shared.domain.enums import Role
from shared.services import council, learning, logos, retention
from shared.web import session_timeout
from shared.web.numbers import page_number

# Update when the statement is reviewed (the regulations ask for at least a yearly review).
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 11, 23)
ACCESSIBILITY_STATEMENT_REVIEWED = date(2026, 12, 7)


@bp.get("/")
@public
def home():
    is_resident = current_user.is_authenticated and current_user.role is Role.RESIDENT
    return render_template("portal/home.html", is_resident=is_resident)


@bp.get("/accessibility")
@public
def accessibility():
    return render_template(
        "portal/accessibility.html",
        prepared_on=ACCESSIBILITY_STATEMENT_PREPARED,
        reviewed_on=ACCESSIBILITY_STATEMENT_REVIEWED,
    )


@bp.get("/privacy")
@public
def privacy():
    return render_template("portal/privacy.html", retention=retention.summary())


@bp.get("/council-logo/<logo_name>")
@public
def council_logo(logo_name: str):
    logo = council.logo_file(logo_name)  # only the current logo, by the name the server gave it
    if logo is None:
        abort(404)
    return logos.send(logo.stored_name, logo.content_type)


@bp.get("/cookies")
@public
def cookies():
    return render_template("portal/cookies.html", kept_cookie_name=session_timeout.kept_cookie_name())


@bp.get("/contact")
@public
def contact():
    return render_template("portal/contact.html")


@bp.get("/you-said-we-did")
@public
def you_said_we_did():
    return render_template("portal/you_said_we_did.html", found=learning.published(page_number(request.args)))
