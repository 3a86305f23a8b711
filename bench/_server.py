"""What the gunicorn benchmarks share: start the app on loopback, sign in, time pages, the floor.

Used by bench.report_server (every report beside its own SQL) and bench.pages (the main pages
against the issue's targets). Nothing here asserts a time.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests

from shared.app import create_app
from shared.config import load_settings

# A minimal page through the whole stack that runs one primary-key query (shared/web/health.py).
FLOOR_PATH = "/healthz/floor"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


@dataclass(frozen=True)
class Timing:
    """One page's timings in milliseconds and the most SQL statements any of its answers ran."""

    timings: list[float]
    queries: int
    floor: list[float] = field(default_factory=list)  # the floor, asked after each of this page's requests

    @property
    def floor_p95(self) -> float:
        return percentile(self.floor, 0.95)

    @property
    def p50(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        return percentile(self.timings, 0.95)

    @property
    def p99(self) -> float:
        return percentile(self.timings, 0.99)


def queries_of(response: requests.Response) -> int:
    return int(response.headers.get("X-Redress-Queries", 0))


def timed(call) -> tuple[float, requests.Response]:
    """Call once; the milliseconds it took and its response."""
    started = time.perf_counter()
    response = call()
    return (time.perf_counter() - started) * 1000, response


def time_get(browser: requests.Session, url: str, count: int, *, warm: int = 2, expect: int = 200,
             floor: str | None = None) -> Timing:
    """GET url `warm` times untimed (both workers' first-request caches), then `count` times timed;
    with `floor` (its URL), the floor after each request, so a shared machine's load changing during
    the run moves the page and its floor together."""
    for _ in range(warm):
        browser.get(url, allow_redirects=False)
    timings, queries, floors = [], 0, []
    for _ in range(count):
        ms, response = timed(lambda: browser.get(url, allow_redirects=False))
        assert response.status_code == expect, f"{url} answered {response.status_code}"
        timings.append(ms)
        queries = max(queries, queries_of(response))
        if floor:
            floors.append(timed(lambda: browser.get(floor, allow_redirects=False))[0])
    return Timing(timings, queries, floors)


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(base: str, email: str, password: str, *, staff: bool = True) -> requests.Session:
    """A browser signed in on the staff side (or the portal, staff=False)."""
    path = "/staff/sign-in" if staff else "/sign-in"
    browser = requests.Session()
    token = csrf_token(browser.get(f"{base}{path}").text)
    response = browser.post(f"{base}{path}", data={"email": email, "password": password, "csrf_token": token},
                            allow_redirects=False)
    assert response.status_code == 302, f"could not sign in as {email}: {response.status_code}"
    return browser


def app_for(database_url: str):
    """The app on that database in-process (for look-ups and building reports), and its environment."""
    env = {**os.environ, "REDRESS_ENV": "development", "REDRESS_INSTANCE_PATH": tempfile.mkdtemp(),
           "REDRESS_DATABASE_URL": database_url}
    return create_app(load_settings(env)), env


def report_urls(app) -> list[tuple[object, str]]:
    """Every report (its spec) and the path of its page."""
    from flask import url_for

    from shared.services import reports

    specs = list(reports.registry().values())
    with app.test_request_context():
        return [(s, url_for(s.own_page) if s.own_page else url_for("staff.report", name=s.name)) for s in specs]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url}")


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Serve the app under gunicorn on a free loopback port; yields the base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "120", "--log-level", "warning", "shared.app:create_app()"],
        env=env,
    )
    try:
        _wait(f"{base}/healthz")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
