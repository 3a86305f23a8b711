"""An admin keeps the council's complaint reasons in a real browser: the list by category, a new
reason refused without its Welsh name (what was typed kept), then added; a reason on cases shows
its category fixed and why; offering stopped, shown in its history. Axe on every page, JavaScript
on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e


def test_an_admin_adds_a_reason_and_stops_offering_one_on_cases(any_page: Page, javascript: bool) -> None:
    page = any_page
    name = f"Garden waste not collected {'js' if javascript else 'nojs'}"
    page.goto("/staff/sign-in")
    expect_scripts(page, javascript)
    page.get_by_label("Work email address", exact=True).fill("admin@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Complaint reasons").click()
    expect(page.get_by_role("heading", name="Complaint reasons", level=1)).to_be_visible()
    quality = page.get_by_role("table", name="Quality of service")
    expect(quality.get_by_role("rowheader", name="Missed bin collection")).to_be_visible()
    expect(quality).to_contain_text("Waste and recycling")
    axe_check(page)

    page.get_by_role("link", name="Add a reason").click()
    expect(page.get_by_role("heading", name="Add a reason", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("radio", name="Quality of service").check()
    page.get_by_label("Which service is it for?").select_option(label="Waste and recycling")
    page.get_by_role("button", name="Save reason").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Enter the reason's Welsh name")
    assert page.title().startswith("Error:")
    expect(page.get_by_label("Name", exact=True)).to_have_value(name)
    expect(page.get_by_role("radio", name="Quality of service")).to_be_checked()
    axe_check(page)
    page.get_by_label("Welsh name").fill("Gwastraff gardd heb ei gasglu")
    page.get_by_role("button", name="Save reason").click()
    expect(page.get_by_text(f"{name} added.")).to_be_visible()
    expect(quality.get_by_role("rowheader", name=name)).to_be_visible()

    # The demo's cases record "Rude or unhelpful staff": its category is fixed, and the page says why.
    page.get_by_role("link", name="Rude or unhelpful staff").click()
    expect(page.get_by_role("heading", name="Edit Rude or unhelpful staff", level=1)).to_be_visible()
    expect(page.get_by_text("so its category cannot change")).to_be_visible()
    expect(page.get_by_role("radio", name="Policy and procedure")).to_have_count(0)
    axe_check(page)
    offer = page.get_by_label("Offer this reason at triage")
    if offer.is_checked():
        offer.uncheck()
    else:
        offer.check()
    page.get_by_role("button", name="Save reason").click()
    expect(page.get_by_text("Rude or unhelpful staff saved.")).to_be_visible()
    page.get_by_role("link", name="Rude or unhelpful staff").click()
    changes = page.get_by_role("table").filter(has_text="Changed by")
    expect(changes).to_contain_text("Alex Kowalski")
    expect(changes).to_contain_text("Offered →")
    axe_check(page)
