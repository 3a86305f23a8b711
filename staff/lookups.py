"""What a back-office URL names — a case as the signed-in member of staff may see it, a customer — or 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from shared.models import Case, User
from shared.services import cases as case_queries
from shared.services import customers


def case_or_404(reference: str) -> Case:
    """Missing and not theirs look the same: not found."""
    found = case_queries.case_for(current_user, reference)
    if found is None:
        abort(404)
    return found


def customer_or_404(customer_id: int) -> User:
    person = customers.get(customer_id)
    if person is None:
        abort(404)
    return person
