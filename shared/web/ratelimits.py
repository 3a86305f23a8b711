"""Rate limits on the forms that could be used to guess, to flood or to send email to someone else.

Counted by Flask-Limiter's storage (Redis when REDRESS_RATELIMIT_STORAGE_URL is set, so every app
server counts the same attempts; memory otherwise, which holds for one process only). A form lists
its limits in `rate_limits`; each is counted when the form is otherwise valid, so a mistake in what
was typed never costs an attempt. A form over a limit fails validation with an error saying when to
try again: the view re-renders it with everything typed kept and does nothing, and the answer
becomes a 429 with Retry-After (see `init_app`), which also rolls the request's transaction back.
Failures-only rules (signing in, one-time codes) are checked there but counted by `form.failed()`.

Flask-Limiter gives the storage, the moving-window strategy and their configuration. Its route
decorators are not used: they refuse before the view runs, and a refused form must come back with
what was typed in it.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_login import current_user
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix


def client_address() -> str:
    """The client's address: the connecting one, or with trusted proxies the right-most untrusted
    X-Forwarded-For entry (ProxyFix, configured in `init_app`, has already put it here)."""
    return request.remote_addr or "unknown"


def signed_in_person_or_client() -> str:
    """Per person for anyone signed in (a contact centre's agents, or a library's visitors, share one
    address; an account answers for itself), per address otherwise."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"client:{client_address()}"


KEY_PREFIX = "redress"


def limiter() -> Limiter:
    """This app's limiter: one per app, as each app may have its own storage."""
    return current_app.extensions["redress_limiter"]


def _hashed(text: str | None) -> str | None:
    """A typed identifier (an email address, a reference) kept only as a hash in the storage."""
    text = (text or "").strip().lower()
    return hashlib.sha256(text.encode()).hexdigest() if text else None


# --- what a limit counts by: a function of the form being submitted --------------------------------

Key = Callable[[object], "str | None"]


def by_client(_form) -> str:
    return f"client:{client_address()}"


def by_actor(_form) -> str:
    return signed_in_person_or_client()


def by_field(name: str) -> Key:
    """By what was typed in one field (an account's email address, a case reference), hashed."""

    def key(form) -> str | None:
        hashed = _hashed(getattr(form, name).data)
        return f"{name}:{hashed}" if hashed else None

    return key


def by_value(value: str) -> Key:
    """By a value the view knows, such as the account part-way through signing in."""
    return lambda _form: value


@dataclass(frozen=True)
class Rule:
    scope: str  # what is limited, shared by the forms that count together ("sign-in")
    limit: str  # in Flask-Limiter's notation, "10 per 15 minutes"
    key: Key
    failures_only: bool = False  # counted by `failed()` when the view finds the attempt wrong

    @property
    def item(self) -> RateLimitItem:
        return parse(self.limit)


# The limits, in one place. Per account as well as per client, so neither many addresses against one
# account nor one address against many accounts gets far.
# Signing in counts failures only: guessing is failing, and a council office signing in every
# morning from one address must not lock itself out.
SIGN_IN = (
    Rule("sign-in-account", "10 per 15 minutes", by_field("email"), failures_only=True),
    Rule("sign-in-client", "60 per 15 minutes", by_client, failures_only=True),
)
REGISTER = (Rule("register", "10 per hour", by_client),)
PASSWORD_RESET = (
    Rule("password-reset-account", "5 per hour", by_field("email")),
    Rule("password-reset-client", "20 per hour", by_client),
)
GUEST_LINK = (
    Rule("guest-link-client", "10 per hour", by_client),
    Rule("guest-link-email", "3 per hour", by_field("email")),
    Rule("guest-link-case", "3 per hour", by_field("reference")),
)
# A signed-in person asked for their current password (changing it or their email address, closing
# the account): wrong answers only, per person, shared by the three forms, so a session left open
# on a shared computer cannot be used to guess the password at will.
CURRENT_PASSWORD = (Rule("current-password", "10 per 15 minutes", by_actor, failures_only=True),)
FEEDBACK = (Rule("feedback", "20 per hour", by_actor),)
REPLY = (Rule("reply", "30 per hour", by_actor),)


