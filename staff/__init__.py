"""The back office at /staff: triage, case work and, later, reports and administration."""

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.domain.enums import Role
from shared.domain.policy import CASE_READER_ROLES, TRIAGE_ROLES

TASK_ROLES = frozenset({Role.OFFICER, Role.MANAGER, Role.RESPONDER})  # requests for information

bp = Blueprint("staff", __name__)


def chrome() -> dict:
    endpoint = request.endpoint or ""
    items = []
    if current_user.is_authenticated and current_user.is_staff:
        items.append({"href": url_for("staff.home"), "text": _("Home"), "active": endpoint == "staff.home"})
        if current_user.role in TRIAGE_ROLES:
            items.append({"href": url_for("staff.triage"), "text": _("Triage"), "active": endpoint == "staff.triage"})
        if current_user.role in CASE_READER_ROLES:
            items.append({"href": url_for("staff.case_list"), "text": _("Cases"), "active": endpoint == "staff.case_list"})
        if current_user.role in (Role.AGENT, Role.OFFICER, Role.MANAGER):
            items.append({"href": url_for("staff.customers_search"), "text": _("Customers"),
                          "active": endpoint.startswith(("staff.customer", "staff.assisted"))})
        if current_user.role in TASK_ROLES:
            items.append({"href": url_for("staff.tasks"), "text": _("Tasks"),
                          "active": endpoint in {"staff.tasks", "staff.information_request"}})
        if current_user.role in (Role.OFFICER, Role.MANAGER):
            items.append({"href": url_for("staff.learning_list"), "text": _("Learning"),
                          "active": endpoint.startswith("staff.learning")})
            items.append({"href": url_for("staff.report_list"), "text": _("Reports"),
                          "active": endpoint.startswith("staff.report")})
            items.append({"href": url_for("staff.ombudsman_list"), "text": _("Ombudsman"),
                          "active": endpoint.startswith("staff.ombudsman")})
            items.append({"href": url_for("staff.adjustment_reviews"), "text": _("Adjustment reviews"),
                          "active": endpoint == "staff.adjustment_reviews"})
            items.append({"href": url_for("staff.restriction_list"), "text": _("Restrictions"),
                          "active": endpoint.startswith("staff.restriction")})
        if current_user.role is Role.ADMIN:
            items.append({"href": url_for("staff.users"), "text": _("Users"),
                          "active": endpoint in {"staff.users", "staff.user"} or endpoint.startswith("staff.user_")})
            items.append({"href": url_for("staff.council_details"), "text": _("Council"),
                          "active": endpoint.startswith("staff.council") or endpoint == "staff.retention_periods"})
            items.append({"href": url_for("staff.closure_days"), "text": _("Closure days"),
                          "active": endpoint.startswith("staff.closure_day")})
            items.append({"href": url_for("staff.procedure_list"), "text": _("Procedures"),
                          "active": endpoint.startswith("staff.procedure")})
            items.append({"href": url_for("staff.organisations"), "text": _("Organisations"),
                          "active": endpoint.startswith("staff.organisation")})
            items.append({"href": url_for("staff.response_templates"), "text": _("Templates"),
                          "active": endpoint.startswith("staff.response_template")})
            items.append({"href": url_for("staff.message_templates"), "text": _("Messages"),
                          "active": endpoint.startswith("staff.message_template")})
            items.append({"href": url_for("staff.support_services"), "text": _("Support directory"),
                          "active": endpoint.startswith("staff.support_service")})
            items.append({"href": url_for("staff.audit_log"), "text": _("Audit log"),
                          "active": endpoint.startswith("staff.audit_log")})
        if current_user.role in (Role.OFFICER, Role.MANAGER, Role.ADMIN):
            items.append({"href": url_for("staff.outbox_list"), "text": _("Outbox"),
                          "active": endpoint.startswith("staff.outbox")})
        items.append({"href": url_for("staff.account"), "text": _("Your account"),
                      "active": endpoint == "staff.account" or endpoint.startswith(("staff.mfa_", "staff.own_session"))})
        items.append({"href": url_for("staff.sign_out"), "text": _("Sign out"), "form": True})
    return {
        "service_name": _("Complaints back office"),
        "home_url": url_for("staff.home"),
        "navigation_items": items,
        "stylesheet": "staff.css",
    }


from staff.views import (  # noqa: E402,F401  (routes register on import)
    accounts,
    adjustments,
    admin_audit,
    admin_calendar,
    admin_council,
    admin_import,
    admin_messages,
    admin_organisations,
    admin_procedures,
    admin_reasons,
    admin_services,
    admin_support,
    admin_teams,
    admin_templates,
    admin_translations,
    admin_users,
    assisted,
    case_list,
    cases,
    casework,
    chc,
    correspondence,
    customers,
    home,
    information,
    learning,
    legal_holds,
    linked_sign_in,
    mfa,
    named_employees,
    ombudsman,
    outbox,
    own_sessions,
    privacy,
    reports,
    representatives,
    restrictions,
    session,
    triage,
)
