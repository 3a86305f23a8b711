"""A councillor's optional 2-step verification in a real browser: set up from their account page
(the key read off the page, the code made by pyotp as their phone would), the portal sign-in's code
step (the password alone opens nothing), a wrong code, then turning it off again so the demo
councillor signs in with a password for the other tests. Axe on every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests import mfa_support
from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

COUNCILLOR = "councillor@example.gov.uk"


def _sign_in(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(COUNCILLOR)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _menu(page: Page):
    return page.get_by_role("navigation", name="Menu")


def test_a_councillor_sets_up_2_step_verification_and_signs_in_with_a_code(any_page: Page, javascript: bool) -> None:
    page = any_page
    _sign_in(page)
    expect(page.get_by_role("heading", name="Your enquiries", level=1)).to_be_visible()
    _menu(page).get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    expect_scripts(page, javascript)
    expect(page.locator("#mfa-status")).to_have_text("Off")
    axe_check(page)

    secret, _codes = mfa_support.set_up(page)
    page.get_by_role("button", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", name="Your enquiries", level=1)).to_be_visible()
    _menu(page).get_by_role("button", name="Sign out").click()

    _sign_in(page)
    expect(page.get_by_role("heading", name="Enter your security code", level=1)).to_be_visible()
    axe_check(page)
    page.goto("/councillor")  # only the password given: not signed in
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    _sign_in(page)
    page.get_by_label("Security code").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text("The security code is not right")
    axe_check(page)
    page.get_by_label("Security code").fill(mfa_support.next_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your enquiries", level=1)).to_be_visible()

    _menu(page).get_by_role("link", name="Your account").click()
    expect(page.locator("#mfa-status")).to_have_text("On")
    axe_check(page)
    page.get_by_role("link", name="Turn off 2-step verification").click()
    expect(page.get_by_role("heading", name="Turn off 2-step verification", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Turn it off").click()
    expect(page.get_by_text("2-step verification is off. You sign in with your password alone.")).to_be_visible()
    expect(page.locator("#mfa-status")).to_have_text("Off")
    _menu(page).get_by_role("button", name="Sign out").click()
    _sign_in(page)  # the password alone again
    expect(page.get_by_role("heading", name="Your enquiries", level=1)).to_be_visible()
