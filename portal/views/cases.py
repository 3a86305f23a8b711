"""A resident's own cases: the list and one case with its public timeline."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from portal import bp
from shared.auth.access import portal
from shared.domain.enums import Finding, Role
from shared.services import cases as case_queries
from shared.services import responses


@bp.get("/cases")
@portal(Role.RESIDENT)
def your_cases():
    page = max(1, request.args.get("page", 1, type=int))
    return render_template("portal/cases.html", page=case_queries.cases_for_resident(current_user, page))


@bp.get("/cases/<reference>")
@portal(Role.RESIDENT)
def case(reference: str):
    found = case_queries.case_for(current_user, reference)
    if found is None:
        abort(404)
    return render_template(
        "portal/case.html",
        case=found,
        events=case_queries.timeline(current_user, found),
        sent=responses.sent_for(found),
        finding_of=Finding,
    )
