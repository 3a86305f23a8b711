"""Staff 2-step verification: the sign-in's second step, enrolment, your own account's page (new
recovery codes, turning it off where allowed), "confirm it's you" before admin actions, and the
checks that keep half-signed-in and unenrolled people out of staff pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from shared.auth import mfa, sso_flow
from shared.auth.access import public, rule_for, staff
from shared.auth.passwords import verify_password
from shared.auth.sessions import end_session, renew_session, start_session
from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import STAFF_ROLES, Role
from shared.models import User
from shared.services import audit, council, sso
from shared.services import mfa as mfa_service
from shared.web import ratelimits
from shared.web.redirects import safe_next
from staff import bp
from staff.forms_mfa import ConfirmIdentityForm, EnrolmentForm, SecurityCodeForm
from staff.forms_users import ButtonForm

PENDING = "mfa_pending"  # in the cookie session between the password and the code: who, since when, where to
PENDING_FOR = timedelta(minutes=5)
_ENROLMENT_OPEN = {"staff.mfa_setup", "staff.sign_out"}  # all someone who must enrol may reach
_NEEDS_RECENT = {"staff.mfa_recovery_codes", "staff.mfa_turn_off",  # besides admin-only POSTs
                 "staff.link_provider", "staff.unlink_provider"}


# --- sign-in, second step -------------------------------------------------------------------------


def begin_second_step(user: User, next_url: str | None) -> None:
    """The password was right and they use 2-step verification: remember who, not yet signed in."""
    mfa_service.password_entered(user)
    session[PENDING] = {"user_id": user.id, "at": utcnow().timestamp(), "next": safe_next(next_url, "") or None}


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING) or {}
    if not pending or utcnow().timestamp() - pending.get("at", 0) > PENDING_FOR.total_seconds():
        return None, {}
    user = db.session.get(User, pending.get("user_id"))
    if user is None or not user.is_active or not mfa.enrolled(user):
        return None, {}
    return user, pending


def _start_again(message: str):
    session.pop(PENDING, None)
    flash(message)
    return redirect(url_for("staff.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def sign_in_code():
    user, pending = _pending_user()
    if user is None:
        return _start_again(_("Your sign-in timed out. Sign in again."))
    if mfa_service.locked_out(user):
        return _start_again(_("You entered a wrong security code too many times. Sign in again."))
    form = SecurityCodeForm()
    form.rate_limits = ratelimits.mfa_code(user.id)
    if form.validate_on_submit():
        used = mfa_service.check_code(user, form.code.data, purpose="sign_in")
        if used is not None:
            start_session(user)
            mfa_service.record_sign_in(user, used)
            if used == mfa_service.RECOVERY_CODE:
                _flash_codes_left(user)
            return redirect(safe_next(pending.get("next"), url_for("staff.home")))
        form.failed()
        if mfa_service.locked_out(user):
            return _start_again(_("You entered a wrong security code too many times. Sign in again."))
        form.code.errors.append(_("The security code is not right: enter the newest code from your app, "
                                  "or a recovery code you have not used"))
    return render_template("staff/mfa/code.html", form=form)


def _flash_codes_left(user: User) -> None:
    left = mfa_service.recovery_codes_left(user)
    flash(ngettext("You used a recovery code. You have %(num)s left.",
                   "You used a recovery code. You have %(num)s left.", left))
    if left <= 3:
        flash(_("Make new recovery codes from your account page before you run out."))


# --- the checks before every staff page -----------------------------------------------------------


def _signed_in_by_password() -> bool:
    """Not through the identity provider (sessions from before the method was recorded count as
    passwords: they are held to the same rules)."""
    user_session = g.get("user_session")
    return user_session is not None and user_session.auth_method != "oidc"


def must_enrol(user: User) -> bool:
    return mfa.required_for(user) and not mfa.enrolled(user) and _signed_in_by_password()


def _recent() -> bool:
    user_session = g.get("user_session")
    at = user_session.authenticated_at if user_session is not None else None
    return at is not None and utcnow() - at <= timedelta(minutes=current_app.config["REAUTH_MINUTES"])


def _needs_recent_sign_in(rule) -> bool:
    if request.method != "POST":
        return False
    return (request.endpoint in _NEEDS_RECENT or request.path.startswith("/staff/admin/")
            or rule.roles == frozenset({Role.ADMIN}))


def _page_to_return_to() -> str:
    """Where to come back to after confirming: the form's own page if it has one, else the page
    the button was on (when it is one of ours), else the back office's home."""
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""), url_for("staff.home"))
    return url_for("staff.home")


