"""Staff 2-step verification: the routes to the shared pages (shared/web/mfa_sign_in.py) for the
sign-in's second step, enrolment, your own account's page (new recovery codes, turning it off where
allowed), "confirm it's you" before admin actions, and the checks that keep half-signed-in and
unenrolled people out of staff pages."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from shared.auth import mfa, sso_flow
from shared.auth.access import public, rule_for, staff
from shared.domain.enums import STAFF_ROLES, Role
from shared.models import User
from shared.services import sso
from shared.web import mfa_sign_in
from shared.web.redirects import safe_next
from staff import bp

SIDE = mfa_sign_in.Side("staff", sign_in="staff.sign_in", account="staff.account",
                        home=lambda _user: url_for("staff.home"))
_ENROLMENT_OPEN = {"staff.mfa_setup", "staff.sign_out"}  # all someone who must enrol may reach
_NEEDS_RECENT = {"staff.mfa_recovery_codes", "staff.mfa_turn_off",  # besides admin-only POSTs
                 "staff.link_provider", "staff.unlink_provider"}


# --- sign-in, second step -------------------------------------------------------------------------


def begin_second_step(user: User, next_url: str | None) -> None:
    mfa_sign_in.begin_second_step(SIDE, user, next_url)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def sign_in_code():
    return mfa_sign_in.code_step(SIDE)


# --- the checks before every staff page -----------------------------------------------------------


def must_enrol(user: User) -> bool:
    return mfa.required_for(user) and not mfa.enrolled(user) and mfa_sign_in.signed_in_by_password()


def _needs_recent_sign_in(rule) -> bool:
    if request.method != "POST":
        return False
    return (request.endpoint in _NEEDS_RECENT or request.path.startswith("/staff/admin/")
            or rule.roles == frozenset({Role.ADMIN}))


@bp.before_request
def check_second_factor():
    """Runs after the access rule (an app-wide hook), so only signed-in staff get here."""
    rule = rule_for(current_app, request.endpoint)
    if rule is None or rule.roles is None or not current_user.is_authenticated:
        return None
    if request.endpoint not in _ENROLMENT_OPEN and must_enrol(current_user):
        return redirect(url_for("staff.mfa_setup"))
    if _needs_recent_sign_in(rule) and not mfa_sign_in.recent():
        return redirect(url_for("staff.confirm_identity", next=mfa_sign_in.page_to_return_to(url_for("staff.home"))))
    return None


# --- enrolment ------------------------------------------------------------------------------------


@bp.route("/account/2-step-verification/set-up", methods=["GET", "POST"])
@staff(*STAFF_ROLES)
def mfa_setup():
    user = current_user
    return mfa_sign_in.setup_page(SIDE, user, sign_out_url=url_for("staff.sign_out") if mfa.required_for(user) else None)


# --- your account ---------------------------------------------------------------------------------


@bp.get("/account")
@staff(*STAFF_ROLES)
def account():
    user = current_user
    provider = sso_flow.provider_for("staff")
    linked = sso.identities(user.id) if provider else []
    return render_template("staff/mfa/account.html", user=user, two_step=mfa_sign_in.account_status(user),
                           provider=provider, identities=linked, link_offered=sso.link_offered(user, provider, linked))


@bp.post("/account/2-step-verification/recovery-codes")
@staff(*STAFF_ROLES)
def mfa_recovery_codes():
    return mfa_sign_in.recovery_codes(SIDE, current_user)


@bp.route("/account/2-step-verification/turn-off", methods=["GET", "POST"])
@staff(*STAFF_ROLES)
def mfa_turn_off():
    return mfa_sign_in.turn_off_page(SIDE, current_user)


# --- confirm it's you -----------------------------------------------------------------------------


@bp.route("/confirm-its-you", methods=["GET", "POST"])
@staff(*STAFF_ROLES)
def confirm_identity():
    next_url = safe_next(request.args.get("next"), url_for("staff.home"))
    if not mfa_sign_in.signed_in_by_password():
        # Signed in through the council's identity provider: signing in there again is the proof.
        return render_template("staff/mfa/confirm_provider.html", next_url=next_url)
    return mfa_sign_in.confirm_identity_page(SIDE, current_user, next_url)
