"""The start page and the footer's information pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal import bp
from shared.auth.access import public
from shared.domain.enums import Role


@bp.get("/")
@public
def home():
    is_resident = current_user.is_authenticated and current_user.role is Role.RESIDENT
    return render_template("portal/home.html", is_resident=is_resident)


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("portal/accessibility.html")


@bp.get("/privacy")
@public
def privacy():
    return render_template("portal/privacy.html")


@bp.get("/cookies")
@public
def cookies():
    return render_template("portal/cookies.html")


@bp.get("/contact")
@public
def contact():
    return render_template("portal/contact.html")
