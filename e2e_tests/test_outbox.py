"""The staff outbox in a real browser: a message queued by a resident's action, listed, filtered and
opened by a manager (links that carry secrets hidden), with axe on every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e


def test_a_manager_finds_a_queued_message_in_the_outbox(any_page: Page, javascript: bool) -> None:
    page = any_page
    page.goto("/forgotten-password")
    page.get_by_label("Email address").fill("resident@example.com")
    page.get_by_role("button", name="Send me a link").click()

    page.goto("/staff/sign-in")
    expect_scripts(page, javascript)
    page.get_by_label("Work email address", exact=True).fill("manager@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", name="Outbox", level=1)).to_be_visible()
    axe_check(page)

    page.get_by_label("Message", exact=True).select_option("reset_password")
    page.get_by_label("Status").select_option("queued")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("cell", name="resident@example.com").first).to_be_visible()
    axe_check(page)

    page.get_by_role("row").filter(has_text="resident@example.com").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    expect(page.get_by_text("[link removed]")).to_be_visible()
    expect(page.get_by_text("/reset-password/")).to_have_count(0)
    axe_check(page)
