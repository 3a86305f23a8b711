"""Page chrome (service name, navigation, stylesheet) chosen by URL prefix.

portal/ and staff/ each register a provider, so shared/ never imports them and error pages
under /staff still get the back office's header.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for

from shared.web import sealed_search

Provider = Callable[[], dict]


def register(app: Flask, prefix: str, provider: Provider) -> None:
    providers: list[tuple[str, Provider]] = app.extensions.setdefault("redress_chrome", [])
    providers.append((prefix, provider))
    providers.sort(key=lambda item: len(item[0]), reverse=True)  # longest prefix wins


def current_chrome() -> dict:
    for prefix, provider in current_app.extensions.get("redress_chrome", []):
        if request.path == prefix.rstrip("/") or request.path.startswith(prefix):
            return provider()
    return {"service_name": "", "home_url": "/", "navigation_items": [], "stylesheet": "portal.css"}


def url_with_lang(code: str) -> str:
    """This page in another language (GET pages keep their query; after a POST, the page itself)."""
    if request.method != "GET":
        return f"{request.path}?{urlencode({'lang': code})}"
    if sealed_search.is_private(request.endpoint):  # a search: what was typed stays sealed (ASVS 14.2.1)
        args = sealed_search.args().to_dict(flat=False)
        args["lang"] = [code]
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"
