"""The Complaint Handling Code annual report in a real browser on the demo council: a manager opens it,
answers a provision (meeting the error first), writes the statements, and prints it — with axe on
every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import axe_check, expect_scripts
from e2e_tests.test_reports import _sign_in

pytestmark = pytest.mark.e2e


def test_a_manager_answers_the_self_assessment_and_prints_the_report(any_page: Page, javascript: bool) -> None:
    page = any_page
    _sign_in(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Complaint Handling Code annual report").click()
    expect(page.get_by_role("heading", name="Complaint Handling Code annual report", level=1)).to_be_visible()
    expect_scripts(page, javascript)
    expect(page.get_by_role("table", name="Complaints received and answered within the Code's timescales")).to_be_visible()
    expect(page.get_by_role("table", name="Complaints the council refused to accept, by reason")
           .or_(page.get_by_text("Nothing to count for this period and these filters.").first)).to_be_visible()
    print_button = page.get_by_role("button", name="Print this page")
    if javascript:
        expect(print_button).to_be_visible()
    else:
        expect(print_button).to_be_hidden()
    axe_check(page)

    # Printed, the navigation, the year form and the change links are left out; the figures stay.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Menu")).to_be_hidden()
    expect(page.get_by_label("Financial year")).to_be_hidden()
    expect(page.get_by_role("link", name="Change the answer to provision 6.2")).to_be_hidden()
    expect(page.get_by_role("heading", name="Self-assessment against the Code", level=2)).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Change the answer to provision 6.2").click()
    expect(page.get_by_role("heading", name="Provision 6.2", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Evidence").fill("Policy section 7.1")
    page.get_by_label("Commentary or explanation").fill("")  # the other run of this test may have saved one
    page.get_by_role("button", name="Save the answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Explain why the council does not comply and what it will do")
    expect(page.get_by_label("Evidence")).to_have_value("Policy section 7.1")
    expect(page.get_by_role("radio", name="No")).to_be_checked()
    axe_check(page)
    page.get_by_label("Commentary or explanation").fill("Acknowledgements were late in the summer; a rota now covers them.")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_text("The answer to provision 6.2 is saved.")).to_be_visible()
    expect(page.locator("#provision-6-2")).to_contain_text("a rota now covers them")
    axe_check(page)

    page.get_by_role("link", name="Change the statements").click()
    expect(page.get_by_role("heading", name="Statements for", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("The governing body's response").fill("Cabinet welcomed the report.")
    page.get_by_role("button", name="Save the statements").click()
    expect(page.locator("#statements ~ section").first).to_contain_text("Cabinet welcomed the report.")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report (CSV)").click()
    assert download.value.suggested_filename.startswith("chc_annual-")
    with open(download.value.path(), encoding="utf-8") as handle:
        text = handle.read()
    assert "Cabinet welcomed the report." in text and "a rota now covers them" in text
