"""The staff outbox: every outgoing message and its delivery, retry of given-up ones, letters to post.

Managers and admins see recipients and act; officers may look (recipients masked) so they can see
whether a person was told, but the actions are the managers'.
"""

from __future__ import annotations

import re
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from shared.auth.access import staff
from shared.domain.enums import MessageChannel, MessageStatus, Role
from shared.services import outbox
from shared.services.message_catalogue import MESSAGES
from shared.web.forms import RedressForm
from shared.web.numbers import page_number
from staff import bp

READERS = (Role.OFFICER, Role.MANAGER, Role.ADMIN)
ACTORS = (Role.MANAGER, Role.ADMIN)


class OutboxActionForm(RedressForm):
    """A button: the CSRF token is all it carries."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


def masked(value: str, channel: MessageChannel) -> str:
    """Enough to recognise a recipient, not enough to contact them (officers' view)."""
    if channel is MessageChannel.EMAIL:
        local, _at, domain = value.partition("@")
        return f"{local[:1]}…@{domain}"
    if channel is MessageChannel.SMS:
        return "…" + value[-3:]
    return _("Postal address")


_LINK = re.compile(r"https?://\S+")


def shown_body(body: str, channel: MessageChannel) -> str:
    """The body as staff see it: links removed, since some carry a secret (a password reset, a
    guest's case link) that would let the reader act as the person. Letters to print keep theirs."""
    if channel is MessageChannel.LETTER:
        return body
    return _LINK.sub(_("[link removed]"), body)


def _filters() -> outbox.OutboxFilters:
    status_value = request.args.get("status", "")
    status = MessageStatus(status_value) if status_value in {s.value for s in MessageStatus} else None
    try:
        day = date.fromisoformat(request.args.get("day", "")) if request.args.get("day") else None
    except ValueError:
        day = None
    return outbox.OutboxFilters(status=status, template=request.args.get("template") or None, day=day, page=page_number(request.args))


@bp.get("/outbox")
@staff(*READERS)
def outbox_list():
    filters = _filters()
    found = outbox.find(filters)
    params = {k: v for k, v in {"status": filters.status.value if filters.status else None, "template": filters.template,
                                "day": filters.day.isoformat() if filters.day else None}.items() if v}
    return render_template("staff/outbox.html", found=found, filters=filters, statuses=list(MessageStatus),
                           templates=outbox.templates(), params=params, shows_recipient=current_user.role in ACTORS,
                           masked=masked, message_title=message_title)


def message_title(template: str) -> object:
    """What a message is, in words staff read (the catalogue's title), not its internal name."""
    found = MESSAGES.get(template)
    return found.title if found is not None else template


@bp.get("/outbox/<int:message_id>")
@staff(*READERS)
def outbox_message(message_id: int):
    message = outbox.get(message_id)
    if message is None:
        abort(404)
    may_act = current_user.role in ACTORS
    return render_template("staff/outbox_message.html", message=message, shows_recipient=may_act, masked=masked,
                           message_title=message_title,
                           body=shown_body(message.body, message.channel),
                           form=OutboxActionForm(formdata=None) if may_act else None)


def _act(message_id: int, action) -> tuple:
    message = outbox.get(message_id)
    if message is None:
        abort(404)
    if not OutboxActionForm().validate_on_submit():
        abort(400)
    try:
        result = action(message)
    except outbox.OutboxActionRefused:
        abort(409)
    return message, result


@bp.post("/outbox/<int:message_id>/retry")
@staff(*ACTORS)
def outbox_retry(message_id: int):
    message, _result = _act(message_id, outbox.retry)
    flash(_("Message %(reference)s will be sent again.", reference=message.reference))
    return redirect(url_for("staff.outbox_message", message_id=message_id))


@bp.post("/outbox/<int:message_id>/done")
@staff(*ACTORS)
def outbox_done(message_id: int):
    message, status = _act(message_id, lambda found: outbox.mark_done(found, current_user))
    if status is MessageStatus.SENT:
        flash(_("Letter %(reference)s recorded as posted.", reference=message.reference))
    else:
        flash(_("Message %(reference)s recorded as dealt with another way.", reference=message.reference))
    return redirect(url_for("staff.outbox_message", message_id=message_id))
