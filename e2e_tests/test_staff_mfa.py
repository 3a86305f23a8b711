"""2-step verification in a real browser: a member of staff sets it up from their account page
(the key read off the page, the code made by pyotp as their phone would), signs in with a code and
then with a recovery code; an admin resets it. Axe on every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests import mfa_support
from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

AGENT = "agent@example.gov.uk"  # Sam Okafor: the test ends with his 2-step verification reset


def _sign_in(page: Page, email: str) -> None:
    page.goto("/staff/sign-in")
    page.get_by_label("Work email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to the back office", level=1)).to_be_visible()


def test_staff_set_up_sign_in_with_a_code_and_a_recovery_code_and_an_admin_resets(any_page: Page,
                                                                                   javascript: bool) -> None:
    page = any_page
    _sign_in(page, AGENT)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    expect_scripts(page, javascript)
    expect(page.locator("#mfa-status")).to_have_text("Off")
    axe_check(page)

    secret, codes = mfa_support.set_up(page)
    page.get_by_role("button", name="I have saved my codes: continue").click()
    _sign_out(page)

    _sign_in(page, AGENT)
    expect(page.get_by_role("heading", name="Enter your security code", level=1)).to_be_visible()
    axe_check(page)
    page.goto("/staff/")  # only the password given: not signed in
    expect(page.get_by_role("heading", name="Sign in to the back office", level=1)).to_be_visible()
    _sign_in(page, AGENT)
    page.get_by_label("Security code").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text("The security code is not right")
    axe_check(page)
    page.get_by_label("Security code").fill(mfa_support.next_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account")).to_be_visible()
    _sign_out(page)

    _sign_in(page, AGENT)
    page.get_by_label("Security code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used a recovery code. You have 9 left.")).to_be_visible()
    axe_check(page)
    _sign_out(page)

    _sign_in(page, "admin@example.gov.uk")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Sam Okafor").click()
    expect(page.get_by_role("heading", name="Sam Okafor")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Reset 2-step verification").click()
    expect(page.get_by_text("Sam Okafor’s 2-step verification is reset")).to_be_visible()
    changes = page.get_by_role("table").filter(has_text="Changed by")
    expect(changes).to_contain_text("2-step verification reset")
    expect(changes).to_contain_text("2-step verification: On → Off")
    expect(page.get_by_role("button", name="Reset 2-step verification")).to_have_count(0)
    axe_check(page)
    _sign_out(page)

    _sign_in(page, AGENT)  # optional here, so his password lets him in again
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account")).to_be_visible()
    _sign_out(page)
