"""The main pages under gunicorn at a large council's scale, each against its target and the floor.

On a database holding generated data (`redress demo-data --cases 200000`), this starts the app under
gunicorn on 127.0.0.1 and, for each page, prints p50 / p95 / p99 over N requests, the most SQL
statements any answer ran (X-Redress-Queries), its p95 as a multiple of the floor measured in the same
run (/healthz/floor: the same stack answering a minimal page that runs one primary-key query, asked
after each of the page's requests, so changing load on a shared machine moves both) and a
verdict against the targets of issue 11: resident pages p95 ≤ 50 ms, staff lists and case pages
≤ 200 ms, search ≤ 300 ms, reports ≤ 1 s; every page ≤ 10 queries and ≤ 10× the floor.

The pages: the portal home; "your cases" for a resident with 20 or more cases (the one with fewest
such); that resident's case page; the feedback journey's POSTs for a signed-in resident, from
choosing a complaint to sending it from check your answers; the staff triage queue; a filtered case
list (50 rows and its total); a case page with about 100 events and one with about 300; the case
list searched by a name and by a reference; and every report page.

    python -m bench.pages postgresql://postgres@127.0.0.1:5432/COPY [--requests 30] [--workers 2]

It WRITES: sign-in sessions, one complaint sent per journey, and — where no case has about 100
(or 300) events — officers' notes added through the engine to an open case until one does. Give it
a copy of the generated database, never the one others share:

    createdb -h 127.0.0.1 -U postgres -T gen_big bench_pages
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from sqlalchemy import func, select, text

from bench._server import (
    FLOOR_PATH,
    Timing,
    app_for,
    csrf_token,
    gunicorn,
    queries_of,
    report_urls,
    sign_in,
    time_get,
    timed,
)

RESIDENT_MS, STAFF_MS, SEARCH_MS, REPORT_MS = 50, 200, 300, 1000
MAX_QUERIES, MAX_FLOORS = 10, 10
JOURNEY_EMAIL = "resident@example.com"  # the demo resident sends the journey's complaints


@dataclass(frozen=True)
class Data:
    """What the pages are measured on, found (or made) in the database."""

    resident_email: str
    resident_cases: int
    resident_case: str  # that resident's case with the most events
    resident_case_events: int
    case_100: str
    case_100_events: int
    case_300: str
    case_300_events: int
    name: str  # a resident's full name, for the search
    reference: str
    service: str  # a service's slug, for the feedback journey
    filtered: str  # the filtered case list's query string


def _events_near(target: int, exclude: tuple[int, ...] = ()) -> tuple[int, int] | None:
    """(case id, events) of a case with target ± 10 % events, nearest first."""
    from shared.db import db

    row = db.session.execute(text(
        "SELECT case_id, count(*) AS n FROM case_events GROUP BY case_id "
        "HAVING count(*) BETWEEN :low AND :high ORDER BY abs(count(*) - :target), case_id LIMIT 20"
    ), {"low": int(target * 0.9), "high": int(target * 1.1), "target": target}).all()
    return next(((case_id, n) for case_id, n in row if case_id not in exclude), None)


def _make_case_with(target: int, exclude: tuple[int, ...]) -> tuple[int, int]:
    """Add officers' notes through the engine to the open case with the most events until it has target."""
    from shared.db import db
    from shared.domain.enums import CaseStatus, EventType, Role
    from shared.domain.transitions import allowed_actions
    from shared.models import Case, CaseEvent, User
    from shared.services import engine

    officer = db.session.scalar(select(User).where(User.email == "officer@example.gov.uk"))
    open_statuses = [s for s in CaseStatus if s.value != "closed" and EventType.NOTE_ADDED in allowed_actions(s, Role.OFFICER)]
    counts = (select(CaseEvent.case_id, func.count().label("n")).group_by(CaseEvent.case_id).subquery())
    case_id, have = db.session.execute(
        select(Case.id, counts.c.n).join(counts, counts.c.case_id == Case.id)
        .where(Case.status.in_(open_statuses), Case.id.notin_(exclude or (0,)), Case.resident_id.isnot(None))
        .order_by(counts.c.n.desc(), Case.id).limit(1)
    ).one()
    case = db.session.get(Case, case_id)
    for number in range(have, target):
        engine.perform(case, EventType.NOTE_ADDED, officer,
                       text=f"Benchmark note {number + 1}: called the resident and updated the file.")
    db.session.commit()
    return case_id, target


