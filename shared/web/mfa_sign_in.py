"""2-step verification's pages, the same for staff and councillors: the sign-in's second step (a
5-minute note in the cookie, never a session, until the code is given), setting it up, new recovery
codes, turning it off, and "confirm it's you". staff/views/mfa.py and portal/views/councillor_mfa.py
route to these with their own endpoints (a `Side`); the rules themselves live in shared/auth/mfa.py
and shared/services/mfa.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from shared.auth import mfa
from shared.auth.passwords import verify_password
from shared.auth.sessions import end_session, renew_session, start_session
from shared.clock import utcnow
from shared.db import db
from shared.models import User
from shared.services import audit, council
from shared.services import mfa as mfa_service
from shared.web import ratelimits
from shared.web.forms import ButtonForm
from shared.web.forms_mfa import ConfirmIdentityForm, EnrolmentForm, SecurityCodeForm
from shared.web.redirects import safe_next

PENDING = "mfa_pending"  # in the cookie session between the password and the code: who, since when, where to
PENDING_FOR = timedelta(minutes=5)


@dataclass(frozen=True)
class Side:
    """Where one side's pages are: "staff" (the back office) or "portal" (councillors)."""

    name: str
    sign_in: str  # endpoints
    account: str
    home: Callable[[User], str]  # where a finished sign-in lands, as a URL

    @property
    def for_staff(self) -> bool:
        """The pages' wording: "an administrator" or "the council's complaints team"."""
        return self.name == "staff"


# --- sign-in, second step -------------------------------------------------------------------------


def begin_second_step(side: Side, user: User, next_url: str | None) -> None:
    """The password was right and they use 2-step verification: remember who, not yet signed in."""
    mfa_service.password_entered(user)
    session[PENDING] = {"user_id": user.id, "at": utcnow().timestamp(), "side": side.name,
                        "next": safe_next(next_url, "") or None}


def _pending_user(side: Side) -> tuple[User | None, dict]:
    pending = session.get(PENDING) or {}
    if not pending or utcnow().timestamp() - pending.get("at", 0) > PENDING_FOR.total_seconds():
        return None, {}
    if pending.get("side", "staff") != side.name:  # a password given on the other side's sign-in
        return None, {}
    user = db.session.get(User, pending.get("user_id"))
    if user is None or not user.is_active or not mfa.enrolled(user):
        return None, {}
    return user, pending


def _start_again(side: Side, message: str):
    session.pop(PENDING, None)
    flash(message)
    return redirect(url_for(side.sign_in))


def code_step(side: Side):
    """The page asking for the code after the password; a session only once it is right."""
    user, pending = _pending_user(side)
    if user is None:
        return _start_again(side, _("Your sign-in timed out. Sign in again."))
    if mfa_service.locked_out(user):
        return _start_again(side, _("You entered a wrong security code too many times. Sign in again."))
    form = SecurityCodeForm()
    form.rate_limits = ratelimits.mfa_code(user.id)
    if form.validate_on_submit():
        used = mfa_service.check_code(user, form.code.data, purpose="sign_in")
        if used is not None:
            session.pop(PENDING, None)
            start_session(user)
            mfa_service.record_sign_in(user, used)
            if used == mfa_service.RECOVERY_CODE:
                _flash_codes_left(user)
            return redirect(safe_next(pending.get("next"), side.home(user)))
        form.failed()
        if mfa_service.locked_out(user):
            return _start_again(side, _("You entered a wrong security code too many times. Sign in again."))
        form.code.errors.append(_("The security code is not right: enter the newest code from your app, "
                                  "or a recovery code you have not used"))
    return render_template("shared/mfa/code.html", form=form, sign_in_url=url_for(side.sign_in),
                           for_staff=side.for_staff)


def _flash_codes_left(user: User) -> None:
    left = mfa_service.recovery_codes_left(user)
    flash(ngettext("You used a recovery code. You have %(num)s left.",
                   "You used a recovery code. You have %(num)s left.", left))
    if left <= 3:
        flash(_("Make new recovery codes from your account page before you run out."))


# --- how and when this session was signed in ------------------------------------------------------


