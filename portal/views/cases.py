"""A resident's own cases: the list, one case with what happens next, its messages and files.

The case pages serve the case's resident signed in, and a guest whose browser opened the emailed
link for that one case (shared/services/guest_access.py). Anyone else gets 404 for the case and
everything under it, whatever the reference, so a page never hints that someone else's case exists.
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user

from portal import bp
from shared.auth.access import portal, portal_or_guest
from shared.domain.enums import CaseStatus, Finding, MessageDirection, Role
from shared.models import Case, User
from shared.services import case_progress, files, guest_access, messages, responses
from shared.services import cases as case_queries
from shared.services.calendar import council_calendar


def viewer() -> User | None:
    return current_user if current_user.is_authenticated else None


def visible_case(reference: str) -> Case:
    """The case for this visitor (resident or guest with a grant for it), or 404."""
    found = case_queries.case_for_resident_or_guest(viewer(), reference, guest_access.granted_case_ids())
    if found is None:
        abort(404)
    return found


@bp.get("/cases")
@portal(Role.RESIDENT)
def your_cases():
    page = max(1, request.args.get("page", 1, type=int))
    return render_template("portal/cases.html", page=case_queries.cases_for_resident(current_user, page))


@bp.get("/cases/<reference>")
@portal_or_guest(Role.RESIDENT)
def case(reference: str):
    found = visible_case(reference)
    view = case_progress.outlook(found)
    events = case_queries.public_timeline(found)
    # The calendar costs a query; only a waiting escalation request needs it, for its expected dates.
    calendar = council_calendar() if found.status is CaseStatus.ESCALATION_REQUESTED else None
    talk = case_queries.correspondence_for_resident(found)
    unread = {m.id for m in talk.messages if m.direction is MessageDirection.OUT and m.read_at is None}
    messages.mark_read(found, MessageDirection.OUT)
    return render_template(
        "portal/case.html",
        case=found,
        view=view,
        next_lines=case_progress.what_happens_next(view, events, calendar),
        events=events,
        sent=responses.sent_for(found),
        talk=talk,
        unread=unread,
        finding_of=Finding,
        human_size=files.human_size,
        guest=viewer() is None,
    )


@bp.get("/cases/<reference>/files/<int:file_id>")
@portal_or_guest(Role.RESIDENT)
def case_file(reference: str, file_id: int):
    found = visible_case(reference)
    stored = case_queries.file_for_resident(found, file_id)
    if stored is None:
        abort(404)
    try:
        return files.download(stored)
    except FileNotFoundError:
        current_app.logger.error("stored file %s has no bytes on disk", stored.id)
        abort(404)
