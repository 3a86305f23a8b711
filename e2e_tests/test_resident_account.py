"""The resident's own area in a browser: register, change details and email, download the data,
close the account; and the installable portal's offline page. Axe on every page.

The residents are made by the tests (registered in the browser, or with `redress users create`),
never the demo resident. Emails are read from the live server's outbox table.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e_tests.conftest import REPO, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

PASSWORD = "a long and private passphrase"
REDRESS = str(Path(sys.executable).parent / "redress")


@pytest.fixture(scope="session")
def server_env(live_server: str) -> dict[str, str]:
    """The live server's REDRESS_* settings, read from its process (conftest keeps them to itself)."""
    port = str(urlsplit(live_server).port)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"run" not in argv or port.encode() not in argv or not any(a.endswith(b"redress") for a in argv):
                continue
            pairs = (item.split(b"=", 1) for item in (proc / "environ").read_bytes().split(b"\0") if b"=" in item)
            return {k.decode(): v.decode() for k, v in pairs if k.startswith(b"REDRESS_")}
        except OSError:
            continue
    pytest.fail(f"no `redress run` process found for port {port}")


def _database(env: dict[str, str]) -> str:
    url = env["REDRESS_DATABASE_URL"]
    assert url.startswith("sqlite:///"), url
    return url.removeprefix("sqlite:///")


def last_link(env: dict[str, str], recipient: str, template: str) -> str:
    """The path of the link in the newest email of this kind to this address."""
    with sqlite3.connect(_database(env)) as connection:
        row = connection.execute(
            "SELECT body FROM outbox_messages WHERE recipient = ? AND template = ? ORDER BY id DESC LIMIT 1",
            (recipient, template),
        ).fetchone()
    assert row, f"no {template} email to {recipient}"
    match = re.search(r"https?://[^/\s]+(/\S+)", row[0])
    assert match, row[0]
    return match.group(1)


def create_resident(env: dict[str, str], email: str, name: str) -> None:
    subprocess.run(
        [REDRESS, "users", "create", "--email", email, "--name", name, "--role", "resident", "--password", PASSWORD],
        env=env, cwd=REPO, check=True, capture_output=True, timeout=60,
    )


def unique_email(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}@example.com"


def nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_resident_manages_their_details_downloads_their_data_and_closes_their_account(
    any_page: Page, javascript: bool, server_env: dict[str, str]
) -> None:
    page = any_page
    email = unique_email("own-area")
    new_email = unique_email("moved")

    # Register in the browser and confirm the address.
    page.goto("/register")
    expect_scripts(page, javascript)
    page.get_by_label("Full name").fill("Rhian Own-Area")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email", level=1)).to_be_visible()
    page.goto(last_link(server_env, email, "confirm_email"))
    sign_in(page, email)
    expect(page.get_by_role("heading", name="Your cases", level=1)).to_be_visible()

    # Your details, from the header.
    nav(page).get_by_role("link", name="Your details").click()
    expect(page.get_by_role("heading", name="Your details", level=1)).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Rhian Own-Area")
    axe_check(page)

    # One question a page; a bad answer keeps what was typed.
    page.get_by_role("link", name="Change phone number").click()
    expect(page.get_by_role("heading", name="What is your phone number?", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("What is your phone number?").fill("ring me")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("What is your phone number?")).to_have_value("ring me")
    axe_check(page)
    page.get_by_label("What is your phone number?").fill("07700 900 982")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Your details", level=1)).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your details have been saved.")
    expect(page.locator(".govuk-summary-list")).to_contain_text("07700 900 982")

    page.get_by_role("link", name="Change how we contact you").click()
    expect(page.get_by_role("heading", name="How would you like us to contact you?", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Text message").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Text message")

    # Change the email address: the link goes to the new one.
    page.get_by_role("link", name="Change email address").click()
    expect(page.get_by_role("heading", name="Change your email address", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("New email address").fill(new_email)
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Send a confirmation link").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"We have sent a link to {new_email}")
    page.goto(last_link(server_env, new_email, "confirm_new_email"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"changed to {new_email}")
    expect(page.locator(".govuk-summary-list")).to_contain_text(new_email)

    # Your data: readable, and as a JSON download.
    nav(page).get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("07700 900 982")
    axe_check(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download your data (JSON file)").click()
    download = download_info.value
    assert re.fullmatch(r"your-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text())
    assert data["account"]["email"] == new_email and data["account"]["phone"] == "07700 900 982"
    assert data["cases"] == []

    # Close the account.
    page.goto("/your-details")
    page.get_by_role("link", name="close your account").click()
    expect(page.get_by_role("heading", name="Close your account", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("We keep each case for 6 years after it closes")
    axe_check(page)
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("heading", name="Your account is closed", level=1)).to_be_visible()
    expect(nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    axe_check(page)

    # It cannot sign in: the usual answer.
    sign_in(page, new_email)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Enter the email address and password for your account")


@pytest.mark.parametrize("url", ["/accessibility", "/privacy", "/cookies", "/contact", "/offline"])
def test_information_pages_are_accessible(any_page: Page, url: str) -> None:
    any_page.goto(url)
    expect(any_page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(any_page)


def _wait_for_service_worker(page: Page) -> None:
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    # controlled from the next navigation on (clients.claim() also takes this one)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_offline_navigations_get_the_offline_page_never_a_stored_personal_page(
    context: BrowserContext, page: Page, server_env: dict[str, str]
) -> None:
    email = unique_email("offline")
    create_resident(server_env, email, "Owain Offline")

    page.goto("/")
    _wait_for_service_worker(page)
    sign_in(page, email)
    page.goto("/your-details")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Owain Offline")

    from_worker: dict[str, bool] = {}
    page.on("response", lambda response: from_worker.__setitem__(urlsplit(response.url).path, response.from_service_worker))

    context.set_offline(True)
    try:
        page.goto("/your-details")
        expect(page.get_by_role("heading", name="You are offline", level=1)).to_be_visible()
        assert "Owain Offline" not in page.content()
        expect(page.get_by_role("main")).to_contain_text("01632 960 000")
        # its styles came from the precache
        assert from_worker.get("/static/dist/portal.css") is True
        axe_check(page)

        page.goto("/cases")
        expect(page.get_by_role("heading", name="You are offline", level=1)).to_be_visible()
    finally:
        context.set_offline(False)

    # Back online, the same page comes from the server again.
    page.goto("/your-details")
    expect(page.get_by_role("heading", name="Your details", level=1)).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Owain Offline")
