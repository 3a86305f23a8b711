"""The report pages: filters with GOV.UK errors that keep what was typed, the figures on the page,
the CSV download, and the same figures as the report service (the strict client checks each page's
HTML and its query count)."""

from __future__ import annotations

import csv
import io

import pytest

from shared import clock
from shared.domain.enums import Role
from shared.services import reports
from unit_tests.report_data import build_council
from unit_tests.test_route_access import quick_sign_in

Q2 = {"start": ["1", "7", "2026"], "end": ["30", "9", "2026"]}


@pytest.fixture
def council(app, session, make):
    clock.set_now("2026-12-07T12:00:00")
    return build_council(session, make)


@pytest.fixture
def officer(app, session, make):
    client = app.test_client()
    quick_sign_in(client, session, make.user(Role.OFFICER))
    return client


def _query(**fields) -> list[tuple[str, str]]:
    pairs = []
    for name, value in fields.items():
        for part in value if isinstance(value, list) else [value]:
            pairs.append((name, part))
    return pairs


def test_the_list_names_every_report_the_officer_may_read(officer):
    body = officer.get("/staff/reports").get_data(as_text=True)
    readable = [spec for spec in reports.registry().values() if Role.OFFICER in spec.roles]
    assert len(readable) == len(reports.registry()) - 1  # all but the managers' staff attitude report
    for spec in readable:
        assert f'href="/staff/reports/{spec.name}"' in body
        assert str(spec.title) in body
    assert "/staff/reports/staff_attitude" not in body


@pytest.mark.parametrize("name", ["dashboard", "quarterly", "backlog", "demand", "timeliness", "ombudsman", "learning",
                                  "member_enquiries"])
def test_every_report_shows_its_default_period_within_the_page_limits(officer, council, name):
    response = officer.get(f"/staff/reports/{name}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Download this report (CSV)" in body
    assert 'id="report-period"' in body


def test_the_quarterly_summary_for_a_chosen_quarter(officer, council):
    response = officer.get("/staff/reports/quarterly", query_string=_query(**Q2))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 July 2026 to 30 September 2026" in body
    # The contacts row: 7 now, 2 a year earlier, +250.0%.
    assert '<th scope="row" class="govuk-table__header">Contacts received</th>' in body
    assert "+250.0%" in body
    assert "66.7%" in body  # upheld in whole or in part
    assert 'class="redress-chart"' in body


def test_filters_narrow_the_figures(officer, council):
    tax = council["tax"].id
    body = officer.get("/staff/reports/quarterly", query_string=_query(**Q2, service=str(tax))).get_data(as_text=True)
    assert f'<option value="{tax}" selected>' in body
    assert "Housing</th>" not in body


def test_a_wrong_date_is_a_govuk_error_that_keeps_what_was_typed(officer, council):
    response = officer.get("/staff/reports/quarterly",
                           query_string=_query(start=["31", "2", "2026"], end=["30", "9", "2026"]))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body
    assert "The date must be a real date" in body
    assert 'value="31"' in body and 'value="2"' in body
    assert "Download this report" not in body


def test_an_end_before_the_start_is_refused(officer, council):
    response = officer.get("/staff/reports/timeliness",
                           query_string=_query(start=["1", "10", "2026"], end=["30", "9", "2026"]))
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.get_data(as_text=True)


def test_an_unknown_filter_value_is_refused(officer, council):
    response = officer.get("/staff/reports/quarterly", query_string=_query(**Q2, service="999999"))
    assert response.status_code == 400
    assert "Choose a service from the list" in response.get_data(as_text=True)


def test_the_backlog_asks_for_one_date(officer, council):
    body = officer.get("/staff/reports/backlog", query_string=_query(end=["31", "8", "2026"])).get_data(as_text=True)
    assert 'name="start"' not in body
    assert "At the end of 31 August 2026" in body


def test_an_unknown_report_is_not_found(officer):
    assert officer.get("/staff/reports/nonsense").status_code == 404
    assert officer.get("/staff/reports/nonsense.csv").status_code == 404


def test_the_csv_download_is_the_report_as_a_spreadsheet(app, officer, council):
    response = officer.get("/staff/reports/quarterly.csv", query_string=_query(**Q2))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="quarterly-2026-07-01-to-2026-09-30.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["Contacts received", "7", "2", "250.0"] in rows
    assert ["Housing", "2", "66.7"] in rows


def test_a_csv_with_wrong_dates_is_refused(officer, council):
    assert officer.get("/staff/reports/quarterly.csv", query_string=_query(start="x", end="y")).status_code == 400


def test_the_report_page_in_welsh(officer, council):
    body = officer.get("/staff/reports/quarterly", query_string=_query(**Q2, lang="cy")).get_data(as_text=True)
    assert 'lang="cy"' in body
