"""The import page for admins, the import and export commands, and the case list's CSV download."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from shared import clock
from shared.domain.enums import Role
from shared.models import AuditEvent, Case, CaseStage, User
from shared.services import case_csv
from shared.services.accounts import email_key
from unit_tests.test_route_access import quick_sign_in

EXAMPLE = case_csv.EXAMPLE.read_bytes()


@pytest.fixture
def services(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    found = {slug: make.service(slug=slug, name=name) for slug, name in (
        ("housing-repairs", "Housing repairs"), ("waste-recycling", "Waste and recycling"),
        ("council-tax-benefits", "Council Tax and benefits"))}
    session.commit()
    yield found
    clock.set_now(None)


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    quick_sign_in(client, session, make.user(Role.ADMIN))
    return client


def _upload(client, content: bytes, *, check: bool = False, name: str = "cases.csv"):
    token = client.csrf_token("/staff/admin/import")
    data = {"csrf_token": token, "file": (io.BytesIO(content), name)}
    data["check" if check else "submit"] = "x"
    return client.post("/staff/admin/import", data=data, content_type="multipart/form-data")


def _cases(session) -> int:
    return session.scalar(select(func.count()).select_from(Case))


def test_the_example_file_imports_and_the_page_says_what_it_added(admin, services, session):
    page = admin.get("/staff/admin/import").get_data(as_text=True)
    assert "Download an example file (CSV)" in page and "<code>escalated_from</code>" in page
    example = admin.get("/staff/admin/import/example.csv")
    assert example.data == EXAMPLE and "attachment" in example.headers["Content-Disposition"]

    response = _upload(admin, EXAMPLE)
    assert response.status_code == 302
    page = admin.get("/staff/admin/import").get_data(as_text=True)
    assert "Imported 5 cases (6 stages) and 4 new people." in page
    assert _cases(session) == 5
    assert session.scalar(select(func.count()).select_from(CaseStage)) == 6
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "cases.imported")).all() == [
        "cases.imported"]

    again = _upload(admin, EXAMPLE)
    assert again.status_code == 302
    assert "6 rows were already in Redress and were left as they were." in admin.get(
        "/staff/admin/import").get_data(as_text=True)
    assert _cases(session) == 5


def test_checking_a_file_imports_nothing(admin, services, session):
    response = _upload(admin, EXAMPLE, check=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "The file has no problems" in body
    assert "Importing it would add 5 cases (6 stages) and 4 new people." in body
    assert _cases(session) == 0


def test_a_bad_file_lists_its_problems_by_line_and_column_and_imports_nothing(admin, services, session):
    bad = EXAMPLE.replace(b"03/06/2024", b"31/02/2024").replace(b",staff_attitude,", b",rudeness,")
    response = _upload(admin, bad)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body
    assert "The file has 2 problems: nothing was imported." in body
    assert "<td class=\"govuk-table__cell govuk-table__cell--numeric\">2</td>" in body
    assert "<code>received_on</code>" in body and "<code>reason</code>" in body
    assert "quality_of_service, timeliness, staff_attitude, policy" in body
    assert _cases(session) == 0


def test_no_file_and_a_spreadsheet_saved_in_windows_encoding(admin, services, session):
    token = admin.csrf_token("/staff/admin/import")
    empty = admin.post("/staff/admin/import", data={"csrf_token": token, "submit": "x"},
                       content_type="multipart/form-data")
    assert empty.status_code == 400 and "Choose a CSV file of cases" in empty.get_data(as_text=True)
    windows = EXAMPLE.decode().replace("Sam Patel", "Zoë Brontë").encode("cp1252")
    assert _upload(admin, windows).status_code == 302
    names = set(session.scalars(select(User.full_name).join(Case, Case.resident_id == User.id)))
    assert "Zoë Brontë" in names and _cases(session) == 5


def test_the_commands_import_check_and_export(app, services, session, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(EXAMPLE)
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["import-cases", str(path), "--check"])
    assert checked.exit_code == 0, checked.output
    assert "has no problems" in checked.output and _cases(session) == 0
    done = runner.invoke(args=["import-cases", str(path)])
    assert done.exit_code == 0, done.output
    assert "Imported 5 cases (6 stages) and 4 new people" in done.output
    assert _cases(session) == 5
    out = tmp_path / "export.csv"
    exported = runner.invoke(args=["export-cases", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 6
    assert [row["reference"] for row in rows if row["stage"] == "2"] == ["CMP/2024/0001"]
    path.write_bytes(EXAMPLE.replace(b"2024-07-08", b"next tuesday"))
    refused = runner.invoke(args=["import-cases", str(path)])
    assert refused.exit_code == 1
    assert "line 5, received_on: Expected a date" in refused.output
    assert "was not imported" in refused.output


@pytest.fixture
def officer(app, session, make):
    client = app.test_client()
    quick_sign_in(client, session, make.user(Role.OFFICER))
    return client


def test_the_case_list_downloads_as_csv_in_the_import_columns(app, officer, services, session, make):
    from shared.services import case_import

    with app.test_request_context():
        from shared.db import db

        case_import.import_cases(io.StringIO(EXAMPLE.decode(), newline=""), actor=None, source="example.csv")
        db.session.commit()
    page = officer.get("/staff/cases").get_data(as_text=True)
    assert "Download these 5 cases as a spreadsheet" in page
    response = officer.get("/staff/cases.csv?q=Patel")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == list(case_csv.COLUMNS)
    assert sorted((row["reference"], row["stage"]) for row in rows) == [
        ("CMP/2024/0001", "1"), ("CMP/2024/0001", "2"), ("CMP/2024/0005", "1")]
    exported = session.scalars(select(AuditEvent).where(AuditEvent.action == "cases.exported")).one()
    with app.app_context():  # what was typed is recorded as its key, never as the text itself
        assert exported.details["filters"] == {"q_key": email_key("Patel")}
    assert "Patel" not in str(exported.details)


def test_a_responder_exports_only_their_services_cases(app, services, session, make):
    from shared.db import db
    from shared.services import case_import

    with app.test_request_context():
        case_import.import_cases(io.StringIO(EXAMPLE.decode(), newline=""), actor=None, source="example.csv")
        db.session.commit()
    client = app.test_client()
    quick_sign_in(client, session, make.user(Role.RESPONDER, service_id=services["waste-recycling"].id))
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/cases.csv").get_data(as_text=True))))
    assert [row["reference"] for row in rows] == ["CMP/2024/0002"]


def test_a_file_over_the_pages_limit_is_sent_to_the_command(admin, services, session, monkeypatch):
    from staff.views import admin_import

    monkeypatch.setattr(admin_import, "MAX_IMPORT_BYTES", 100 * 1024)
    big = EXAMPLE + b"\n" * (100 * 1024)
    response = _upload(admin, big)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "The file must be smaller than 0.1 MB" in body
    assert "import larger files with the redress import-cases command" in body
    assert _cases(session) == 0