def mfa_code(user_id: int) -> tuple[Rule, ...]:
    """For a form asking for a one-time code: set `form.rate_limits = mfa_code(user.id)` before
    validating, and call `form.failed()` on a wrong code. Per account (a code is six digits) and
    per client."""
    return (
        Rule("mfa-code-account", "5 per 5 minutes", by_value(f"user:{user_id}"), failures_only=True),
        Rule("mfa-code-client", "30 per 5 minutes", by_client, failures_only=True),
    )


# --- counting ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    rule: Rule
    retry_after: int  # whole seconds until an attempt is allowed again

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def attempt(rules: Sequence[Rule], form) -> Refusal | None:
    """Count one attempt against every rule; say which refused it and for how long, if any did.

    Every rule is counted, so that an address over its limit cannot spend an account's attempts for
    free either. An attempt refused by a rule is not counted against it: waiting always works.
    A failures-only rule is not counted here, only checked: `failed()` counts it.
    """
    refusals = []
    for rule in rules:
        key = rule.key(form)
        if key is None:
            continue
        retry_after = _count(rule, key, check_only=rule.failures_only)
        if retry_after is not None:
            refusals.append(Refusal(rule, retry_after))
    if not refusals:
        return None
    refusal = max(refusals, key=lambda found: found.retry_after)
    g.rate_limit_refusal = refusal
    _audit(refusal)
    return refusal


def _audit(refusal: Refusal) -> None:
    """A refused attempt is in the audit log (ASVS 16.3.3): who, if signed in, which limit."""
    from shared.services import audit  # the models; forms (and so this module) are imported early

    person = current_user if current_user.is_authenticated else None
    audit.refused(429, actor=person, person_id=person.id if person else None, reason="rate_limit",
                  limit=refusal.rule.scope)


def failed(rules: Sequence[Rule], form) -> None:
    """Count a failed attempt (a wrong password) against the failures-only rules."""
    for rule in rules:
        key = rule.key(form)
        if rule.failures_only and key is not None:
            _count(rule, key)


def _count(rule: Rule, key: str, *, check_only: bool = False) -> int | None:
    """Seconds to wait if `rule` refuses this attempt, else None (and, unless `check_only`, the
    attempt is counted).

    If the shared storage (Redis) does not answer, this process counts in its own memory meanwhile:
    limits still hold per process, and nobody is refused for an outage they did not cause.
    """
    counter = limiter().limiter
    try:
        return _hit(counter, rule, key, check_only)
    except counter.storage.base_exceptions as error:
        current_app.logger.error("rate-limit storage unavailable, counting in memory: %s", error)
        return _hit(current_app.extensions["redress_limiter_fallback"], rule, key, check_only)


def _hit(counter: RateLimiter, rule: Rule, key: str, check_only: bool) -> int | None:
    allowed = counter.test if check_only else counter.hit
    if allowed(rule.item, KEY_PREFIX, rule.scope, key):
        return None
    reset_at, _remaining = counter.get_window_stats(rule.item, KEY_PREFIX, rule.scope, key)
    return max(1, math.ceil(reset_at - time.time()))


def init_app(app: Flask, *, storage_url: str, trusted_proxies: int) -> None:
    """Bind the limiter to its storage, trust the configured proxies, and answer a refused form with 429."""
    if trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)
    if not storage_url and app.config["SETTINGS"].production:
        app.logger.warning("REDRESS_RATELIMIT_STORAGE_URL is not set: rate limits are counted per process")
    app.config["RATELIMIT_STORAGE_URI"] = storage_url or "memory://"
    app.config["RATELIMIT_HEADERS_ENABLED"] = False  # Retry-After is set below, only when refused
    limiter = Limiter(key_func=signed_in_person_or_client, strategy="moving-window", key_prefix=KEY_PREFIX)
    limiter.init_app(app)
    app.extensions["redress_limiter"] = limiter
    app.extensions["redress_limiter_fallback"] = MovingWindowRateLimiter(MemoryStorage())

    @app.after_request
    def refused_with_429(response: Response) -> Response:
        refusal = g.get("rate_limit_refusal")
        if refusal is None:
            return response
        if response.status_code in (200, 400):  # the form again, with what was typed and the error
            response.status_code = 429
        if response.status_code == 429:
            response.headers["Retry-After"] = str(refusal.retry_after)
        return response
