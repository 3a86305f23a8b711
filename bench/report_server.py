"""Every report page under gunicorn on loopback, beside the report's own SQL, at large-council scale.

Against a database already holding generated data (`redress demo-data --cases 200000`), this starts
the app under gunicorn on 127.0.0.1, signs in as the demo manager, and for every report prints the
page's p50 / p95 / p99 over N requests, the p50 / p95 of building the same report in-process with
the same (default) filters — its SQL and arithmetic, no HTTP or HTML — and the ratio of the two
p95s. Targets: page p95 ≤ 1 s and ≤ 2× its own build. Then the CSV download's rows a second.

    python -m bench.report_server postgresql://postgres@127.0.0.1:5432/NAME [--requests 30] [--workers 2]

gunicorn is one of Redress's dependencies (the production server). The start-up, sign-in and timing
are bench/_server.py's, shared with bench.pages. Only the sign-in writes (its session row).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench._server import app_for, gunicorn, percentile, report_urls, sign_in, time_get


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
    from shared.services import demo

    app, env = app_for(args.database_url)
    with app.app_context():
        from sqlalchemy import func, select

        from shared.db import db

        total = db.session.scalar(select(func.count(Case.id)))
    reports = report_urls(app)
    print(f"{total:,} cases in {args.database_url.rsplit('/', 1)[-1]}")

    with gunicorn(env, args.workers) as base:
        browser = sign_in(base, "manager@example.gov.uk", demo.DEMO_PASSWORD)
        floor = time_get(browser, f"{base}/healthz", args.requests, warm=0)
        print(f"floor /healthz p95 {floor.p95:.1f} ms")
        print(f"{'report':22} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'SQL p50':>8} {'SQL p95':>8} "
              f"{'× SQL':>6} {'queries':>8} {'verdict':>8}")
        for spec, path in reports:
            page = time_get(browser, base + path, args.requests)
            own = _in_process(app, spec, max(5, args.requests // 3))
            own_p95 = percentile(own, 0.95)
            ok = page.p95 <= 1000 and page.p95 <= 2 * own_p95
            print(f"{spec.name:22} {page.p50:8.1f} {page.p95:8.1f} {page.p99:8.1f} "
                  f"{statistics.median(own):8.1f} {own_p95:8.1f} {page.p95 / own_p95:6.2f} {page.queries:8d} "
                  f"{'ok' if ok else 'SLOW':>8}")
        print(f"{'CSV download':22} {'rows':>8} {'seconds':>8} {'rows/s':>10}")
        for spec, _path in reports:
            if spec.own_page:
                continue
            started = time.perf_counter()
            response = browser.get(f"{base}/staff/reports/{spec.name}.csv")
            rows = response.text.count("\n")
            seconds = time.perf_counter() - started
            assert response.status_code == 200
            print(f"{spec.name:22} {rows:8d} {seconds:8.3f} {rows / seconds:10.0f}")


if __name__ == "__main__":
    main()
