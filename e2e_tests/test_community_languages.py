"""Polish and Urdu in a real browser: Urdu pages run right to left, every main page reflows at
320 CSS pixels without sideways scrolling in English and in Urdu, errors in Urdu move focus to the
summary, and axe finds nothing. With REDRESS_SCREENSHOTS=1 (`make screenshots`) the pages are
also saved to docs/screenshots/ for the README."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import axe_check

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
# The resident's main pages, signed out (signed-in pages are covered by the journeys' axe runs).
PAGES = {
    "home": "/",
    "start": "/feedback/new",
    "sign-in": "/sign-in",
    "register": "/register",
    "follow-a-case": "/follow-a-case",
    "contact": "/contact",
    "you-said-we-did": "/you-said-we-did",
    "accessibility": "/accessibility",
}


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways at {viewport}px: content is {width}px wide"


# The pages kept in docs/screenshots/ (the README shows them); the others are only checked.
SAVED = {"home-320-en", "home-320-ur", "start-320-en", "start-320-ur", "sign-in-320-ur", "error-js-ur"}


def _save(page: Page, name: str) -> None:
    if os.environ.get("REDRESS_SCREENSHOTS") == "1" and name in SAVED:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_urdu_pages_run_right_to_left(any_page: Page) -> None:
    page = any_page
    page.goto("/?lang=ur")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ur")
    expect(html).to_have_attribute("dir", "rtl")
    heading = page.get_by_role("heading", level=1)
    assert ARABIC_SCRIPT.search(heading.inner_text()), heading.inner_text()
    # The text starts at the right: the heading's right edge is near the page's right edge.
    box = heading.bounding_box()
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert box and width - (box["x"] + box["width"]) < box["x"], box
    switcher = page.get_by_role("navigation", name="Language / Iaith")
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("lang", "en")
    axe_check(page)
    # The choice is remembered from page to page, and English is one click away.
    page.goto("/contact")
    expect(html).to_have_attribute("dir", "rtl")
    switcher.get_by_role("link", name="English").click()
    expect(html).to_have_attribute("dir", "ltr")
    expect(html).to_have_attribute("lang", "en")


def test_polish_pages_are_polish_and_left_to_right(any_page: Page) -> None:
    page = any_page
    page.goto("/?lang=pl")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "pl")
    expect(html).to_have_attribute("dir", "ltr")
    page.goto("/sign-in")
    expect(page.get_by_role("button", name="Zaloguj się")).to_be_visible()
    axe_check(page)
    page.get_by_role("navigation", name="Language / Iaith").get_by_role("link", name="English").click()
    expect(html).to_have_attribute("lang", "en")


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_main_pages_reflow_at_320_pixels(new_context, lang: str) -> None:
    """WCAG 1.4.10: no sideways scrolling at 320 CSS px, in a left-to-right and a right-to-left language."""
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(f"/?lang={lang}")
    for name, path in PAGES.items():
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        _no_sideways_scroll(page)
        axe_check(page)
        _save(page, f"{name}-320-{lang}")


def test_an_error_in_urdu_moves_focus_to_the_summary(any_page: Page, javascript: bool) -> None:
    page = any_page
    page.goto("/feedback/new?lang=ur")
    page.locator("form button.govuk-button").first.click()  # nothing chosen
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert ARABIC_SCRIPT.search(summary.inner_text()), summary.inner_text()
    expect(page).to_have_title(re.compile(r"^\S"))
    if javascript:  # GOV.UK Frontend moves focus to the summary; without scripts it is first in the page
        expect(summary).to_be_focused()
    axe_check(page)
    _save(page, f"error-{'js' if javascript else 'no-js'}-ur")
