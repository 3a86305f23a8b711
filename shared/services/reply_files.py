"""Files a resident adds while writing a reply on their case, before the message is sent.

With JavaScript, each file is uploaded as soon as it is chosen, so the person sees at once which
were accepted and which refused. Until the message is sent such a file belongs to nothing (no
case, draft or message): nobody at the council sees it, and the browser's signed session cookie
records which are this person's, for this case. Sending the message attaches them to it; files
left behind when someone gives up are deleted by `delete_stale`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import session
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from shared.clock import utcnow
from shared.db import db
from shared.models import Case, CaseMessage, CouncilIdentity, StoredFile, User
from shared.services import files

SESSION_KEY = "reply_files"
# Long enough to write a message with a break in between; after that, start the files again.
LIFETIME = timedelta(days=1)


@dataclass
class Added:
    """What adding files did: the files now held for the reply, those just added, and a message
    (a plain string: it holds the name the browser sent) for each file refused."""

    held: list[StoredFile]
    added: list[StoredFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _unattached():
    return (StoredFile.case_id.is_(None), StoredFile.draft_id.is_(None), StoredFile.message_id.is_(None))


def _ids(case: Case) -> list[int]:
    return list(session.get(SESSION_KEY, {}).get(str(case.id), []))


def _remember(case: Case, ids: list[int]) -> None:
    kept = {key: value for key, value in session.get(SESSION_KEY, {}).items() if key != str(case.id)}
    if ids:
        kept[str(case.id)] = ids
    session[SESSION_KEY] = kept  # a new dict: the session sees the change


def holds_any(case: Case) -> bool:
    """Whether this browser has added files to a reply on `case` (no query: the cookie says)."""
    return bool(_ids(case))


def held(case: Case, person: User) -> list[StoredFile]:
    """The files this browser has added to `person`'s reply on `case`, not sent yet (no query if none).

    `person` is who the reply is from (resident_actions.acting_resident): the case's resident, or
    a representative acting for them.
    """
    ids = _ids(case)
    if not ids:
        return []
    # Belt and braces: the cookie is signed, but a file must also still be unattached, recent and
    # uploaded by the same person to count.
    return list(
        db.session.scalars(
            select(StoredFile)
            .where(StoredFile.id.in_(ids), *_unattached(), StoredFile.uploaded_by_id == person.id,
                   StoredFile.created_at > utcnow() - LIFETIME)
            .order_by(StoredFile.id)
        )
    )


def add(case: Case, person: User, uploads: list[FileStorage]) -> Added:
    """Check and store the chosen files for the reply, up to the limit for one message."""
    already = held(case, person)
    accepted, errors = files.check_all(files.chosen(uploads), already=len(already))
    stored = files.store(accepted, uploaded_by=person) if accepted else []
    now_held = [*already, *stored]
    _remember(case, [f.id for f in now_held])
    return Added(now_held, stored, [str(error) for error in errors])


def remove(case: Case, person: User, file_id: int) -> list[StoredFile]:
    """Take one file off the reply (unknown ids change nothing); return the files still held."""
    remaining = []
    for stored in held(case, person):
        if stored.id == file_id:
            files.remove(stored)
        else:
            remaining.append(stored)
    _remember(case, [f.id for f in remaining])
    return remaining


def attach(case: Case, message: CaseMessage, pending: list[StoredFile]) -> None:
    """The message is sent: its held files become part of it, and of the case."""
    for stored in pending:
        stored.case_id = case.id
        stored.message_id = message.id
    _remember(case, [])
    db.session.flush()


def delete_stale(older_than: timedelta = LIFETIME) -> int:
    """Delete files added to replies that were never sent, and replaced council logos (rows and
    bytes); return how many."""
    # The council's logo belongs to no case either (shared/services/council.py); a replaced one is
    # no longer referenced, so it goes with the rest.
    logo = select(CouncilIdentity.logo_file_id).where(CouncilIdentity.logo_file_id.is_not(None))
    stale = list(db.session.scalars(
        select(StoredFile).where(*_unattached(), StoredFile.created_at < utcnow() - older_than,
                                 StoredFile.id.not_in(logo))))
    for stored in stale:
        files.remove(stored)
    return len(stale)
