"""Report pages at a large council's scale: each page's p50 / p95 / p99 beside its own SQL run directly.

Builds a council of N cases over ten years (the demo council, then a generated spreadsheet imported
through `redress import-cases`' own code: stages, clocks and event logs as Redress makes them),
then, signed in as a manager, asks for every report page with its default period and times it
through the WSGI interface, beside the time of building the same report in-process (its SQL and
the arranging of the rows, no HTML) and the floor (/healthz: one trivial query). Targets (issue 9):
every report page p95 ≤ 1 s, and no more than 2× its own report building.

    python -m bench.reports --postgres postgresql://postgres@127.0.0.1/redress_bench_reports [--cases 200000]
    python -m bench.reports --postgres URL --reuse   # measure again without rebuilding the data

Use a database of its own: without --reuse its schema is dropped and rebuilt.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import tempfile
import time

from sqlalchemy import func, select, text

from bench._server import percentile as _percentile
from bench.case_csv import app_for, rebuild, spreadsheet
from shared import migrate
from shared.db import db


def build(app, cases: int) -> None:
    from shared.models import Case, CaseEvent
    from shared.services import case_import, demo

    rebuild(app)
    with app.test_request_context():
        demo.load(cases=300)
        db.session.commit()
    rows = int(cases * 1.16)  # about one case in seven has a second stage
    started = time.perf_counter()
    for part in range(0, rows, 100_000):  # in files of 100,000 rows, as a council might
        data = spreadsheet(min(100_000, rows - part), seed=part + 1)
        data = data.replace("LEG/", f"L{part // 100_000:02d}/")
        with app.test_request_context():
            case_import.import_cases(io.StringIO(data, newline=""), actor=None, source=f"bench-{part}.csv")
            db.session.commit()
    with app.app_context():
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(Case))
        events = db.session.scalar(select(func.count()).select_from(CaseEvent))
    print(f"built {total:,} cases and {events:,} events in {time.perf_counter() - started:.0f} s")


def _sign_in(client, email: str, password: str) -> None:
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/staff/sign-in", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, "could not sign in"


def _time(call, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure(app, requests: int) -> None:
    from flask import url_for

    from shared.services import demo, reports
    from shared.services.reports import Filters, catalogue

    client = app.test_client()
    _sign_in(client, "manager@example.gov.uk", demo.DEMO_PASSWORD)
    with app.test_request_context():
        specs = list(reports.registry().values())
        urls = {spec.name: url_for(spec.own_page) if spec.own_page else url_for("staff.report", name=spec.name)
                for spec in specs}

    def get(url: str):
        def call():
            response = client.get(url)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
            get.queries = int(response.headers.get("X-Redress-Queries", 0))
        return call

    floor = _percentile(_time(get("/healthz"), requests), 0.95)
    print(f"floor (/healthz) p95 {floor:.1f} ms")
    print(f"{'report':20} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'build p95':>10} {'× build':>8} "
          f"{'× floor':>8} {'queries':>8}")
    for spec in specs:
        page = get(urls[spec.name])
        page()  # warm up (and the first request's per-process caches)
        timings = _time(page, requests)

        def built(spec=spec):
            with app.test_request_context():
                spec.build(Filters(period=spec.default_period(catalogue.today())))

        built()
        direct = _percentile(_time(built, requests), 0.95)
        p95 = _percentile(timings, 0.95)
        print(f"{spec.name:20} {statistics.median(timings):8.0f} {p95:8.0f} {_percentile(timings, 0.99):8.0f} "
              f"{direct:10.0f} {p95 / direct:8.2f} {p95 / floor:8.0f} {get.queries:8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="a PostgreSQL database of its own")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the data already there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = app_for(args.postgres, folder)
        if args.reuse:
            with app.app_context():
                migrate.upgrade(db.engine)  # data built by an older Redress: bring its schema up to date
        else:
            build(app, args.cases)
        measure(app, args.requests)


if __name__ == "__main__":
    main()
