"""Virus scanning against a real clamd on loopback (unit_tests/clamd_server.py): with REDRESS_CLAMD set,
files wait unseen until scanned clean, infected ones are quarantined and people told, and a scanner
that is down leaves files waiting for the worker's next round — never served unscanned."""

from __future__ import annotations

import dataclasses
import io

import pytest
from sqlalchemy import select

from shared.config import ConfigError, load_settings
from shared.db import db
from shared.domain.enums import CaseStatus, Role, ScanStatus
from shared.models import CouncilIdentity, OutboxMessage, StoredFile
from shared.services import file_scanning, files
from unit_tests.clamd_server import EICAR, SIGNATURE, Clamd
from unit_tests.crafted_files import PDF, docx
from unit_tests.mail_servers import free_port
from unit_tests.test_route_access import quick_sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    server = Clamd(tmp_path_factory.mktemp("clamd"))
    server.start()
    yield server
    server.stop()


def configure(monkeypatch, app, address: str) -> None:
    monkeypatch.setitem(app.config, "SETTINGS", dataclasses.replace(app.config["SETTINGS"], clamd=address,
                                                                   clamd_timeout=10.0))


@pytest.fixture
def scanning(monkeypatch, app, clamd):
    configure(monkeypatch, app, clamd.tcp_address)
    return clamd


@pytest.fixture
def people(make):
    service = make.service("bins", "Waste and recycling")
    resident = make.user(Role.RESIDENT, full_name="Jane Resident", email="jane@example.com")
    officer = make.user(Role.OFFICER, full_name="Priya Shah", email="priya@example.gov.uk")
    case = make.case(resident, service, status=CaseStatus.WITH_TEAM, officer_id=officer.id)
    return {"resident": resident, "officer": officer, "case": case}


def reply_with(app, session, people, name: str, data: bytes):
    """The resident replies on their case with one file, through the portal."""
    client = app.test_client()
    quick_sign_in(client, session, people["resident"])
    case = people["case"]
    token = client.csrf_token(f"/cases/{case.reference}/reply")
    response = client.post(f"/cases/{case.reference}/reply", content_type="multipart/form-data",
                           data={"body": "Here is the file.", "csrf_token": token, "files": [(io.BytesIO(data), name)]})
    assert response.status_code == 302
    session.expire_all()
    stored = session.scalars(select(StoredFile).where(StoredFile.case_id == case.id, StoredFile.original_name == name)).one()
    return client, stored


def scan(app) -> file_scanning.ScanTotals:
    with app.app_context():
        return file_scanning.scan_waiting()


def staff_client(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


def test_a_file_waits_unseen_until_clamd_says_clean(app, session, people, scanning):
    resident_client, stored = reply_with(app, session, people, "letter.pdf", PDF)
    officer = staff_client(app, session, people["officer"])
    reference = people["case"].reference
    assert stored.scan_status is ScanStatus.PENDING
    assert resident_client.get(f"/cases/{reference}/files/{stored.id}").status_code == 404
    assert officer.get(f"/staff/cases/{reference}/files/{stored.id}").status_code == 404
    for page in (resident_client.get(f"/cases/{reference}"), officer.get(f"/staff/cases/{reference}")):
        body = page.get_data(as_text=True)
        assert "letter.pdf" in body and "Being checked" in body
        assert f"/files/{stored.id}\"" not in body  # no link to it yet

    assert scan(app).clean == 1
    session.expire_all()
    assert session.get(StoredFile, stored.id).scan_status is ScanStatus.CLEAN
    for client, url in ((resident_client, f"/cases/{reference}/files/{stored.id}"),
                        (officer, f"/staff/cases/{reference}/files/{stored.id}")):
        response = client.get(url)
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'"
    assert "Being checked" not in officer.get(f"/staff/cases/{reference}").get_data(as_text=True)


def test_an_infected_file_is_quarantined_and_its_sender_and_the_officer_are_told(app, session, people, scanning):
    resident_client, stored = reply_with(app, session, people, "eicar.txt", EICAR)
    assert scan(app).quarantined == 1
    session.expire_all()
    row = session.get(StoredFile, stored.id)
    assert row.scan_status is ScanStatus.QUARANTINED and row.scan_finding.startswith(SIGNATURE)
    with app.app_context():
        assert not (files.upload_dir() / row.stored_name).exists()  # out of the file store
        quarantined = file_scanning.quarantined_path(row)
        assert quarantined.read_bytes() == EICAR and quarantined.stat().st_mode & 0o077 == 0
        files.remove_orphans()
        assert quarantined.exists()  # kept for the council to look into, not mistaken for an orphan
    reference = people["case"].reference
    officer = staff_client(app, session, people["officer"])
    assert resident_client.get(f"/cases/{reference}/files/{row.id}").status_code == 404
    assert officer.get(f"/staff/cases/{reference}/files/{row.id}").status_code == 404
    assert "Removed: a virus was found" in officer.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "found a virus in this file" in resident_client.get(f"/cases/{reference}").get_data(as_text=True)
    told = {m.template: m for m in session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == people["case"].id))}
    assert told["file_removed"].recipient == "jane@example.com"
    assert "eicar.txt" in told["file_removed"].body and "virus" in told["file_removed"].body
    assert told["file_quarantined"].recipient == "priya@example.gov.uk"
    assert f"/staff/cases/{reference}#case-files" in told["file_quarantined"].body
    assert scan(app).scanned == 0  # quarantined files are not scanned again


