"""Safeguards in a browser: a resident records a reasonable adjustment in their details, complains
about children's social care and is offered an advocate and the support directory; an officer
sees the adjustment and what was signposted on the case page, and marks the adjustment reviewed.
Axe on every page, JavaScript on and off."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import axe_check, expect_scripts
from e2e_tests.test_resident_account import PASSWORD, create_resident, server_env, unique_email  # noqa: F401

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"RDR-[0-9A-Z]{4}-[0-9A-Z]{4}")
STAFF_PASSWORD = "demo-password-2026"


def nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", name=text, level=1)).to_be_visible()
    axe_check(page)


def choose(page: Page, legend: str, option: str) -> None:
    heading(page, legend)
    page.get_by_role("radio", name=option, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def fill(page: Page, label: str, text: str, button: str = "Continue") -> None:
    heading(page, label)
    page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name=button).click()


def test_adjustment_and_signposting_from_resident_to_officer(any_page: Page, javascript: bool, server_env) -> None:  # noqa: F811
    page = any_page
    email = unique_email("support")
    create_resident(server_env, email, "Morgan Support")

    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your cases", level=1)).to_be_visible()
    expect_scripts(page, javascript)

    # Your details → Help and adjustments: one question a page, in plain language.
    nav(page).get_by_role("link", name="Your details").click()
    heading(page, "Your details")
    page.get_by_role("link", name="your help and adjustments").click()
    heading(page, "Help and adjustments")
    expect(page.get_by_text("You have not told us about any help or adjustments.")).to_be_visible()
    page.get_by_role("link", name="Add help or an adjustment").click()
    heading(page, "What help or adjustment do you need?")
    expect(page.get_by_text("We only call you at times you agree with us.")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Select the help or adjustment you need")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Calls only at agreed times", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    fill(page, "When can we call you?", "Weekday mornings before 11am", button="Save")
    heading(page, "Help and adjustments")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Weekday mornings before 11am")

    # A complaint about children's services: an advocate is offered first, with the directory.
    nav(page).get_by_role("link", name="Give feedback").click()
    heading(page, "Give feedback")
    page.get_by_role("button", name="Start new feedback").click()
    choose(page, "What would you like to do?", "Make a complaint")
    choose(page, "Which service is your complaint about?", "Children's services")
    fill(page, "What happened?", "My son's social worker has not visited for three months.")
    heading(page, "When did it happen?")
    happened = date.today() - timedelta(days=20)
    page.get_by_label("Day").fill(str(happened.day))
    page.get_by_label("Month").fill(str(happened.month))
    page.get_by_label("Year").fill(str(happened.year))
    page.get_by_role("button", name="Continue").click()
    fill(page, "What would you like us to do to put things right?", "Arrange a visit and a named worker.")
    choose(page, "Have you already asked us about this?", "Yes")
    choose(page, "Are you complaining for someone else?", "No")

    heading(page, "Do you need help or support to make your complaint?")
    expect(page.get_by_text("Children and young people can have an advocate, free of charge")).to_be_visible()
    expect(page.get_by_role("heading", name="Coram Voice")).to_be_visible()
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    heading(page, "What help or support do you need?")
    expect(page.get_by_role("heading", name="Independent help you can get")).to_be_visible()
    expect(page.get_by_role("heading", name="NYAS (National Youth Advocacy Service)")).to_be_visible()
    page.get_by_label("What help or support do you need?", exact=True).fill("Please call me in the mornings.")
    page.get_by_role("button", name="Continue").click()

    choose(page, "How would you like us to contact you about your complaint?", "Email")
    heading(page, "Add files to support your complaint")
    page.get_by_role("button", name="Continue").click()
    heading(page, "Check your answers before sending your complaint")
    page.get_by_role("button", name="Send complaint").click()
    expect(page.get_by_role("heading", name="Complaint sent", level=1)).to_be_visible()
    reference = REFERENCE.search(page.locator(".govuk-panel").inner_text()).group(0)
    nav(page).get_by_role("button", name="Sign out").click()

    # The officer sees the adjustment and what was signposted, and marks the adjustment reviewed.
    page.goto("/staff/sign-in")
    page.get_by_label("Work email address", exact=True).fill("officer@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(nav(page).get_by_role("link", name="Adjustment reviews")).to_be_visible()
    page.goto(f"/staff/cases/{reference}")
    heading(page, f"Case {reference}")
    card = page.locator("#adjustments")
    expect(card).to_contain_text("Calls only at agreed times")
    expect(card).to_contain_text("Weekday mornings before 11am")
    expect(page.get_by_text("1 adjustment", exact=True)).to_be_visible()
    expect(page.get_by_text("Shown because the complaint is about social care")).to_be_visible()
    expect(page.get_by_text("Shown when they said they need help or support")).to_be_visible()

    card.get_by_role("link", name="Manage reasonable adjustments").click()
    heading(page, "Reasonable adjustments for Morgan Support")
    page.get_by_role("button", name="Mark reviewed Calls only at agreed times").click()
    expect(page.get_by_text(re.compile(r"Calls only at agreed times reviewed\. Next review: \d+ \w+ \d{4}\."))).to_be_visible()
    expect(page.get_by_text("Calls only at agreed times reviewed by Priya Shah.")).to_be_visible()
    axe_check(page)

    nav(page).get_by_role("link", name="Adjustment reviews").click()
    heading(page, "Adjustments due for review")
