"""Uploaded files: checked by their content, cleaned, stored outside static/ and sent only as
attachments.

What the person called a file is kept for display; on disk it gets a random name the server
chose. What a file really is, and whether it hides anything, is decided by file_content.py;
photos are redrawn without their metadata, so location data never reaches the council's storage.
Where virus scanning is configured, a file cannot be downloaded until it has been scanned clean
(file_scanning.py). Nothing here decides who may download a file: callers check the case first.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from shared.clock import utcnow
from shared.db import db
from shared.models import StoredFile, User
from shared.services import file_scanning
from shared.services.file_content import DOCX, JPEG, ODT, PDF, PNG, TXT, ContentRefused, Refused, redraw, sniff
from shared.web.security import DOWNLOAD_POLICY

MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024

# The content types accepted, with the extension a download is given.
ALLOWED = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", ODT: ".odt", TXT: ".txt"}
ALLOWED_DESCRIPTION = _l("PDF, JPEG, PNG, DOCX, ODT or TXT")
ACCEPT_ATTRIBUTE = ",".join([*ALLOWED.values(), *ALLOWED.keys()])


class FileRejected(Exception):
    """One file that cannot be accepted; `message` names it and says what is allowed.

    Messages are plain strings translated when raised (not lazy strings, which Jinja treats as
    safe markup): they contain the name the browser sent, which templates must escape.
    """

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def clean_name(name: str | None) -> str:
    """The name to show: the last part of what the browser sent, without control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = " ".join(base.split()).strip(" .")
    return (base or "file")[:255]


def chosen(files: Iterable[FileStorage | None]) -> list[FileStorage]:
    """The file inputs that carry a file (browsers send an empty part for an empty input)."""
    return [f for f in files if f is not None and f.filename]


def check(upload: FileStorage) -> CheckedFile:
    """Read one upload and return it cleaned, or raise FileRejected with the reason."""
    name = clean_name(upload.filename)
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRejected(_("%(name)s must be smaller than 10 MB", name=name))
    if not data:
        raise FileRejected(_("%(name)s is empty", name=name))
    try:
        content_type = sniff(data)
        if content_type in {JPEG, PNG}:
            data = redraw(data, content_type)
    except ContentRefused as refused:
        raise FileRejected(_refusal(refused.reason, name)) from refused
    return CheckedFile(name, content_type, data)


def _refusal(reason: Refused, name: str) -> str:
    """What to tell the person, naming the file, for each reason file_content.py gives."""
    allowed = str(ALLOWED_DESCRIPTION)
    if reason is Refused.HIDDEN_CONTENT:
        return _("%(name)s contains something other than a document or picture, such as script, a web page or "
                 "another file, so we cannot accept it. Save it again as a plain %(allowed)s file", name=name,
                 allowed=allowed)
    if reason is Refused.MACROS:
        return _("%(name)s contains macros, so we cannot accept it. Save it as a document without macros", name=name)
    if reason is Refused.TOO_BIG_UNPACKED:
        return _("%(name)s is too large to open safely. Make it smaller, for example by saving the picture at a "
                 "lower resolution", name=name)
    if reason is Refused.NOT_UTF8:
        return _("%(name)s must be a text file saved as UTF-8", name=name)
    if reason is Refused.ENCRYPTED:
        return _("%(name)s is protected with a password. Remove the password and add the file again", name=name)
    if reason is Refused.UNREADABLE_IMAGE:
        return _("%(name)s could not be read as an image", name=name)
    if reason is Refused.UNREADABLE:
        return _("%(name)s could not be opened. It may be damaged: save it again and add it again", name=name)
    return _("%(name)s must be a %(allowed)s file", name=name, allowed=allowed)


