"""Importing cases and downloading the case list, in a real browser on the demo council: an admin
checks a file with mistakes (listed by line and column, nothing imported), then a good one; an
officer downloads the case list as CSV. axe on every page, JavaScript on and off."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts
from shared.services import case_csv

pytestmark = pytest.mark.e2e


def _sign_in(page: Page, email: str) -> None:
    page.goto("/staff/sign-in")
    page.get_by_label("Work email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_checks_a_file_before_importing_it(any_page: Page, javascript: bool, tmp_path) -> None:
    page = any_page
    _sign_in(page, "admin@example.gov.uk")
    page.get_by_role("link", name="Import cases").click()
    expect(page.get_by_role("heading", name="Import cases", level=1)).to_be_visible()
    expect_scripts(page, javascript)
    axe_check(page)

    # Nothing chosen: the error summary links to the file box.
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a CSV file of cases")
    axe_check(page)

    bad = tmp_path / "bad.csv"
    bad.write_bytes(case_csv.EXAMPLE.read_bytes().replace(b"03/06/2024", b"31/02/2024"))
    page.get_by_label("Spreadsheet of cases, saved as CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file has 1 problem: nothing was imported")
    if javascript:
        expect(summary).to_be_focused()
    problems = page.get_by_role("table", name="Problems in the file")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("received_on")
    axe_check(page)

    good = tmp_path / "good.csv"
    good.write_bytes(case_csv.EXAMPLE.read_bytes())
    page.get_by_label("Spreadsheet of cases, saved as CSV").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("Importing it would add 5 cases (6 stages)")
    axe_check(page)


def test_an_officer_downloads_the_case_list(any_page: Page) -> None:
    page = any_page
    _sign_in(page, "officer@example.gov.uk")
    page.goto("/staff/cases?state=open")
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="as a spreadsheet").click()
    assert download.value.suggested_filename.startswith("cases-")
    with open(download.value.path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and list(rows[0]) == list(case_csv.COLUMNS)
    closed = {"closed", "withdrawn", "refused", "service_request", "feedback", "signposted", "duplicate"}
    assert {row["status"] for row in rows}.isdisjoint(closed)


def test_an_admin_reads_the_services_and_meets_an_error(any_page: Page) -> None:
    page = any_page
    _sign_in(page, "admin@example.gov.uk")
    page.get_by_role("link", name="Services", exact=True).click()
    expect(page.get_by_role("heading", name="Services", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Housing repairs").click()
    expect(page.get_by_role("heading", name="Edit Housing repairs", level=1)).to_be_visible()
    expect(page.get_by_role("group", name="Is it social care?").get_by_label("No")).to_be_checked()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save service").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the service")
    expect(page.get_by_label("Welsh name", exact=True)).to_have_value("Atgyweirio tai")
    axe_check(page)
