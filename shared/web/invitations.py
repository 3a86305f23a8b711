"""The page an invited person chooses their first password on, for either side (the portal's
councillors, the back office's staff): the views differ only in which side's link and sign-in."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.sessions import end_session
from shared.services import accounts
from shared.web.forms import ChoosePasswordForm


def accept(token: str, *, staff: bool, sign_in_endpoint: str):
    """An admin invited this person: they choose their password here, then sign in."""
    user = accounts.user_for_invitation(token, staff=staff)
    if user is None:
        return render_template("shared/invitation_expired.html", sign_in_url=url_for(sign_in_endpoint)), 404
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        accounts.accept_invitation(user, form.password.data)
        if current_user.is_authenticated:
            end_session()  # someone else was signed in on this browser
        flash(_("Your password is set. Sign in with your email address and the password you chose."))
        return redirect(url_for(sign_in_endpoint))
    return render_template("shared/accept_invitation.html", form=form, user=user)
