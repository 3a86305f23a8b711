"""The back office end to end: triage, case work, a checked response, stage 2 and closure.

Officer Priya Shah triages the oldest contact in the queue as a complaint, works it (asking the
service for information, writing to the person with a file, noting a call) and writes the response;
Tom Evans checks it (returning it once), sends it, escalates to stage 2 and allocates it to a
different handler; the case is then closed. Run with JavaScript on and off, axe on every page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"RDR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
OFFICER = ("officer@example.gov.uk", "Priya Shah")
OFFICER2 = ("officer2@example.gov.uk", "Tom Evans")
RESPONDER = ("responder@example.gov.uk", "Gareth Lewis")  # housing repairs
POINTS = ("The green bin was not collected on two collection days.", "Nobody replied to the first report.")
OUTCOME = "Collect the bin and explain why it was missed."
MESSAGE = "We are looking into the missed collections. Attached are your collection days."
CALENDAR = b"Green bin: every other Tuesday.\n"


def service_nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


def heading(page: Page, name: str):
    return page.get_by_role("heading", name=name, level=1)


def case_action(page: Page, name: str):
    return page.get_by_role("group", name="Case actions").get_by_role("button", name=name, exact=True)


def error_summary(page: Page):
    return page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))


def sign_in(page: Page, email: str, javascript: bool) -> None:
    page.goto("/staff/sign-in")
    expect(heading(page, "Sign in to the back office")).to_be_visible()
    expect_scripts(page, javascript)
    axe_check(page)
    page.get_by_label("Work email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(service_nav(page).get_by_role("button", name="Sign out")).to_be_visible()
    axe_check(page)


def sign_out(page: Page) -> None:
    service_nav(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    axe_check(page)


def open_case(page: Page, reference: str) -> None:
    """Find the case with the case search and open it."""
    page.goto(f"/staff/cases?q={reference}")
    expect(page.get_by_role("link", name=reference, exact=True)).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=reference, exact=True).click()
    expect(heading(page, f"Case {reference}")).to_be_visible()
    axe_check(page)


def a_listed_case_offering(page: Page, offered: Callable[[Page], Locator], none: str) -> str:
    """The first case on the case list page shown whose own page offers `offered` (another run may
    have used the others up); the test fails saying `none` if there is none."""
    for reference in dict.fromkeys(REFERENCE.findall(page.content())):
        page.goto(f"/staff/cases/{reference}")
        if offered(page).count():
            return reference
    pytest.fail(none)


def case_status(page: Page):
    return page.get_by_role("region", name="Case summary")


def write_response(page: Page, body: str) -> None:
    expect(heading(page, "Write the response")).to_be_visible()
    axe_check(page)
    for number, (point, finding) in enumerate(zip(POINTS, ("Upheld", "Partly upheld"), strict=True), start=1):
        page.get_by_role("group", name=f"Point {number}: {point}").get_by_role("radio", name=finding, exact=True).check()
        page.get_by_label(f"Reason for the finding on point {number}", exact=True).fill(
            f"Reason {number}: the crew records show the street was missed."
        )
    page.get_by_role("checkbox", name="Apology", exact=True).check()
    page.get_by_label("Apology: details (optional)").fill("We are sorry the bin was missed.")
    page.get_by_label("Response letter", exact=True).fill(body)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft response saved.")).to_be_visible()
    axe_check(page)


def send_for_checking(page: Page) -> None:
    case_action(page, "Send for checking").click()
    expect(heading(page, "Send the response for checking")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send the response for checking").click()
    expect(page.get_by_text("Response sent for checking.")).to_be_visible()
    expect(case_status(page)).to_contain_text("Response being checked")
    axe_check(page)


def correspondence(page: Page):
    return page.get_by_role("region", name="Correspondence")


def write_to_the_person(page: Page, javascript: bool) -> None:
    """Send a message with a file from the case page. With JavaScript on, htmx swaps the section in
    place and moves focus to the new message (or to the error summary); without, the page reloads."""
    section = correspondence(page)
    expect(section.get_by_text("There are no messages on this case.")).to_be_visible()
    section.get_by_label("Message", exact=True).fill(MESSAGE)
    section.get_by_label("Attach files (optional)").set_input_files(
        [{"name": "bin.exe", "mimeType": "application/octet-stream", "buffer": b"MZ" + b"\x00" * 64}]
    )
    section.get_by_role("button", name="Send message").click()
    expect(error_summary(page)).to_contain_text("bin.exe must be a PDF, JPEG, PNG, DOCX, ODT or TXT file")
    if javascript:
        expect(page.locator(".govuk-error-summary")).to_be_focused()  # GOV.UK's ErrorSummary, started on the swap
        expect(heading(page, re.compile(r"^Case "))).to_be_visible()  # still the case page, swapped in place
    expect(correspondence(page).get_by_label("Message", exact=True)).to_have_value(MESSAGE)
    axe_check(page)

    section = correspondence(page)
    section.get_by_label("Attach files (optional)").set_input_files(
        [{"name": "collection-days.txt", "mimeType": "text/plain", "buffer": CALENDAR}]
    )
    section.get_by_role("button", name="Send message").click()
    card = page.locator(".redress-message").filter(has_text=MESSAGE)
    expect(card).to_be_visible()
    expect(card).to_contain_text("From the council")
    expect(card).to_contain_text(OFFICER[1])
    expect(error_summary(page)).to_have_count(0)
    if javascript:
        expect(card).to_be_focused()
    else:
        expect(page.get_by_text(re.compile(r"Message (sent|saved)\."))).to_be_visible()
    files = page.get_by_role("region", name="Files")
    expect(files).to_contain_text(OFFICER[1])
    with page.expect_download() as download:
        files.get_by_role("link", name="collection-days.txt").click()
    assert download.value.suggested_filename == "collection-days.txt"
    assert Path(download.value.path()).read_bytes() == CALENDAR
    axe_check(page)


def add_a_note(page: Page, javascript: bool, text: str) -> None:
    page.get_by_label("Add an internal note").fill(text)
    page.get_by_role("button", name="Add note").click()
    newest = page.locator(".moj-timeline__item").last
    expect(newest).to_contain_text(text)
    if javascript:
        expect(newest).to_be_focused()  # swapped in place, focus on the new note
    else:
        expect(page.get_by_text("Note added.")).to_be_visible()
    axe_check(page)


def test_officer_works_a_complaint_through_two_stages(any_page: Page, javascript: bool) -> None:
    page = any_page
    page.set_default_timeout(10_000)
    letter = "Dear resident,\n\nThank you for your complaint about your green bin."

    # Priya signs in and takes the oldest contact in the triage queue.
    sign_in(page, OFFICER[0], javascript)
    service_nav(page).get_by_role("link", name="Triage").click()
    expect(heading(page, "Triage queue")).to_be_visible()
    axe_check(page)
    first_row = page.get_by_role("table").get_by_role("row").nth(1)
    reference = REFERENCE.search(first_row.get_by_role("rowheader").inner_text()).group(0)
    first_row.get_by_role("link", name=f"Triage case {reference}").click()

    expect(heading(page, "What is this contact?")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="A complaint", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page, "Record the complaint")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Corporate complaints (Complaint Handling Code)").check()
    # The council's own reasons, grouped by category (the demo has them): the category follows.
    expect(page.get_by_role("heading", name="Timeliness", level=2)).to_be_visible()
    page.get_by_role("radio", name="Delay in doing what was promised", exact=True).check()
    page.get_by_label("What are the points of the complaint?").fill("\n".join(POINTS))
    page.get_by_label("What outcome does the person want?").fill(OUTCOME)
    page.get_by_role("button", name="Record as a complaint").click()

    # The case page shows the complaint definition.
    expect(heading(page, f"Case {reference}")).to_be_visible()
    expect(page.get_by_text(f"Case {reference} recorded as: A complaint.")).to_be_visible()
    definition = page.locator("ol.govuk-list--number")
    for point in POINTS:
        expect(definition).to_contain_text(point)
    expect(page.get_by_text(OUTCOME, exact=True)).to_be_visible()
    expect(case_status(page)).to_contain_text("Triaged as a complaint")
    axe_check(page)

    # Allocate to herself, acknowledge, investigate.
    case_action(page, "Allocate").click()
    expect(heading(page, "Who should handle this case?")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name=OFFICER[1], exact=True).check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text(f"Case {reference} allocated to {OFFICER[1]}.")).to_be_visible()
    axe_check(page)

    case_action(page, "Acknowledge").click()
    expect(heading(page, "Acknowledge the complaint")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Case acknowledged.")).to_be_visible()
    axe_check(page)

    case_action(page, "Start investigation").click()
    expect(heading(page, "Start the investigation")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Start the investigation").click()
    expect(page.get_by_text("Investigation started.")).to_be_visible()
    axe_check(page)

    # Ask the housing repairs service for information; its responder answers from their tasks.
    page.get_by_role("link", name="Ask the service for information").click()
    expect(heading(page, "Ask the service for information")).to_be_visible()
    axe_check(page)
    page.get_by_label("What do you need to know?").fill("When did the crew last visit this street?")
    page.get_by_label("Which service are you asking?").select_option(label="Housing repairs")
    suggested = re.search(r"For example, (\d+) (\d+) (\d{4})", page.locator("main").inner_text())
    page.get_by_label("Day").fill(suggested.group(1))
    page.get_by_label("Month").fill(suggested.group(2))
    page.get_by_label("Year").fill(suggested.group(3))
    page.get_by_role("button", name="Send the request").click()
    expect(heading(page, f"Case {reference}")).to_be_visible()
    axe_check(page)
    sign_out(page)

    sign_in(page, RESPONDER[0], javascript)
    service_nav(page).get_by_role("link", name="Tasks").click()
    expect(heading(page, "Tasks")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=f"Answer the request about case {reference}").click()
    expect(page.get_by_text("When did the crew last visit this street?")).to_be_visible()
    axe_check(page)
    page.get_by_label("Answer").fill("The crew visited on Tuesday and missed the street because of parked cars.")
    page.get_by_role("button", name="Send the answer").click()
    axe_check(page)
    sign_out(page)
    sign_in(page, OFFICER[0], javascript)
    open_case(page, reference)
    expect(page.locator("main")).to_contain_text("missed the street because of parked cars")

    # She writes to the person with a file (a refused file first), and notes the call she made.
    write_to_the_person(page, javascript)
    add_a_note(page, javascript, "Rang the person: they will leave the bin out on Friday.")

    # Write the response and send it for checking.
    case_action(page, "Write the response").click()
    write_response(page, letter)
    send_for_checking(page)

    # The author is not offered the check, and is refused if she goes to it anyway.
    expect(page.get_by_role("link", name="Check the response")).to_have_count(0)
    page.goto(f"/staff/cases/{reference}/check")
    expect(heading(page, "Check the response")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Approve and send").click()
    expect(error_summary(page)).to_contain_text("Someone other than the author must check the response.")
    expect(heading(page, "Check the response")).to_be_visible()
    axe_check(page)
    sign_out(page)

    # Tom returns it for changes.
    sign_in(page, OFFICER2[0], javascript)
    open_case(page, reference)
    case_action(page, "Check the response").click()
    expect(heading(page, "Check the response")).to_be_visible()
    axe_check(page)
    comment = "Say when the bin will be collected."
    page.get_by_label("What needs to change?").fill(comment)
    page.get_by_role("button", name="Return for changes").click()
    expect(page.get_by_text("Response returned to the author for changes.")).to_be_visible()
    expect(case_status(page)).to_contain_text("Response returned for changes")
    axe_check(page)
    sign_out(page)

    # Priya redrafts (seeing the checker's comments) and sends it again.
    sign_in(page, OFFICER[0], javascript)
    page.goto(f"/staff/cases/{reference}")
    expect(heading(page, f"Case {reference}")).to_be_visible()
    expect(page.get_by_text(comment, exact=True)).to_be_visible()
    axe_check(page)
    case_action(page, "Write the response").click()
    expect(page.get_by_text(comment, exact=True)).to_be_visible()
    letter = f"{letter}\n\nWe will collect your bin on Friday."
    write_response(page, letter)
    send_for_checking(page)
    sign_out(page)

    # Tom approves and sends it.
    sign_in(page, OFFICER2[0], javascript)
    open_case(page, reference)
    case_action(page, "Check the response").click()
    expect(heading(page, "Check the response")).to_be_visible()
    expect(page.get_by_text("We will collect your bin on Friday.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Approve and send").click()
    expect(page.get_by_text("Response approved and sent.")).to_be_visible()
    expect(case_status(page)).to_contain_text("Response sent")
    expect(page.get_by_role("heading", name="Stage 1 response (sent)")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="View the letter").click()
    expect(heading(page, f"Our response to your complaint {reference} (stage 1)")).to_be_visible()
    expect(page.get_by_text("We will collect your bin on Friday.")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Back to the case").click()
    expect(heading(page, f"Case {reference}")).to_be_visible()

    # Stage 2: escalate, then allocate to someone other than the stage 1 handler.
    case_action(page, "Escalate to the next stage").click()
    expect(heading(page, "Escalate to the next stage")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Escalate to the next stage").click()
    expect(page.get_by_text("Escalated to the next stage.")).to_be_visible()
    expect(case_status(page)).to_contain_text("stage 2")
    axe_check(page)

    case_action(page, "Allocate").click()
    expect(heading(page, "Who should handle this case?")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name=OFFICER[1], exact=True).check()
    page.get_by_role("button", name="Allocate").click()
    expect(error_summary(page)).to_contain_text("This stage must be handled by someone other than the previous stage's handler.")
    axe_check(page)
    page.get_by_role("radio", name=OFFICER2[1], exact=True).check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text(f"Case {reference} allocated to {OFFICER2[1]}.")).to_be_visible()
    axe_check(page)

    # Close it: the person has taken the matter elsewhere.
    case_action(page, "Close").click()
    expect(heading(page, "Close the case")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Referred elsewhere", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("The person has taken the matter to their councillor.")
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_text("The case has been closed.")).to_be_visible()
    expect(page.get_by_text("Closed: Referred elsewhere.")).to_be_visible()
    axe_check(page)

    # The timeline lists every step, in order.
    titles = [title.strip() for title in page.locator(".moj-timeline__title").all_inner_texts()]
    expected = [
        "Triaged as a complaint", "Allocated", "Acknowledged", "Investigation started",
        "Internal note added", "Internal note added",  # the information request and its answer
        "Internal note added",  # the call she noted
        "Response drafted",
        "Response sent for checking", "Response returned for changes", "Response drafted",
        "Response sent for checking", "Response sent", "Escalated to the next stage", "Allocated", "Closed",
    ]
    assert titles[0].startswith("Received"), titles
    assert titles[-len(expected):] == expected, titles
    expect(page.get_by_text("Reason: Say when the bin will be collected.")).to_be_visible()
    expect(page.get_by_text("Now at stage 2.")).to_be_visible()


def test_the_triage_queue_refreshes_itself_while_left_alone(new_context) -> None:
    """With JavaScript on, the queue fetches its list again every 30 seconds, but not while the tab
    is hidden or a case is ticked (nothing chosen is lost). The clock is Playwright's, moved on by hand."""
    page = new_context(java_script_enabled=True).new_page()
    page.set_default_timeout(10_000)
    page.clock.install()
    sign_in(page, OFFICER2[0], True)
    service_nav(page).get_by_role("link", name="Triage").click()
    expect(heading(page, "Triage queue")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    before = rows.count()
    refreshes: list[str] = []
    page.on("request", lambda r: refreshes.append(r.url) if r.headers.get("hx-request") == "true" else None)

    with page.expect_response(lambda r: "/staff/triage?" in r.url and "seen=" in r.url) as answer:
        page.clock.fast_forward("00:31")
    assert answer.value.status == 200
    expect(rows).to_have_count(before)
    expect(page.locator("#triage-announcement")).to_have_text("")  # the number did not change
    axe_check(page)

    # Ticking a case pauses the refresh; so does hiding the tab.
    rows.nth(1).get_by_role("checkbox").check()
    page.locator("body").click(position={"x": 1, "y": 1})  # focus leaves the queue; the tick stays
    refreshes.clear()
    page.clock.fast_forward("00:31")
    page.wait_for_timeout(300)
    assert refreshes == []
    rows.nth(1).get_by_role("checkbox").uncheck()
    page.locator("body").click(position={"x": 1, "y": 1})  # focus leaves the queue
    page.evaluate("() => Object.defineProperty(document, 'hidden', {value: true, configurable: true})")
    page.clock.fast_forward("00:31")
    page.wait_for_timeout(300)
    assert refreshes == []
    page.evaluate("() => Object.defineProperty(document, 'hidden', {value: false, configurable: true})")
    with page.expect_response(lambda r: "seen=" in r.url):
        page.clock.fast_forward("00:31")
    expect(rows).to_have_count(before)


def test_officer_refuses_a_complaint_on_a_ground(any_page: Page, javascript: bool) -> None:
    """Not taking a complaint forward asks for the policy's ground, the explanation the person is
    told and the Ombudsman confirmation; errors keep what was chosen; the timeline shows the ground."""
    page = any_page
    page.set_default_timeout(10_000)
    sign_in(page, OFFICER2[0], javascript)
    service_nav(page).get_by_role("link", name="Triage").click()
    expect(heading(page, "Triage queue")).to_be_visible()
    # The newest contact: the journeys above take the oldest.
    last_row = page.get_by_role("table").get_by_role("row").last
    reference = REFERENCE.search(last_row.get_by_role("rowheader").inner_text()).group(0)
    last_row.get_by_role("link", name=f"Triage case {reference}").click()
    page.get_by_role("radio", name="Not taken forward (refuse)").check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page, "Why is the complaint not being taken forward?")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Another right of appeal or review applies").check()
    page.get_by_role("button", name="Record as not taken forward").click()
    expect(error_summary(page)).to_contain_text("Explain why the complaint is not being taken forward")
    expect(error_summary(page)).to_contain_text("Confirm you have told the person about their right")
    expect(page.get_by_role("radio", name="Another right of appeal or review applies")).to_be_checked()
    axe_check(page)
    page.get_by_label("Explain the decision to the person").fill("A parking penalty is challenged on the notice.")
    page.get_by_label("I have told the person they can ask the Ombudsman to look at this decision").check()
    page.get_by_role("button", name="Record as not taken forward").click()

    # Back to the queue, without the case; its page shows the decision.
    expect(heading(page, "Triage queue")).to_be_visible()
    expect(page.get_by_text(f"Case {reference} recorded as: Not taken forward")).to_be_visible()
    expect(page.get_by_role("link", name=f"Triage case {reference}")).to_have_count(0)
    page.goto(f"/staff/cases/{reference}")
    expect(heading(page, f"Case {reference}")).to_be_visible()
    expect(page.get_by_text("Another right of appeal or review applies.")).to_be_visible()
    expect(page.get_by_text("Reason: A parking penalty is challenged on the notice.")).to_be_visible()
    axe_check(page)