@pytest.fixture(scope="session")
def small_clamd(tmp_path_factory):
    """A clamd that scans streams of 100 KB at most, as a council's might be set below our file limit
    (the unit tests' request limit is 1 MB)."""
    server = Clamd(tmp_path_factory.mktemp("small-clamd"), stream_max_length="100K")
    server.start()
    yield server
    server.stop()


def test_a_file_clamd_cannot_scan_is_never_served_and_people_are_told(app, session, people, small_clamd,
                                                                     monkeypatch):
    configure(monkeypatch, app, small_clamd.tcp_address)
    big = b"Notes from the inspection, page after page.\n" * 5_000  # 225 KB of plain text
    resident_client, stored = reply_with(app, session, people, "inspection-notes.txt", big)
    totals = scan(app)
    assert (totals.failed, totals.clean, totals.quarantined) == (1, 0, 0), (totals, stored.scan_status)
    session.expire_all()
    row = session.get(StoredFile, stored.id)
    assert row.scan_status is ScanStatus.UNSCANNABLE
    # clamd says so, or closes the connection mid-stream (which of the two is a race)
    assert "size limit" in row.scan_finding.lower() or "StreamMaxLength" in row.scan_finding
    reference = people["case"].reference
    officer = staff_client(app, session, people["officer"])
    assert resident_client.get(f"/cases/{reference}/files/{row.id}").status_code == 404
    assert officer.get(f"/staff/cases/{reference}/files/{row.id}").status_code == 404
    staff_page = officer.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "Could not be checked" in staff_page and f"/files/{row.id}\"" not in staff_page
    assert "could not check this file" in resident_client.get(f"/cases/{reference}").get_data(as_text=True)
    told = {m.template: m for m in session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == people["case"].id))}
    assert told["file_not_checked"].recipient == "jane@example.com"
    assert "inspection-notes.txt" in told["file_not_checked"].body and "another form" in told["file_not_checked"].body
    assert told["file_unscannable"].recipient == "priya@example.gov.uk"
    assert f"/staff/cases/{reference}#case-files" in told["file_unscannable"].body
    assert "file_removed" not in told and "file_quarantined" not in told
    assert scan(app).failed == 0  # not tried again every round
    with app.app_context():
        assert (files.upload_dir() / row.stored_name).exists()  # kept: nothing was found in it


def test_a_virus_inside_a_document_is_found_through_the_unix_socket(app, session, people, clamd, monkeypatch):
    configure(monkeypatch, app, clamd.unix_address)
    _client, stored = reply_with(app, session, people, "report.docx", docx({"word/media/notes.txt": EICAR}))
    assert scan(app).quarantined == 1
    session.expire_all()
    assert session.get(StoredFile, stored.id).scan_status is ScanStatus.QUARANTINED


def test_with_the_scanner_down_files_stay_pending_and_the_worker_scans_them_later(app, session, people, clamd,
                                                                                  monkeypatch):
    configure(monkeypatch, app, f"tcp://127.0.0.1:{free_port()}")  # nothing listens there
    resident_client, stored = reply_with(app, session, people, "letter.pdf", PDF)
    totals = scan(app)
    assert totals.waiting and totals.scanned == 0
    session.expire_all()
    assert session.get(StoredFile, stored.id).scan_status is ScanStatus.PENDING
    assert resident_client.get(f"/cases/{people['case'].reference}/files/{stored.id}").status_code == 404

    configure(monkeypatch, app, clamd.tcp_address)  # back up: the worker's next round scans it
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.get(StoredFile, stored.id).scan_status is ScanStatus.CLEAN
    assert resident_client.get(f"/cases/{people['case'].reference}/files/{stored.id}").status_code == 200


def test_after_the_scanner_failed_the_worker_waits_before_trying_again(app, session, people, clamd, monkeypatch):
    configure(monkeypatch, app, f"tcp://127.0.0.1:{free_port()}")
    _client, stored = reply_with(app, session, people, "letter.pdf", PDF)
    each_round = file_scanning.worker_rounds(retry_seconds=3600)
    with app.app_context():
        each_round()  # the scanner is down
        configure(monkeypatch, app, clamd.tcp_address)
        each_round()  # back up, but within the wait: not tried
        session.expire_all()
        assert session.get(StoredFile, stored.id).scan_status is ScanStatus.PENDING
        file_scanning.worker_rounds()()  # a worker without a failure behind it scans at once
    session.expire_all()
    assert session.get(StoredFile, stored.id).scan_status is ScanStatus.CLEAN


