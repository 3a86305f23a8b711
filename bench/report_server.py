"""Every report page under gunicorn on loopback, beside the report's own SQL, at large-council scale.

Against a database already holding generated data (`redress demo-data --cases 200000`), this starts
the app under gunicorn on 127.0.0.1, signs in as the demo manager, and for every report prints the
page's p50 / p95 / p99 over N requests, the p50 / p95 of building the same report in-process with
the same (default) filters — its SQL and arithmetic, no HTTP or HTML — and the ratio of the two
p95s. Targets: page p95 ≤ 1 s and ≤ 2× its own build. Then the CSV download's rows a second.

    python -m bench.report_server postgresql://postgres@127.0.0.1:5432/NAME [--requests 30] [--workers 2]

gunicorn is one of Redress's dependencies (the production server). Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import requests

from bench.__main__ import _percentile
from shared.app import create_app
from shared.config import load_settings


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


def _sign_in(base: str, email: str, password: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/staff/sign-in").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = browser.post(f"{base}/staff/sign-in", data={"email": email, "password": password, "csrf_token": token},
                            allow_redirects=False)
    assert response.status_code == 302, f"could not sign in as {email}: {response.status_code}"
    return browser


def _in_process(app, spec, count: int) -> list[float]:
    from shared.services import reports
    from shared.services.reports import catalogue

    timings = []
    for _ in range(count):
        with app.test_request_context():  # fresh per-request caches, as a page gets
            filters = reports.Filters(period=spec.default_period(catalogue.today()))
            started = time.perf_counter()
            spec.build(filters)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", nargs="?", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("Give the database URL (or set BENCH_DATABASE_URL).")

    from shared.models import Case
    from shared.services import demo, reports

    folder = tempfile.mkdtemp()
    env = {**os.environ, "REDRESS_ENV": "development", "REDRESS_INSTANCE_PATH": folder,
           "REDRESS_DATABASE_URL": args.database_url}
    settings = load_settings(env)
    app = create_app(settings)
    with app.app_context():
        from sqlalchemy import func, select

        from shared.db import db

        total = db.session.scalar(select(func.count(Case.id)))
        specs = list(reports.registry().values())
        with app.test_request_context():
            from flask import url_for

            urls = {s.name: url_for(s.own_page) if s.own_page else f"/staff/reports/{s.name}" for s in specs}
    print(f"{total:,} cases in {args.database_url.rsplit('/', 1)[-1]}")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--timeout", "120", "--log-level", "warning", "shared.app:create_app()"],
        env=env,
    )
    try:
        _wait(f"{base}/healthz")
        browser = _sign_in(base, "manager@example.gov.uk", demo.DEMO_PASSWORD)
        floor = []
        for _ in range(args.requests):
            started = time.perf_counter()
            browser.get(f"{base}/healthz")
            floor.append((time.perf_counter() - started) * 1000)
        print(f"floor /healthz p95 {_percentile(floor, 0.95):.1f} ms")
        print(f"{'report':22} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'SQL p50':>8} {'SQL p95':>8} "
              f"{'× SQL':>6} {'queries':>8} {'verdict':>8}")
        for spec in specs:
            url = base + urls[spec.name]
            for _ in range(2):  # warm both workers
                browser.get(url)
            timings, queries = [], 0
            for _ in range(args.requests):
                started = time.perf_counter()
                response = browser.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, f"{url} answered {response.status_code}"
                queries = max(queries, int(response.headers.get("X-Redress-Queries", 0)))
            own = _in_process(app, spec, max(5, args.requests // 3))
            p95, own_p95 = _percentile(timings, 0.95), _percentile(own, 0.95)
            ok = p95 <= 1000 and p95 <= 2 * own_p95
            print(f"{spec.name:22} {statistics.median(timings):8.1f} {p95:8.1f} {_percentile(timings, 0.99):8.1f} "
                  f"{statistics.median(own):8.1f} {own_p95:8.1f} {p95 / own_p95:6.2f} {queries:8d} "
                  f"{'ok' if ok else 'SLOW':>8}")
        print(f"{'CSV download':22} {'rows':>8} {'seconds':>8} {'rows/s':>10}")
        for spec in specs:
            if spec.own_page:
                continue
            started = time.perf_counter()
            response = browser.get(f"{base}/staff/reports/{spec.name}.csv")
            rows = response.text.count("\n")
            seconds = time.perf_counter() - started
            assert response.status_code == 200
            print(f"{spec.name:22} {rows:8d} {seconds:8.3f} {rows / seconds:10.0f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
