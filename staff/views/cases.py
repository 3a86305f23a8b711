"""The staff case page, and the internal note added from it (the triage queue lives in
staff/views/triage.py, messages and files in staff/views/correspondence.py).

The page reads the case and its links, timeline, correspondence and panels in at most 10
queries. Its timeline and correspondence sections are templates of their own, so an htmx post
from the page gets back just the section it changed, drawn from the same data.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain import policy
from shared.domain.enums import EventType
from shared.domain.policy import ADJUSTMENT_RECORDER_ROLES, CASE_READER_ROLES
from shared.domain.transitions import allowed_actions
from shared.services import audit, case_page, correspondence, engine, files
from shared.services.case_page import CasePage
from shared.web.htmx import varies, wants_section
from shared.web.numbers import whole_number
from staff import bp
from staff.actions import attempt
from staff.forms import NoteForm
from staff.forms_correspondence import MessageForm
from staff.panels import panels_for
from staff.views.casework import case_actions

NEW_NOTE = ".moj-timeline__item:last-child"  # the timeline is oldest first


def load_page(reference: str) -> CasePage:
    page = case_page.load(current_user, reference)
    if page is None:
        abort(404)
    return page


def _note_form(page: CasePage) -> NoteForm | None:
    if EventType.NOTE_ADDED not in allowed_actions(page.case.status, current_user.role):
        return None
    return NoteForm(formdata=None, data={"version": page.case.version})


def _message_form(page: CasePage) -> MessageForm | None:
    return MessageForm(formdata=None) if policy.can_send_message(current_user, page.case) else None


def _legal_hold_action(page: CasePage) -> list[dict]:
    """A manager's button to place a legal hold (lifting it is a link in the hold's banner)."""
    if not policy.can_place_legal_hold(current_user, page.case):
        return []
    return [{"text": _("Place a legal hold"), "href": url_for("staff.place_legal_hold", reference=page.case.reference)}]


def _sections(page: CasePage, shown: correspondence.Correspondence) -> dict:
    """What the correspondence and files sections need, whole page or not."""
    return {
        "case": page.case,
        # The banner, and messages in under a restriction marked as such (issue 7).
        "restriction": page.restriction if policy.can_see_restriction(current_user) else None,
        "restriction_details": policy.can_see_restriction_details(current_user),
        "correspondence": shown,
        "by_post": correspondence.by_post(page.case),
        "accept_files": files.ACCEPT_ATTRIBUTE,
    }


def case_page_response(page: CasePage, *, note_form: NoteForm | None = None, message_form: MessageForm | None = None,
                       status: int = 200, mark_read: bool = False):
    shown = correspondence.load(page.case)
    if mark_read:
        correspondence.mark_read_by_handler(current_user, page.case, shown)
    note_form = note_form or _note_form(page)
    message_form = message_form or _message_form(page)
    body = render_template(
        "staff/case.html",
        **_sections(page, shown),
        events=case_page.timeline(current_user, page.case),
        actions=case_actions(page.case, current_user) + _legal_hold_action(page),
        legal_hold=page.case.on_legal_hold and policy.can_see_legal_hold(current_user, page.case),
        may_lift_legal_hold=policy.can_lift_legal_hold(current_user, page.case),
        stage=page.stage,
        draft=page.draft,
        links=page.links,
        note_form=note_form,
        message_form=message_form,
        # The layout's error summary shows the form that was sent, if it has errors.
        form=message_form if message_form is not None and message_form.errors else note_form,
        panels=panels_for(page.case),
        adjustments=page.adjustments,
        may_record_adjustments=current_user.role in ADJUSTMENT_RECORDER_ROLES,
        signposts=page.signposts,
    )
    return varies(body, status)


def timeline_section(page: CasePage, note_form: NoteForm | None, status: int = 200, focus: str | None = None):
    body = render_template(
        "staff/case/_timeline.html", partial=True, focus=focus, case=page.case,
        events=case_page.timeline(current_user, page.case), note_form=note_form or _note_form(page),
    )
    return varies(body, status)


def correspondence_section(page: CasePage, message_form: MessageForm | None, status: int = 200,
                           focus: str | None = None):
    """The correspondence section; after a message is sent, the files list too (swapped out of band)."""
    shown = correspondence.load(page.case)
    context = _sections(page, shown)
    body = render_template("staff/case/_correspondence.html", partial=True, focus=focus,
                           message_form=message_form or _message_form(page), **context)
    if status == 200:
        body += render_template("staff/case/_files.html", oob=True, **context)
    return varies(body, status)


@bp.get("/cases/<reference>")
@staff(*CASE_READER_ROLES)
def case(reference: str):
    page = load_page(reference)
    audit.record("case.viewed", actor=current_user, subject_type="case", subject_id=page.case.id,
                 person_id=page.case.resident_id)
    return case_page_response(page, mark_read=True)


def _note_answer(page: CasePage, form: NoteForm, status: int):
    if wants_section():
        return timeline_section(page, form, status)
    return case_page_response(page, note_form=form, status=status)


@bp.post("/cases/<reference>/notes")
@staff(*CASE_READER_ROLES)
def add_note(reference: str):
    page = load_page(reference)
    form = NoteForm()
    if not form.validate():
        return _note_answer(page, form, 400)
    version = whole_number(form.version.data)
    refused = attempt(
        lambda shown: engine.perform(shown.case, EventType.NOTE_ADDED, current_user, text=form.text.data,
                                     expected_version=version),
        page, form=form, render=_note_answer, field="text",
    )
    if refused:
        return refused
    if wants_section():
        return timeline_section(page, None, focus=NEW_NOTE)
    flash(_("Note added."))
    return redirect(url_for("staff.case", reference=reference))
