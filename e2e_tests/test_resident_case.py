"""A resident follows their cases: reads a response, replies with a file, asks for the next stage,
and withdraws another case; a file that hides script is refused, keeping what was typed.
JavaScript on and off, axe on every page.

The demo data gives the demo resident only a case or two, in whatever state chance left them, so
this module runs its own server over a demo database to which it adds, through the app's own
services, the cases it needs: for each run, one with a stage 1 response sent and one acknowledged.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e_tests.conftest import (
    PASSWORD,
    REDRESS,
    REPO,
    _free_port,
    _run_cli,
    _server_env,
    _wait_until_healthy,
    axe_check,
    expect_scripts,
)

pytestmark = pytest.mark.e2e

GOVUK_DATE = r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"

# Run inside the server's environment: cases for the demo resident, through the engine and the
# responses service exactly as the back office would leave them. Prints {mode: {kind: reference}}.
SETUP = r'''
import json
from datetime import timedelta

from sqlalchemy import select

from shared.app import create_app
from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import CaseKind, Channel, ContactMethod, EventType, Finding
from shared.models import Service, User
from shared.services import engine, responses

app = create_app()
with app.test_request_context():
    def person(email):
        return db.session.scalar(select(User).where(User.email == email))

    resident, author, checker = person("resident@example.com"), person("officer@example.gov.uk"), person("officer2@example.gov.uk")
    service = db.session.scalar(select(Service).where(Service.slug == "waste-recycling"))

    def received(what):
        case = engine.receive(kind=CaseKind.COMPLAINT, service=service, resident=resident, entered_by=resident,
                              channel=Channel.ONLINE, what_happened=what, outcome_wanted="Collect the bins on the right day.",
                              contact_method=ContactMethod.EMAIL, at=utcnow() - timedelta(days=3))
        engine.perform(case, EventType.TRIAGED_COMPLAINT, author, points=["The bins were missed three weeks running."],
                       outcome="Collect the bins on the right day.")
        engine.perform(case, EventType.ACKNOWLEDGED, author)
        engine.perform(case, EventType.ALLOCATED, author, handler=author)
        return case

    made = {}
    for mode in ("js", "no-js"):
        answered = received(f"My bins were missed three weeks running ({mode}).")
        engine.perform(answered, EventType.INVESTIGATION_STARTED, author)
        responses.save_draft(answered, author, None, responses.Draft(
            findings={"1": (Finding.PARTLY_UPHELD, "Two of the three collections were missed.")},
            body=f"Thank you for your complaint. We found the crew missed your street twice ({mode}).",
        ))
        engine.perform(answered, EventType.SUBMITTED_FOR_CHECK, author)
        responses.approve_and_send(answered, checker, None)
        waiting = received(f"The recycling box was not returned ({mode}).")
        with_files = received(f"The bins were left open ({mode}).")
        made[mode] = {"responded": answered.reference, "acknowledged": waiting.reference, "files": with_files.reference}
    db.session.commit()
    print(json.dumps(made))
'''


@pytest.fixture(scope="module")
def resident_server() -> Iterator[tuple[str, dict]]:
    with tempfile.TemporaryDirectory(prefix="redress-e2e-cases-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        env = _server_env(instance)
        _run_cli(["db", "upgrade"], env)
        _run_cli(["demo-data", "--cases", "5"], env)
        setup = subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=REPO, capture_output=True, text=True,
                               timeout=120)
        if setup.returncode != 0:
            pytest.fail(f"setting up the cases failed:\n{setup.stdout}\n{setup.stderr}")
        cases = json.loads(setup.stdout.strip().splitlines()[-1])

        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = Path(tmp) / "server.log"
        with log_path.open("w") as log:
            server = subprocess.Popen([REDRESS, "run", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=REPO,
                                      stdout=log, stderr=subprocess.STDOUT)
            try:
                _wait_until_healthy(url, server, log_path)
                yield url, cases, env
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()


@pytest.fixture
def page(browser: Browser, javascript: bool, resident_server) -> Iterator[Page]:
    context = browser.new_context(base_url=resident_server[0], locale="en-GB", java_script_enabled=javascript)
    try:
        yield context.new_page()
    finally:
        context.close()


# Run inside the server's environment: the case officer writes to the resident, as the back office
# would. Takes the case reference as its argument.
OFFICER_WRITES = r'''
import sys

from sqlalchemy import select

from shared.app import create_app
from shared.db import db
from shared.domain.enums import MessageDirection
from shared.models import Case, User
from shared.services import messages

app = create_app()
with app.test_request_context():
    case = db.session.scalar(select(Case).where(Case.reference == sys.argv[1]))
    officer = db.session.scalar(select(User).where(User.email == "officer@example.gov.uk"))
    messages.post(case, author=officer, direction=MessageDirection.OUT, body="Thank you, we are checking the diary.")
    db.session.commit()
'''


def officer_writes(env: dict, reference: str) -> None:
    done = subprocess.run([sys.executable, "-c", OFFICER_WRITES, reference], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def heading(page: Page, name: str):
    return page.get_by_role("heading", name=name, level=1)


def open_case(page: Page, reference: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your cases").click()
    expect(heading(page, "Your cases")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=reference, exact=True).click()
    expect(heading(page, f"Case {reference}")).to_be_visible()
    axe_check(page)


def test_resident_reads_replies_escalates_and_withdraws(page: Page, javascript: bool, resident_server) -> None:
    mode = "js" if javascript else "no-js"
    cases = resident_server[1][mode]
    answered, waiting = cases["responded"], cases["acknowledged"]
    if javascript:
        page.clock.install()  # so the case page's minute between refreshes can be skipped

    page.goto("/sign-in")
    expect_scripts(page, javascript)
    page.get_by_label("Email address", exact=True).fill("resident@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page, "Your cases")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=answered, exact=True))
    expect(row).to_contain_text("Response sent")
    expect(row).to_contain_text("Stage 1 of 2")
    expect(row).to_contain_text(re.compile(f"You can ask us to look again until {GOVUK_DATE}"))

    # The case with a response: what happens next, the response itself.
    open_case(page, answered)
    expect(page.get_by_text(f"We found the crew missed your street twice ({mode}).")).to_be_visible()
    expect(page.get_by_text(re.compile(f"You can ask us until {GOVUK_DATE}"))).to_be_visible()

    # Reply: an empty message is refused, then a message with a file is sent.
    page.get_by_role("button", name="Add information or reply").click()
    expect(heading(page, "Add information or reply")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("link", name="Enter your message")).to_be_visible()
    axe_check(page)
    page.get_by_label("Your message").fill("The bins were missed again this week.")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "collection-diary.txt", "mimeType": "text/plain", "buffer": b"Missed: 3rd, 10th, 17th."}]
    )
    if javascript:
        # Uploaded as soon as it is chosen: listed at once, said in the status region, and what
        # was typed is untouched.
        expect(page.get_by_role("button", name="Remove collection-diary.txt")).to_be_visible()
        expect(page.locator("#files-status")).to_have_text("collection-diary.txt has been added. You have added 1 file.")
        expect(page.get_by_label("Your message")).to_have_value("The bins were missed again this week.")
        axe_check(page)
    page.get_by_role("button", name="Send message").click()
    expect(heading(page, f"Case {answered}")).to_be_visible()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    expect(page.get_by_text("The bins were missed again this week.")).to_be_visible()
    download = page.get_by_role("link", name="collection-diary.txt")
    expect(download).to_be_visible()
    fetched = page.request.get(download.get_attribute("href"))
    assert fetched.ok and fetched.body() == b"Missed: 3rd, 10th, 17th."
    assert fetched.headers["content-disposition"].startswith("attachment")
    axe_check(page)

    if javascript:
        # The case officer replies while the page is open: within a minute the progress section
        # shows it, and the status region says so (and only that).
        officer_writes(resident_server[2], answered)
        expect(page.get_by_text("Thank you, we are checking the diary.")).to_have_count(0)
        page.clock.fast_forward("01:05")
        expect(page.get_by_text("Thank you, we are checking the diary.")).to_be_visible()
        expect(page.locator("#case-announcement")).to_have_text("You have 1 new message from us.")
        axe_check(page)

    # Not satisfied: the next stage explained, then asked for with a reason.
    page.get_by_role("button", name="I'm not satisfied with this response").click()
    expect(heading(page, "Ask us to look at your complaint again")).to_be_visible()
    expect(page.get_by_text("We will acknowledge your request within 5 working days.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Tell us why you are not satisfied (optional)").fill("The crew still miss our street.")
    page.get_by_role("button", name="Ask us to look again").click()
    expect(heading(page, "Request sent")).to_be_visible()
    expect(page.get_by_text(re.compile(f"We expect to acknowledge your request by {GOVUK_DATE}"))).to_be_visible()
    expect(page.get_by_text(re.compile(f"We expect to send you our stage 2 response by {GOVUK_DATE}"))).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="your case page").click()
    expect(page.get_by_role("definition").filter(has_text="Escalation requested")).to_be_visible()
    axe_check(page)

    # Withdraw the other case, with a confirmation step.
    open_case(page, waiting)
    page.get_by_role("link", name="Withdraw this case").click()
    expect(heading(page, "Withdraw this case")).to_be_visible()
    axe_check(page)
    page.get_by_label("Why are you withdrawing? (optional)").fill("The box came back.")
    page.get_by_role("button", name="Withdraw this case").click()
    expect(heading(page, "Case withdrawn")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Back to your case").click()
    expect(page.get_by_text(re.compile(f"This case was withdrawn on {GOVUK_DATE}"))).to_be_visible()
    expect(page.get_by_role("link", name="Withdraw this case")).to_have_count(0)
    axe_check(page)


def polyglot_jpeg() -> bytes:
    """A real JPEG whose first segment is a comment holding HTML and script: a picture and a web page at once."""
    import io
    import struct

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    comment = b"<html><script>alert(document.cookie)</script></html>"
    data = out.getvalue()
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + data[2:]


def test_a_file_hiding_script_is_refused_and_what_was_typed_is_kept(page: Page, javascript: bool,
                                                                   resident_server) -> None:
    reference = resident_server[1]["js" if javascript else "no-js"]["files"]
    refused = "photo.jpg contains something other than a document or picture, such as script, a web page or another file"
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill("resident@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page, "Your cases")).to_be_visible()
    open_case(page, reference)
    page.get_by_role("button", name="Add information or reply").click()
    expect(heading(page, "Add information or reply")).to_be_visible()
    page.get_by_label("Your message").fill("A photo of the open bins, taken this morning.")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": polyglot_jpeg()}])
    if javascript:
        # Checked as soon as it is chosen: refused at the box and in the status region.
        expect(page.locator("#files-error")).to_contain_text(refused)
        expect(page.locator("#files-status")).to_contain_text(refused)
    else:
        page.get_by_role("button", name="Send message").click()
        summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))
        expect(summary).to_contain_text(refused)
        expect(page.locator("#files-error")).to_contain_text(refused)
        expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Your message")).to_have_value("A photo of the open bins, taken this morning.")
    expect(page.get_by_role("button", name="Remove photo.jpg")).to_have_count(0)
    axe_check(page)
