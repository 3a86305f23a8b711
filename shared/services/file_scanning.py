"""Virus scanning of uploaded files through clamd, where REDRESS_CLAMD is configured.

A file stored while scanning is configured is "pending": nobody can download it, and pages show it
as being checked. `redress worker` sends each waiting file to clamd (INSTREAM, over TCP or a unix
socket, through clamdpy) and records the answer: clean files become downloadable; infected ones
are quarantined (their bytes moved out of the file store's directory, never served again) and the
person who sent it and the case's officer (or, with none, the managers) are told. A file clamd
answers it cannot scan (too large for its StreamMaxLength, or one it fails on) is marked
"unscannable": never served, and the sender is asked to send it another way while the case's
officer (or the managers) hear of it, so it never sits unnoticed. If clamd cannot be reached, the
round stops and the files stay pending until a later round (at most every 30 s): never served
unscanned.

Without scanning configured, files are "unscanned" and served as before; when scanning is switched
on, the worker scans those too, and until it has they are not served.

Unlike request services, `scan_waiting` commits: it runs in the worker, one file at a time.
"""

from __future__ import annotations

import io
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from clamdpy import ClamdNetworkSocket, ClamdUnixSocket
from clamdpy.exceptions import BufferTooLongError, ClamdException
from flask import current_app, has_request_context
from sqlalchemy import select

from shared.clock import utcnow
from shared.config import Settings
from shared.db import db
from shared.domain.enums import Role, ScanStatus
from shared.models import Case, StoredFile, User

log = logging.getLogger("redress.scanning")

WAITING = (ScanStatus.PENDING, ScanStatus.UNSCANNED)
QUARANTINE = "quarantine"  # a directory inside the file store: remove_orphans and downloads never look there


class ScannerUnavailable(Exception):
    """clamd could not be reached or did not answer: try again next round."""


@dataclass
class ScanTotals:
    clean: int = 0
    quarantined: int = 0
    failed: int = 0  # clamd answered that it could not scan that file (for example, too large): unscannable
    waiting: bool = False  # the scanner was unavailable, so files are still waiting

    @property
    def scanned(self) -> int:
        return self.clean + self.quarantined


def _settings() -> Settings:
    return current_app.config["SETTINGS"]


def configured() -> bool:
    return _settings().scanning


def status_for_new_file() -> ScanStatus:
    return ScanStatus.PENDING if configured() else ScanStatus.UNSCANNED


def available(stored: StoredFile) -> bool:
    """Whether the file may be downloaded: clean, or (with no scanner configured) neither quarantined
    nor one the scanner could not check."""
    if stored.scan_status is ScanStatus.CLEAN:
        return True
    return stored.scan_status not in (ScanStatus.QUARANTINED, ScanStatus.UNSCANNABLE) and not configured()


def state(stored: StoredFile) -> str:
    """For templates: "ready" (a link), "checking" (shown as being checked), "quarantined" or
    "unscannable"."""
    if available(stored):
        return "ready"
    if stored.scan_status in (ScanStatus.QUARANTINED, ScanStatus.UNSCANNABLE):
        return stored.scan_status.value
    return "checking"


def client(settings: Settings) -> ClamdNetworkSocket:
    """A clamd client for REDRESS_CLAMD ("tcp://host:port" or "unix:///path")."""
    address = settings.clamd
    if address.startswith("unix://"):
        return ClamdUnixSocket(address.removeprefix("unix://"), timeout=settings.clamd_timeout)
    host, port = address.removeprefix("tcp://").rsplit(":", 1)
    return ClamdNetworkSocket(host, int(port), timeout=settings.clamd_timeout)


def scan_bytes(scanner: ClamdNetworkSocket, path: Path) -> tuple[str, str | None]:
    """clamd's verdict on one stored file: ("OK" | "FOUND" | "ERROR", what it found or why it failed)."""
    with path.open("rb") as stream:
        return _scan_stream(scanner, stream)


def scan_now(data: bytes) -> tuple[str, str | None]:
    """clamd's verdict on bytes not yet stored, while the admin who sent them waits (the council's
    logo: small, and shown on every page, so it is scanned before it is kept rather than after).
    Raises ScannerUnavailable."""
    return _scan_stream(client(_settings()), io.BytesIO(data))


def _scan_stream(scanner: ClamdNetworkSocket, stream) -> tuple[str, str | None]:
    try:
        result = scanner.instream(stream, max_chunk_size=64 * 1024)
    except BufferTooLongError as error:
        return "ERROR", error.error
    except (ClamdException, OSError) as error:
        # OSError too: clamdpy wraps connecting and reading, but not a send the other end refused.
        # clamd closes the connection when a stream passes its StreamMaxLength, often before its
        # answer can be read (a broken pipe while sending, or a reset while reading): if it still
        # answers a PING, it was this file it would not take, not clamd that is down. Otherwise that
        # file, the oldest waiting, would hold up every round for ever.
        if _answers(scanner):
            return "ERROR", f"clamd stopped reading the file, as it does past its StreamMaxLength ({error})"
        raise ScannerUnavailable(str(error)) from error
    return result.status, result.reason


def _answers(scanner: ClamdNetworkSocket) -> bool:
    try:
        return scanner.ping() == "PONG"
    except (ClamdException, OSError):
        return False


