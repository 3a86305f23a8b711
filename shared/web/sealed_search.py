"""Staff searches that keep what was typed out of the URL (ASVS 14.2.1).

A name, an email address or a phone number typed into a search would otherwise travel in the query
string, and so sit in every proxy's and server's access log and in the browser's history. The
search forms post instead (with their CSRF token); the view answers with a redirect to the list's
usual address, where the typed fields are one opaque parameter, `s`: encrypted and authenticated
(Fernet, under a key derived from the secret key), bound to the person who searched, and good for
`LIFETIME`. Every link the list builds with `url_for` (pages, sorting, removing a filter, the CSV)
is sealed the same way by a URL-defaults hook, so what was typed never appears in a URL Redress
makes. A plain value in the query (an older bookmark) is still read, so nothing breaks.

Each search names its private fields once, with `private()`; its view reads `args()` instead of
`request.args`.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.wrappers import Response

from shared.clock import utcnow

PARAM = "s"
LIFETIME = timedelta(hours=12)  # a working day; a bookmark older than that opens the list unsearched

_PRIVATE: dict[str, tuple[str, ...]] = {}
_OPENED = "sealed_search_args"  # in g: this request's args(), opened


def private(endpoint: str, *fields: str) -> None:
    """Say which of an endpoint's query fields hold what a person typed."""
    _PRIVATE[endpoint] = fields


def is_private(endpoint: str | None) -> bool:
    return bool(endpoint) and endpoint in _PRIVATE


def _fernet() -> Fernet:
    found = current_app.extensions.get("redress_sealed_search")
    if found is None:
        secret = current_app.config["SECRET_KEY"]
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"redress sealed search").derive(
            secret.encode() if isinstance(secret, str) else secret)
        found = current_app.extensions["redress_sealed_search"] = Fernet(base64.urlsafe_b64encode(key))
    return found


def seal(values: dict[str, list[str]]) -> str:
    body = json.dumps({"u": current_user.get_id(), "v": values}, separators=(",", ":")).encode()
    return _fernet().encrypt_at_time(body, int(utcnow().timestamp())).decode("ascii")


def unseal(token: str) -> dict[str, list[str]] | None:
    """The fields sealed in `token`, or None if it was altered, is too old or is someone else's."""
    try:
        body = json.loads(_fernet().decrypt_at_time(token.encode("ascii"), int(LIFETIME.total_seconds()),
                                                    int(utcnow().timestamp())))
    except (InvalidToken, UnicodeEncodeError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("u") != current_user.get_id() or not isinstance(body.get("v"), dict):
        return None
    return {str(name): [str(value) for value in values] for name, values in body["v"].items()
            if isinstance(values, list)}


def args() -> ImmutableMultiDict:
    """The request's query as the view should read it: the sealed fields opened, `s` itself gone.
    Opened once a request (a list reads it for its form, its links and each language's link)."""
    if _OPENED not in g:
        setattr(g, _OPENED, _opened_args())
    return getattr(g, _OPENED)


def _opened_args() -> ImmutableMultiDict:
    found = MultiDict(request.args)
    token = found.pop(PARAM, None)
    fields = _PRIVATE.get(request.endpoint or "", ())
    opened = unseal(token) if token else None
    for name, values in (opened or {}).items():
        if name in fields:
            found.setlist(name, values)
    return ImmutableMultiDict(found)


def redirect_to_results() -> Response:
    """A posted search form: to the same list's address, what was typed sealed (303, so a refresh
    reloads the results rather than posting again)."""
    # A field left blank is left out; a date's three boxes share one name, so they go whole or not at all.
    query = {name: request.form.getlist(name) for name in request.form if name != "csrf_token"}
    query = {name: values for name, values in query.items() if any(value.strip() for value in values)}
    return redirect(url_for(request.endpoint, **query), 303)


def _seal_private_fields(endpoint: str, values: dict) -> None:
    fields = _PRIVATE.get(endpoint)
    if not fields:
        return
    typed: dict[str, list[str]] = {}
    for name in fields:
        value = values.pop(name, None)
        given = [str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None]
        if any(v.strip() for v in given):
            typed[name] = given
    if typed:
        values[PARAM] = seal(typed)


def init_app(app: Flask) -> None:
    app.url_defaults(_seal_private_fields)