def find_data(app) -> Data:
    from shared.db import db
    from shared.models import Case, Service, User

    with app.test_request_context():
        per_resident = (select(Case.resident_id, func.count().label("n")).where(Case.resident_id.isnot(None))
                        .group_by(Case.resident_id).having(func.count() >= 20).subquery())
        resident_id, cases = db.session.execute(
            select(per_resident.c.resident_id, per_resident.c.n)
            .join(User, User.id == per_resident.c.resident_id)
            .where(User.password_hash.isnot(None), User.disabled_at.is_(None), User.email != JOURNEY_EMAIL)
            .order_by(per_resident.c.n, per_resident.c.resident_id).limit(1)
        ).one()
        resident = db.session.get(User, resident_id)
        own_case, own_events = db.session.execute(text(
            "SELECT c.reference, count(e.id) FROM cases c JOIN case_events e ON e.case_id = c.id "
            "WHERE c.resident_id = :r GROUP BY c.reference ORDER BY count(e.id) DESC, c.reference LIMIT 1"
        ), {"r": resident_id}).one()
        picked: list[tuple[int, int]] = []
        for target in (100, 300):
            found = _events_near(target, tuple(c for c, _ in picked))
            picked.append(found or _make_case_with(target, tuple(c for c, _ in picked)))
        (id_100, n_100), (id_300, n_300) = picked
        reference = db.session.scalar(select(Case.reference).where(Case.resident_id == resident_id)
                                      .order_by(Case.id).limit(1))
        service = db.session.scalar(select(Service.slug).where(Service.active.is_(True)).order_by(Service.id).limit(1))
        return Data(
            resident_email=resident.email, resident_cases=cases,
            resident_case=own_case, resident_case_events=own_events,
            case_100=db.session.get(Case, id_100).reference, case_100_events=n_100,
            case_300=db.session.get(Case, id_300).reference, case_300_events=n_300,
            name=resident.full_name, reference=reference, service=service,
            filtered="state=open&kind=complaint&sort=due&order=asc",
        )


def _journey_steps(service: str) -> list[tuple[str, dict]]:
    """(step, form) for each POST of a signed-in resident's complaint, in order (portal/views/feedback.py)."""
    return [
        ("start", {"kind": "complaint"}),
        ("service", {"service": service}),
        ("what-happened", {"what_happened": "The repair to my kitchen ceiling was booked three times and "
                                            "nobody came. Water is still coming through."}),
        ("when", {"happened_on": ["3", "2", "2026"]}),
        ("put-it-right", {"outcome_wanted": "Fix the ceiling and tell me when the roofer will come."}),
        ("asked-before", {"asked_before": "yes"}),
        ("someone-else", {"someone_else": "no"}),
        ("support", {"support": "no"}),
        ("contact", {"contact_method": "email"}),
        ("files", {"action": "continue"}),
        ("check-your-answers (send)", {}),
    ]


def journey(base: str, browser, service: str, count: int) -> dict[str, Timing]:
    """Walk the feedback journey `count` times (and once to warm up), timing each POST."""
    token = csrf_token(browser.get(f"{base}/feedback/new").text)
    steps = _journey_steps(service)
    timings: dict[str, list[float]] = {step: [] for step, _ in steps}
    floors: dict[str, list[float]] = {step: [] for step, _ in steps}
    queries: dict[str, int] = dict.fromkeys(timings, 0)
    for run in range(count + 1):
        url = f"{base}/feedback/new"
        for step, form in steps:
            ms, response = timed(lambda url=url, form=form: browser.post(
                url, data={**form, "csrf_token": token}, allow_redirects=False))
            floor_ms = timed(lambda: browser.get(base + FLOOR_PATH))[0]
            assert response.status_code == 302, f"{step}: {url} answered {response.status_code}"
            location = response.headers["Location"]
            if step != steps[-1][0]:
                expected = steps[steps.index((step, form)) + 1][0].split(" ")[0]
                assert location.split("?")[0].endswith(expected), f"{step} went to {location}, not {expected}"
            url = location if location.startswith("http") else base + location
            if run:  # the first walk warms both workers
                timings[step].append(ms)
                floors[step].append(floor_ms)
                queries[step] = max(queries[step], queries_of(response))
        assert "/feedback/sent/" in url, f"the journey ended at {url}"
    return {step: Timing(timings[step], queries[step], floors[step]) for step in timings}


