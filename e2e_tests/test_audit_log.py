"""An admin searches the audit log in a real browser: a failed sign-in just made (recorded although
it was refused) found by its address, a wrong date refused with what was typed kept, then the
admin's own sign-ins by action. Axe on every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e


def test_an_admin_finds_a_failed_sign_in_and_their_own_sign_ins(any_page: Page, javascript: bool) -> None:
    page = any_page
    page.goto("/staff/sign-in")
    expect_scripts(page, javascript)
    page.get_by_label("Work email address", exact=True).fill("officer@example.gov.uk")
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()

    page.get_by_label("Work email address", exact=True).fill("admin@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Audit log").first.click()
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    axe_check(page)

    page.get_by_label("About whom").fill("officer@example.gov.uk")
    page.get_by_label("What happened").select_option(label="Sign-in failed")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table", name="Audit records, newest first")
    expect(results.get_by_role("row").nth(1)).to_contain_text("Sign-in failed")
    expect(results).to_contain_text("wrong password")
    expect(results).to_contain_text("Not signed in")
    expect(page.get_by_role("link", name="Download every record this search finds (CSV)")).to_be_visible()
    axe_check(page)

    page.get_by_role("group", name="From").get_by_label("Day").fill("31")
    page.get_by_role("group", name="From").get_by_label("Month").fill("2")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text("The date must be a real date")
    assert page.title().startswith("Error:")
    expect(page.get_by_label("About whom")).to_have_value("officer@example.gov.uk")
    axe_check(page)

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Who did it").fill("admin@example.gov.uk")
    page.get_by_label("What happened").select_option(label="All: Signing in and out")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table", name="Audit records, newest first").get_by_role("row").nth(1)).to_contain_text("Signed in")
    axe_check(page)
