"""The requests of an OpenID Connect sign-in, shared by the portal's and the back office's views:
send the browser to the provider, then take it back, check everything and start a session; and on
signing out, end our session and then send the browser to the provider to end its own."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth import oidc
from shared.auth.sessions import current_session, end_session, provider_id_token, start_session
from shared.config import OidcSettings
from shared.services import accounts, audit, sso
from shared.web.links import absolute_url
from shared.web.redirects import safe_next

_KEEP = 3  # sign-ins started in other tabs that may still come back


def provider_for(audience: str) -> OidcSettings | None:
    return current_app.config.get("OIDC", {}).get(audience)


def local_passwords(audience: str) -> bool:
    return current_app.config.get("LOCAL_PASSWORDS", {}).get(audience, True)


def _key(audience: str) -> str:
    return f"oidc:{audience}"


def start(audience: str, callback_endpoint: str) -> Response | tuple[str, int]:
    next_url = safe_next(request.args.get("next"), "") or None
    reauth = request.args.get("reauth") == "1"  # "confirm it's you" for someone signed in through the provider
    return _start(audience, callback_endpoint, next_url, reauth=reauth)


def leave_for_provider(audience: str, url: str, purpose: str) -> Response:
    """Send the browser to the provider from a form's answer. Not a redirect: a form's redirect to
    another site is blocked by our own `form-action 'self'`. An immediate refresh (WCAG G110) is a
    navigation, not a form's, and the page's link does the same for a browser that ignores it."""
    config = provider_for(audience)
    page = render_template("shared/leaving_for_provider.html", url=url, purpose=purpose,
                           provider=config.name if config else "")
    return Response(page, 200, {"Refresh": f"0; url={url}"})


def start_link(audience: str, callback_endpoint: str, user, back_to: str) -> Response | tuple[str, int]:
    """Send a signed-in person (who has just confirmed it is them) to the provider to link their
    account of ours to theirs there. The normal code flow, asking the provider to sign them in
    afresh (so whoever is at the keyboard proves they hold that account now, not earlier); it comes
    back to the same callback, which attaches rather than signs in. Started from a form (POST)."""
    response = _start(audience, callback_endpoint, back_to, reauth=True, link_user_id=user.id)
    if isinstance(response, tuple):
        return response  # the provider cannot be reached: its page says so
    return leave_for_provider(audience, response.location, "link")


def _start(audience: str, callback_endpoint: str, next_url: str | None, *, reauth: bool,
           link_user_id: int | None = None) -> Response | tuple[str, int]:
    config = provider_for(audience)
    if config is None:
        abort(404)
    try:
        url, pending = oidc.begin(config, absolute_url(callback_endpoint), next_url, reauth=reauth,
                                  link_user_id=link_user_id)
    except oidc.OidcError as error:
        current_app.logger.warning("OIDC sign-in (%s) could not start: %s", audience, error.reason)
        return problem(audience, config, "unavailable", 503)
    waiting = dict(session.get(_key(audience), {}))
    waiting[pending.state] = pending.to_dict()
    session[_key(audience)] = dict(sorted(waiting.items(), key=lambda item: item[1]["started_at"])[-_KEEP:])
    return redirect(url)


def problem(audience: str, config: OidcSettings | None, kind: str, status: int, **details) -> tuple[str, int]:
    return render_template("shared/sign_in_problem.html", audience=audience, kind=kind,
                           provider=config.name if config else "", passwords=local_passwords(audience),
                           **details), status


def finish(audience: str, callback_endpoint: str, landing: Callable[[object], str]) -> Response | tuple[str, int]:
    config = provider_for(audience)
    if config is None:
        abort(404)
    waiting = dict(session.get(_key(audience), {}))
    state = request.args.get("state", "")
    stored = waiting.pop(state, None) if state else None
    session[_key(audience)] = waiting  # each state is good for one return only
    if stored is None:
        current_app.logger.warning("OIDC callback (%s) with %s state", audience, "an unknown" if state else "no")
        return problem(audience, config, "expired", 400)
    pending = oidc.Pending.from_dict(stored)
    if pending.expired:
        current_app.logger.warning("OIDC callback (%s) after the sign-in expired", audience)
        return problem(audience, config, "expired", 400)
    if request.args.get("error"):
        current_app.logger.info("OIDC provider (%s) answered %s", audience, request.args.get("error")[:100])
        return problem(audience, config, "cancelled", 400)
    code = request.args.get("code", "")
    if not code:
        return problem(audience, config, "failed", 400)
    try:
        claims, id_token = oidc.complete(config, pending, code=code, redirect_uri=absolute_url(callback_endpoint),
                               returned_issuer=request.args.get("iss"))
    except oidc.OidcError as error:
        current_app.logger.warning("OIDC sign-in (%s) refused: %s", audience, error.reason)
        return problem(audience, config, "failed", 400)
    if pending.link_user_id is not None:
        return _linked(audience, config, pending, claims)
    try:
        user = sso.user_for_sign_in(config, claims)
    except sso.SignInRefused as refused:
        current_app.logger.warning("OIDC sign-in (%s) not let in: %s", audience, refused)
        return problem(audience, config, refused.kind, 403, email=claims.get("email"))
    start_session(user, method="oidc", id_token=id_token)
    sso.record_sign_in(user, config)
    if pending.reauth:
        audit.record("user.identity_confirmed", actor=user, subject_type="user", subject_id=user.id,
                     person_id=user.id, method="oidc")
    return redirect(safe_next(pending.next_url, landing(user)))


def _linked(audience: str, config: OidcSettings, pending: oidc.Pending, claims: dict):
    """The return of a link started from someone's account page: still the same person signed in
    here, the provider's account attached to theirs (refused with its own page if it is someone else's)."""
    if not current_user.is_authenticated or current_user.id != pending.link_user_id:
        current_app.logger.warning("OIDC link (%s) came back to a browser no longer signed in as its user", audience)
        return problem(audience, config, "expired", 400)
    user = current_user._get_current_object()
    try:
        sso.link(user, config, claims)
    except sso.SignInRefused as refused:
        current_app.logger.warning("OIDC link (%s) refused: %s", audience, refused)
        return problem(audience, config, refused.kind, 403, email=claims.get("email"), linking=True)
    flash(_("Your account is linked to %(name)s. You can sign in with %(name)s next time.", name=config.name))
    return redirect(safe_next(pending.next_url, "/"))


# --- linking and unlinking from a person's own account page ---------------------------------------


def provider_name(audience: str) -> str:
    """This side's provider's name for a sentence, or a general one where none is configured now."""
    config = provider_for(audience)
    return config.name if config else _("the identity provider")


def link_wanted(audience: str, user) -> OidcSettings | None:
    """This side's provider, for someone asking to link their account to it; None when theirs is
    linked there already (their account page says so). 404 where linking is not offered them."""
    config = provider_for(audience)
    if not sso.can_link(user, config):
        abort(404)
    return None if sso.linked_to(sso.identities(user.id), config) else config


def unlink_own(audience: str, identity_id: int) -> None:
    """The signed-in person unlinking one of their provider accounts, told so in a flash. 404 if it
    is not theirs, or they have no password of ours (it is the only way they sign in). This browser
    stays signed in; their other sessions signed in through a provider end."""
    user = current_user._get_current_object()
    if user.password_hash is None:
        abort(404)
    this_browser = current_session()
    if sso.unlink(user, user, identity_id, keep_session=this_browser.id if this_browser else None) is None:
        abort(404)
    flash(_("Your account is no longer linked to %(name)s. Sign in with your email address and password.",
            name=provider_name(audience)))


# --- signing out --------------------------------------------------------------------------------

_SIGNING_OUT = "oidc:signing-out"  # in the cookie while the provider signs them out: our state, when


def sign_out(home_endpoint: str, return_endpoint: str) -> Response:
    """End this browser's session (as always, first), then, for someone who signed in through a
    provider with an end_session_endpoint, send the browser there to end the provider's session
    too; it comes back to `return_endpoint` at our configured base URL (never the Host header)."""
    away = None
    if current_user.is_authenticated:
        accounts.signed_out(current_user)
        away = _provider_sign_out(current_user, return_endpoint)
        end_session()
    if away is not None:
        url, state, audience = away
        session[_SIGNING_OUT] = {"state": state, "at": time.time(), "audience": audience}
        return leave_for_provider(audience, url, "sign_out")
    flash(_("You have signed out."))
    return redirect(url_for(home_endpoint))


def _provider_sign_out(user, return_endpoint: str) -> tuple[str, str, str] | None:
    user_session = current_session()
    if user_session is None or user_session.auth_method != "oidc":
        return None
    id_token = provider_id_token(user_session)
    # The provider of the side the account belongs to, whichever sign-out button was pressed.
    audience = "staff" if user.is_staff else "residents"
    config = provider_for(audience)
    if not id_token or config is None:
        return None
    state = secrets.token_urlsafe(32)
    try:
        url = oidc.logout_url(config, id_token, absolute_url(return_endpoint), state)
    except oidc.OidcError as error:
        current_app.logger.warning("OIDC sign-out (%s) not sent to the provider: %s", audience, error.reason)
        return None
    return (url, state, audience) if url else None


def signed_out_at_provider(home_endpoint: str) -> Response | str:
    """The provider's return after signing out: "You have signed out" when it answers the state we
    sent (from this browser, within ten minutes, once); anything else goes home and claims nothing."""
    sent = session.pop(_SIGNING_OUT, None) or {}
    state = request.args.get("state", "")
    if (not sent or not state or not hmac.compare_digest(str(sent.get("state", "")), state)
            or time.time() - sent.get("at", 0) > oidc.PENDING_MAX_AGE or current_user.is_authenticated):
        current_app.logger.info("OIDC sign-out return without this browser's state")
        return redirect(url_for(home_endpoint))
    config = provider_for(sent.get("audience", ""))
    return render_template("shared/signed_out_provider.html", provider=config.name if config else "",
                           audience=sent.get("audience"))
