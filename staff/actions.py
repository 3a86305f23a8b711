"""One way to try a case action from a form: run it in a savepoint and, if it is refused, give back
the same page with the reason in the error summary and everything that was typed.

A refusal by the case rules (an EngineError: a guard, the state, a stale version) answers 409, or
403 for a role the table does not allow; input a service finds wrong (`invalid`) answers 400, as
the form's own validation does. Rolling back the savepoint undoes only the attempt, so nothing is
half-saved, and it expires what the attempt had changed: the page then reads those objects again
from the database (one query) and shows the case as it is, not as the refused attempt left it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import inspect
from wtforms import Field, Form

from shared.db import db
from shared.domain.transitions import EngineError, StaleCase

T = TypeVar("T")
_NOT_INPUT = {"HiddenField", "CSRFTokenField", "SubmitField"}


def attempt(
    call: Callable[[T], object],
    found: T,
    *,
    form: Form,
    render: Callable[[T, Form, int], Any],
    field: Field | str | None = None,
    invalid: tuple[type[Exception], ...] = (),
) -> Any | None:
    """Run `call(found)`; None when it worked, otherwise the page `render(found, form, status)`
    draws, with the reason.

    `found` is what the page shows: a database object (the case), or a page's data holding the
    case as `.case`. `field` is where the reason is shown (default: the form's first input); a
    refusal may name its own field in its `field` attribute. A stale version also puts
    the case's current version in the form, so the next try is made against the case as it is.
    """
    try:
        with db.session.begin_nested():
            call(found)
    except EngineError as refused:
        if isinstance(refused, StaleCase) and "version" in form:
            form["version"].data = getattr(_entity(found), "version", None)
        _show(form, getattr(refused, "field", None) or field, refused.message)
        return render(found, form, refused.status_code)
    except invalid as wrong:
        _show(form, getattr(wrong, "field", None) or field, getattr(wrong, "message", str(wrong)))
        return render(found, form, 400)
    return None


def _entity(found: object) -> object:
    """The database object behind what a page shows: itself, or the case a page's data holds."""
    return found if inspect(found, raiseerr=False) is not None else found.case  # type: ignore[attr-defined]


def _show(form: Form, field: Field | str | None, message: object) -> None:
    if isinstance(field, str):
        field = form[field] if field in form else None  # noqa: SIM401 (a wtforms Form has no .get)
    if field is None:
        field = next((f for f in form if f.type not in _NOT_INPUT), None) or form["submit"]
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
