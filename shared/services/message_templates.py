"""Outgoing messages' wording: composing what the outbox stores (an admin's wording if saved, else the
standard template), the standard wording as an admin's starting point, previews, and saving and
resetting an admin's wording with its history in the audit log.

A message's standard wording is its Jinja template in shared/templates/shared/mail/ (first line the
subject), translated with flask-babel. An admin may replace the subject and body in one language
with text that is checked and filled in a sandbox (shared/services/message_wording.py), from the
message's placeholders (shared/services/message_catalogue.py). Nothing here commits.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import Environment
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import Ombudsman
from shared.models import AuditEvent, MessageTemplateOverride, User
from shared.notify.base import one_line
from shared.services import audit
from shared.services.council import council
from shared.services.message_catalogue import BLOCK, DATE, FLAG, MESSAGES, PLACEHOLDERS, Message, marker_context
from shared.services.message_wording import SUBJECT_LIMIT, Wording, WordingProblem, check, fill
from shared.services.templates import LANGUAGES
from shared.web.filters import govuk_date

log = logging.getLogger("redress.messages")

AUDIT_SUBJECT = "message_template"
RELOAD_SECONDS = 60


# --- rendering ------------------------------------------------------------------------------------


def _text_env() -> Environment:
    """The app's templates without HTML escaping (these are plain text), for the standard wording's parts."""
    env = current_app.extensions.get("redress_text_env")
    if env is None:
        env = current_app.extensions["redress_text_env"] = current_app.jinja_env.overlay(autoescape=False)
    return env


def _source(message: Message) -> str:
    env = current_app.jinja_env
    return env.loader.get_source(env, f"shared/mail/{message.name}.txt")[0]  # type: ignore[union-attr]


def _block_source(source: str, block) -> tuple[int, int]:
    """Where a block's lines are in the source: (start, stop) offsets."""
    start = source.index(block.start)
    start = source.rfind("\n", 0, start) + 1
    stop = source.index(block.stop, start)
    return start, source.rfind("\n", 0, stop) + 1


def _render_block(message: Message, name: str, context: dict) -> str:
    source = _source(message)
    start, stop = _block_source(source, message.blocks[name])
    # Compiled once per text: a digest run renders the same block for everyone.
    compiled = current_app.extensions.setdefault("redress_mail_blocks", {})
    part = source[start:stop]
    if part not in compiled:
        compiled[part] = _text_env().from_string(part)
    return compiled[part].render(context).strip()


def values_for(message: Message, context: dict) -> dict[str, str]:
    """The message's placeholders as text in the current language (call under force_locale)."""
    values: dict[str, str] = {}
    for name in message.placeholders:
        raw = context.get(name)
        kind = PLACEHOLDERS[name].kind
        if name == "council":
            values[name] = council().name
        elif kind == BLOCK:
            values[name] = _render_block(message, name, context)
        elif name == "ombudsman":
            values[name] = str(raw.label) if isinstance(raw, Ombudsman) and raw is not Ombudsman.NONE else ""
        elif kind == FLAG:
            values[name] = "yes" if raw else ""
        elif kind == DATE:
            values[name] = govuk_date(raw) if raw else ""  # type: ignore[arg-type]
        else:
            values[name] = "" if raw is None else str(raw)
    return values


def render(message: Message, wording: Wording, context: dict, locale: str) -> tuple[str, str]:
    """An admin's wording filled in: (subject, body). Raises WordingProblem for wording that fails the check."""
    problems = check(message, wording.subject, wording.body)
    if problems:
        raise WordingProblem(problems)
    with force_locale(locale):
        values = values_for(message, context)
    return fill(wording, values)


SAVED = object()  # compose(): use the admin's saved wording, if any


def compose(template: str, locale: str, context: dict, *, channel: str = "email", wording=SAVED) -> tuple[str, str]:
    """The subject and body the outbox stores for `template` to someone in `locale`: the admin's
    wording (`wording`, or the saved one) if there is some, else the standard template."""
    message = MESSAGES.get(template)
    if wording is SAVED:
        wording = override_for(template, locale) if message is not None else None
    with force_locale(locale):
        if wording is not None and message is not None:
            try:
                subject, body = render(message, wording, context, locale)
                return one_line(subject, SUBJECT_LIMIT), body.strip()
            except WordingProblem as problem:
                # Wording saved before a placeholder was withdrawn: the person still gets a message.
                log.warning("%s (%s): admin's wording not usable, standard wording sent: %s", template, locale, problem)
        rendered = render_template(f"shared/mail/{template}.txt", channel=channel, **context).strip()
    subject, _sep, body = rendered.partition("\n")
    return one_line(subject, SUBJECT_LIMIT), body.strip()


# --- the standard wording as a starting point -----------------------------------------------------

_TAG = re.compile(r"\{%-?\s*(if|elif|else|endif)\b\s*(.*?)\s*-?%\}")
_SENTINEL = "\x00{}\x00"


def standard_source(message: Message) -> str:
    """The standard template with each list (block) replaced by its placeholder, on a line of its own."""
    source = _source(message)
    for name, block in message.blocks.items():
        start, stop = _block_source(source, block)
        before = source[:start] if source[:start].endswith("\n\n") else source[:start] + "\n"
        source = before + f"{{{{ {name} }}}}\n\n" + source[stop:].lstrip("\n")
    return source


