"""The first journey end to end: a resident makes a complaint, an officer finds it in triage.

Run with JavaScript on and off (every page must work without it), axe on every page visited.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"RDR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
GOVUK_DATE = r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"


def service_nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


def sign_in(page: Page, email: str, email_label: str = "Email address") -> None:
    page.get_by_label(email_label, exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_resident_complains_and_officer_sees_it_in_triage(any_page: Page, javascript: bool) -> None:
    page = any_page
    happened = date.today() - timedelta(days=14)
    what_happened = f"Our green bin was not collected on {happened:%d %B}. The crew skipped the whole street."
    outcome = "Collect the bin this week and tell me why it was missed."

    # The start page, then sign in from the service navigation.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tell Redress Borough Council what went wrong")
    expect_scripts(page, javascript)
    axe_check(page)
    service_nav(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    axe_check(page)
    sign_in(page, "resident@example.com")
    expect(page.get_by_role("heading", name="Your cases", level=1)).to_be_visible()
    axe_check(page)

    # Make a complaint: start page, then one question a page.
    service_nav(page).get_by_role("link", name="Make a complaint").click()
    expect(page.get_by_role("heading", name="Make a complaint", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Start", exact=True).click()

    expect(page.get_by_role("heading", name="Which service is your complaint about?")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Waste and recycling").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="What happened?")).to_be_visible()
    axe_check(page)
    page.get_by_label("What happened?").fill("The bin was not collected.")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="When did it happen?")).to_be_visible()
    axe_check(page)
    page.get_by_label("Day").fill(str(happened.day))
    page.get_by_label("Month").fill(str(happened.month))
    page.get_by_label("Year").fill(str(happened.year))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="What would you like us to do to put things right?")).to_be_visible()
    axe_check(page)
    page.get_by_label("What would you like us to do to put things right?").fill(outcome)
    page.get_by_role("button", name="Continue").click()

    expect(
        page.get_by_role("heading", name="How would you like us to contact you about your complaint?")
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Phone").check()
    page.get_by_role("button", name="Continue").click()

    # Phone chosen: the number is its own question.
    expect(page.get_by_role("heading", name="What is your phone number?")).to_be_visible()
    axe_check(page)
    page.get_by_label("What is your phone number?").fill("07700 900 982")
    page.get_by_role("button", name="Continue").click()

    # Check answers shows every answer, each with a Change link.
    expect(page.get_by_role("heading", name="Check your answers before sending your complaint")).to_be_visible()
    axe_check(page)
    answers = page.locator(".govuk-summary-list")
    expect(answers).to_contain_text("Waste and recycling")
    expect(answers).to_contain_text("The bin was not collected.")
    expect(answers).to_contain_text(f"{happened.day} {happened:%B} {happened.year}")
    expect(answers).to_contain_text(outcome)
    expect(answers).to_contain_text("07700 900 982")
    for answer in ("service", "what happened", "when it happened", "what would put things right", "how to contact you",
                   "phone number"):
        expect(page.get_by_role("link", name=f"Change {answer}", exact=True)).to_be_visible()

    # Change one answer and come straight back to check answers.
    page.get_by_role("link", name="Change what happened", exact=True).click()
    expect(page.get_by_role("heading", name="What happened?")).to_be_visible()
    expect(page.get_by_label("What happened?")).to_have_value("The bin was not collected.")
    axe_check(page)
    page.get_by_label("What happened?").fill(what_happened)
    page.get_by_role("button", name="Save and return to check your answers").click()
    expect(page.get_by_role("heading", name="Check your answers before sending your complaint")).to_be_visible()
    expect(answers).to_contain_text(what_happened)
    expect(answers).not_to_contain_text("The bin was not collected.")
    axe_check(page)

    # Send it: the confirmation panel gives the reference and the acknowledgement date.
    page.get_by_role("button", name="Send complaint").click()
    expect(page.get_by_role("heading", name="Complaint sent", level=1)).to_be_visible()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text(REFERENCE)
    reference = REFERENCE.search(panel.inner_text()).group(0)
    expect(page.get_by_text(re.compile(f"We will acknowledge your complaint by {GOVUK_DATE}"))).to_be_visible()
    axe_check(page)

    # It is listed in the resident's cases.
    service_nav(page).get_by_role("link", name="Your cases").click()
    expect(page.get_by_role("heading", name="Your cases", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=reference, exact=True)).to_be_visible()
    axe_check(page)

    service_nav(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(service_nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    axe_check(page)

    # An officer finds it in the triage queue, with how long it has waited.
    page.goto("/staff/sign-in")
    expect(page.get_by_role("heading", name="Sign in to the back office", level=1)).to_be_visible()
    axe_check(page)
    sign_in(page, "officer@example.gov.uk", email_label="Work email address")
    expect(service_nav(page).get_by_role("link", name="Triage")).to_be_visible()
    axe_check(page)
    service_nav(page).get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", name="Triage queue", level=1)).to_be_visible()
    axe_check(page)
    row = find_in_paginated_table(page, reference)
    expect(row).to_contain_text("Waste and recycling")
    expect(row).to_contain_text(re.compile(r"\d+ working days?"))

    row.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", name=f"Case {reference}", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Received (online)")).to_be_visible()
    axe_check(page)


def find_in_paginated_table(page: Page, reference: str):
    """The table row for `reference`, following "Next" (and axe-checking each page) until found."""
    for _page_number in range(100):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
        if row.count():
            return row
        next_link = page.get_by_role("navigation", name="Pages").get_by_role("link", name=re.compile(r"^Next"))
        assert next_link.count(), f"{reference} is not in the queue"
        next_link.click()
        page.wait_for_load_state()
        axe_check(page)
    raise AssertionError(f"{reference} not found in the first 100 pages")
