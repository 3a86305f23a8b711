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
            {"href": url_for("portal.your_cases"), "text": _("Your cases"), "active": endpoint == "portal.your_cases" or endpoint.startswith("portal.case")},
            {"href": url_for("portal.feedback_start"), "text": _("Give feedback"), "active": endpoint.startswith("portal.feedback")},
            {"href": url_for("portal.your_details"), "text": _("Your details"),
             "active": endpoint in {"portal.your_details", "portal.change_detail", "portal.change_email",
                                    "portal.change_password", "portal.close_account"}
                       or endpoint.startswith("portal.own_session")
                       or endpoint.startswith("portal.adjustment")},
            {"href": url_for("portal.your_data"), "text": _("Your data"), "active": endpoint == "portal.your_data"},
        ]
    if current_user.is_authenticated and current_user.role is Role.COUNCILLOR:
        items = [
            {"href": url_for("portal.councillor_home"), "text": _("Your enquiries"),
             "active": endpoint.startswith("portal.councillor_enquir") or endpoint == "portal.councillor_home"},
            {"href": url_for("portal.councillor_ward"), "text": _("Your ward"), "active": endpoint == "portal.councillor_ward"},
            {"href": url_for("portal.councillor_account"), "text": _("Your account"),
             "active": endpoint.startswith(("portal.councillor_account", "portal.councillor_mfa",
                                            "portal.councillor_confirm", "portal.own_session"))},
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


from portal.views import (  # noqa: E402,F401  (routes register on import)
    accounts,
    adjustments,
    case_actions,
    cases,
    councillor,
    councillor_mfa,
    feedback,
    guest,
    linked_sign_in,
    own_sessions,
    pages,
    profile,
    pwa,
    session,
)