def _verdict(timing: Timing, target: float, floor: float) -> str:
    misses = []
    if timing.p95 > target:
        misses.append(f"p95>{target:g}")
    if timing.queries > MAX_QUERIES:
        misses.append(f"queries>{MAX_QUERIES}")
    if timing.p95 > MAX_FLOORS * floor:
        misses.append(f">{MAX_FLOORS}×floor")
    return "ok" if not misses else "MISS " + ",".join(misses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", nargs="?", default=os.environ.get("BENCH_PAGES_DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("Give the URL of a copy of a generated database (or set BENCH_PAGES_DATABASE_URL).")

    from shared.db import db
    from shared.models import Case, CaseEvent
    from shared.services import demo

    app, env = app_for(args.database_url)
    data = find_data(app)
    with app.app_context():
        cases = db.session.scalar(select(func.count()).select_from(Case))
        events = db.session.scalar(select(func.count()).select_from(CaseEvent))
    reports = report_urls(app)
    print(f"{cases:,} cases, {events:,} events in {args.database_url.rsplit('/', 1)[-1]}; "
          f"{args.workers} gunicorn workers, {args.requests} requests a page")
    print(f"resident {data.resident_email} ({data.resident_cases} cases); their case {data.resident_case} "
          f"({data.resident_case_events} events); cases {data.case_100} ({data.case_100_events} events) and "
          f"{data.case_300} ({data.case_300_events} events); search {data.name!r} and {data.reference}")

    password = demo.DEMO_PASSWORD
    with gunicorn(env, args.workers) as base:
        import requests

        anonymous = requests.Session()
        resident = sign_in(base, data.resident_email, password, staff=False)
        sender = sign_in(base, JOURNEY_EMAIL, password, staff=False)
        officer = sign_in(base, "officer@example.gov.uk", password)
        manager = sign_in(base, "manager@example.gov.uk", password)

        floor = time_get(officer, base + FLOOR_PATH, args.requests)
        rows: list[tuple[str, Timing, float]] = []

        def page(name: str, browser, path: str, target: float) -> None:
            rows.append((name, time_get(browser, base + path, args.requests, floor=base + FLOOR_PATH), target))

        page("portal home", anonymous, "/", RESIDENT_MS)
        page(f"your cases ({data.resident_cases})", resident, "/cases", RESIDENT_MS)
        page(f"your case ({data.resident_case_events} events)", resident, f"/cases/{data.resident_case}", RESIDENT_MS)
        for step, timing in journey(base, sender, data.service, args.requests).items():
            rows.append((f"feedback POST {step}", timing, RESIDENT_MS))
        page("staff triage queue", officer, "/staff/triage", STAFF_MS)
        page("case list, filtered (50 rows)", officer, f"/staff/cases?{data.filtered}", STAFF_MS)
        page(f"case page ({data.case_100_events} events)", officer, f"/staff/cases/{data.case_100}", STAFF_MS)
        page(f"case page ({data.case_300_events} events)", officer, f"/staff/cases/{data.case_300}", STAFF_MS)
        page("search: a name", officer, f"/staff/cases?q={requests.utils.quote(data.name)}", SEARCH_MS)
        page("search: a reference", officer, f"/staff/cases?q={requests.utils.quote(data.reference)}", SEARCH_MS)
        for spec, path in reports:
            page(f"report: {spec.name}", manager, path, REPORT_MS)

    every = [ms for _name, timing, _target in rows for ms in timing.floor]
    print(f"\nfloor {FLOOR_PATH}: p50 {floor.p50:.1f} ms, p95 {floor.p95:.1f} ms alone, {floor.queries} queries; "
          f"p95 {Timing(every, 0).p95:.1f} ms over the {len(every)} asked between the pages' requests\n")
    print(f"| {'page':40} | p50 ms | p95 ms | p99 ms | queries | floor p95 | × floor | target | verdict |")
    print(f"| {'-' * 40} | -----: | -----: | -----: | ------: | --------: | ------: | -----: | ------- |")
    for name, timing, target in rows:
        print(f"| {name:40} | {timing.p50:6.1f} | {timing.p95:6.1f} | {timing.p99:6.1f} | {timing.queries:7d} | "
              f"{timing.floor_p95:9.1f} | {timing.p95 / timing.floor_p95:7.1f} | {target:6g} | "
              f"{_verdict(timing, target, timing.floor_p95)} |")


if __name__ == "__main__":
    main()
