"""Giving feedback in Cymraeg, in the browser: a signed-in resident's complaint and a guest's
compliment, each from choosing the language to the confirmation. Every heading is checked against
the Welsh catalogue (translations/cy), every page is lang="cy", and axe runs on every page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import BrowserContext, Page, expect

from e2e_tests.conftest import PASSWORD, REPO, axe_check

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"RDR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
# A demo resident no other browser test signs in as: choosing Cymraeg while signed in is saved
# on the account, and must not change the language of anyone else's journey.
RESIDENT = "resident3@example.com"
WASTE = "Gwastraff ac ailgylchu"  # the demo service's Welsh name (shared/services/demo.py)


@cache
def _catalogue():
    with (REPO / "translations" / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="cy")


def cy(english: str) -> str:
    """The Welsh for an English message, as the catalogue has it; fails if it has none."""
    message = _catalogue().get(english)
    assert message is not None and message.string, f"no Welsh in the catalogue for {english!r}"
    return message.string


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(java_script_enabled=True).new_page()


def in_welsh(page: Page, english_heading: str) -> None:
    """Arrive on a page: it is in Welsh, its heading is the catalogue's Welsh, and axe finds nothing."""
    expect(page.get_by_role("heading", name=cy(english_heading), level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    axe_check(page)


def choose(page: Page, heading: str, option: str) -> None:
    in_welsh(page, heading)
    page.get_by_role("radio", name=option, exact=True).check()
    page.get_by_role("button", name=cy("Continue")).click()


def fill(page: Page, heading: str, text: str) -> None:
    in_welsh(page, heading)
    page.get_by_label(cy(heading), exact=True).fill(text)
    page.get_by_role("button", name=cy("Continue")).click()


def choose_cymraeg(page: Page) -> None:
    switcher = page.get_by_role("navigation", name="Language / Iaith")
    switcher.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(switcher.get_by_role("link", name="English")).to_be_visible()


def test_a_resident_complains_in_welsh(page: Page) -> None:
    happened = date.today() - timedelta(days=10)

    page.goto("/")
    choose_cymraeg(page)
    axe_check(page)
    page.get_by_role("navigation", name=cy("Menu")).get_by_role("link", name=cy("Sign in")).click()
    in_welsh(page, "Sign in")
    page.get_by_label(cy("Email address"), exact=True).fill(RESIDENT)
    page.get_by_label(cy("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=cy("Sign in")).click()
    # The account may have English saved from before: the switcher chooses Cymraeg for it too.
    if page.locator("html").get_attribute("lang") != "cy":
        choose_cymraeg(page)
    in_welsh(page, "Your cases")

    page.get_by_role("navigation", name=cy("Menu")).get_by_role("link", name=cy("Give feedback")).click()
    in_welsh(page, "Give feedback")
    page.get_by_role("button", name=cy("Start new feedback")).click()
    choose(page, "What would you like to do?", cy("Make a complaint"))
    choose(page, "Which service is your complaint about?", WASTE)

    # A mistake is explained in Welsh, in the title, the error summary and at the box.
    in_welsh(page, "What happened?")
    page.get_by_role("button", name=cy("Continue")).click()
    expect(page).to_have_title(re.compile(f"^{re.escape(cy('Error:'))} {re.escape(cy('What happened?'))}"))
    expect(page.get_by_role("heading", name=cy("There is a problem"))).to_be_visible()
    expect(page.get_by_role("link", name=cy("Enter what happened"))).to_be_visible()
    axe_check(page)
    fill(page, "What happened?", "Ni chasglwyd y bin gwyrdd ddydd Mawrth.")

    in_welsh(page, "When did it happen?")
    page.get_by_label(cy("Day")).fill(str(happened.day))
    page.get_by_label(cy("Month")).fill(str(happened.month))
    page.get_by_label(cy("Year")).fill(str(happened.year))
    page.get_by_role("button", name=cy("Continue")).click()

    fill(page, "What would you like us to do to put things right?", "Casglu'r bin yr wythnos hon.")
    choose(page, "Have you already asked us about this?", cy("Yes"))
    choose(page, "Are you complaining for someone else?", cy("No"))
    choose(page, "Do you need help or support to make your complaint?", cy("No"))
    choose(page, "How would you like us to contact you about your complaint?", cy("Email"))

    in_welsh(page, "Add files to support your complaint")
    page.get_by_role("button", name=cy("Continue")).click()

    in_welsh(page, "Check your answers before sending your complaint")
    answers = page.locator(".govuk-summary-list")
    expect(answers).to_contain_text(WASTE)
    expect(answers).to_contain_text("Ni chasglwyd y bin gwyrdd ddydd Mawrth.")
    expect(page.get_by_role("link", name=f"{cy('Change')} {cy('what happened')}", exact=True)).to_be_visible()
    page.get_by_role("button", name=cy("Send complaint")).click()

    in_welsh(page, "Complaint sent")
    expect(page.locator(".govuk-panel")).to_contain_text(REFERENCE)
    expect(page.get_by_role("heading", name=cy("What happens next"))).to_be_visible()


def test_a_guest_gives_a_compliment_in_welsh(page: Page) -> None:
    email = f"gwestai-{uuid.uuid4().hex[:8]}@example.com"

    page.goto("/")
    choose_cymraeg(page)
    axe_check(page)
    page.goto("/feedback")
    in_welsh(page, "Give feedback")
    page.get_by_role("main").get_by_role("button", name=cy("Continue without an account")).click()

    choose(page, "What would you like to do?", cy("Give a compliment"))
    choose(page, "Which service is your compliment about?", WASTE)
    fill(page, "What would you like to tell us?", "Roedd Dave ar y criw yn garedig iawn. Diolch!")
    fill(page, "What is your name?", "Siân Gwestai")
    fill(page, "What is your email address?", email)

    in_welsh(page, "Check your answers before sending your compliment")
    answers = page.locator(".govuk-summary-list")
    expect(answers).to_contain_text("Siân Gwestai")
    expect(answers).to_contain_text(email)
    page.get_by_role("button", name=cy("Send compliment")).click()

    in_welsh(page, "Compliment sent")
    expect(page.locator(".govuk-panel")).to_contain_text(cy("Your reference number<br><strong>%(reference)s</strong>")
                                                         .split("<br>")[0])
    expect(page.locator(".govuk-panel")).to_contain_text(REFERENCE)
    expect(page.get_by_role("heading", name=cy("What happens next"))).to_be_visible()