def standard_wording(message: Message, locale: str) -> Wording:
    """The standard template in `locale`, written as an admin's wording would be: text with the
    placeholders and its {% if %} lines kept. Rendering it gives the standard message."""
    tags: list[str] = []

    def keep(match: re.Match) -> str:
        kind, test = match.groups()
        if kind in ("if", "elif"):
            name = re.match(r"(not\s+)?(\w+)", test)
            tag = f"{{% {kind} {name.group(1) or ''}{name.group(2)} %}}" if name else f"{{% {kind} %}}"
        else:
            tag = f"{{% {kind} %}}"
        tags.append(tag)
        return _SENTINEL.format(len(tags) - 1)

    source = _TAG.sub(keep, standard_source(message))
    env = _text_env().overlay()
    env.filters = {**env.filters, "govuk_date": lambda value: value}  # dates stay {{ placeholders }}
    with force_locale(locale):
        rendered = env.from_string(source).render(marker_context(message))
    for number, tag in enumerate(tags):
        rendered = rendered.replace(_SENTINEL.format(number), tag)
    subject, _sep, body = rendered.strip().partition("\n")
    return Wording(subject.strip(), body.strip() + "\n")


# --- saved wording --------------------------------------------------------------------------------


@dataclass
class _Saved:
    loaded_at: float | None = None  # None: to be read again
    wordings: dict[tuple[str, str], Wording] = field(default_factory=dict)


# Held per process and database, so composing a message usually costs no query: read on first
# use, again in this process after a save or reset, and by other processes (more web workers)
# RELOAD_SECONDS after they last read it. Nothing is read at start-up, so commands that never
# send mail (migrations, the CLI) never touch the table. Tests warm it once, outside any request,
# so the query counts they hold requests to do not depend on which test sends mail first. Keyed by engine, so a second app on another database (tests make some)
# neither sees nor disturbs this one's.
_caches: WeakKeyDictionary[object, _Saved] = WeakKeyDictionary()


def _cache_for(engine: object) -> _Saved:
    found = _caches.get(engine)
    if found is None:
        found = _caches[engine] = _Saved()
    return found


def _wording_query():
    return (select(MessageTemplateOverride.template, MessageTemplateOverride.locale, MessageTemplateOverride.subject,
                   MessageTemplateOverride.body)
            .where(MessageTemplateOverride.body.is_not(None), MessageTemplateOverride.subject.is_not(None)))


def _keep(engine: object, rows) -> None:
    cache = _cache_for(engine)
    cache.wordings = {(template, locale): Wording(subject, body) for template, locale, subject, body in rows}
    cache.loaded_at = time.monotonic()


def warm() -> None:
    """Read the saved wording now, on a connection of its own (not a request's)."""
    engine = db.engine
    try:
        with engine.connect() as connection:  # type: ignore[union-attr]
            rows = connection.execute(_wording_query()).all()
    except SQLAlchemyError:  # a database not migrated yet (`redress db upgrade` starts the app too)
        return
    _keep(engine, rows)


def is_pristine() -> bool:
    """True when the cache holds what an empty table gives: loaded, with no saved wording."""
    cache = _cache_for(db.engine)
    return cache.loaded_at is not None and not cache.wordings


def forget() -> None:
    """Read the saved wording again on next use."""
    _cache_for(db.engine).loaded_at = None


def _saved() -> dict[tuple[str, str], Wording]:
    cache = _cache_for(db.engine)
    expired = cache.loaded_at is None or (
        # Under test nothing else writes the table, and a reload at a random request would blur
        # the query counts the tests hold pages to.
        not current_app.testing and time.monotonic() - cache.loaded_at > RELOAD_SECONDS
    )
    if expired:
        _keep(db.engine, db.session.execute(_wording_query()).all())
    return _cache_for(db.engine).wordings


def override_for(template: str, locale: str) -> Wording | None:
    return _saved().get((template, locale))


def customised() -> set[tuple[str, str]]:
    """(message, language) pairs that use an admin's wording."""
    return set(_saved())


def row_for(template: str, locale: str) -> MessageTemplateOverride | None:
    return db.session.scalar(select(MessageTemplateOverride).where(MessageTemplateOverride.template == template,
                                                                   MessageTemplateOverride.locale == locale))


def _snapshot(row: MessageTemplateOverride | None) -> dict | None:
    if row is None or not row.customised:
        return None
    return {"subject": row.subject, "body": row.body}


def save(message: Message, locale: str, wording: Wording, actor: User) -> MessageTemplateOverride:
    """Use this wording from now on; the change is in the audit log with the wording before it."""
    if locale not in LANGUAGES:
        raise ValueError(f"no language {locale}")
    problems = check(message, wording.subject, wording.body)
    if problems:
        raise WordingProblem(problems)
    row = row_for(message.name, locale)
    before = _snapshot(row)
    subject, body = wording.subject.strip(), wording.body.replace("\r\n", "\n").strip() + "\n"
    if before == {"subject": subject, "body": body}:
        return row  # type: ignore[return-value]  # nothing changed: nothing to record
    if row is None:
        row = MessageTemplateOverride(template=message.name, locale=locale)
        db.session.add(row)
    row.subject, row.body = subject, body
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.flush()
    forget()
    audit.record("message_template.saved", actor=actor, subject_type=AUDIT_SUBJECT, subject_id=row.id,
                 template=message.name, locale=locale, **{"from": before, "to": {"subject": subject, "body": body}})
    return row


def reset(message: Message, locale: str, actor: User) -> bool:
    """Go back to the standard wording; False if it was in use already (nothing recorded)."""
    row = row_for(message.name, locale)
    before = _snapshot(row)
    if row is None or before is None:
        return False
    row.subject = row.body = None
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.flush()
    forget()
    audit.record("message_template.reset", actor=actor, subject_type=AUDIT_SUBJECT, subject_id=row.id,
                 template=message.name, locale=locale, **{"from": before, "to": None})
    return True


def history(row: MessageTemplateOverride | None) -> list[AuditEvent]:
    """The wording's changes, newest first, each with who made it (two queries)."""
    if row is None:
        return []
    return list(reversed(audit.for_subject(AUDIT_SUBJECT, row.id)))
