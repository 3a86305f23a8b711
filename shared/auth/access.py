"""Every endpoint declares exactly one access rule; a before-request hook enforces it.

A route without a rule is refused (and fails the route inventory test), so nothing can be
published by forgetting a decorator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from shared.domain.enums import Role

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class AccessRule:
    name: str
    roles: frozenset[Role] | None  # None: anyone, signed in or not
    sign_in_endpoint: str | None = None  # where anonymous visitors are sent
    # Anonymous visitors holding a guest grant reach the view, which must answer 404 unless the
    # grant is for the object asked for (see portal_or_guest).
    guests: bool = False

    def allows(self, role: Role | None) -> bool:
        return self.roles is None or (role is not None and role in self.roles)


def _rule(rule: AccessRule) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        if hasattr(view, "access_rule"):
            raise RuntimeError(f"{view.__name__} already has an access rule")
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


PUBLIC = AccessRule("public", None)
public = _rule(PUBLIC)


def portal(*roles: Role) -> Callable[[F], F]:
    return _rule(AccessRule("portal:" + ",".join(sorted(r.value for r in roles)), frozenset(roles), "portal.sign_in"))


def portal_or_guest(*roles: Role) -> Callable[[F], F]:
    """Signed in: as `portal(*roles)`. Anonymous: through to the view if this browser holds a guest
    grant for any case, and the view shows only the granted case (404 for anything else).

    Anonymous visitors with no grant at all are sent to sign in, as on other resident pages: a
    resident whose session ended, following an emailed link to their case, signs in and lands
    there. The redirect is the same for every reference, real or not, so it gives nothing away.
    """
    name = "portal-or-guest:" + ",".join(sorted(r.value for r in roles))
    return _rule(AccessRule(name, frozenset(roles), "portal.sign_in", guests=True))


def staff(*roles: Role) -> Callable[[F], F]:
    return _rule(AccessRule("staff:" + ",".join(sorted(r.value for r in roles)), frozenset(roles), "staff.sign_in"))


def rule_for(app: Flask, endpoint: str | None) -> AccessRule | None:
    view = app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "access_rule", None)


def _holds_guest_grant() -> bool:
    from shared.services import guest_access  # reads only the session cookie; imported late, as it needs the models

    return bool(guest_access.granted_case_ids())


def init_app(app: Flask) -> None:
    app.view_functions["static"].access_rule = PUBLIC  # type: ignore[attr-defined]

    @app.before_request
    def enforce_access_rule():
        if request.endpoint is None:
            return None  # 404/405: routing already failed, the error handler answers
        rule = rule_for(app, request.endpoint)
        if rule is None:
            app.logger.error("endpoint %s has no access rule; refusing", request.endpoint)
            abort(403)
        if rule.roles is None:
            return None
        if not current_user.is_authenticated:
            if rule.guests and _holds_guest_grant():
                return None
            return redirect(url_for(rule.sign_in_endpoint, next=request.full_path.rstrip("?")))
        if current_user.role not in rule.roles:
            abort(403)
        return None
