"""A councillor's account (`/councillor/account`) and their optional 2-step verification: setting it
up, new recovery codes, turning it off, "confirm it's you" before those changes, and the portal
sign-in's code step. The pages are the staff ones (shared/web/mfa_sign_in.py); only the routes and
the account page are the portal's."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from portal import bp
from shared.auth.access import portal, public, rule_for
from shared.domain.enums import Role
from shared.models import User
from shared.web import mfa_sign_in
from shared.web.redirects import safe_next


def _landing(user: User) -> str:
    return url_for("portal.councillor_home") if user.role is Role.COUNCILLOR else url_for("portal.your_cases")


SIDE = mfa_sign_in.Side("portal", sign_in="portal.sign_in", account="portal.councillor_account",
                        home=_landing)
# Changing how they sign in needs a sign-in within REDRESS_REAUTH_MINUTES. Setting it up does too, here
# (unlike staff, who set it up straight after signing in): a borrowed session must not be able to
# lock the councillor out of their own account.
_NEEDS_RECENT = {"portal.councillor_mfa_setup", "portal.councillor_mfa_recovery_codes",
                 "portal.councillor_mfa_turn_off"}


def _user() -> User:
    return current_user._get_current_object()


def begin_second_step(user: User, next_url: str | None) -> None:
    mfa_sign_in.begin_second_step(SIDE, user, next_url)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def sign_in_code():
    return mfa_sign_in.code_step(SIDE)


@bp.before_request
def check_recent_sign_in():
    """Runs after the access rule (an app-wide hook), so only signed-in councillors reach these."""
    if request.method != "POST" or request.endpoint not in _NEEDS_RECENT or not current_user.is_authenticated:
        return None
    rule = rule_for(current_app, request.endpoint)
    if rule is None or current_user.role not in (rule.roles or ()):
        return None  # the access rule answers
    if not mfa_sign_in.recent():
        return redirect(url_for("portal.councillor_confirm_identity",
                                next=mfa_sign_in.page_to_return_to(url_for("portal.councillor_account"))))
    return None


@bp.get("/councillor/account")
@portal(Role.COUNCILLOR)
def councillor_account():
    user = _user()
    return render_template("portal/councillor/account.html", user=user, two_step=mfa_sign_in.account_status(user))


@bp.route("/councillor/account/2-step-verification/set-up", methods=["GET", "POST"])
@portal(Role.COUNCILLOR)
def councillor_mfa_setup():
    return mfa_sign_in.setup_page(SIDE, _user())


@bp.post("/councillor/account/2-step-verification/recovery-codes")
@portal(Role.COUNCILLOR)
def councillor_mfa_recovery_codes():
    return mfa_sign_in.recovery_codes(SIDE, _user())


@bp.route("/councillor/account/2-step-verification/turn-off", methods=["GET", "POST"])
@portal(Role.COUNCILLOR)
def councillor_mfa_turn_off():
    return mfa_sign_in.turn_off_page(SIDE, _user())


@bp.route("/councillor/confirm-its-you", methods=["GET", "POST"])
@portal(Role.COUNCILLOR)
def councillor_confirm_identity():
    user = _user()
    if user.password_hash is None:
        abort(404)  # nothing here asks it of someone without a password of ours
    next_url = safe_next(request.args.get("next"), url_for("portal.councillor_account"))
    return mfa_sign_in.confirm_identity_page(SIDE, user, next_url)
