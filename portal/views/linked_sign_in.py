"""A resident linking their account (they sign in with a password of ours) to the council's identity
provider, so they can sign in with it next time, and unlinking it again."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import bp
from portal.forms_account import LinkProviderForm
from shared.auth import sso_flow
from shared.auth.access import portal
from shared.auth.passwords import verify_password
from shared.domain.enums import Role

AUDIENCE = "residents"


@bp.route("/your-details/sign-in-with-provider", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def link_provider():
    """Confirm it's you (the password), then the provider signs them in afresh and we link the two."""
    user = current_user._get_current_object()
    config = sso_flow.link_wanted(AUDIENCE, user)
    if config is None:
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
    # The CSRF token is checked for every POST (CSRFProtect, shared/extensions.py).
    sso_flow.unlink_own(AUDIENCE, identity_id)
    return redirect(url_for("portal.your_details"))
