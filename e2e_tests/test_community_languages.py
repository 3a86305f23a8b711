"""Polish and Urdu in a real browser: Urdu pages run right to left, every main page reflows at
320 CSS pixels without sideways scrolling in English and in Urdu, errors in Urdu move focus to the
summary, and axe finds nothing. The back office's main pages, signed in as the demo staff, do the
same at its usual desktop width (1280 px) and at 320 px, and its case and translations pages run
right to left in Urdu. With REDRESS_SCREENSHOTS=1 (`make screenshots`) the pages are also saved to
docs/screenshots/ for the README, as palette PNGs (Pillow) to keep the folder small."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from e2e_tests.conftest import PASSWORD, axe_check

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


# The back office's main pages (name: (demo user, path)), signed in as README.md's demo staff.
OFFICER, MANAGER, ADMIN = "officer@example.gov.uk", "manager@example.gov.uk", "admin@example.gov.uk"
FILTERED = "/staff/cases?status=with_team&sort=due&order=asc"  # being investigated, soonest due first
STAFF_PAGES = {
    "staff-home": (OFFICER, "/staff/"),
    "staff-triage": (OFFICER, "/staff/triage"),
    "staff-cases": (OFFICER, FILTERED),
    "staff-case": (OFFICER, None),  # the first case in that list, with its timeline
    "staff-reports": (MANAGER, "/staff/reports/dashboard"),
    "staff-admin": (ADMIN, "/staff/"),  # an admin's home: the administration links
}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}

# The pages kept in docs/screenshots/ (the README shows some); the others are only checked.
SAVED = {
    "home-320-en", "home-320-ur", "start-320-en", "start-320-ur", "sign-in-320-ur", "error-js-ur",
    *(f"{name}-{width}-en" for name in STAFF_PAGES for width in (DESKTOP["width"], PHONE["width"])),
    "staff-case-1280-ur", "staff-translations-1280-ur",
}
# A long page is saved down to this height (CSS px) unless the whole of it is the point: the case
# page down to its timeline.
TALLEST = 1600


def _save(page: Page, name: str, whole: bool = True, start: str | None = None) -> None:
    """Save the page as docs/screenshots/NAME.png: whole, or TALLEST px of it from the top or from
    a little above the `start` element."""
    if os.environ.get("REDRESS_SCREENSHOTS") != "1" or name not in SAVED:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if whole:
        page.screenshot(path=str(path), full_page=True)
    else:
        width, height = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        top = 0
        if start is not None:
            found = "(selector) => document.querySelector(selector).getBoundingClientRect().top + window.scrollY"
            top = max(0, int(page.evaluate(found, start)) - 16)
        clip = {"x": 0, "y": top, "width": width, "height": min(height - top, TALLEST)}
        page.screenshot(path=str(path), full_page=True, clip=clip)
    # 256 colours chosen from the picture itself (median cut, no dithering) keep GOV.UK's flat
    # colours and the text's smoothing, at about a third of the bytes.
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


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


@pytest.fixture(scope="module")
def staff_sessions(browser: Browser, base_url: str) -> dict[str, dict]:
    """The demo staff's signed-in browser states, by email (password alone: MFA is optional here)."""
    states = {}
    for email in (OFFICER, MANAGER, ADMIN):
        context = browser.new_context(base_url=base_url, locale="en-GB")
        page = context.new_page()
        page.goto("/staff/sign-in")
        page.get_by_label("Work email address", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()
        states[email] = context.storage_state()
        context.close()
    return states


def _first_filtered_case(page: Page) -> str:
    page.goto(FILTERED)
    link = page.get_by_role("table").locator("a[href^='/staff/cases/RDR-']").first
    expect(link).to_be_visible()
    return link.get_attribute("href")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "320"])
def test_back_office_pages_reflow_at_desktop_and_320_pixels(new_context, staff_sessions: dict, viewport: dict) -> None:
    """The back office at its usual width and at 320 CSS px (WCAG 1.4.10): wide tables scroll in
    their own region, never the page; axe on every page."""
    pages: dict[str, Page] = {}
    for name, (email, path) in STAFF_PAGES.items():
        if email not in pages:
            pages[email] = new_context(viewport=viewport, storage_state=staff_sessions[email]).new_page()
        page = pages[email]
        page.goto(path or _first_filtered_case(page))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert "/sign-in" not in page.url, f"{path} sent {email} to sign in"
        if name == "staff-case":
            expect(page.get_by_role("heading", name=re.compile(r"^Case RDR-"), level=1)).to_be_visible()
            expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
        else:
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        _no_sideways_scroll(page)
        axe_check(page)
        # At 320 px the case list's filters fill the first screens: its shot starts at the results.
        start = "#results-count" if name == "staff-cases" and viewport is PHONE else None
        _save(page, f"{name}-{viewport['width']}-en", whole=name == "staff-case", start=start)


@pytest.mark.parametrize("email, page_name", [(OFFICER, "staff-case"), (ADMIN, "staff-translations")])
def test_back_office_pages_in_urdu_run_right_to_left(new_context, staff_sessions: dict, email: str, page_name: str) -> None:
    page = new_context(viewport=DESKTOP, storage_state=staff_sessions[email]).new_page()
    path = _first_filtered_case(page) if page_name == "staff-case" else "/staff/admin/translations/ur"
    page.goto("/staff/?lang=ur")
    try:
        page.goto(path)
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "ur")
        expect(html).to_have_attribute("dir", "rtl")
        heading = page.get_by_role("heading", level=1)
        assert ARABIC_SCRIPT.search(heading.inner_text()), heading.inner_text()
        _no_sideways_scroll(page)
        axe_check(page)
        if page_name == "staff-case":
            # What the resident typed in English runs left to right on the Urdu page: it starts at
            # its box's left edge, and its full stop ends the line on the right.
            typed = page.locator(".redress-pre-line").first
            offset = typed.evaluate("""element => {
                const range = document.createRange();
                range.setStart(element.firstChild, 0);
                range.setEnd(element.firstChild, 1);
                return range.getBoundingClientRect().left - element.getBoundingClientRect().left;
            }""")
            assert re.match(r"\s*[A-Za-z]", typed.inner_text()) and offset < 2, (typed.inner_text()[:40], offset)
        _save(page, f"{page_name}-1280-ur", whole=page_name == "staff-case")
    finally:
        page.goto("/staff/?lang=en")  # the choice is saved on the account, which other journeys share
