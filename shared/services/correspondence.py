"""The case's correspondence as the back office sees it: messages in and out with their files,
every file of the case, and the council writing to the person.

Reading takes two queries whatever the numbers (messages with their authors; files with who
added them), so the case page stays within its budget. Who may write is decided in
shared/domain/policy.py (`can_send_message`); callers check it, and the case, first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shared.db import db
from shared.domain.enums import MessageChannel, MessageDirection
from shared.models import Case, CaseMessage, StoredFile, User
from shared.services import files, messages, notifications


@dataclass(frozen=True)
class CaseFile:
    file: StoredFile
    added_by: str | None  # the name of whoever added it, if known
    size: str  # for people: "240 KB"


@dataclass(frozen=True)
class MessageItem:
    message: CaseMessage
    files: list[CaseFile]
    unread: bool  # a message in that the handler had not opened before this page was shown
    by_post: bool  # a message out that has to be printed and posted


@dataclass
class Correspondence:
    messages: list[MessageItem] = field(default_factory=list)
    files: list[CaseFile] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(1 for item in self.messages if item.unread)


def by_post(case: Case) -> bool:
    """Whether messages to the person are printed and posted: the way notifications write to them
    is a letter (they asked for post, or large print), or there is nobody else to write to.

    No query on the case page: it loads the resident and their adjustments with the case."""
    # session.get: the case page loads the resident with the case.
    resident = db.session.get(User, case.resident_id) if case.resident_id else None
    if resident is None:
        return True
    contact = notifications.contact_for(resident, case)
    return contact is None or contact[0] is MessageChannel.LETTER


def load(case: Case) -> Correspondence:
    """Every message on the case, oldest first, each with its files, and every file of the case
    (from the complaint's evidence and from messages), oldest first."""
    rows = db.session.execute(
        select(StoredFile, User.full_name)
        .outerjoin(User, User.id == StoredFile.uploaded_by_id)
        .where(StoredFile.case_id == case.id)
        .order_by(StoredFile.created_at, StoredFile.id)
    ).all()
    all_files = [CaseFile(stored, name, files.human_size(stored.size)) for stored, name in rows]
    by_message: dict[int, list[CaseFile]] = defaultdict(list)
    for item in all_files:
        if item.file.message_id is not None:
            by_message[item.file.message_id].append(item)
    posted = by_post(case)
    found = db.session.scalars(
        select(CaseMessage)
        .where(CaseMessage.case_id == case.id)
        .options(joinedload(CaseMessage.author))
        .order_by(CaseMessage.created_at, CaseMessage.id)
    )
    items = [
        MessageItem(
            message=message,
            files=by_message.get(message.id, []),
            unread=message.direction is MessageDirection.IN and message.read_at is None,
            by_post=posted and message.direction is MessageDirection.OUT,
        )
        for message in found
    ]
    return Correspondence(items, all_files)


def is_handler(viewer: User, case: Case) -> bool:
    return case.officer_id is not None and case.officer_id == viewer.id


def mark_read_by_handler(viewer: User, case: Case, shown: Correspondence) -> None:
    """The case's handler has seen the messages in: record it (no query when nothing is unread)."""
    if shown.unread and is_handler(viewer, case):
        messages.mark_read(case, MessageDirection.IN)


def send_to_resident(
    case: Case, author: User, body: str, attachments: Iterable[files.CheckedFile] = ()
) -> CaseMessage:
    """Write to the person: the message and its files, and a note saying there is a message, by the
    channel notifications choose for them (email, or a text for people who chose texts).

    The note carries the reference and a link only, never the text, in the person's language.
    People who hear from us by post get no note: the message waits on the case page, marked to be
    printed and posted.
    """
    message = messages.post(case, author=author, direction=MessageDirection.OUT, body=body, attachments=attachments)
    if not by_post(case):
        notifications.message_sent(case)
    return message


def file_of_case(case: Case, file_id: int) -> StoredFile | None:
    """The file if it belongs to this case and its bytes are still there; None otherwise."""
    stored = db.session.scalar(select(StoredFile).where(StoredFile.id == file_id, StoredFile.case_id == case.id))
    if stored is None or not Path(files.upload_dir(), stored.stored_name).is_file():
        return None
    return stored


def outgoing_message(case: Case, message_id: int) -> CaseMessage | None:
    """A message the council sent on this case (for its printable letter)."""
    return db.session.scalar(
        select(CaseMessage).where(
            CaseMessage.id == message_id,
            CaseMessage.case_id == case.id,
            CaseMessage.direction == MessageDirection.OUT,
        )
    )
