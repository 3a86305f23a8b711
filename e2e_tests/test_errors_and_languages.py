"""Error messages, the language switch and the not-found page, in a real browser with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e


def sign_in_as_resident(page: Page) -> None:
    page.goto("/sign-in")
    axe_check(page)
    page.get_by_label("Email address", exact=True).fill("resident@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your cases", level=1)).to_be_visible()
    axe_check(page)


def start_a_complaint(page: Page) -> str:
    """Start a new complaint (each has its own draft and addresses); return its address."""
    page.goto("/feedback/new")
    page.get_by_role("radio", name="Make a complaint").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/feedback/\d+/service$"))
    return page.url.rsplit("/", 1)[0]


def test_empty_answer_shows_the_error_summary_which_leads_to_the_field(any_page: Page, javascript: bool) -> None:
    page = any_page
    sign_in_as_resident(page)
    page.goto(start_a_complaint(page) + "/what-happened")
    expect(page.get_by_role("heading", name="What happened?")).to_be_visible()
    expect(page).not_to_have_title(re.compile("^Error:"))
    expect_scripts(page, javascript)
    axe_check(page)

    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_title(re.compile(r"^Error: What happened\?"))
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))
    expect(summary).to_be_visible()
    if javascript:
        # GOV.UK Frontend moves focus to the summary, so screen readers announce it at once.
        expect(page.locator(":focus")).to_contain_text("There is a problem")
    field = page.get_by_label("What happened?")
    expect(field).to_have_accessible_description(re.compile(r"Error:\s+Enter what happened"))
    axe_check(page)

    summary.get_by_role("link", name="Enter what happened").click()
    expect(field).to_be_focused()


def test_partly_typed_date_is_kept_after_the_error(any_page: Page, javascript: bool) -> None:
    page = any_page
    sign_in_as_resident(page)
    page.goto(start_a_complaint(page) + "/when")
    expect(page.get_by_role("heading", name="When did it happen?")).to_be_visible()
    expect_scripts(page, javascript)
    axe_check(page)

    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_title(re.compile("^Error: When did it happen?"))
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))
    expect(summary.get_by_role("link", name="Date it happened must include a year")).to_be_visible()
    expect(page.get_by_label("Day")).to_have_value("14")
    expect(page.get_by_label("Month")).to_have_value("3")
    expect(page.get_by_label("Year")).to_have_value("")
    axe_check(page)

    summary.get_by_role("link", name="Date it happened must include a year").click()
    expect(page.get_by_label("Year")).to_be_focused()


def test_cymraeg_switches_the_page_language(any_page: Page) -> None:
    page = any_page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.get_by_role("navigation", name="Language / Iaith")
    axe_check(page)

    switcher.get_by_role("link", name="Cymraeg").click()

    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(switcher.get_by_role("link", name="English")).to_be_visible()
    expect(switcher.get_by_role("link", name="Cymraeg")).to_have_count(0)
    axe_check(page)

    # The choice is remembered for the next page, and English is one click away.
    page.goto("/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    axe_check(page)
    switcher.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(switcher.get_by_role("link", name="Cymraeg")).to_be_visible()
    axe_check(page)


def test_unknown_address_shows_the_not_found_page(any_page: Page) -> None:
    page = any_page
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page).to_have_title(re.compile("^Page not found"))
    expect(page.get_by_role("main").get_by_role("link", name="contact the council")).to_be_visible()
    axe_check(page)

    response = page.goto("/staff/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    axe_check(page)