def scan_waiting(limit: int = 100) -> ScanTotals:
    """Scan up to `limit` waiting files, oldest first, committing each result. Each file is claimed
    with FOR UPDATE SKIP LOCKED, so several workers on PostgreSQL never scan the same one at once."""
    from shared.services import files

    totals = ScanTotals()
    if not configured():
        return totals
    scanner = client(_settings())
    tried: list[int] = []
    while len(tried) < limit:
        stored = db.session.scalars(
            select(StoredFile).where(StoredFile.scan_status.in_(WAITING), StoredFile.id.not_in(tried))
            .order_by(StoredFile.id).limit(1).with_for_update(skip_locked=True)
        ).first()
        if stored is None:
            break
        tried.append(stored.id)
        path = files.upload_dir() / stored.stored_name
        if not path.is_file():
            log.error("stored file %s has no bytes on disk; left waiting", stored.id)
            db.session.rollback()
            continue
        try:
            status, finding = scan_bytes(scanner, path)
        except ScannerUnavailable as error:
            db.session.rollback()
            log.warning("virus scanner unavailable (%s): files wait for the next round", error)
            totals.waiting = True
            break
        if status == "OK":
            _record(stored, ScanStatus.CLEAN, None)
            totals.clean += 1
        elif status == "FOUND":
            quarantine(stored, finding or "")
            totals.quarantined += 1
        else:
            unscannable(stored, finding or "")
            totals.failed += 1
        db.session.commit()
    db.session.rollback()
    return totals


def worker_rounds(retry_seconds: float = 30.0):
    """The worker's scanning step (run before each batch of messages): `scan_waiting`, except that
    after the scanner was unavailable it waits `retry_seconds` before trying again, so a scanner
    host that does not answer holds up the messages once in a while, not every batch."""
    next_try = [float("-inf")]

    def each_round() -> None:
        if time.monotonic() < next_try[0]:
            return
        if scan_waiting().waiting:
            next_try[0] = time.monotonic() + retry_seconds

    return each_round


def _record(stored: StoredFile, status: ScanStatus, finding: str | None) -> None:
    stored.scan_status = status
    stored.scan_finding = finding[:200] if finding else None
    stored.scanned_at = utcnow()
    db.session.flush()


def quarantine(stored: StoredFile, finding: str) -> None:
    """Move the bytes out of reach, mark the file, and tell its sender and the case's officer."""
    from shared.services import files

    directory = files.upload_dir() / QUARANTINE
    directory.mkdir(mode=0o700, exist_ok=True)
    target = directory / stored.stored_name
    os.replace(files.upload_dir() / stored.stored_name, target)
    target.chmod(0o600)
    _record(stored, ScanStatus.QUARANTINED, finding or "unknown")
    log.warning("quarantined stored file %s: %s", stored.id, finding)
    _in_request(lambda: _tell(stored))


def unscannable(stored: StoredFile, reason: str) -> None:
    """clamd answered that it cannot scan the file: it is never served, and people are told."""
    _record(stored, ScanStatus.UNSCANNABLE, reason or "unknown")
    log.error("clamd could not scan stored file %s (%s): marked unscannable", stored.id, reason)
    _in_request(lambda: _tell(stored, sender_template="file_not_checked", staff_template="file_unscannable"))


def _in_request(tell) -> None:
    if has_request_context():
        tell()
    else:  # the worker: mail templates render with the page chrome, which reads the request
        with current_app.test_request_context(base_url=_settings().base_url):
            tell()


def _tell(stored: StoredFile, sender_template: str = "file_removed", staff_template: str = "file_quarantined") -> None:
    from shared.services import outbox  # not at the top: outbox → cases → council → files → here
    from shared.services.notifications import link

    case = db.session.get(Case, stored.case_id) if stored.case_id else None
    sender = db.session.get(User, stored.uploaded_by_id) if stored.uploaded_by_id else None
    staff = _case_staff(case) if case is not None else []
    if sender is not None and sender.is_active and sender.email and sender not in staff:
        case_url = None
        if case is not None and sender.role in {Role.RESIDENT, Role.COUNCILLOR} and sender.has_account:
            case_url = link("portal.case", reference=case.reference)
        outbox.queue(sender_template, recipient=sender.email, locale=sender.locale or "en", user_id=sender.id,
                     case_id=case.id if case else None, name=sender.full_name, file_name=stored.original_name,
                     reference=case.reference if case else "", case_url=case_url)
    for person in staff:
        outbox.queue(staff_template, recipient=person.email, locale=person.locale or "en", user_id=person.id,
                     case_id=case.id, name=person.full_name, reference=case.reference, file_name=stored.original_name,
                     link=link("staff.case", reference=case.reference) + "#case-files")


def _case_staff(case: Case) -> list[User]:
    """Who at the council hears of a quarantined or unscannable file: the case's officer, or every
    active manager."""
    officer = db.session.get(User, case.officer_id) if case.officer_id else None
    if officer is not None and officer.is_active and officer.email:
        return [officer]
    return list(db.session.scalars(
        select(User).where(User.role == Role.MANAGER, User.disabled_at.is_(None), User.closed_at.is_(None),
                           User.email.is_not(None)).order_by(User.id)
    ))


def quarantined_path(stored: StoredFile) -> Path:
    from shared.services import files

    return files.upload_dir() / QUARANTINE / stored.stored_name
