"""Where you're signed in, in a real browser: a councillor (portal) and a member of staff (back office)
each sign in twice, from a laptop and a phone, see both on the page, and sign the phone out from the
laptop; the phone's next page asks it to sign in. Axe on every page, JavaScript on and off."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/18.1 Mobile/15E148 Safari/604.1")
SIDES = {
    # side: (sign-in page, email label, who, the page linking to the list)
    "portal": ("/sign-in", "Email address", "councillor@example.gov.uk", "/councillor"),
    "staff": ("/staff/sign-in", "Work email address", "officer2@example.gov.uk", "/staff/account"),
}


def _sign_in(page: Page, side: str) -> None:
    url, label, email, _ = SIDES[side]
    page.goto(url)
    page.get_by_label(label, exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.parametrize("side", list(SIDES))
def test_signing_another_device_out(any_page: Page, javascript: bool,
                                    new_context: Callable[..., BrowserContext], side: str) -> None:
    laptop = any_page
    account_page = SIDES[side][3]
    _sign_in(laptop, side)
    expect_scripts(laptop, javascript)
    laptop.goto(account_page)
    laptop.get_by_role("link", name=re.compile("Where you’re signed in|sign out of the ones you are not using")).click()
    expect(laptop.get_by_role("heading", name="Where you’re signed in", level=1)).to_be_visible()
    # Sessions left by earlier tests are signed out first, so the phone is the only other device.
    others = laptop.get_by_role("button", name="Sign out of all other devices")
    if others.count():
        others.click()
        expect(laptop.get_by_text("You have been signed out of")).to_be_visible()
    expect(laptop.get_by_text("You are not signed in anywhere else.")).to_be_visible()

    phone = new_context(user_agent=PHONE).new_page()
    _sign_in(phone, side)
    laptop.reload()
    expect(laptop.get_by_text("Mobile Safari 18 on iPhone (iOS 18)", exact=True)).to_be_visible()
    expect(laptop.get_by_text("This device", exact=True)).to_be_visible()
    axe_check(laptop)

    laptop.get_by_role("button", name=re.compile(r"^Sign out\s+Mobile Safari 18 on iPhone \(iOS 18\), last active")).click()
    expect(laptop.get_by_text("Mobile Safari 18 on iPhone (iOS 18) has been signed out.")).to_be_visible()
    expect(laptop.get_by_text("You are not signed in anywhere else.")).to_be_visible()
    axe_check(laptop)

    phone.goto(account_page)
    expect(phone.get_by_role("button", name="Sign in")).to_be_visible()
    expect(phone).to_have_url(re.compile(r"/sign-in\?next="))
