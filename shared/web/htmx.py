"""htmx sections for any blueprint: whether a request asks for one part of a page, and answering it.

A section is drawn by the same template the whole page includes, so a swap carries the same data
as a reload; every page still works, whole, without JavaScript. (staff/htmx.py has the same two
for the back office.)
"""

from __future__ import annotations

from flask import make_response, request


def wants_section() -> bool:
    """An htmx request for a section (htmx restoring its history wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def varies(body, status: int = 200):
    """The answer, marked as differing by the HX-Request header, so no cache mixes the two."""
    response = make_response(body, status)
    response.vary.update(("Cookie", "HX-Request"))  # Cookie as every page has (shared/web/security.py)
    return response
