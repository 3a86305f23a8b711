"""Reports in a real browser on the demo council: a manager opens the dashboard and the quarterly
summary, narrows it, meets a date error and downloads the CSV, with axe on every page, JavaScript on
and off, and at 320 CSS px wide without the page scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e


def _sign_in(page: Page) -> None:
    page.goto("/staff/sign-in")
    page.get_by_label("Work email address", exact=True).fill("manager@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_manager_reads_narrows_and_downloads_a_report(any_page: Page, javascript: bool) -> None:
    page = any_page
    _sign_in(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    expect_scripts(page, javascript)  # once a page has loaded (not mid-redirect after signing in)
    axe_check(page)

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Stage 1 complaints by quarter")).to_be_visible()
    # The longest bar is drawn (the page's CSP allows no style attributes, so widths are SVG's own).
    widths = page.locator(".redress-chart rect").evaluate_all("rects => rects.map(r => r.getBoundingClientRect().width)")
    assert widths and max(widths) > 50
    axe_check(page)

    page.get_by_role("link", name="Reports", exact=True).first.click()
    page.get_by_role("link", name="Quarterly summary").click()
    expect(page.get_by_role("table", name="Contacts and complaints")).to_be_visible()
    axe_check(page)

    # A date that does not exist: the error summary links to the box, and what was typed stays.
    page.get_by_role("group", name="From").get_by_label("Day").fill("31")
    page.get_by_role("group", name="From").get_by_label("Month").fill("2")
    page.get_by_role("button", name="Show the report").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The date must be a real date")
    expect(page.get_by_role("group", name="From").get_by_label("Day")).to_have_value("31")
    axe_check(page)

    page.get_by_role("group", name="From").get_by_label("Day").fill("1")
    page.get_by_role("group", name="From").get_by_label("Month").fill("4")
    page.get_by_label("How it was made").select_option("phone")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("table", name="Contacts and complaints")).to_be_visible()
    expect(page.get_by_label("How it was made")).to_have_value("phone")
    axe_check(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report (CSV)").click()
    assert download.value.suggested_filename.startswith("quarterly-")
    with open(download.value.path(), encoding="utf-8") as handle:
        assert handle.readline().strip() == "Quarterly summary"


def test_a_report_reflows_at_320_css_pixels(any_page: Page) -> None:
    page = any_page
    page.set_viewport_size({"width": 320, "height": 640})
    _sign_in(page)
    page.goto("/staff/reports/timeliness")
    expect(page.get_by_role("heading", name="Timeliness", level=1)).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    axe_check(page)


def test_a_manager_reads_the_staff_attitude_report(any_page: Page, javascript: bool) -> None:
    page = any_page
    _sign_in(page)
    page.goto("/staff/reports")
    page.get_by_role("link", name="Staff attitude complaints by named employee").click()
    expect(page.get_by_role("heading", name="Staff attitude complaints by named employee", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Staff attitude and behaviour complaints by named employee")).to_be_visible()
    expect(page.get_by_role("row", name="No employee named")).to_be_visible()
    axe_check(page)
