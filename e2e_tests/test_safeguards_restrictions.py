"""An unreasonable-behaviour restriction end to end (issue 7): officer Priya Shah proposes one from a
demo case with its evidence (after an empty try shows the errors), manager Helen Morgan decides it,
and the banner with its terms is on the person's case. JavaScript on and off, axe on every page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import axe_check
from e2e_tests.test_back_office_journey import a_listed_case_offering, error_summary, heading, sign_in, sign_out

pytestmark = pytest.mark.e2e

OFFICER = "officer@example.gov.uk"
MANAGER = "manager@example.gov.uk"
PROPOSE = "Propose a restriction on how this person contacts us"
BEHAVIOUR = "In December you phoned the contact centre 40 times in a week and swore at staff."
TERMS = "Phone calls on Tuesdays between 10am and 12 noon only."


def a_case_to_restrict(page: Page) -> str:
    """A demo case whose person has no restriction yet (the other run may have restricted one)."""
    page.goto("/staff/cases")
    axe_check(page)
    return a_listed_case_offering(page, lambda p: p.get_by_role("link", name=PROPOSE), "no demo case without a restriction")


def test_officer_proposes_manager_decides_and_the_banner_shows(any_page: Page, javascript: bool):
    page = any_page
    sign_in(page, OFFICER, javascript)
    reference = a_case_to_restrict(page)
    expect(heading(page, f"Case {reference}")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=PROPOSE).click()
    expect(heading(page, "Propose a restriction")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Propose the restriction").click()
    expect(error_summary(page)).to_be_visible()
    expect(error_summary(page).get_by_role("link", name="Choose what kind of behaviour it is")).to_be_visible()
    axe_check(page)

    page.get_by_label("Abusive or threatening language").check()
    page.get_by_label("The behaviour", exact=True).fill(BEHAVIOUR)
    page.get_by_label("Written contact only").check()
    page.get_by_label("Limited phone contact").check()
    page.get_by_label("Terms", exact=True).fill(TERMS)
    page.locator("input[name=events]").first.check()
    page.get_by_role("button", name="Propose the restriction").click()
    expect(page.get_by_text("Restriction proposed.")).to_be_visible()
    title = page.get_by_role("heading", level=1).inner_text()
    restriction_url = page.url
    assert title.startswith("Restriction ")
    expect(page.get_by_text("Waiting for a decision by a manager who did not propose it.")).to_be_visible()
    axe_check(page)
    sign_out(page)

    sign_in(page, MANAGER, javascript)
    page.goto(restriction_url)
    page.get_by_role("link", name="Decide", exact=True).click()
    expect(heading(page, "Decide r" + title[1:])).to_be_visible()
    expect(page.get_by_role("heading", name="Reasonable adjustments")).to_be_visible()
    expect(page.get_by_text(BEHAVIOUR).first).to_be_visible()
    axe_check(page)
    page.get_by_label("Approve the restriction").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Restriction approved.")).to_be_visible()
    axe_check(page)

    page.goto(f"/staff/cases/{reference}")
    banner = page.get_by_role("region", name="Restriction on contact in place")
    expect(banner).to_be_visible()
    expect(banner.get_by_text(TERMS)).to_be_visible()
    expect(banner.get_by_text("Written contact only")).to_be_visible()
    axe_check(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Restrictions").click()
    expect(heading(page, "Restrictions")).to_be_visible()
    axe_check(page)
