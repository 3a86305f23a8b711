"""Absolute links for messages and emails, built from REDRESS_BASE_URL.

Never from the request: its Host header is whatever the client sent, and a reset link pointing at
someone else's site would hand them the token. The same link works from the CLI and the worker.
"""

from __future__ import annotations

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["SETTINGS"].base_url + path
