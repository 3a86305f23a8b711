"""A councillor's optional 2-step verification in a real browser: set up from their account page
(the key read off the page, the code made by pyotp as their phone would), the portal sign-in's code
step (the password alone opens nothing), a wrong code, then turning it off again so the demo
councillor signs in with a password for the other tests. Axe on every page, JavaScript on and off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

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


def _next_code(secret: str) -> str:
    """The code of the time step after now: accepted (clocks drift), and not one already used."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))


def test_a_councillor_sets_up_2_step_verification_and_signs_in_with_a_code(any_page: Page, javascript: bool) -> None:
    page = any_page
    _sign_in(page)
    expect(page.get_by_role("heading", name="Your enquiries", level=1)).to_be_visible()
    _menu(page).get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    expect_scripts(page, javascript)
    expect(page.locator("#mfa-status")).to_have_text("Off")
    axe_check(page)

    page.get_by_role("button", name="Set up 2-step verification").click()  # a link styled as a button
    expect(page.get_by_role("heading", name="Set up 2-step verification", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="QR code to add Redress to your authenticator app")).to_be_visible()
    axe_check(page)
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on 2-step verification").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text("The code is not right")
    assert page.title().startswith("Error:")
    axe_check(page)
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on 2-step verification").click()
    expect(page.get_by_role("heading", name="Save your recovery codes", level=1)).to_be_visible()
    assert len(page.locator("#recovery-codes li").all_inner_texts()) == 10
    axe_check(page)
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
    page.get_by_label("Security code").fill(_next_code(secret))
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
