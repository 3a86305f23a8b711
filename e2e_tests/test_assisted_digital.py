"""Assisted digital, keyboard only: contact-centre agent Sam Okafor finds the demo customer Jane
Williams, sees her contact history and logs a phone complaint for her, with an adjustment she
needs, through to the read-back confirmation, without a mouse: Tab, Shift+Tab, Enter, Space, arrow keys and typing, never a
click. Run with JavaScript on and off, axe on every page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"RDR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
AGENT = "agent@example.gov.uk"
CUSTOMER = "Jane Williams"
WHAT_HAPPENED = "The kitchen window has not closed properly since the repair in January."
MAX_TABS = 120


def heading(page: Page, name: str):
    return page.get_by_role("heading", name=name, level=1)


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches `selector`, as someone with a keyboard would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector} on {page.url}")


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into the radio group, then arrow to the option (arrows select as they move); Space if
    the group had nothing chosen and the first option is the one wanted."""
    tab_to(page, f'input[type=radio][name="{name}"]')
    for _ in range(12):
        if page.evaluate("() => document.activeElement.value") == value:
            break
        page.keyboard.press("ArrowDown")
    else:
        pytest.fail(f"no option {value!r} in {name}")
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
    assert page.evaluate(f'() => document.querySelector(\'input[name="{name}"]:checked\').value') == value


def choose_option(page: Page, select_id: str, text: str) -> None:
    tab_to(page, f"select#{select_id}")
    for _ in range(30):
        if page.evaluate("() => document.activeElement.selectedOptions[0].text") == text:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"no option {text!r} in {select_id}")


def press_button(page: Page, text: str) -> None:
    """Tab to the button with this text and press Enter."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        label = page.evaluate("() => (document.activeElement.innerText || document.activeElement.value || '').trim()")
        if page.evaluate("() => document.activeElement.matches('button, input[type=submit]')") and label == text:
            page.keyboard.press("Enter")
            return
    pytest.fail(f"Tab never reached the button {text!r} on {page.url}")


def follow_link(page: Page, text: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("t => document.activeElement.tagName === 'A' && document.activeElement.innerText.trim() === t", text):
            page.keyboard.press("Enter")
            return
    pytest.fail(f"Tab never reached the link {text!r} on {page.url}")


def sign_in(page: Page, javascript: bool) -> None:
    page.goto("/staff/sign-in")
    expect(heading(page, "Sign in to the back office")).to_be_visible()
    expect_scripts(page, javascript)
    tab_to(page, "input[type=email], input[name=email]")
    page.keyboard.type(AGENT)
    tab_to(page, "input[type=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Customers")).to_be_visible()


def test_agent_logs_a_phone_complaint_for_a_customer_with_the_keyboard_only(any_page: Page, javascript: bool) -> None:
    page = any_page
    sign_in(page, javascript)

    follow_link(page, "Customers")
    expect(heading(page, "Find a customer")).to_be_visible()
    axe_check(page)
    tab_to(page, "input#q")
    page.keyboard.type(CUSTOMER)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"customers? found"))).to_be_visible()
    axe_check(page)

    follow_link(page, CUSTOMER)
    expect(heading(page, CUSTOMER)).to_be_visible()
    history = page.get_by_role("table", name="Contact history")
    expect(history).to_be_visible()
    cases_before = history.locator("tbody tr").count()
    assert cases_before > 0
    axe_check(page)

    follow_link(page, "Log a case for them")
    expect(heading(page, "About the contact")).to_be_visible()
    axe_check(page)
    # Continue with nothing chosen: the error summary, focused when scripts run.
    press_button(page, "Continue")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    if javascript:
        assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    axe_check(page)
    choose_radio(page, "channel", "phone")
    choose_radio(page, "acting", "customer")
    choose_radio(page, "kind", "complaint")
    choose_option(page, "service", "Housing repairs")
    press_button(page, "Continue")

    expect(heading(page, "What happened")).to_be_visible()
    axe_check(page)
    tab_to(page, "textarea#what_happened")
    page.keyboard.type(WHAT_HAPPENED)
    tab_to(page, "input#happened_on-day")
    page.keyboard.type("14")
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.type("2026")
    tab_to(page, "textarea#outcome_wanted")
    page.keyboard.type("Repair the window properly.")
    choose_radio(page, "asked_before", "yes")
    press_button(page, "Continue")

    expect(heading(page, "Contact preferences")).to_be_visible()
    axe_check(page)
    choose_radio(page, "contact_method", "email")
    press_button(page, "Continue")

    # An optional step: one adjustment, then no more. Each run adds its own (the runs share the
    # demo database, and one already on her record is not asked again).
    adjustment, label = ("large_print", "Large print") if javascript else ("easy_read", "Easy read")
    expect(heading(page, "Reasonable adjustments")).to_be_visible()
    axe_check(page)
    choose_radio(page, "kind", adjustment)
    press_button(page, "Continue")
    expect(page.get_by_text("Added on this call")).to_be_visible()
    axe_check(page)
    choose_radio(page, "kind", "none")
    press_button(page, "Continue")

    expect(heading(page, "Does this call raise other issues?")).to_be_visible()
    axe_check(page)
    press_button(page, "Continue")

    expect(heading(page, "Check the complaint before you log it")).to_be_visible()
    expect(page.get_by_text(WHAT_HAPPENED)).to_be_visible()
    axe_check(page)
    press_button(page, "Log complaint")

    expect(heading(page, "Complaint logged")).to_be_visible()
    read_back = page.locator("#read-back")
    expect(read_back).to_contain_text(re.compile(r"Your reference is RDR-\S+\. We will acknowledge your complaint by \d{1,2} \w+ \d{4}"))
    reference = REFERENCE.search(page.locator(".govuk-panel").inner_text()).group(0)
    assert reference in read_back.inner_text()
    expect(read_back).to_contain_text("We have noted that you need:")
    expect(read_back).to_contain_text(label)
    axe_check(page)

    follow_link(page, f"Return to {CUSTOMER}")
    history = page.get_by_role("table", name="Contact history")
    expect(history.get_by_role("link", name=reference)).to_be_visible()
    expect(history.locator("tbody tr")).to_have_count(cases_before + 1)
