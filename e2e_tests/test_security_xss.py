"""Stored XSS in a real browser, with JavaScript on: a resident writes the payloads (script
handlers, htmx attributes, a javascript: link, a template expression) into their name and a reply;
the resident's and the officer's pages that show them run none of it. No dialog opens, htmx sends
nothing to the payload's address, and the text is shown as typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e_tests.conftest import PASSWORD, axe_check
from unit_tests.security.support import XSS

pytestmark = pytest.mark.e2e


def _watch(page: Page) -> dict[str, list[str]]:
    """What the payload would set off if it ran: dialogs (alert) and requests to /xss (hx-get)."""
    seen: dict[str, list[str]] = {"dialogs": [], "requests": []}

    def on_dialog(dialog) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda request: "/xss" in request.url and seen["requests"].append(request.url))
    return seen


def _sign_in(page: Page, url: str, label: str, email: str) -> None:
    page.goto(url)
    page.get_by_label(label, exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_payloads_a_resident_writes_run_nowhere(browser: Browser, base_url: str) -> None:
    resident = browser.new_context(base_url=base_url).new_page()
    seen = _watch(resident)
    _sign_in(resident, "/sign-in", "Email address", "resident@example.com")
    resident.goto("/your-details/name")
    name = resident.get_by_label("What is your full name?")
    original_name = name.input_value()
    name.fill(XSS)
    resident.get_by_role("button", name="Save").click()
    try:
        _check_pages(browser, base_url, resident, seen)
    finally:  # the demo resident is shared with other journeys
        resident.goto("/your-details/name")
        resident.get_by_label("What is your full name?").fill(original_name)
        resident.get_by_role("button", name="Save").click()


def _check_pages(browser: Browser, base_url: str, resident: Page, seen: dict) -> None:
    resident.goto("/cases")
    case_link = resident.locator("a[href^='/cases/RDR-']").first
    reference = case_link.get_attribute("href").rsplit("/", 1)[-1]
    resident.goto(f"/cases/{reference}/reply")
    resident.locator("textarea").first.fill(XSS)
    resident.get_by_role("button", name="Send message").click()
    expect(resident.get_by_text(XSS).first).to_be_visible()
    axe_check(resident)

    officer = browser.new_context(base_url=base_url).new_page()
    seen_by_officer = _watch(officer)
    _sign_in(officer, "/staff/sign-in", "Work email address", "officer@example.gov.uk")
    for url in (f"/staff/cases/{reference}", f"/staff/cases?q={reference}", "/staff/customers?q=onerror"):
        officer.goto(url)
        officer.wait_for_load_state("networkidle")
        axe_check(officer)
    expect(officer.get_by_text(XSS).first).to_be_attached()
    officer.goto(f"/staff/cases/{reference}")
    expect(officer.get_by_text(XSS).first).to_be_visible()
    officer.wait_for_timeout(500)  # time for htmx to act on anything it was given (hx-trigger: load)
    assert seen == {"dialogs": [], "requests": []}
    assert seen_by_officer == {"dialogs": [], "requests": []}
    assert officer.evaluate("document.querySelectorAll('svg[onload], img[onerror], [hx-on\\\\:click]').length") == 0
