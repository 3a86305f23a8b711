"""An admin sets the council's details and retention periods in a real browser: a brand colour too
light for white text refused with its contrast, what was typed kept; a new name and colour shown at
once in the header; the logo page; a retention period out of range refused. Everything is put back
afterwards, as the other journeys share the demo council. axe on every page, JavaScript on and off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e


def _sign_in_as_admin(page: Page) -> None:
    page.goto("/staff/sign-in")
    page.get_by_label("Work email address", exact=True).fill("admin@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_changes_the_councils_name_and_colour(any_page: Page, javascript: bool) -> None:
    page = any_page
    _sign_in_as_admin(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Council").click()
    expect(page.get_by_role("heading", name="Council details", level=1)).to_be_visible()
    expect_scripts(page, javascript)
    name = page.get_by_label("Council's name", exact=True)
    original_name = name.input_value()
    original_colour = page.get_by_label("Brand colour", exact=True).input_value()
    axe_check(page)

    # Too light for white text: refused with its contrast, everything typed kept.
    name.fill("Redbury City Council")
    page.get_by_label("Brand colour", exact=True).fill("#aabbcc")
    page.get_by_role("button", name="Save council details").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("#aabbcc is too light for white text: its contrast with white is 1.9 to 1")
    if javascript:
        expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert page.title().startswith("Error:")
    expect(page.get_by_label("Council's name", exact=True)).to_have_value("Redbury City Council")
    axe_check(page)

    summary.get_by_role("link").first.click()
    page.get_by_label("Brand colour", exact=True).fill("#4b0a6d")
    page.get_by_role("button", name="Save council details").click()
    expect(page.get_by_text("Council details saved.")).to_be_visible()
    expect(page.locator(".redress-header__name")).to_have_text("Redbury City Council")
    expect(page.locator(".govuk-generic-header")).to_have_css("background-color", "rgb(75, 10, 109)")
    expect(page.get_by_role("table", name=re.compile("Changes to the council's details"))).to_contain_text(
        "Redbury City Council")
    axe_check(page)

    page.get_by_role("link", name=re.compile("Upload a logo|Change or remove the logo")).click()
    expect(page.get_by_role("heading", name="Council logo", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Upload logo").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        "Choose a PNG or SVG file for the logo")
    axe_check(page)

    # Put the demo council back for the other journeys.
    page.goto("/staff/admin/council")
    page.get_by_label("Council's name", exact=True).fill(original_name)
    page.get_by_label("Brand colour", exact=True).fill(original_colour)
    page.get_by_role("button", name="Save council details").click()
    expect(page.locator(".redress-header__name")).to_have_text(original_name)


def test_an_admin_reads_the_retention_periods_and_meets_an_error(any_page: Page, javascript: bool) -> None:
    page = any_page
    _sign_in_as_admin(page)
    page.get_by_role("link", name="Retention periods").click()
    expect(page.get_by_role("heading", name="Retention periods", level=1)).to_be_visible()
    expect_scripts(page, javascript)
    housing = page.get_by_label("Housing complaints (Complaint Handling Code)", exact=True)
    expect(housing).to_have_value("6")
    axe_check(page)

    housing.fill("0")
    page.get_by_role("button", name="Save retention periods").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text(
        "Enter a whole number of years from 1 to 20 for Housing complaints (Complaint Handling Code)")
    expect(page.get_by_label("Housing complaints (Complaint Handling Code)", exact=True)).to_have_value("0")
    axe_check(page)

    page.get_by_label("Housing complaints (Complaint Handling Code)", exact=True).fill("6")
    page.get_by_role("button", name="Save retention periods").click()
    expect(page.get_by_text("Nothing was changed.")).to_be_visible()
    axe_check(page)
