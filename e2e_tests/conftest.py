"""The browser tests' fixtures: a live server on a fresh demo database, Chromium, and axe."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Playwright

from e2e_tests.browser import find_chromium

REPO = Path(__file__).resolve().parent.parent
REDRESS = str(Path(sys.executable).parent / "redress")
SERVER_START_TIMEOUT = 30  # seconds
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling home, which on a closed network only adds noise.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

PASSWORD = "demo-password-2026"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under e2e_tests/ is a browser journey."""
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(instance: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("REDRESS_")}
    env.update(
        REDRESS_ENV="testing",
        REDRESS_INSTANCE_PATH=str(instance),
        REDRESS_DATABASE_URL=f"sqlite:///{instance / 'redress.sqlite3'}",
        REDRESS_SECRET_KEY="e2e-tests-fixed-secret-key-not-for-production-use",
        REDRESS_MAIL_BACKEND="log",
        # The journeys sign the demo staff in with their password alone; test_staff_mfa.py enrols one
        # of them, and unit_tests/test_mfa.py proves "required" (production's default) refuses that.
        REDRESS_STAFF_MFA="optional",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run_cli(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([REDRESS, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"`redress {' '.join(args)}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """`redress run` on a free port over a new SQLite database with demo data; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="redress-e2e-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        env = _server_env(instance)
        _run_cli(["db", "upgrade"], env)
        _run_cli(["demo-data", "--cases", "40"], env)

        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = Path(tmp) / "server.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [REDRESS, "run", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_healthy(url, server, log_path)
                yield url
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()


def _wait_until_healthy(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"The server exited with {server.returncode} before answering:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as error:
            last_error = str(error)
        time.sleep(0.2)
    pytest.fail(
        f"The server did not answer GET /healthz with 200 within {SERVER_START_TIMEOUT}s "
        f"(last: {last_error}). Its output:\n{log_path.read_text()}"
    )


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    # Overrides pytest-base-url's fixture, so page.goto("/…") resolves against the live server.
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, playwright: Playwright) -> dict:
    try:
        executable = find_chromium(playwright)
    except FileNotFoundError as error:
        pytest.exit(str(error), returncode=1)
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if executable is not None:
        args["executable_path"] = executable
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # British English, so the browser's own strings and date parsing match the service's.
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def no_js_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A browser context with JavaScript off (pytest-playwright closes it and keeps its traces)."""
    return new_context(java_script_enabled=False)


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def javascript(request: pytest.FixtureRequest) -> bool:
    """Run the test twice, with JavaScript on and off: every page must work without it."""
    return request.param


@pytest.fixture
def any_page(javascript: bool, new_context: Callable[..., BrowserContext]) -> Page:
    """A fresh page in its own context, with JavaScript on or off as `javascript` says."""
    return new_context(java_script_enabled=javascript).new_page()


def expect_scripts(page: Page, javascript: bool) -> None:
    """Prove the page ran (or did not run) its scripts: the layout's first one marks <body>."""
    ran = page.evaluate("() => document.body.classList.contains('js-enabled')")
    assert ran is javascript, f"expected JavaScript {'on' if javascript else 'off'} on {page.url}"


_AXE = Axe()


# With JavaScript disabled Chromium never fires timers, and axe.run waits on setTimeout, so
# it would hang. Playwright's evaluate still works there, and promises still settle, so for
# the length of the check the timer functions become microtasks. The page's own scripts
# never run in that context, so nothing else sees the change.
_TIMERS_AS_MICROTASKS = """() => {
  const soon = (fn, args) => Promise.resolve().then(() => (typeof fn === "function" ? fn(...args) : undefined));
  window.setTimeout = (fn, _delay, ...args) => { soon(fn, args); return 0; };
  window.clearTimeout = () => {};
  window.requestAnimationFrame = (fn) => { soon(fn, [performance.now()]); return 0; };
  window.cancelAnimationFrame = () => {};
}"""


def axe_check(page: Page) -> None:
    """Fail with a readable list if axe finds any accessibility violation on the current page."""
    # The layout's first script adds "js-enabled" to <body>; without it, scripts are off.
    if not page.evaluate("() => document.body.classList.contains('js-enabled')"):
        page.evaluate(_TIMERS_AS_MICROTASKS)
    violations = _AXE.run(page).response["violations"]
    if not violations:
        return
    lines = [f"axe found {len(violations)} violation(s) on {page.url} ({page.title()!r}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact')}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    target: {node['target']}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    message = "\n".join(lines)
    print(message)
    pytest.fail(message, pytrace=False)
