"""Councillors and representatives in the browser: a councillor logs an enquiry for a constituent,
finds it in their enquiries and chases it, and looks at their ward's counts; a representative signs
in and sees only the case they are named on. JavaScript on and off, axe on every page."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

GOVUK_DATE = r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"


def sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_councillor_logs_an_enquiry_sees_it_and_chases_it(any_page: Page, javascript: bool) -> None:
    page = any_page
    sign_in(page, "councillor@example.gov.uk")
    page.goto("/councillor")
    expect_scripts(page, javascript)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your enquiries")
    axe_check(page)

    page.get_by_role("button", name="Log an enquiry for a constituent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an enquiry for a constituent")
    axe_check(page)
    # Nothing filled in: the errors, and the page keeps working.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the constituent")
    axe_check(page)

    marker = uuid.uuid4().hex[:8]
    page.get_by_label("Constituent's full name").fill(f"Ffion {marker}")
    page.get_by_label("Email address (optional)").fill(f"ffion-{marker}@example.com")
    page.get_by_label("They have given me written permission").check()
    expect(page.get_by_label("Ward")).to_have_value(re.compile(r"\d+"))  # their own ward, chosen for them
    page.get_by_label("Service", exact=True).select_option(label="Waste and recycling")
    page.get_by_label("What is the enquiry about?").fill(f"Bins on Mill Lane missed again ({marker}).")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the enquiry before sending it")
    expect(page.get_by_text(f"Ffion {marker}")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    reference = re.search(r"RDR-[A-Z0-9]{4}-[A-Z0-9]{4}", page.locator(".govuk-panel").inner_text()).group(0)
    expect(page.get_by_text(re.compile(f"We will reply to you by {GOVUK_DATE}"))).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Your enquiries").first.click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Enquiry {reference}")
    expect(page.get_by_text(f"Bins on Mill Lane missed again ({marker}).")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Chase this enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chase this enquiry")
    axe_check(page)
    page.get_by_label("Your message").fill(f"Any news, please? {marker}")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message has been sent to the officer handling this enquiry.")).to_be_visible()
    expect(page.get_by_text(f"Any news, please? {marker}")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Your ward").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Complaints in your ward")
    expect(page.get_by_text("To protect people's privacy", exact=False)).to_be_visible()
    axe_check(page)
    page.get_by_label("Period").select_option(label="The last 365 days")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table")).to_contain_text("Waste and recycling")
    axe_check(page)


def test_a_representative_sees_only_the_case_they_are_named_on(any_page: Page, javascript: bool) -> None:
    page = any_page
    sign_in(page, "advocate@example.com")
    page.goto("/cases")
    expect_scripts(page, javascript)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cases")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("You are acting for Jane")
    axe_check(page)
    rows.first.get_by_role("link").click()
    expect(page.get_by_text(re.compile("You are acting for Jane on this case"))).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Williams")
    axe_check(page)
