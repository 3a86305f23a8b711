"""Resident and councillor accounts: register, confirm, sign in and out (with a security code for
councillors who use 2-step verification, portal/views/councillor_mfa.py), reset a password, and a
councillor choosing their first password from an admin's invitation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal import bp
from portal.forms import ForgottenPasswordForm, RegisterForm, ResetPasswordForm, SignInForm
from portal.views import councillor_mfa
from shared.auth import mfa, sso_flow
from shared.auth.access import public
from shared.auth.sessions import end_session, start_session
from shared.domain.enums import PORTAL_ROLES, Role
from shared.services import accounts
from shared.web import invitations
from shared.web.redirects import safe_next


def _landing(user) -> str:
    # Each portal role lands on its own list: residents their cases, councillors their enquiries.
    return url_for("portal.your_cases") if user.role is Role.RESIDENT else url_for("portal.councillor_home")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    passwords = sso_flow.local_passwords("residents")
    form = SignInForm()
    if passwords and form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, roles=PORTAL_ROLES)
        except accounts.EmailNotConfirmed as unconfirmed:
            accounts.send_confirmation(unconfirmed.user, str(get_locale()))
            return redirect(url_for("portal.check_email", sent="confirm"))
        if user is not None and mfa.enrolled(user):  # a councillor who chose 2-step verification
            councillor_mfa.begin_second_step(user, request.args.get("next"))
            return redirect(url_for("portal.sign_in_code"))
        if user is not None:
            start_session(user)
            accounts.signed_in(user, method="password")
            return redirect(safe_next(request.args.get("next"), _landing(user)))
        form.failed()
        form.email.errors.append(_("Enter the email address and password for your account"))
    return render_template("portal/sign_in.html", form=form, passwords=passwords,
                           provider=sso_flow.provider_for("residents"))


@bp.get("/sign-in/oidc")
@public
def sign_in_oidc():
    return sso_flow.start("residents", "portal.oidc_callback")


@bp.get("/sign-in/oidc/callback")
@public
def oidc_callback():
    return sso_flow.finish("residents", "portal.oidc_callback", _landing)


@bp.post("/sign-out")
@public
def sign_out():
    return sso_flow.sign_out("portal.home", "portal.oidc_signed_out")


@bp.get("/signed-out/oidc")
@public
def oidc_signed_out():
    """Back from signing out at the identity provider (the address registered with it)."""
    return sso_flow.signed_out_at_provider("portal.home")


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if not sso_flow.local_passwords("residents"):
        abort(404)  # accounts come from the identity provider
    form = RegisterForm()
    if form.validate_on_submit():
        accounts.register_resident(form.email.data, form.full_name.data, form.password.data, str(get_locale()))
        return redirect(url_for("portal.check_email", sent="confirm"))
    return render_template("portal/register.html", form=form)


@bp.get("/check-your-email")
@public
def check_email():
    purpose = "reset" if request.args.get("sent") == "reset" else "confirm"
    return render_template("portal/check_email.html", purpose=purpose)


@bp.get("/confirm-email/<token>")
@public
def confirm_email(token: str):
    user = accounts.confirm_email(token)
    if user is None:
        return render_template("portal/link_expired.html", purpose="confirm"), 404
    flash(_("Your email address is confirmed. You can now sign in."))
    return redirect(url_for("portal.sign_in"))


@bp.route("/forgotten-password", methods=["GET", "POST"])
@public
def forgotten_password():
    if not (sso_flow.local_passwords("residents") or sso_flow.local_passwords("staff")):
        abort(404)
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, str(get_locale()))
        return redirect(url_for("portal.check_email", sent="reset"))
    return render_template("portal/forgotten_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = accounts.user_for_reset_token(token)
    if user is not None and not sso_flow.local_passwords("staff" if user.is_staff else "residents"):
        user = None  # this side signs in through its identity provider only
    if user is None:
        return render_template("portal/link_expired.html", purpose="reset"), 404
    finishing = not user.has_account  # a guest's record, or a closed account, becoming an account
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(user, form.password.data)
        if current_user.is_authenticated:
            end_session()
        if finishing and user.is_staff:  # a first admin set up by `redress init`, say
            flash(_("Your account is ready. Sign in to the back office with your new password."))
        elif finishing:
            flash(_("Your account is ready. Sign in to see your cases."))
        else:
            flash(_("Your password has been changed. Sign in with your new password."))
        return redirect(url_for("staff.sign_in" if user.is_staff else "portal.sign_in"))
    return render_template("portal/reset_password.html", form=form, finishing=finishing, staff_account=user.is_staff)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """An admin invited this person: they choose their password here, then sign in."""
    return invitations.accept(token, staff=False, sign_in_endpoint="portal.sign_in")
