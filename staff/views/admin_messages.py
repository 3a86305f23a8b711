"""Administration: the wording of outgoing messages — which ones use the council's own wording, editing
a message in one language with a preview, and going back to the standard wording."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import Role
from shared.services import message_templates as wording_service
from shared.services.message_catalogue import AUDIENCES, MESSAGES, PLACEHOLDERS, Message, sample_context
from shared.services.templates import LANGUAGES
from staff import bp
from staff.forms_messages import MessageWordingForm

# Messages are composed everywhere (portal, back office, commands) from wording cached per process;
# it is first read here, as the app is made, so no request pays for it.


@bp.get("/admin/messages")
@staff(Role.ADMIN)
def message_templates():
    groups = [(audience, [m for m in MESSAGES.values() if m.audience is audience]) for audience in AUDIENCES]
    return render_template("staff/admin/messages.html", groups=groups, customised=wording_service.customised(),
                           languages=LANGUAGES)


def _message(message_name: str, locale: str) -> Message:
    message = MESSAGES.get(message_name)
    if message is None or locale not in LANGUAGES:
        abort(404)
    return message


@bp.route("/admin/messages/<message_name>/<locale>", methods=["GET", "POST"])
@staff(Role.ADMIN)
def message_template_edit(message_name: str, locale: str):
    """Preview (with sample values, exactly as it would be sent) or save; the wording is checked either way."""
    message = _message(message_name, locale)
    row = wording_service.row_for(message.name, locale)
    if request.method == "POST":
        form = MessageWordingForm()
    else:
        shown = (wording_service.Wording(row.subject, row.body) if row is not None and row.customised  # type: ignore[arg-type]
                 else wording_service.standard_wording(message, locale))
        form = MessageWordingForm(formdata=None, data={"subject": shown.subject, "body": shown.body})
    form.message = message
    preview = None
    if form.is_submitted():
        valid = form.validate()
        if valid and form.preview.data:
            preview = wording_service.compose(message.name, locale, sample_context(message), wording=form.wording())
        elif valid:
            wording_service.save(message, locale, form.wording(), current_user)
            flash(_("The %(language)s wording of “%(message)s” is saved. Messages use it from now on.",
                    language=LANGUAGES[locale], message=message.title))
            return redirect(url_for("staff.message_templates"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "staff/admin/messages_edit.html", form=form, message=message, locale=locale, language=LANGUAGES[locale],
        customised=row is not None and row.customised, preview=preview, history=wording_service.history(row),
        placeholders=[(name, PLACEHOLDERS[name]) for name in message.placeholders],
    ), status


@bp.post("/admin/messages/<message_name>/<locale>/reset")
@staff(Role.ADMIN)
def message_template_reset(message_name: str, locale: str):
    message = _message(message_name, locale)  # the app's CSRF protection has checked the token
    if wording_service.reset(message, locale, current_user):
        flash(_("“%(message)s” in %(language)s uses the standard wording again.", message=message.title,
                language=LANGUAGES[locale]))
    return redirect(url_for("staff.message_templates"))
