"""Uploaded files: checked by their content, cleaned, stored outside static/ and sent only as
attachments.

What the person called a file is kept for display; on disk it gets a random name the server
chose. Photos are re-encoded without their metadata, so location data never reaches the council's
storage. Nothing here decides who may download a file: callers check the case first.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import Response, current_app, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from shared.clock import utcnow
from shared.db import db
from shared.models import StoredFile, User

MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TXT = "text/plain"
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
    content_type = _sniff(data)
    if content_type is None:
        raise FileRejected(_("%(name)s must be a %(allowed)s file", name=name, allowed=str(ALLOWED_DESCRIPTION)))
    if content_type in {JPEG, PNG}:
        data = _without_metadata(data, content_type, name)
    return CheckedFile(name, content_type, data)


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


def _sniff(data: bytes) -> str | None:
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime == PDF:
        return PDF if data.startswith(b"%PDF-") else None
    if mime in {JPEG, PNG}:
        return mime
    if mime in {DOCX, ODT}:
        return mime if _is_document(data, mime) else None
    if mime is None and _is_text(data):
        return TXT
    return None


def _is_document(data: bytes, mime: str) -> bool:
    """A real word-processing package: a readable zip with the parts that make it one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if mime == DOCX:
                return "word/document.xml" in names and "[Content_Types].xml" in names
            return "content.xml" in names and package.read("mimetype").strip() == ODT.encode()
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return False


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return all(ch in "\t\n\r\f" or unicodedata.category(ch) != "Cc" for ch in text)


def _without_metadata(data: bytes, content_type: str, name: str) -> bytes:
    """Re-encode a photo with its pixels only: no EXIF (location, camera, time), no text chunks."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)  # keep the picture the right way up without its EXIF
            out = io.BytesIO()
            if content_type == JPEG:
                upright.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
            else:
                upright.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise FileRejected(_("%(name)s could not be read as an image", name=name)) from error


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
    deletes such files.
    """
    rows = []
    directory = upload_dir()
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
    """Send a file as an attachment under its shown name, never to be rendered or cached."""
    path = upload_dir() / stored.stored_name
    response = send_file(
        path,
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=_download_name(stored),
        max_age=0,
        etag=False,
        conditional=False,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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
