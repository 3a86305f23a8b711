"""Queue outgoing messages in the current transaction; the log shows them until mail lands."""

from __future__ import annotations

import logging
import secrets

from flask import render_template
from flask_babel import force_locale

from shared.clock import utcnow
from shared.db import db
from shared.models import OutboxMessage

log = logging.getLogger("redress.outbox")


def queue(
    template: str,
    *,
    recipient: str,
    locale: str,
    user_id: int | None = None,
    case_id: int | None = None,
    **context: object,
) -> OutboxMessage:
    """Render `mail/<template>.txt` in the recipient's language and store it for sending."""
    with force_locale(locale):
        rendered = render_template(f"shared/mail/{template}.txt", **context).strip()
    subject, _, body = rendered.partition("\n")
    message = OutboxMessage(
        reference=f"msg-{secrets.token_hex(10)}",
        template=template,
        recipient=recipient,
        locale=locale,
        subject=" ".join(subject.split())[:200],  # one line: no header injection
        body=body.strip(),
        user_id=user_id,
        case_id=case_id,
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    log.info("queued %s %s to %s", message.reference, template, recipient)
    return message
