"""A resident's own cases: the list, one case with what happens next, its messages and files.

The case pages serve the case's resident signed in, a resident named on it as their representative
(while consent stands), and a guest whose browser opened the emailed link for that one case
(shared/services/guest_access.py). Anyone else gets 404 for the case and
everything under it, whatever the reference, so a page never hints that someone else's case exists.
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal import bp
from shared.auth.access import portal, portal_or_guest
from shared.domain.enums import CaseStatus, Finding, MessageDirection, Role
from shared.models import Case, User
from shared.services import (
    case_progress,
    files,
    guest_access,
    messages,
    representatives,
    responses,
    restriction_letters,
)
from shared.services import cases as case_queries
from shared.services.calendar import council_calendar
from shared.web.htmx import varies, wants_section
from shared.web.numbers import page_number, whole_number


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
    page = page_number(request.args)
    return render_template("portal/cases.html", page=case_queries.cases_for_resident(current_user, page))


@bp.get("/cases/<reference>")
@portal_or_guest(Role.RESIDENT)
def case(reference: str):
    """The case page; with htmx, its progress section alone (status, what happens next, responses
    and messages), which refreshes itself while the page is open and says what changed."""
    found = visible_case(reference)
    view = case_progress.outlook(found)
    events = case_queries.public_timeline(found)
    # The calendar costs a query; only a waiting escalation request needs it, for its expected dates.
    calendar = council_calendar() if found.status is CaseStatus.ESCALATION_REQUESTED else None
    talk = case_queries.correspondence_for_resident(found)
    # "New" marks our messages unread when the page opened; a refresh keeps marking those it was sent.
    shown_new = {whole_number(n) for n in request.args.get("new", "").split(",")} - {None}
    unread = {m.id for m in talk.messages if m.direction is MessageDirection.OUT and (m.read_at is None or m.id in shown_new)}
    # No UPDATE when nothing of ours is unread (most views): the page's query budget has no room for it.
    if any(m.direction is MessageDirection.OUT and m.read_at is None for m in talk.messages):
        messages.mark_read(found, MessageDirection.OUT)
    sent = responses.sent_for(found)
    context = dict(
        case=found,
        view=view,
        next_lines=case_progress.what_happens_next(view, events, calendar),
        events=events,
        sent=sent,
        talk=talk,
        unread=unread,
        finding_of=Finding,
        human_size=files.human_size,
        guest=viewer() is None,
        seen=_seen(found, sent, talk),
        **_acting(found),
    )
    if wants_section():
        return varies(render_template("portal/case/_progress.html", changes=_changes(context["seen"]), **context))
    return varies(render_template("portal/case.html", contact_letters=_contact_letters(found), **context))


def _contact_letters(case: Case) -> list:
    """Letters about a restriction proposed from this case, for the person restricted alone (not a
    representative, not a guest link): one query, only for them."""
    person = viewer()
    if person is None or person.id != case.resident_id:
        return []
    return restriction_letters.sent_on_case(case, person)


def _acting(case: Case) -> dict:
    """A representative sees whom they act for (the first name only); the case's own resident sees
    who acts for them, to stop it if they wish (loaded with the case: no query)."""
    person = viewer()
    if person is not None and person.id != case.resident_id:
        return {"acting_for": representatives.first_name(case.resident.full_name if case.resident else ""),
                "case_representatives": []}
    if person is not None:
        return {"acting_for": None, "case_representatives": representatives.active_on(case)}
    return {"acting_for": None, "case_representatives": []}


def _seen(case: Case, sent: list, talk) -> dict:
    """What the progress section shows, carried in its refresh address so the next one can say what changed."""
    ours = sum(1 for m in talk.messages if m.direction is MessageDirection.OUT)
    return {"status": case.status.value, "responses": len(sent), "messages": ours}


def _changes(now: dict) -> list[str]:
    """What is different since the section was last drawn, in sentences for a screen reader."""
    if "status" not in request.args:
        return []  # not a refresh: nothing was shown before
    responses_before = request.args.get("responses", 0, type=int)
    messages_before = request.args.get("messages", 0, type=int)
    lines = []
    if now["responses"] > responses_before:
        lines.append(_("We have sent you our response."))
    if request.args["status"] != now["status"]:
        lines.append(_("The status of your case is now: %(status)s.", status=CaseStatus(now["status"]).label))
    if now["messages"] > messages_before:
        count = now["messages"] - messages_before
        lines.append(ngettext("You have %(num)d new message from us.", "You have %(num)d new messages from us.", count))
    return lines


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