@bp.before_request
def check_second_factor():
    """Runs after the access rule (an app-wide hook), so only signed-in staff get here."""
    rule = rule_for(current_app, request.endpoint)
    if rule is None or rule.roles is None or not current_user.is_authenticated:
        return None
    if request.endpoint not in _ENROLMENT_OPEN and must_enrol(current_user):
        return redirect(url_for("staff.mfa_setup"))
    if _needs_recent_sign_in(rule) and not _recent():
        return redirect(url_for("staff.confirm_identity", next=_page_to_return_to()))
    return None


# --- enrolment ------------------------------------------------------------------------------------


@bp.route("/account/2-step-verification/set-up", methods=["GET", "POST"])
@staff(*STAFF_ROLES)
def mfa_setup():
    user = current_user
    if mfa.enrolled(user):
        return redirect(url_for("staff.account"))
    if not mfa.offered_to(user):
        abort(404)
    secret = mfa_service.pending_secret(user)
    form = EnrolmentForm()
    form.rate_limits = ratelimits.mfa_code(user.id)
    if form.validate_on_submit():
        codes = mfa_service.confirm_enrolment(user, form.code.data)
        if codes is not None:
            renew_session(user, everywhere=True)  # a sign-in factor changed: other sessions end
            return render_template("staff/mfa/recovery_codes.html", codes=codes, first=True)
        form.failed()
        form.code.errors.append(_("The code is not right: enter the newest code your app shows for Redress"))
    uri = mfa.provisioning_uri(secret, user.email or str(user.id), council.council().name)
    return render_template("staff/mfa/setup.html", form=form, qr_code=mfa.qr_code(uri), secret=mfa.spaced(secret),
                           required=mfa.required_for(user)), 400 if form.is_submitted() else 200


# --- your account ---------------------------------------------------------------------------------


@bp.get("/account")
@staff(*STAFF_ROLES)
def account():
    user = current_user
    provider = sso_flow.provider_for("staff")
    linked = sso.identities(user.id) if provider else []
    return render_template("staff/mfa/account.html", user=user, enrolled=mfa.enrolled(user),
                           offered=mfa.offered_to(user), required=mfa.required_for(user),
                           codes_left=mfa_service.recovery_codes_left(user) if mfa.enrolled(user) else 0,
                           by_provider=not _signed_in_by_password(), provider=provider, identities=linked,
                           link_offered=sso.can_link(user, provider) and not any(
                               identity.issuer == provider.issuer for identity in linked))


@bp.post("/account/2-step-verification/recovery-codes")
@staff(*STAFF_ROLES)
def mfa_recovery_codes():
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    if not mfa.enrolled(current_user):
        return redirect(url_for("staff.account"))
    codes = mfa_service.new_recovery_codes(current_user)
    renew_session(current_user, everywhere=True)
    return render_template("staff/mfa/recovery_codes.html", codes=codes, first=False)


@bp.route("/account/2-step-verification/turn-off", methods=["GET", "POST"])
@staff(*STAFF_ROLES)
def mfa_turn_off():
    if not mfa.enrolled(current_user) or mfa.required_for(current_user):
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        mfa_service.turn_off(current_user)
        renew_session(current_user, everywhere=True)
        flash(_("2-step verification is off. You sign in with your password alone."))
        return redirect(url_for("staff.account"))
    return render_template("staff/mfa/turn_off.html", form=form)


# --- confirm it's you -----------------------------------------------------------------------------


@bp.route("/confirm-its-you", methods=["GET", "POST"])
@staff(*STAFF_ROLES)
def confirm_identity():
    user = current_user
    next_url = safe_next(request.args.get("next"), url_for("staff.home"))
    if not _signed_in_by_password():
        # Signed in through the council's identity provider: signing in there again is the proof.
        return render_template("staff/mfa/confirm_provider.html", next_url=next_url)
    form = ConfirmIdentityForm()
    if not mfa.enrolled(user):
        form.without_code()
    form.rate_limits = ratelimits.mfa_code(user.id)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data):
            user.mfa_failures += 1
            audit.record("user.confirm_failed", actor=user, subject_type="user", subject_id=user.id,
                         person_id=user.id, failures=user.mfa_failures)
            form.password.errors.append(_("The password is not right"))
            form.failed()
        elif "code" in form and mfa_service.check_code(user, form.code.data, purpose="confirm") is None:
            form.failed()
            form.code.errors.append(_("The security code is not right: enter the newest code from your app, "
                                      "or a recovery code you have not used"))
        else:
            user.mfa_failures = 0
            renew_session(user)  # a new token, recently signed in (ASVS 7.2.4)
            audit.record("user.identity_confirmed", actor=user, subject_type="user", subject_id=user.id,
                         person_id=user.id)
            return redirect(next_url)
        if mfa_service.locked_out(user):
            end_session()
            flash(_("You entered wrong details too many times, so you have been signed out. Sign in again."))
            return redirect(url_for("staff.sign_in"))
    return render_template("staff/mfa/confirm.html", form=form, minutes=current_app.config["REAUTH_MINUTES"])
