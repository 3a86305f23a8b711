"""Page chrome (service name, navigation, stylesheet) chosen by URL prefix.

portal/ and staff/ each register a provider, so shared/ never imports them and error pages
under /staff still get the back office's header.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, current_app, request

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
    args = request.args.to_dict(flat=True) if request.method == "GET" else {}
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"
