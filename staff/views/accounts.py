"""Staff sign-in and sign-out: local passwords (with a security code for those using 2-step
verification, staff/views/mfa.py) and, where configured, the council's identity provider;
choosing a first password from an admin's invitation."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth import mfa, sso_flow
from shared.auth.access import public
from shared.auth.sessions import start_session
from shared.domain.enums import STAFF_ROLES
from shared.services import accounts
from shared.services import mfa as mfa_service
from shared.web import invitations
from shared.web.redirects import safe_next
from staff import bp
from staff.forms import StaffSignInForm
from staff.views import mfa as staff_mfa


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    passwords = sso_flow.local_passwords("staff")
    form = StaffSignInForm()
    if passwords and form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, roles=STAFF_ROLES)
        except accounts.EmailNotConfirmed:
            user = None  # staff accounts are created confirmed; an unconfirmed one is not staff
        if user is not None and mfa.enrolled(user):
            staff_mfa.begin_second_step(user, request.args.get("next"))
            return redirect(url_for("staff.sign_in_code"))
        if user is not None:
            mfa_service.password_entered(user)
            start_session(user)
            mfa_service.record_sign_in(user, None)
            return redirect(safe_next(request.args.get("next"), url_for("staff.home")))
        form.failed()
        form.email.errors.append(_("Enter the email address and password for your staff account"))
    return render_template("staff/sign_in.html", form=form, passwords=passwords, provider=sso_flow.provider_for("staff"))


@bp.get("/sign-in/oidc")
@public
def sign_in_oidc():
    return sso_flow.start("staff", "staff.oidc_callback")


@bp.get("/sign-in/oidc/callback")
@public
def oidc_callback():
    return sso_flow.finish("staff", "staff.oidc_callback", lambda _user: url_for("staff.home"))


@bp.post("/sign-out")
@public
def sign_out():
    return sso_flow.sign_out("staff.sign_in", "staff.oidc_signed_out")


@bp.get("/signed-out/oidc")
@public
def oidc_signed_out():
    """Back from signing out at the identity provider (the address registered with it)."""
    return sso_flow.signed_out_at_provider("staff.sign_in")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """An admin invited this person: they choose their password here, then sign in."""
    return invitations.accept(token, staff=True, sign_in_endpoint="staff.sign_in")
