"""Setting up 2-step verification in a real browser, the same on both sides: the key read off the
set-up page (as someone who cannot scan types it), the code made by pyotp as their phone would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from playwright.sync_api import Page, expect

from e2e_tests.conftest import axe_check


def next_code(secret: str) -> str:
    """The code of the time step after now: accepted (clocks drift), and not one already used."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))


def set_up(page: Page) -> tuple[str, list[str]]:
    """From the account page: a wrong code first, then the right one; the secret and recovery codes."""
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
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    axe_check(page)
    return secret, codes
