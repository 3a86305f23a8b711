"""An admin keeps teams in a real browser: the demo's teams listed, a new team refused without a
service (what was chosen kept), then added; its members offered first when one of its services'
cases is allocated. Axe on every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e


def _sign_in(page: Page, email: str, javascript: bool) -> None:
    page.goto("/staff/sign-in")
    expect_scripts(page, javascript)  # on a page that has finished loading, as the other admin tests do
    page.get_by_label("Work email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_adds_a_team_whose_members_are_offered_first(any_page: Page, javascript: bool) -> None:
    page = any_page
    name = f"Planning complaints {'js' if javascript else 'nojs'}"
    _sign_in(page, "admin@example.gov.uk", javascript)
    page.get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", name="Teams", level=1)).to_be_visible()
    table = page.get_by_role("table", name="Teams")
    expect(table.get_by_role("rowheader", name="Housing complaints")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Add a team").click()
    expect(page.get_by_role("heading", name="Add a team", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("checkbox", name="Helen Morgan").check()
    page.get_by_role("button", name="Save team").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Select at least one service")
    expect(page.get_by_label("Name", exact=True)).to_have_value(name)
    expect(page.get_by_role("checkbox", name="Helen Morgan")).to_be_checked()
    axe_check(page)

    page.get_by_role("checkbox", name="Planning and building control").check()
    page.get_by_role("button", name="Save team").click()
    expect(page.get_by_text(f"{name} added.")).to_be_visible()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("table", name="Changes to this team, newest first")).to_contain_text("Helen Morgan")
    axe_check(page)
