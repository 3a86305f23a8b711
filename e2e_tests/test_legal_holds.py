"""A legal hold end to end (issue 10): manager Helen Morgan puts a demo case on legal hold (after an
empty try shows the errors and keeps the note), sees the banner and finds the case under "Legal
holds" in the case list, then lifts it with a note. JavaScript on and off, axe on every page."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import axe_check
from e2e_tests.test_back_office_journey import (
    a_listed_case_offering,
    case_action,
    error_summary,
    heading,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.e2e

MANAGER = "manager@example.gov.uk"
NOTE = "Email from the council's insurers, ref INS-4471: a claim about the fall is expected."


def a_case_to_hold(page: Page) -> str:
    """A demo case not on hold (the other run may be holding one)."""
    page.goto("/staff/cases")
    return a_listed_case_offering(page, lambda p: case_action(p, "Place a legal hold"), "no demo case to put on legal hold")


def test_manager_places_a_legal_hold_finds_it_in_the_list_and_lifts_it(any_page: Page, javascript: bool):
    page = any_page
    sign_in(page, MANAGER, javascript)
    reference = a_case_to_hold(page)
    expect(heading(page, f"Case {reference}")).to_be_visible()
    axe_check(page)

    case_action(page, "Place a legal hold").click()
    expect(heading(page, "Place a legal hold on this case")).to_be_visible()
    axe_check(page)
    page.get_by_label("What do we know about it?").fill(NOTE)
    page.get_by_role("button", name="Place the legal hold").click()
    expect(error_summary(page)).to_contain_text("Select why this case must be kept")
    expect(page.get_by_label("What do we know about it?")).to_have_value(NOTE)
    axe_check(page)

    page.get_by_label("An insurance or court claim").check()
    page.get_by_role("button", name="Place the legal hold").click()
    expect(heading(page, f"Case {reference}")).to_be_visible()
    banner = page.get_by_role("region", name="Legal hold")
    expect(banner).to_contain_text("This case is on legal hold.")
    expect(banner).to_contain_text("Placed by Helen Morgan on")
    expect(banner).to_contain_text("Reason: An insurance or court claim.")
    expect(banner).to_contain_text("ref INS-4471")
    expect(case_action(page, "Place a legal hold")).to_have_count(0)
    axe_check(page)

    page.goto("/staff/cases")
    page.get_by_role("link", name="Legal holds").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=reference).click()
    page.get_by_role("region", name="Legal hold").get_by_role("link", name="Lift the legal hold").click()
    expect(heading(page, "Lift the legal hold")).to_be_visible()
    expect(page.get_by_text("ref INS-4471")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Lift the legal hold").click()
    expect(error_summary(page)).to_contain_text("Enter why the legal hold can be lifted")
    axe_check(page)
    lifted = f"The insurers closed the claim on 3 December (ref INS-{secrets.token_hex(3)})."  # this run's own
    page.get_by_label("Why can the hold be lifted?").fill(lifted)
    page.get_by_role("button", name="Lift the legal hold").click()

    expect(page.get_by_text("The legal hold has been lifted.")).to_be_visible()
    expect(page.get_by_role("region", name="Legal hold")).to_have_count(0)
    expect(page.get_by_text(lifted)).to_be_visible()  # in the timeline
    expect(case_action(page, "Place a legal hold")).to_be_visible()
    axe_check(page)
    sign_out(page)
