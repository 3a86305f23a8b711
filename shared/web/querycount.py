"""Counts SQL statements per request, so tests and benchmarks can hold every page to ≤10."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

HEADER = "X-Redress-Queries"
# Set on the redirect after a bulk write (an import): its statements grow with the file's batches,
# not with its rows, so the page limit does not apply to it; bench/ measures it instead.
BATCH_HEADER = "X-Redress-Batch"


def bulk_write(view):
    """Mark a view whose successful POST is a bulk write (see BATCH_HEADER). Its pages still count."""
    view.bulk_write = True
    return view


def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if has_app_context():
        g.query_count = g.get("query_count", 0) + 1
        if statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            g.query_count -= 1


def init_app(app: Flask, engine: Engine) -> None:
    # One listener per engine, however many apps share it (tests build several on one engine).
    if not event.contains(engine, "before_cursor_execute", _count):
        event.listen(engine, "before_cursor_execute", _count)

    @app.after_request
    def _report(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("query_count", 0))
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if getattr(view, "bulk_write", False) and 300 <= response.status_code < 400:
            response.headers[BATCH_HEADER] = "1"
        return response
