"""WCAG 2.2.1 Timing adjustable, and typed text kept across an ended session, in Chromium.

The browser's clock is Playwright's (page.clock), moved forward instead of waited for; the server's
idea of the same time passing is made by moving the person's session back in its database by as
much (AGE below), so both agree. Nothing here measures speed.
"""

from __future__ import annotations

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
)

pytestmark = pytest.mark.e2e

RESIDENT = "resident@example.com"
OFFICER = "officer@example.gov.uk"

# Run inside the server's environment: as if EMAIL's open sessions had been idle MINUTES longer
# (sign-in and last request both moved back). Prints how many seconds ago the newest was last used.
AGE = r'''
import sys
from datetime import timedelta

from sqlalchemy import select

from shared.app import create_app
from shared.clock import utcnow
from shared.db import db
from shared.models import User, UserSession

email, minutes = sys.argv[1], float(sys.argv[2])
app = create_app()
with app.app_context():
    sessions = db.session.scalars(select(UserSession).join(User).where(
        User.email == email, UserSession.revoked_at.is_(None)).order_by(UserSession.id)).all()
    for row in sessions:
        row.created_at -= timedelta(minutes=minutes)
        row.last_seen_at -= timedelta(minutes=minutes)
    db.session.commit()
    print(int((utcnow() - sessions[-1].last_seen_at).total_seconds()) if sessions else -1)
'''


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, dict]]:
    with tempfile.TemporaryDirectory(prefix="redress-e2e-timeout-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        env = _server_env(instance)
        _run_cli(["db", "upgrade"], env)
        _run_cli(["demo-data", "--cases", "3"], env)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = Path(tmp) / "server.log"
        with log_path.open("w") as log:
            process = subprocess.Popen([REDRESS, "run", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=REPO,
                                       stdout=log, stderr=subprocess.STDOUT)
            try:
                _wait_until_healthy(url, process, log_path)
                yield url, env
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _age(server, email: str, minutes: float) -> int:
    """Move EMAIL's sessions `minutes` into the past on the server; seconds since the newest was used."""
    done = subprocess.run([sys.executable, "-c", AGE, email, str(minutes)], env=server[1], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def _page(browser: Browser, server, *, javascript: bool = True) -> Page:
    context = browser.new_context(base_url=server[0], locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    if javascript:
        page.clock.install()
    return page


def _sign_in(page: Page, email: str, *, staff: bool = False, then: str | None = None) -> None:
    page.goto("/staff/sign-in" if staff else "/sign-in")
    page.get_by_label("Work email address" if staff else "Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()
    if then:
        page.goto(then)


def _warning(page: Page):
    return page.get_by_role("dialog", name="You’re about to be signed out")


def _open_warning(page: Page, server, email: str) -> None:
    """28½ minutes pass, for the browser and the server alike: the warning opens, 90 seconds before the end."""
    _age(server, email, 28.5)
    page.clock.fast_forward("28:30")
    expect(_warning(page)).to_be_visible()


def test_the_warning_comes_in_time_is_announced_and_escape_stays_signed_in(browser: Browser, server) -> None:
    page = _page(browser, server)
    _sign_in(page, RESIDENT, then="/cases")
    assert 1700 < int(page.locator("dialog[data-session-timeout]").get_attribute("data-expires-in")) <= 1800
    page.clock.fast_forward("27:00")  # the browser alone thinks time has passed: the server is asked first
    expect(_warning(page)).to_be_hidden()

    page.clock.fast_forward("01:00")  # not yet 28 minutes for the server: it says so, and nothing opens
    expect(_warning(page)).to_be_hidden()
    page.goto("/cases")
    _open_warning(page, server, RESIDENT)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    said = page.locator("#session-timeout-said")
    assert said.get_attribute("aria-live") == "polite"
    expect(said).to_have_text("We will sign you out in 2 minutes.")
    expect(page.locator("[data-countdown]")).to_have_text("We will sign you out in 2 minutes.")
    axe_check(page)

    # The countdown moves every second on screen; what is read out changes only at the minute. (The
    # browser's clock stops here, so only run_for moves it.)
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)  # seconds since the epoch
    countdown = page.locator("[data-countdown]")
    for _ in range(120):
        if re.fullmatch(r"We will sign you out in \d+ seconds\.", countdown.inner_text().strip()):
            break
        page.clock.run_for(1000)
    shown = countdown.inner_text()
    expect(said).to_have_text("We will sign you out in 1 minute.")
    page.clock.run_for(1000)
    expect(countdown).not_to_have_text(shown)
    expect(said).to_have_text("We will sign you out in 1 minute.")

    page.keyboard.press("Escape")  # = stay signed in
    expect(_warning(page)).to_be_hidden()
    assert _age(server, RESIDENT, 0) < 60, "the server did not extend the session"
    expect(page).to_have_url(f"{server[0]}/cases")


def test_keyboard_users_stay_signed_in_with_the_button_or_sign_out(browser: Browser, server) -> None:
    page = _page(browser, server)
    _sign_in(page, OFFICER, staff=True, then="/staff/cases")
    _open_warning(page, server, OFFICER)
    page.keyboard.press("Enter")  # focus starts on "Stay signed in"
    expect(_warning(page)).to_be_hidden()
    assert _age(server, OFFICER, 0) < 60
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/staff/cases")
    _open_warning(page, server, OFFICER)
    page.keyboard.press("Tab")
    expect(_warning(page).get_by_role("button", name="Sign out")).to_be_focused()
    page.keyboard.press("Tab")  # never onto the page behind, which is inert (it may go to the browser's own bar)
    assert page.evaluate("""() => document.querySelector('#session-timeout').contains(document.activeElement)
                              || document.activeElement === document.body"""), "focus reached the page behind the dialog"
    _warning(page).get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign in to the back office")).to_be_visible()


def test_when_time_runs_out_the_typed_text_is_kept_for_the_same_person(browser: Browser, server) -> None:
    page = _page(browser, server)
    _sign_in(page, RESIDENT, then="/your-details/name")
    page.get_by_label("What is your full name?").fill("Jo Typed-Before-Lunch")
    _open_warning(page, server, RESIDENT)
    _age(server, RESIDENT, 2)  # the server's 30 minutes are up
    page.clock.fast_forward("01:31")
    expect(page.get_by_role("heading", name="You were signed out", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("you had not done anything for 30 minutes")
    expect(page.get_by_role("main")).to_contain_text("We have kept what you had typed")
    axe_check(page)

    page.get_by_role("button", name="Sign in again").click()
    page.get_by_label("Email address", exact=True).fill(RESIDENT)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server[0]}/your-details/name")
    expect(page.get_by_label("What is your full name?")).to_have_value("Jo Typed-Before-Lunch")
    expect(page.get_by_role("region", name="Important")).to_contain_text("We have put back what you had typed")
    axe_check(page)


def test_without_javascript_a_form_sent_too_late_loses_nothing(browser: Browser, server) -> None:
    page = _page(browser, server, javascript=False)
    _sign_in(page, RESIDENT, then="/your-details/name")
    expect(page.get_by_role("main")).to_contain_text("we sign you out if you do nothing for 30 minutes")
    expect(_warning(page)).to_be_hidden()
    page.get_by_label("What is your full name?").fill("Typed Without Scripts")
    _age(server, RESIDENT, 31)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="You were signed out", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Sign in again").click()
    page.get_by_label("Email address", exact=True).fill(RESIDENT)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("What is your full name?")).to_have_value("Typed Without Scripts")


def test_a_tab_asks_the_server_before_signing_out_as_another_tab_may_have_stayed(browser: Browser, server) -> None:
    first = _page(browser, server)
    _sign_in(first, RESIDENT, then="/cases")
    _open_warning(first, server, RESIDENT)
    second = first.context.new_page()
    second.goto("/your-details")  # someone busy in another tab: the server counts it
    assert _age(server, RESIDENT, 0) < 60
    first.clock.fast_forward("01:31")  # this tab's countdown has run out
    expect(_warning(first)).to_be_hidden()
    expect(first).to_have_url(f"{server[0]}/cases")
    expect(first.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()
