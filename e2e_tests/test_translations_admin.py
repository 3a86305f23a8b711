"""An admin fills in Urdu names for the council's own texts in a real browser, with the staff pages
themselves in Urdu (right to left): the English of each text beside a right-to-left Urdu field, the
blanks marked and counted, a text too long refused in Urdu with everything typed kept, then saved
and shown in the page's history. Axe on every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import axe_check
from e2e_tests.test_back_office_journey import sign_in

pytestmark = pytest.mark.e2e


def test_an_admin_translates_council_names_into_urdu_in_an_urdu_layout(any_page: Page, javascript: bool) -> None:
    page = any_page
    sign_in(page, "admin@example.gov.uk", javascript)
    expect(page.get_by_role("link", name="Translations: Urdu")).to_be_visible()

    try:
        page.goto("/staff/?lang=ur")  # the back office in Urdu from here on
        html = page.locator("html")
        expect(html).to_have_attribute("dir", "rtl")
        page.get_by_role("link", name="تراجم: اردو").click()
        expect(page.get_by_role("heading", name="تراجم: اردو", level=1)).to_be_visible()
        expect(html).to_have_attribute("dir", "rtl")
        axe_check(page)

        # The demo named its services in Urdu; its complaint reasons are still blank, and counted.
        housing = page.get_by_label("Housing repairs", exact=False).first
        expect(housing).to_have_value("گھروں کی مرمت")
        expect(housing).to_have_attribute("dir", "rtl")
        expect(housing).to_have_attribute("lang", "ur")
        expect(page.locator("#missing-summary")).to_contain_text("ترجمہ نہیں ہوا")
        reason = page.get_by_label("Missed bin collection")
        expect(reason).to_have_attribute("dir", "rtl")

        suffix = "js" if javascript else "nojs"
        reason.fill("ب" * 121)
        page.get_by_label("Charges or fees").fill(f"فیس اور چارجز {suffix}")
        page.get_by_role("button", name="تراجم محفوظ کریں").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("“Missed bin collection” کا ترجمہ 120 حروف یا اس سے کم ہونا چاہیے")
        if javascript:
            expect(summary).to_be_focused()
        expect(page.get_by_label("Charges or fees")).to_have_value(f"فیس اور چارجز {suffix}")
        expect(page.get_by_label("Missed bin collection")).to_have_value("ب" * 121)
        axe_check(page)

        page.get_by_label("Missed bin collection").fill(f"بن نہیں اٹھایا گیا {suffix}")
        page.get_by_role("button", name="تراجم محفوظ کریں").click()
        expect(page.get_by_text("تراجم محفوظ ہو گئے۔")).to_be_visible()
        expect(page.get_by_label("Missed bin collection")).to_have_value(f"بن نہیں اٹھایا گیا {suffix}")
        history = page.get_by_role("table", name="ان تراجم میں تبدیلیاں، تازہ ترین پہلے")
        expect(history).to_contain_text(f"بن نہیں اٹھایا گیا {suffix}")
        expect(history).to_contain_text("Alex Kowalski")
        axe_check(page)
    finally:
        page.goto("/staff/?lang=en")  # the choice is saved on the account, which the other journeys share
