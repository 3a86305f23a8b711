"""A resident's first visit on a small screen (issue 11): nothing moves once the scripts start, the
folded menu still opens, and a script that fails to load leaves the menu open rather than hidden."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from e2e_tests.conftest import PASSWORD, axe_check

pytestmark = pytest.mark.e2e

# No service worker: it would answer for app.mjs from its cache, past the routes these tests set.
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "service_workers": "block"}
LAYOUT = """() => ({
  main: document.querySelector('main').getBoundingClientRect().top,
  header: document.querySelector('header').getBoundingClientRect().height,
})"""
def _signed_in_phone(new_context: Callable[..., BrowserContext]) -> Page:
    page = new_context(**PHONE).new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill("resident@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your cases", level=1)).to_be_visible()
    return page


def _app_script(page: Page, handle: Callable[[Route], None]) -> None:
    page.route("**/static/dist/app.mjs*", handle)


@pytest.mark.parametrize("path", ["/", "/cases"])
def test_starting_the_scripts_moves_nothing_on_a_small_screen(new_context, path: str) -> None:
    page = _signed_in_phone(new_context)
    # The page as drawn before the scripts start: app.mjs answered with a module that does nothing.
    _app_script(page, lambda route: route.fulfill(status=200, content_type="text/javascript", body=""))
    page.goto(path)
    before = page.evaluate(LAYOUT)
    page.unroute("**/static/dist/app.mjs*")
    page.goto(path)
    expect(page.locator(".govuk-service-navigation[data-govuk-service-navigation-init]")).to_have_count(1)
    assert page.evaluate(LAYOUT) == before  # header and main where they were drawn: no layout shift
    # Folded behind "Menu", which opens it.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Your cases", exact=True)).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Your cases", exact=True)).to_be_visible()
    axe_check(page)


def test_a_script_that_fails_to_load_leaves_the_menu_open(new_context) -> None:
    page = _signed_in_phone(new_context)
    _app_script(page, lambda route: route.abort())
    page.goto("/cases")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.get_by_role("link", name="Your cases", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_on_a_wide_screen_the_menu_is_never_folded(new_context) -> None:
    page = _signed_in_phone(new_context)
    page.set_viewport_size({"width": 1024, "height": 740})
    page.goto("/cases")
    expect(page.get_by_role("link", name="Your cases", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
