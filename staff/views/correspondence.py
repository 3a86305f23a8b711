"""Writing to the person from the case page, downloading the case's files, and printing a message
for people who hear from us by post."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain import policy
from shared.domain.enums import Role
from shared.domain.policy import CASE_READER_ROLES
from shared.services import audit, correspondence, files
from shared.web.htmx import wants_section
from staff import bp
from staff.forms_correspondence import MessageForm
from staff.lookups import case_or_404
from staff.views.cases import CasePage, case_page_response, correspondence_section, load_page

# Who may reach the form at all; which case they may write on is policy.can_send_message.
WRITERS = (Role.OFFICER, Role.MANAGER, Role.RESPONDER)


def _message_answer(page: CasePage, form: MessageForm, status: int):
    if wants_section():
        return correspondence_section(page, form, status)
    return case_page_response(page, message_form=form, status=status)


@bp.post("/cases/<reference>/messages")
@staff(*WRITERS)
def send_message(reference: str):
    page = load_page(reference)
    if not policy.can_send_message(current_user, page.case):
        abort(404)
    form = MessageForm()
    if not form.validate():
        return _message_answer(page, form, 400)
    message = correspondence.send_to_resident(page.case, current_user, form.body.data, form.checked)
    if wants_section():
        return correspondence_section(page, None, focus=f"#message-{message.id}")
    if correspondence.by_post(page.case):
        flash(_("Message saved. Print it and post it to the person."))
    else:
        flash(_("Message sent. The person has been told, in the way they chose, that there is a message to read."))
    return redirect(url_for("staff.case", reference=reference, _anchor="case-correspondence"))


@bp.get("/cases/<reference>/files/<int:file_id>")
@staff(*CASE_READER_ROLES)
def case_file(reference: str, file_id: int):
    """Anyone who may see the case may download its files; any other file is not found."""
    case = case_or_404(reference)
    stored = correspondence.file_of_case(case, file_id)
    if stored is None:
        abort(404)
    audit.record("file.downloaded", actor=current_user, subject_type="case", subject_id=case.id,
                 person_id=case.resident_id, file_id=stored.id)
    return files.download(stored)


@bp.get("/cases/<reference>/messages/<int:message_id>/letter")
@staff(*CASE_READER_ROLES)
def message_letter(reference: str, message_id: int):
    found = case_or_404(reference)
    message = correspondence.outgoing_message(found, message_id)
    if message is None:
        abort(404)
    return render_template("staff/case/message_letter.html", case=found, message=message)