def test_files_stored_before_scanning_was_switched_on_are_not_served_until_scanned(app, session, people, monkeypatch,
                                                                                 clamd):
    case = people["case"]
    with app.test_request_context():
        [old] = files.store([files.CheckedFile("old.pdf", files.PDF, PDF)], uploaded_by=None, case_id=case.id)
        db.session.commit()
        old_id = old.id
    assert session.get(StoredFile, old_id).scan_status is ScanStatus.UNSCANNED
    officer = staff_client(app, session, people["officer"])
    assert officer.get(f"/staff/cases/{case.reference}/files/{old_id}").status_code == 200  # no scanner: served

    configure(monkeypatch, app, clamd.tcp_address)
    assert officer.get(f"/staff/cases/{case.reference}/files/{old_id}").status_code == 404
    assert scan(app).clean == 1
    assert officer.get(f"/staff/cases/{case.reference}/files/{old_id}").status_code == 200


def test_a_quarantined_file_is_never_served_even_with_scanning_switched_off(app, session, people, scanning,
                                                                           monkeypatch):
    _client, stored = reply_with(app, session, people, "eicar.txt", EICAR)
    scan(app)
    configure(monkeypatch, app, "")
    officer = staff_client(app, session, people["officer"])
    assert officer.get(f"/staff/cases/{people['case'].reference}/files/{stored.id}").status_code == 404


@pytest.mark.parametrize("value", ["127.0.0.1:3310", "tcp://127.0.0.1", "http://clamd:3310", "unix://relative"])
def test_a_malformed_clamd_address_is_a_configuration_error(value, tmp_path):
    with pytest.raises(ConfigError, match="REDRESS_CLAMD"):
        load_settings({"REDRESS_ENV": "testing", "REDRESS_INSTANCE_PATH": str(tmp_path), "REDRESS_CLAMD": value})


# --- the council's logo: scanned as it is uploaded, since every page shows it -----------------------


def _upload_logo(client, name: str, data: bytes):
    return client.post("/staff/admin/council/logo", data={
        "csrf_token": client.csrf_token("/staff/admin/council/logo"), "submit": "Upload logo",
        "logo": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_a_logo_is_scanned_before_it_is_kept_and_shown_at_once(app, session, make, scanning):
    from unit_tests.test_council_admin import SVG, _png

    admin = staff_client(app, session, make.user(Role.ADMIN))
    assert _upload_logo(admin, "crest.png", _png()).status_code == 302
    session.expire_all()
    logo = session.get(CouncilIdentity, 1).logo
    assert logo.scan_status is ScanStatus.CLEAN and logo.scanned_at is not None
    assert app.test_client().get(f"/council-logo/{logo.stored_name}").status_code == 200
    assert f"/council-logo/{logo.stored_name}" in app.test_client().get("/").get_data(as_text=True)

    infected = SVG.replace(b"<defs>", b"<!-- " + EICAR + b" --><defs>")
    refused = _upload_logo(admin, "crest.svg", infected)
    assert refused.status_code == 400
    assert "The virus check found a virus in crest.svg" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(CouncilIdentity, 1).logo.id == logo.id  # the old one stays
    assert session.scalar(select(StoredFile).where(StoredFile.original_name == "crest.svg")) is None


def test_with_the_scanner_down_the_logo_cannot_be_changed(app, session, make, monkeypatch):
    from unit_tests.test_council_admin import _png

    configure(monkeypatch, app, f"tcp://127.0.0.1:{free_port()}")
    admin = staff_client(app, session, make.user(Role.ADMIN))
    refused = _upload_logo(admin, "crest.png", _png())
    assert refused.status_code == 400 and "The virus check is not answering" in refused.get_data(as_text=True)
    assert session.get(CouncilIdentity, 1) is None


def test_a_logo_stored_before_scanning_was_switched_on_waits_for_its_scan(app, session, make, monkeypatch, clamd):
    from unit_tests.test_council_admin import _png

    admin = staff_client(app, session, make.user(Role.ADMIN))
    assert _upload_logo(admin, "crest.png", _png()).status_code == 302  # no scanning yet: served unscanned
    session.expire_all()
    logo = session.get(CouncilIdentity, 1).logo
    assert logo.scan_status is ScanStatus.UNSCANNED
    url = f"/council-logo/{logo.stored_name}"
    assert app.test_client().get(url).status_code == 200
    configure(monkeypatch, app, clamd.tcp_address)
    assert app.test_client().get(url).status_code == 404
    assert url not in app.test_client().get("/").get_data(as_text=True)
    assert scan(app).clean == 1
    assert app.test_client().get(url).status_code == 200