def check_all(uploads: list[FileStorage], *, already: int = 0) -> tuple[list[CheckedFile], list[object]]:
    """Check every chosen file; return those accepted and a message for each one refused."""
    errors: list[object] = []
    if already + len(uploads) > MAX_FILES:
        errors.append(_("You can add up to %(count)d files", count=MAX_FILES))
        return [], errors
    accepted = []
    for upload in uploads:
        try:
            accepted.append(check(upload))
        except FileRejected as rejected:
            errors.append(rejected.message)
    return accepted, errors


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_PATH"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(
    files: Iterable[CheckedFile],
    *,
    uploaded_by: User | None,
    case_id: int | None = None,
    draft_id: int | None = None,
    message_id: int | None = None,
) -> list[StoredFile]:
    """Write the bytes under new random names, then add their rows to the current transaction.

    If the transaction later rolls back, the bytes are left without a row; `remove_orphans`
    deletes such files. With scanning configured they wait for the worker's scan before anyone
    can download them.
    """
    rows = []
    directory = upload_dir()
    scan_status = file_scanning.status_for_new_file()
    for checked in files:
        stored_name = secrets.token_hex(20)
        target = directory / stored_name
        temporary = directory / f".{stored_name}.part"
        temporary.write_bytes(checked.data)
        os.replace(temporary, target)
        row = StoredFile(
            case_id=case_id,
            draft_id=draft_id,
            message_id=message_id,
            uploaded_by_id=uploaded_by.id if uploaded_by else None,
            original_name=checked.name,
            stored_name=stored_name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=hashlib.sha256(checked.data).hexdigest(),
            created_at=utcnow(),
            scan_status=scan_status,
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def for_draft(draft_id: int) -> list[StoredFile]:
    return list(db.session.scalars(select(StoredFile).where(StoredFile.draft_id == draft_id).order_by(StoredFile.id)))


def for_case(case_id: int) -> list[StoredFile]:
    return list(db.session.scalars(select(StoredFile).where(StoredFile.case_id == case_id).order_by(StoredFile.id)))


def move_draft_files_to_case(draft_id: int, case_id: int) -> None:
    db.session.execute(
        update(StoredFile).where(StoredFile.draft_id == draft_id).values(case_id=case_id, draft_id=None)
    )


def remove(stored: StoredFile) -> None:
    """Delete a file's row now and its bytes (a missing file on disk is not an error)."""
    db.session.delete(stored)
    db.session.flush()
    (upload_dir() / stored.stored_name).unlink(missing_ok=True)
    file_scanning.quarantined_path(stored).unlink(missing_ok=True)


def remove_orphans() -> int:
    """Delete bytes on disk that no row refers to (left by a rolled-back request)."""
    known = set(db.session.scalars(select(StoredFile.stored_name)))
    removed = 0
    for path in upload_dir().iterdir():
        if path.is_file() and path.name not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def download(stored: StoredFile) -> Response:
    """Send a file as an attachment under its shown name, never to be rendered or cached.

    A file not yet scanned clean (where scanning is configured) or quarantined is not found (404):
    pages show it as being checked, or removed, instead of a link.
    """
    if not file_scanning.available(stored):
        abort(404)
    path = upload_dir() / stored.stored_name
    response = send_file(path, mimetype=stored.content_type, as_attachment=True, max_age=0, etag=False,
                         conditional=False)
    response.headers["Content-Disposition"] = content_disposition(_download_name(stored))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


_UNSAFE_IN_FALLBACK = re.compile(r"[^A-Za-z0-9 !#$&+\-.^_`|~()\[\]{},=@]")


def content_disposition(name: str) -> str:
    """`attachment` with the name twice (RFC 6266): `filename=` an ASCII fallback, quoted, for old
    clients, and `filename*=` the exact name in UTF-8, percent-encoded (RFC 8187). Quotes,
    backslashes, semicolons, control characters and line breaks cannot end the header or add a
    parameter: the fallback replaces them, the encoded form escapes them."""
    printable = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    ascii_name = unicodedata.normalize("NFKD", printable).encode("ascii", "ignore").decode("ascii")
    fallback = _UNSAFE_IN_FALLBACK.sub("_", ascii_name).strip() or "file"
    encoded = quote(printable, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _download_name(stored: StoredFile) -> str:
    """The shown name, with the extension that matches its checked content."""
    extension = ALLOWED.get(stored.content_type, "")
    stem = stored.original_name
    if extension and not stem.lower().endswith(extension):
        alias = {".jpg": (".jpeg",)}.get(extension, ())
        if not any(stem.lower().endswith(a) for a in alias):
            stem = f"{stem}{extension}"
    return stem


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} bytes"
