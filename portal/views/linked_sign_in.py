"""A resident linking their account (they sign in with a password of ours) to the council's identity
provider, so they can sign in with it next time, and unlinking it again."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import bp
from portal.forms_account import LinkProviderForm
from shared.auth import sso_flow
from shared.auth.access import portal
from shared.auth.passwords import verify_password
from shared.auth.sessions import current_session
from shared.domain.enums import Role
from shared.services import sso

AUDIENCE = "residents"


def _user():
    return current_user._get_current_object()


@bp.route("/your-details/sign-in-with-provider", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def link_provider():
    """Confirm it's you (the password), then the provider signs them in afresh and we link the two."""
    user, config = _user(), sso_flow.provider_for(AUDIENCE)
    if not sso.can_link(user, config):
        abort(404)
    if any(identity.issuer == config.issuer for identity in sso.identities(user.id)):
        return redirect(url_for("portal.your_details"))
    form = LinkProviderForm()
    if form.validate_on_submit():
        if verify_password(user.password_hash, form.password.data):
            return sso_flow.start_link(AUDIENCE, "portal.oidc_callback", user, url_for("portal.your_details"))
        form.failed()
        form.password.errors.append(_("The password you entered is not correct"))
    return render_template("portal/account/link_provider.html", form=form, provider=config.name)


@bp.post("/your-details/sign-in-with-provider/<int:identity_id>/unlink")
@portal(Role.RESIDENT)
def unlink_provider(identity_id: int):
    user = _user()  # the CSRF token is checked for every POST (CSRFProtect, shared/extensions.py)
    if user.password_hash is None:
        abort(404)  # not offered: it is the only way they sign in
    this_browser = current_session()
    if sso.unlink(user, user, identity_id, keep_session=this_browser.id if this_browser else None) is None:
        abort(404)
    config = sso_flow.provider_for(AUDIENCE)
    flash(_("Your account is no longer linked to %(name)s. Sign in with your email address and password.",
            name=config.name if config else _("the identity provider")))
    return redirect(url_for("portal.your_details"))
