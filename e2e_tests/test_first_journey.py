"""Giving feedback end to end: a signed-in resident complains with a photo and an officer finds it
in triage; a guest gives a compliment without an account and follows the link pages.

Run with JavaScript on and off (every page must work without it), axe on every page visited.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"RDR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
GOVUK_DATE = r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"


def service_nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


def sign_in(page: Page, email: str, email_label: str = "Email address") -> None:
    page.get_by_label(email_label, exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 120, 40)).save(out, "PNG")
    return out.getvalue()


def question(page: Page, heading: str) -> None:
    """Arrive on a question page: its heading is there and axe finds nothing."""
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    axe_check(page)


def choose(page: Page, heading: str, option: str) -> None:
    question(page, heading)
    page.get_by_role("radio", name=option, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def fill(page: Page, heading: str, text: str) -> None:
    question(page, heading)
    page.get_by_label(heading, exact=True).fill(text)
    page.get_by_role("button", name="Continue").click()


def test_resident_complains_with_a_photo_and_officer_sees_it_in_triage(any_page: Page, javascript: bool) -> None:
    page = any_page
    happened = date.today() - timedelta(days=14)
    what_happened = f"Our green bin was not collected on {happened:%d %B}. The crew skipped the whole street."
    outcome = "Collect the bin this week and tell me why it was missed."

    # The start page, then sign in from the service navigation.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tell Redress Borough Council what went wrong")
    expect_scripts(page, javascript)
    axe_check(page)
    service_nav(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    axe_check(page)
    sign_in(page, "resident@example.com")
    expect(page.get_by_role("heading", name="Your cases", level=1)).to_be_visible()
    axe_check(page)

    # Give feedback: choose a complaint, then one question a page.
    service_nav(page).get_by_role("link", name="Give feedback").click()
    question(page, "Give feedback")
    page.get_by_role("button", name="Start new feedback").click()
    choose(page, "What would you like to do?", "Make a complaint")
    choose(page, "Which service is your complaint about?", "Waste and recycling")
    fill(page, "What happened?", "The bin was not collected.")

    question(page, "When did it happen?")
    page.get_by_label("Day").fill(str(happened.day))
    page.get_by_label("Month").fill(str(happened.month))
    if javascript:
        # With JavaScript the date is checked once focus leaves all three boxes, not box by box.
        page.get_by_label("Month").press("Tab")
        expect(page.get_by_label("Year")).to_be_focused()
        expect(page.locator("#happened_on-error")).to_have_count(0)
        page.get_by_label("Year").press("Tab")
        expect(page.locator("#happened_on-error")).to_have_text("Error: Date it happened must include a year")
        expect(page.locator("#check-announcement")).to_have_text("Error: Date it happened must include a year")
        expect(page.get_by_label("Day")).to_have_value(str(happened.day))  # what they typed is kept
        axe_check(page)
    page.get_by_label("Year").fill(str(happened.year))
    page.get_by_role("button", name="Continue").click()

    fill(page, "What would you like us to do to put things right?", outcome)
    choose(page, "Have you already asked us about this?", "No")

    # Not asked before: offered (never forced) to send it to the service as a request.
    question(page, "You might get this sorted faster as a request")
    expect(page.get_by_role("button", name="Send it to the service as a request")).to_be_visible()
    page.get_by_role("button", name="Continue with my complaint").click()

    choose(page, "Are you complaining for someone else?", "No")
    choose(page, "Do you need help or support to make your complaint?", "No")
    choose(page, "How would you like us to contact you about your complaint?", "Phone")
    if javascript:
        # A typed answer is checked as the person leaves the box: the GOV.UK error at once, in the
        # box's description and the status region, and focus stays where they went.
        question(page, "What is your phone number?")
        box = page.get_by_label("What is your phone number?", exact=True)
        box.fill("call me")
        box.press("Tab")
        error = page.locator("#contact_phone-error")
        expect(error).to_have_text("Error: Enter a phone number, like 01632 960 001 or 07700 900 982")
        expect(box).to_have_attribute("aria-describedby", re.compile(r"\bcontact_phone-error\b"))
        expect(page.locator("#check-announcement")).to_contain_text("Enter a phone number")
        expect(page.get_by_role("button", name="Continue")).to_be_focused()
        expect(page).not_to_have_title(re.compile("^Error"))  # nothing was sent
        axe_check(page)
        box.fill("07700 900 982")
        box.press("Tab")
        expect(error).to_have_count(0)
        expect(page.locator("#check-announcement")).to_have_text("")
    fill(page, "What is your phone number?", "07700 900 982")

    # Evidence: add a photo, see it listed with a Remove button, go on. Without JavaScript "Add
    # files" sends it; with JavaScript choosing it is enough, and each file is accepted or refused at once.
    question(page, "Add files to support your complaint")
    if javascript:
        expect(page.get_by_role("button", name="Add files")).to_have_count(0)
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "bin-photo.png", "mimeType": "image/png", "buffer": png()}]
    )
    if not javascript:
        page.get_by_role("button", name="Add files").click()
    expect(page.get_by_role("heading", name="You have added 1 file")).to_be_visible()
    expect(page.get_by_role("button", name="Remove bin-photo.png")).to_be_visible()
    if javascript:
        expect(page.locator("#files-status")).to_have_text(
            "bin-photo.png has been added. You have added 1 file.")
        # The swapped-in file box listens once htmx has settled it (about 20 ms after the swap); a
        # person cannot choose a file sooner, the test could (it then sent nothing: a flaky failure).
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
        page.locator('input[type="file"]').set_input_files(
            files=[{"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00\x03\x00"}]
        )
        expect(page.locator("#files-error")).to_contain_text("setup.exe must be a PDF, JPEG, PNG, DOCX, ODT or TXT file")
        expect(page.locator("#files-status")).to_contain_text("setup.exe must be a PDF")
        expect(page.get_by_role("heading", name="You have added 1 file")).to_be_visible()
        expect(page.locator("#files")).to_be_focused()  # the new "Choose files" button, where they were
    axe_check(page)
    page.get_by_role("button", name="Continue").click()

    # Check answers shows every answer, each with a Change link.
    question(page, "Check your answers before sending your complaint")
    answers = page.locator(".govuk-summary-list")
    for shown in ("Waste and recycling", "The bin was not collected.", f"{happened.day} {happened:%B} {happened.year}",
                  outcome, "07700 900 982", "bin-photo.png"):
        expect(answers).to_contain_text(shown)
    for answer in ("service", "what happened", "when it happened", "what would put things right", "how to contact you",
                   "phone number", "files"):
        expect(page.get_by_role("link", name=f"Change {answer}", exact=True)).to_be_visible()

    # Change one answer and come straight back to check answers.
    page.get_by_role("link", name="Change what happened", exact=True).click()
    question(page, "What happened?")
    expect(page.get_by_label("What happened?")).to_have_value("The bin was not collected.")
    page.get_by_label("What happened?").fill(what_happened)
    page.get_by_role("button", name="Save and return to check your answers").click()
    question(page, "Check your answers before sending your complaint")
    expect(answers).to_contain_text(what_happened)
    expect(answers).not_to_contain_text("The bin was not collected.")

    # Send it: the confirmation panel gives the reference, the acknowledgement date and what is next.
    page.get_by_role("button", name="Send complaint").click()
    expect(page.get_by_role("heading", name="Complaint sent", level=1)).to_be_visible()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text(REFERENCE)
    reference = REFERENCE.search(panel.inner_text()).group(0)
    expect(page.get_by_text(re.compile(f"acknowledge your complaint by {GOVUK_DATE}"))).to_be_visible()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    axe_check(page)

    # It is listed in the resident's cases.
    service_nav(page).get_by_role("link", name="Your cases").click()
    expect(page.get_by_role("heading", name="Your cases", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=reference, exact=True)).to_be_visible()
    axe_check(page)

    service_nav(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    axe_check(page)

    # An officer finds it in the triage queue, with how long it has waited.
    page.goto("/staff/sign-in")
    expect(page.get_by_role("heading", name="Sign in to the back office", level=1)).to_be_visible()
    axe_check(page)
    sign_in(page, "officer@example.gov.uk", email_label="Work email address")
    expect(service_nav(page).get_by_role("link", name="Triage")).to_be_visible()
    service_nav(page).get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", name="Triage queue", level=1)).to_be_visible()
    axe_check(page)
    row = find_in_paginated_table(page, reference)
    expect(row).to_contain_text("Waste and recycling")
    expect(row).to_contain_text(re.compile(r"\d+ working days?"))

    row.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", name=f"Case {reference}", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Received (online)")).to_be_visible()
    axe_check(page)


def test_guest_gives_a_compliment_without_an_account(any_page: Page, javascript: bool) -> None:
    page = any_page
    email = f"guest-{uuid.uuid4().hex[:8]}@example.com"

    page.goto("/feedback")
    question(page, "Give feedback")
    expect_scripts(page, javascript)
    main = page.get_by_role("main")
    expect(main.get_by_role("button", name="Sign in")).to_be_visible()
    expect(main.get_by_role("link", name="Create an account")).to_be_visible()
    main.get_by_role("button", name="Continue without an account").click()

    choose(page, "What would you like to do?", "Give a compliment")
    choose(page, "Which service is your compliment about?", "Waste and recycling")
    fill(page, "What would you like to tell us?", "Dave on the Tuesday crew carried my bin up the steps. Thank you!")
    fill(page, "What is your name?", "Sam Guest")

    # An email address is required: without one there is nowhere to send the link.
    question(page, "What is your email address?")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error: What is your email address"))
    expect(page.get_by_role("link", name="Enter your email address")).to_be_visible()
    axe_check(page)
    page.get_by_label("What is your email address?").fill(email)
    page.get_by_role("button", name="Continue").click()

    question(page, "Check your answers before sending your compliment")
    answers = page.locator(".govuk-summary-list")
    expect(answers).to_contain_text("Sam Guest")
    expect(answers).to_contain_text(email)
    page.get_by_role("button", name="Send compliment").click()

    expect(page.get_by_role("heading", name="Compliment sent", level=1)).to_be_visible()
    expect(page.locator(".govuk-panel")).to_contain_text(REFERENCE)
    reference = REFERENCE.search(page.locator(".govuk-panel").inner_text()).group(0)
    expect(page.get_by_text(f"We have sent an email to {email} with a link to follow your case")).to_be_visible()
    axe_check(page)

    # A link that is not valid offers a new one; asking always gets the same answer.
    page.goto("/follow/not-a-valid-link")
    question(page, "This link has expired or is not valid")
    page.get_by_label("Case reference").fill(reference)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send me a new link").click()
    question(page, "Check your email")
    expect(page.get_by_text("If the details match a case, we have sent a new link")).to_be_visible()


def find_in_paginated_table(page: Page, reference: str):
    """The table row for `reference`, following "Next" (and axe-checking each page) until found."""
    for _page_number in range(100):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
        if row.count():
            return row
        next_link = page.get_by_role("navigation", name="Pages").get_by_role("link", name=re.compile(r"^Next"))
        assert next_link.count(), f"{reference} is not in the queue"
        next_link.click()
        page.wait_for_load_state()
        axe_check(page)
    raise AssertionError(f"{reference} not found in the first 100 pages")
