"""A member of staff on a password of ours linking their account to the council's identity provider,
so they can sign in with it next time, and unlinking it; an admin unlinking someone's. Each POST
here needs a recent sign-in ("confirm it's you", staff/views/mfa.py) before it runs."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth import sso_flow
from shared.auth.access import staff
from shared.domain.enums import STAFF_ROLES, Role
from shared.services import sso, user_admin
from staff import bp

AUDIENCE = "staff"


@bp.post("/account/sign-in-with-provider")
@staff(*STAFF_ROLES)
def link_provider():
    user = current_user._get_current_object()
    if sso_flow.link_wanted(AUDIENCE, user) is None:
        return redirect(url_for("staff.account"))
    return sso_flow.start_link(AUDIENCE, "staff.oidc_callback", user, url_for("staff.account"))


@bp.post("/account/sign-in-with-provider/<int:identity_id>/unlink")
@staff(*STAFF_ROLES)
def unlink_provider(identity_id: int):
    sso_flow.unlink_own(AUDIENCE, identity_id)
    return redirect(url_for("staff.account"))


@bp.post("/admin/users/<int:user_id>/identities/<int:identity_id>/unlink")
@staff(Role.ADMIN)
def user_identity_unlink(user_id: int, identity_id: int):
    """For a provider account linked by mistake, or no longer theirs. Not for someone who signs in only
    through it (they would be locked out: disable the account instead)."""
    person = user_admin.get(user_id)
    if person is None:
        abort(404)
    provider = sso_flow.provider_name(AUDIENCE)
    try:
        unlinked = sso.unlink(current_user._get_current_object(), person, identity_id)
    except sso.UnlinkRefused:
        flash(_("%(name)s signs in only through %(provider)s, so it cannot be unlinked: they could not sign in at "
                "all. To stop them signing in, disable the account.", name=person.full_name, provider=provider))
        return redirect(url_for("staff.user", user_id=person.id))
    if unlinked is None:
        abort(404)
    flash(_("%(name)s’s account is no longer linked to %(provider)s.", name=person.full_name, provider=provider))
    return redirect(url_for("staff.user", user_id=person.id))