def signed_in_by_password() -> bool:
    """Not through the identity provider (sessions from before the method was recorded count as
    passwords: they are held to the same rules)."""
    user_session = g.get("user_session")
    return user_session is not None and user_session.auth_method != "oidc"


def recent() -> bool:
    """Signed in (or confirmed it's them) within REDRESS_REAUTH_MINUTES."""
    user_session = g.get("user_session")
    at = user_session.authenticated_at if user_session is not None else None
    return at is not None and utcnow() - at <= timedelta(minutes=current_app.config["REAUTH_MINUTES"])


def page_to_return_to(default: str) -> str:
    """Where to come back to after confirming: the form's own page if it has one, else the page
    the button was on (when it is one of ours), else `default`."""
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""), default)
    return default


# --- your account's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountStatus:
    """What the account page's 2-step verification section (shared/components/two_step.html) shows."""

    enrolled: bool
    offered: bool
    required: bool
    codes_left: int
    by_provider: bool


def account_status(user: User) -> AccountStatus:
    enrolled = mfa.enrolled(user)
    return AccountStatus(enrolled=enrolled, offered=mfa.offered_to(user), required=mfa.required_for(user),
                         codes_left=mfa_service.recovery_codes_left(user) if enrolled else 0,
                         by_provider=not signed_in_by_password())


# --- setting up, new recovery codes, turning off --------------------------------------------------


def setup_page(side: Side, user: User, *, sign_out_url: str | None = None):
    """Their own set-up: the QR code and the key typed out, confirmed with a code; then the recovery
    codes, once. `sign_out_url` is offered instead of "Cancel" where they must set it up now."""
    if mfa.enrolled(user):
        return redirect(url_for(side.account))  # the key is never shown again
    if not mfa.offered_to(user):
        abort(404)
    secret = mfa_service.pending_secret(user)
    form = EnrolmentForm()
    form.rate_limits = ratelimits.mfa_code(user.id)
    if form.validate_on_submit():
        codes = mfa_service.confirm_enrolment(user, form.code.data)
        if codes is not None:
            renew_session(user, everywhere=True)  # a sign-in factor changed: other sessions end
            return _codes_page(side, user, codes, first=True)
        form.failed()
        form.code.errors.append(_("The code is not right: enter the newest code your app shows for Redress"))
    uri = mfa.provisioning_uri(secret, user.email or str(user.id), council.council().name)
    return render_template("shared/mfa/setup.html", form=form, qr_code=mfa.qr_code(uri), secret=mfa.spaced(secret),
                           required=mfa.required_for(user), sign_out_url=sign_out_url,
                           account_url=url_for(side.account)), 400 if form.is_submitted() else 200


def _codes_page(side: Side, user: User, codes: list[str], *, first: bool):
    return render_template("shared/mfa/recovery_codes.html", codes=codes, first=first,
                           continue_url=side.home(user))


def recovery_codes(side: Side, user: User):
    """A fresh set of recovery codes, shown once (a POST: the button on the account page)."""
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    if not mfa.enrolled(user):
        return redirect(url_for(side.account))
    codes = mfa_service.new_recovery_codes(user)
    renew_session(user, everywhere=True)
    return _codes_page(side, user, codes, first=False)


def turn_off_page(side: Side, user: User):
    """Only for someone using it of whom it is not required: for anyone else there is no such page."""
    if not mfa.enrolled(user) or mfa.required_for(user):
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        mfa_service.turn_off(user)
        renew_session(user, everywhere=True)
        flash(_("2-step verification is off. You sign in with your password alone."))
        return redirect(url_for(side.account))
    return render_template("shared/mfa/turn_off.html", form=form, account_url=url_for(side.account))


# --- confirm it's you -----------------------------------------------------------------------------


def confirm_identity_page(side: Side, user: User, next_url: str):
    """The password again (and the code, once they use 2-step verification); five wrong tries sign
    them out. For password sign-ins: provider sign-ins confirm at the provider (staff only)."""
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
            return redirect(url_for(side.sign_in))
    return render_template("shared/mfa/confirm.html", form=form, minutes=current_app.config["REAUTH_MINUTES"])
