"""The resident portal: accounts, giving feedback and following one's own cases."""

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.domain.enums import Role

bp = Blueprint("portal", __name__)


def chrome() -> dict:
    """Header for portal pages: the resident's menu, or sign-in links."""
    endpoint = request.endpoint or ""
    items = []
    if current_user.is_authenticated and current_user.role is Role.RESIDENT:
        items = [
            {"href": url_for("portal.your_cases"), "text": _("Your cases"), "active": endpoint in {"portal.your_cases", "portal.case"}},
            {"href": url_for("portal.complaint_start"), "text": _("Make a complaint"), "active": endpoint.startswith("portal.complaint")},
        ]
    if current_user.is_authenticated:
        items.append({"href": url_for("portal.sign_out"), "text": _("Sign out"), "form": True})
    else:
        items = [
            {"href": url_for("portal.sign_in"), "text": _("Sign in"), "active": endpoint == "portal.sign_in"},
            {"href": url_for("portal.register"), "text": _("Create an account"), "active": endpoint == "portal.register"},
        ]
    return {
        "service_name": _("Complaints, compliments and comments"),
        "home_url": url_for("portal.home"),
        "navigation_items": items,
        "stylesheet": "portal.css",
    }


from portal.views import accounts, cases, complaint, pages  # noqa: E402,F401  (routes register on import)
