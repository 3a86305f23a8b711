"""Page timings and query counts at demo scale, each beside a floor measured in the same run.

The floor is /healthz (one trivial query through the whole stack), so results compare across
machines as ratios. This runs in-process through the WSGI interface; the gunicorn-on-loopback
harness at large-council scale is tracked in the scale issue.

    python -m bench [--cases 2000] [--requests 200]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time

from sqlalchemy import select

from bench._server import percentile as _percentile
from shared import migrate
from shared.app import create_app
from shared.config import load_settings
from shared.db import db
from shared.models import Case


def _measure(client, url: str, count: int) -> tuple[list[float], int]:
    timings, queries = [], 0
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        queries = max(queries, int(response.headers.get("X-Redress-Queries", 0)))
    return timings, queries


def _sign_in(client, url: str, email: str, password: str) -> None:
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(url, data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, f"could not sign in as {email}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"REDRESS_ENV": "development", "REDRESS_INSTANCE_PATH": folder})
        app = create_app(settings)
        migrate.upgrade(db.engine)
        from shared.services import demo

        with app.test_request_context():
            started = time.perf_counter()
            demo.load(cases=args.cases)
            db.session.commit()
            print(f"demo data: {args.cases} cases in {time.perf_counter() - started:.1f} s")
            reference = db.session.scalar(select(Case.reference).where(Case.resident_id.isnot(None)).limit(1))

        pages = {
            "floor: /healthz": (None, "/healthz"),
            "portal home": (None, "/"),
            "resident: your cases": ("resident", "/cases"),
            "officer: triage queue": ("officer", "/staff/triage"),
            "officer: case page": ("officer", f"/staff/cases/{reference}"),
            "officer: case list, filtered": ("officer", "/staff/cases?state=open&due=soon&sort=due"),
            "officer: case list, search": ("officer", "/staff/cases?q=repair"),
            "responder: case list": ("responder", "/staff/cases?state=open"),
        }
        clients = {None: app.test_client(), "resident": app.test_client(), "officer": app.test_client(),
                   "responder": app.test_client()}
        _sign_in(clients["resident"], "/sign-in", "resident@example.com", demo.DEMO_PASSWORD)
        _sign_in(clients["officer"], "/staff/sign-in", "officer@example.gov.uk", demo.DEMO_PASSWORD)
        _sign_in(clients["responder"], "/staff/sign-in", "responder@example.gov.uk", demo.DEMO_PASSWORD)

        floor_p95 = None
        print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'× floor':>8} {'queries':>8}")
        for name, (who, url) in pages.items():
            _measure(clients[who], url, 5)  # warm up
            timings, queries = _measure(clients[who], url, args.requests)
            p95 = _percentile(timings, 0.95)
            floor_p95 = floor_p95 or p95
            print(f"{name:28} {statistics.median(timings):8.1f} {p95:8.1f} {_percentile(timings, 0.99):8.1f} "
                  f"{p95 / floor_p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
