"""The staff case page (the triage queue lives in staff/views/triage.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.db import db
from shared.domain.enums import EventType
from shared.domain.policy import CASE_READER_ROLES
from shared.domain.transitions import StaleCase, allowed_actions
from shared.services import cases as case_queries
from shared.services import casework, engine, responses
from staff import bp
from staff.forms import NoteForm
from staff.panels import panels_for
from staff.views.casework import case_actions


def _case_page(found, note_form=None, status: int = 200):
    if note_form is None:
        note_form = NoteForm(formdata=None, data={"version": found.version})
    return (
        render_template(
            "staff/case.html",
            case=found,
            events=case_queries.timeline(current_user, found),
            actions=case_actions(found, current_user),
            stage=casework.current_stage(found),
            draft=responses.response_for(found),
            note_form=note_form if EventType.NOTE_ADDED in allowed_actions(found.status, current_user.role) else None,
            form=note_form,
            panels=panels_for(found),
        ),
        status,
    )


@bp.get("/cases/<reference>")
@staff(*CASE_READER_ROLES)
def case(reference: str):
    found = case_queries.case_for(current_user, reference)
    if found is None:
        abort(404)
    return _case_page(found)


@bp.post("/cases/<reference>/notes")
@staff(*CASE_READER_ROLES)
def add_note(reference: str):
    found = case_queries.case_for(current_user, reference)
    if found is None:
        abort(404)
    form = NoteForm()
    if not form.validate():
        return _case_page(found, form, 400)
    try:
        # A savepoint: a refused note undoes only itself, so the page can be shown again cheaply.
        with db.session.begin_nested():
            engine.perform(found, EventType.NOTE_ADDED, current_user, text=form.text.data,
                           expected_version=form.version.data and int(form.version.data))
    except StaleCase as stale:
        # Keep what they typed; show the case as it is now, with the new version to try again.
        db.session.refresh(found)
        form.version.data = found.version
        form.text.errors.append(stale.message)
        return _case_page(found, form, 409)
    flash(_("Note added."))
    return redirect(url_for("staff.case", reference=reference))
