"""The two requests of an OpenID Connect sign-in, shared by the portal's and the back office's
views: send the browser to the provider, then take it back, check everything and start a session."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from shared.auth import oidc
from shared.auth.sessions import start_session
from shared.config import OidcSettings
from shared.services import audit, sso
from shared.web.redirects import safe_next

_KEEP = 3  # sign-ins started in other tabs that may still come back


def provider_for(audience: str) -> OidcSettings | None:
    return current_app.config.get("OIDC", {}).get(audience)


def local_passwords(audience: str) -> bool:
    return current_app.config.get("LOCAL_PASSWORDS", {}).get(audience, True)


def _key(audience: str) -> str:
    return f"oidc:{audience}"


def start(audience: str, callback_endpoint: str) -> Response:
    config = provider_for(audience)
    if config is None:
        abort(404)
    next_url = safe_next(request.args.get("next"), "") or None
    reauth = request.args.get("reauth") == "1"  # "confirm it's you" for someone signed in through the provider
    try:
        url, pending = oidc.begin(config, url_for(callback_endpoint, _external=True), next_url, reauth=reauth)
    except oidc.OidcError as error:
        current_app.logger.warning("OIDC sign-in (%s) could not start: %s", audience, error.reason)
        return problem(audience, config, "unavailable", 503)
    waiting = dict(session.get(_key(audience), {}))
    waiting[pending.state] = pending.to_dict()
    session[_key(audience)] = dict(sorted(waiting.items(), key=lambda item: item[1]["started_at"])[-_KEEP:])
    return redirect(url)


def problem(audience: str, config: OidcSettings | None, kind: str, status: int, **details) -> tuple[str, int]:
    return render_template("shared/sign_in_problem.html", audience=audience, kind=kind,
                           provider=config.name if config else "", **details), status


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
        claims = oidc.complete(config, pending, code=code, redirect_uri=url_for(callback_endpoint, _external=True),
                               returned_issuer=request.args.get("iss"))
    except oidc.OidcError as error:
        current_app.logger.warning("OIDC sign-in (%s) refused: %s", audience, error.reason)
        return problem(audience, config, "failed", 400)
    try:
        user = sso.user_for_sign_in(config, claims)
    except sso.SignInRefused as refused:
        current_app.logger.warning("OIDC sign-in (%s) not let in: %s", audience, refused)
        return problem(audience, config, refused.kind, 403, email=claims.get("email"))
    start_session(user, method="oidc")
    sso.record_sign_in(user, config)
    if pending.reauth:
        audit.record("user.identity_confirmed", actor=user, subject_type="user", subject_id=user.id,
                     person_id=user.id, method="oidc")
    return redirect(safe_next(pending.next_url, landing(user)))
