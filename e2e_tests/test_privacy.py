"""A person's data in the back office (issue 10): the complaints manager makes a record for a
caller, downloads everything held about them (a zip with a readable index, data and files), then
erases them with a ground and a note, past a confirmation page. JavaScript on and off, axe on
every page."""

from __future__ import annotations

import json
import secrets
import zipfile

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import axe_check
from e2e_tests.test_back_office_journey import error_summary, heading, sign_in, sign_out

pytestmark = pytest.mark.e2e

MANAGER = "manager@example.gov.uk"


def test_manager_downloads_a_persons_data_then_erases_them(any_page: Page, javascript: bool):
    page = any_page
    name = f"Priya Erasmus {secrets.token_hex(3)}"
    sign_in(page, MANAGER, javascript)
    page.goto("/staff/customers/new")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Phone number (optional)").fill("07700 900 982")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_role("button", name="Create record").click()
    expect(heading(page, name)).to_be_visible()
    axe_check(page)

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download everything we hold about them").click()
    download = downloading.value
    assert download.suggested_filename.startswith("subject-access-") and download.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(download.path())
    data = json.loads(archive.read("data.json"))
    assert (data["account"]["full_name"], data["account"]["phone"]) == (name, "07700 900 982")
    assert f"Everything we hold about {name}" in archive.read("index.html").decode()

    page.get_by_role("link", name="Erase their details").click()
    expect(heading(page, f"Erase {name}'s details")).to_be_visible()
    axe_check(page)
    page.get_by_label("What did they ask for, and how did we check it?").fill("Letter of 2 December; ID checked")
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page)).to_contain_text("Select why we are erasing their details")
    expect(page.get_by_label("What did they ask for, and how did we check it?")).to_have_value(
        "Letter of 2 December; ID checked")
    axe_check(page)

    page.get_by_label("They withdrew the consent we relied on (Article 17(1)(b))").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page, f"Are you sure you want to erase {name}'s details?")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Erase their details").click()

    expect(page.get_by_text("Their details have been erased.")).to_be_visible()
    expect(heading(page, "[anonymised]")).to_be_visible()
    expect(page.get_by_text("Their details were removed on")).to_be_visible()
    expect(page.get_by_role("link", name="Erase their details")).to_have_count(0)
    axe_check(page)
    sign_out(page)
