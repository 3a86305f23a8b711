"""Load and faults, on loopback: many residents at once, double submissions, and PostgreSQL restarted.

Everything runs against a PostgreSQL cluster of its own (initdb into a temporary folder, pg_ctl on
a free port; the machine's shared PostgreSQL is never touched, and the cluster is deleted at the
end), with `redress db upgrade` and `redress demo-data`, served by gunicorn on 127.0.0.1.

1. Residents: N residents (threads, each its own browser) each send M complaints with two files of
   1 MB, as fast as they can: sign in, every question of the journey with its CSRF token, the files,
   send, the confirmation. Checked: every reference shown has its case, with both files; no other
   case was made; no 5xx. Prints p50 / p95 / max per step.
2. Double submissions: a finished draft, its check-your-answers form sent 10 times at once, R times
   over. Counts the cases made each time (the issue wants exactly one a time).
3. Fault: residents keep sending complaints while the cluster is stopped for a few seconds and
   started again. Reports what requests got during the outage and how long each took, how long
   after the database came back the service answered again, and whether any case is half-written
   (no stage or no event, or files missing), or shown to a resident without being stored.

    python -m bench.load [--residents 50] [--complaints 4] [--rounds 100] [--outage 5] [--only residents,double,fault]

Needs PostgreSQL's server binaries (initdb, pg_ctl; --pg-bin, default /usr/lib/postgresql/15/bin).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import func, select

from bench import servers
from bench.__main__ import _percentile
from shared.db import make_engine
from shared.models import Case, CaseEvent, CaseStage, StoredFile, User

MB = 1024 * 1024


def _table(timings: dict[str, list[float]]) -> None:
    print(f"  {'step':26} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for step, values in timings.items():
        print(f"  {step:26} {len(values):6d} {statistics.median(values):8.0f} {_percentile(values, 0.95):8.0f} "
              f"{max(values):8.0f}")


def _cases_of(engine, emails: list[str]) -> dict[str, list[str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(User.email, Case.reference).join(Case, Case.resident_id == User.id)
                                  .where(User.email.in_(emails))).all()
    found: dict[str, list[str]] = {}
    for email, reference in rows:
        found.setdefault(email, []).append(reference)
    return found


def _files_per_case(engine, references: list[str]) -> Counter:
    with engine.connect() as connection:
        return Counter(dict(connection.execute(
            select(Case.reference, func.count(StoredFile.id)).join(StoredFile, StoredFile.case_id == Case.id)
            .where(Case.reference.in_(references)).group_by(Case.reference)).all()))


def residents_run(base: str, engine, count: int, complaints: int) -> bool:
    emails = [f"resident{n}@example.com" for n in range(1, count + 1)]
    before = _cases_of(engine, emails)
    attachments = [("letter.pdf", servers.pdf(MB)), ("photo-notes.pdf", servers.pdf(MB))]
    timings: dict[str, list[float]] = {}
    lock = threading.Lock()
    shown: dict[str, list[str]] = {}
    failures: list[str] = []

    def resident(email: str) -> None:
        browser = servers.Browser({})
        try:
            browser.sign_in(base, email)
            for _ in range(complaints):
                reference = browser.send(browser.start_complaint(base, attachments))
                shown.setdefault(email, []).append(reference)
        except (AssertionError, requests.RequestException) as error:
            failures.append(f"{email}: {error}")
        with lock:
            for step, values in browser.timings.items():
                timings.setdefault(step, []).extend(values)

    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        list(pool.map(resident, emails))
    elapsed = time.perf_counter() - started
    after = _cases_of(engine, emails)
    made = {email: sorted(set(after.get(email, [])) - set(before.get(email, []))) for email in emails}
    confirmations = sorted(r for refs in shown.values() for r in refs)
    new_cases = sorted(r for refs in made.values() for r in refs)
    files = _files_per_case(engine, new_cases)
    requests_made = sum(len(v) for v in timings.values())
    print(f"\n1. {count} residents × {complaints} complaints, two 1 MB files each: {elapsed:.1f} s, "
          f"{requests_made} requests, {len(confirmations)} confirmations shown, {len(new_cases)} cases made")
    _table(timings)
    unstored = sorted(set(confirmations) - set(new_cases))
    unshown = sorted(set(new_cases) - set(confirmations))
    duplicates = [r for r, n in Counter(confirmations).items() if n > 1]
    wrong_files = {r: n for r, n in files.items() if n != 2} | {r: 0 for r in new_cases if r not in files}
    print(f"  failures (5xx or errors): {len(failures)}; shown but not stored: {len(unstored)}; "
          f"stored but never shown: {len(unshown)}; shown twice: {len(duplicates)}; "
          f"cases without both files: {len(wrong_files)}")
    for failure in failures[:10]:
        print(f"    {failure}")
    return not (failures or unstored or unshown or duplicates or wrong_files)


def double_submit_run(base: str, engine, rounds: int, parallel: int = 10) -> bool:
    """The same check-your-answers form, `parallel` times at once, `rounds` times over."""
    emails = [f"resident{n}@example.com" for n in range(51, 61)]
    browsers = {}
    for email in emails:
        browsers[email] = servers.Browser({})
        browsers[email].sign_in(base, email)
    made_per_round: Counter = Counter()
    statuses: Counter = Counter()
    shown_per_round: Counter = Counter()
    started = time.perf_counter()
    for n in range(rounds):
        email = emails[n % len(emails)]
        browser = browsers[email]
        draft = browser.start_complaint(base, [])
        token = servers.csrf_token(browser.get("check", f"{draft}/check-your-answers").text)
        before = len(_cases_of(engine, [email]).get(email, []))
        barrier = threading.Barrier(parallel)

        def press(_: int, draft=draft, token=token, browser=browser, barrier=barrier) -> tuple[int, str]:
            # Each press on its own connection with the same cookies: a double click, a retry, a second tab.
            http = requests.Session()
            http.cookies.update(browser.http.cookies)
            barrier.wait()
            response = http.post(f"{draft}/check-your-answers", data={"csrf_token": token}, allow_redirects=False,
                                 timeout=60)
            return response.status_code, response.headers.get("Location", "")

        with ThreadPoolExecutor(parallel) as pool:
            answers = list(pool.map(press, range(parallel)))
        statuses.update(status for status, _ in answers)
        shown_per_round[len({loc for status, loc in answers if status == 302 and "/feedback/sent/" in loc})] += 1
        made_per_round[len(_cases_of(engine, [email]).get(email, [])) - before] += 1
    elapsed = time.perf_counter() - started
    total = sum(made * times for made, times in made_per_round.items())
    print(f"\n2. The same submission {parallel} times at once, {rounds} times over: {elapsed:.1f} s, "
          f"{total} cases made (wanted {rounds})")
    print(f"  cases made in a round → rounds: {dict(sorted(made_per_round.items()))}")
    print(f"  answers to the {rounds * parallel} presses: {dict(sorted(statuses.items()))}")
    print(f"  different confirmations offered in a round → rounds: {dict(sorted(shown_per_round.items()))}")
    return total == rounds


def fault_run(cluster: servers.PrivateCluster, base: str, engine, upload_path: Path, outage: float,
              residents: int = 8) -> bool:
    """Residents keep sending complaints while the database stops for `outage` seconds and starts again."""
    emails = [f"resident{n}@example.com" for n in range(1, residents + 1)]
    log: list[tuple[float, str, int, float]] = []  # (started, step, status or 0 for no answer, ms)
    shown: list[str] = []
    stop = threading.Event()
    t0 = time.monotonic()

    class Recording(servers.Browser):
        def _timed(self, step, method, url, **kwargs):
            began = time.monotonic()
            try:
                response = self.http.request(method, url, allow_redirects=False, timeout=30, **kwargs)
            except requests.RequestException:
                log.append((began - t0, step, 0, (time.monotonic() - began) * 1000))
                raise
            log.append((began - t0, step, response.status_code, (time.monotonic() - began) * 1000))
            if response.status_code >= 500:
                raise servers.StepFailed(step, response.status_code, response.text if response.status_code == 503 else "")
            return response

    pages_503: list[bool] = []

    def resident(email: str) -> None:
        browser = Recording({})
        while not stop.is_set():
            try:
                if browser.get("cases", f"{base}/cases").status_code != 200:
                    browser.sign_in(base, email)
                shown.append(browser.send(browser.start_complaint(base, [("note.pdf", servers.pdf(64 * 1024))])))
            except servers.StepFailed as failed:
                if failed.status == 503:
                    pages_503.append("Sorry, the service is unavailable" in str(failed))
                time.sleep(0.2)
            except (AssertionError, requests.RequestException):
                time.sleep(0.2)

    def probe() -> None:  # a load balancer's health check, five times a second
        while not stop.is_set():
            began = time.monotonic()
            try:
                status = requests.get(f"{base}/healthz", timeout=30).status_code
            except requests.RequestException:
                status = 0
            log.append((began - t0, "healthz", status, (time.monotonic() - began) * 1000))
            time.sleep(0.2)

    threads = [threading.Thread(target=resident, args=(email,)) for email in emails] + [threading.Thread(target=probe)]
    for thread in threads:
        thread.start()
    time.sleep(8)
    down_at = time.monotonic() - t0
    cluster.stop("fast")
    stopped_at = time.monotonic() - t0
    time.sleep(outage)
    cluster.start()
    up_at = time.monotonic() - t0
    time.sleep(15)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    during = [row for row in log if down_at <= row[0] < up_at]
    after = [row for row in log if row[0] >= up_at]
    first_ok = min((row[0] + row[3] / 1000 for row in after if row[1] == "healthz" and row[2] == 200), default=None)
    first_page_ok = min((row[0] + row[3] / 1000 for row in after if row[1] != "healthz" and row[2] in (200, 302)),
                        default=None)
    late_errors = [row for row in log if first_ok is not None and row[0] > first_ok + 1 and row[2] >= 500]
    print(f"\n3. PostgreSQL stopped at {down_at:.1f} s (stopped by {stopped_at:.1f} s) and started again at "
          f"{up_at:.1f} s ({up_at - down_at:.1f} s down), {residents} residents sending complaints throughout")
    print(f"  requests begun during the outage: {len(during)}; answers: "
          f"{dict(sorted(Counter(row[2] for row in during).items()))} (0 = no answer)")
    if during:
        worst = max(during, key=lambda row: row[3])
        print(f"  slowest answer during the outage: {worst[3]:.0f} ms ({worst[1]}, HTTP {worst[2]}); "
              f"p95 {_percentile([row[3] for row in during], 0.95):.0f} ms")
    print(f"  503 pages that were the service-unavailable page: {sum(pages_503)} of {len(pages_503)}")
    print(f"  /healthz 200 again {first_ok - up_at:.2f} s after the database was up" if first_ok else
          "  /healthz never answered 200 again")
    print(f"  a journey page answered again {first_page_ok - up_at:.2f} s after" if first_page_ok else
          "  no journey page answered again")
    print(f"  5xx more than a second after /healthz recovered: {len(late_errors)} "
          f"{dict(Counter((row[1], row[2]) for row in late_errors))}")
    broken = _half_written(engine, upload_path, shown)
    # Requests begun while the stop was under way may still be answered normally; none may be a 500 or unanswered.
    return bool(during) and all(row[3] <= 6000 and row[2] in (200, 302, 503) for row in during) and first_ok is not None \
        and first_ok - up_at <= 10 and not late_errors and not broken


def _half_written(engine, upload_path: Path, shown: list[str]) -> bool:
    with engine.connect() as connection:
        cases = connection.execute(select(Case.id, Case.reference)).all()
        with_stage = set(connection.scalars(select(CaseStage.case_id).distinct()))
        with_event = set(connection.scalars(select(CaseEvent.case_id).distinct()))
        stored = connection.execute(select(StoredFile.stored_name, StoredFile.case_id, StoredFile.draft_id,
                                           StoredFile.message_id)).all()
    references = {reference for _id, reference in cases}
    no_stage = [ref for case_id, ref in cases if case_id not in with_stage]
    no_event = [ref for case_id, ref in cases if case_id not in with_event]
    missing_bytes = [name for name, *_ in stored if not any(upload_path.rglob(name))]
    orphan_rows = [name for name, case_id, draft_id, message_id in stored if not (case_id or draft_id or message_id)]
    on_disk = {path.name for path in upload_path.rglob("*") if path.is_file() and not path.name.startswith(".")}
    orphan_bytes = on_disk - {name for name, *_ in stored}
    unstored = sorted(set(shown) - references)
    print(f"  confirmations shown: {len(shown)}; shown but not stored: {len(unstored)}; cases without a stage: "
          f"{len(no_stage)}; without an event: {len(no_event)}; file rows without their bytes: {len(missing_bytes)}; "
          f"file rows belonging to nothing: {len(orphan_rows)}; files on disk with no row (left by rolled-back "
          f"requests): {len(orphan_bytes)}")
    return bool(unstored or no_stage or no_event or missing_bytes or orphan_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--complaints", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--outage", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--only", default="residents,double,fault")
    parser.add_argument("--pg-bin", type=Path, default=servers.PG_BIN)
    args = parser.parse_args()
    parts = set(args.only.split(","))

    cluster = servers.PrivateCluster(args.pg_bin).init()
    cluster.start()
    app_server = None
    results = {}
    try:
        url = servers.create_database(cluster.url, "redress_load")
        folder = Path(tempfile.mkdtemp(prefix="redress-load-"))
        env = servers.app_env(url, folder)
        started = time.perf_counter()
        servers.redress(["db", "upgrade"], env)
        servers.redress(["demo-data"], env)
        print(f"Private PostgreSQL on port {cluster.port}; demo council loaded in {time.perf_counter() - started:.1f} s; "
              f"gunicorn {args.workers} workers × {args.threads} threads")
        app_server = servers.Gunicorn(env, workers=args.workers, threads=args.threads).start()
        engine = make_engine(url)
        if "residents" in parts:
            results["residents"] = residents_run(app_server.url, engine, args.residents, args.complaints)
        if "double" in parts:
            results["double"] = double_submit_run(app_server.url, engine, args.rounds)
        if "fault" in parts:
            results["fault"] = fault_run(cluster, app_server.url, engine, folder / "uploads", args.outage)
        engine.dispose()
    finally:
        if app_server is not None:
            app_server.stop()
        cluster.destroy()
    print("\n" + ", ".join(f"{part}: {'ok' if ok else 'FAILED'}" for part, ok in results.items()))


if __name__ == "__main__":
    main()
