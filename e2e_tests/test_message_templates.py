"""An admin changes the Welsh subject of the acknowledgement in a real browser: a mistake refused with
its reason and the text kept, fixed, previewed with sample values, saved, then put back to the
standard wording; axe on every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

SAMPLE_REFERENCE = "RDR-7K2M-9QXD"


def test_an_admin_customises_the_welsh_acknowledgement_subject(any_page: Page, javascript: bool) -> None:
    page = any_page
    page.goto("/staff/sign-in")
    expect_scripts(page, javascript)
    page.get_by_label("Work email address", exact=True).fill("admin@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Edit Complaint acknowledged in Welsh").click()
    expect(page.get_by_role("heading", name="Complaint acknowledged in Welsh", level=1)).to_be_visible()
    subject = page.get_by_label("Subject", exact=True)
    expect(subject).to_have_value("Rydym yn ymchwilio i'ch cwyn {{ reference }}")
    expect(page.get_by_label("Message", exact=True)).to_contain_text("Annwyl {{ name }},")
    axe_check(page)

    # A placeholder that does not exist: refused, the reason named, what was typed kept.
    subject.fill("Rydym yn edrych ar eich cwyn {{ cyfeirnod }}")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Remove {{ cyfeirnod }}: this message has no placeholder called cyfeirnod")
    expect(page.get_by_label("Subject", exact=True)).to_have_value("Rydym yn edrych ar eich cwyn {{ cyfeirnod }}")
    assert page.title().startswith("Error:")
    axe_check(page)

    summary.get_by_role("link").first.click()  # the summary's link leads to the field
    page.get_by_label("Subject", exact=True).fill("Rydym yn edrych ar eich cwyn {{ reference }}")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview", level=2)).to_be_visible()
    expect(page.locator("#preview-subject")).to_have_text(f"Rydym yn edrych ar eich cwyn {SAMPLE_REFERENCE}")
    expect(page.locator("#preview-body")).to_contain_text("Annwyl Jane Smith,")
    expect(page.locator("#preview-body")).to_contain_text(f"/cases/{SAMPLE_REFERENCE}")
    expect(page.get_by_text("Your wording has not been saved yet.")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()
    expect(page.get_by_text("The Welsh wording of “Complaint acknowledged” is saved.")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Complaint acknowledged", exact=True))
    expect(row.get_by_text("Customised")).to_have_count(1)
    axe_check(page)

    # The change is in its history; going back to the standard wording leaves the list as it was.
    page.get_by_role("link", name="Edit Complaint acknowledged in Welsh").click()
    expect(page.get_by_label("Subject", exact=True)).to_have_value("Rydym yn edrych ar eich cwyn {{ reference }}")
    expect(page.get_by_role("cell", name="Alex Kowalski").first).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Use the standard wording").click()
    expect(page.get_by_text("“Complaint acknowledged” in Welsh uses the standard wording again.")).to_be_visible()
    expect(row.get_by_text("Customised")).to_have_count(0)
    axe_check(page)
