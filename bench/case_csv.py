"""Case spreadsheet import and export: rows per second, on SQLite and PostgreSQL.

Generates a council spreadsheet of N rows (a case's stages are rows: most cases one, escalated
ones two), imports it into the demo council, imports it again (nothing changes: every row is
already there), then exports every case, both from the service (rows written to a null sink) and
through the case list's CSV download (the officer's streamed response, read to the end through
WSGI). Use a database of its own for --postgres: its schema is dropped and rebuilt.

    python -m bench.case_csv [--rows 100000] [--postgres postgresql://postgres@127.0.0.1/redress_bench_csv]

Targets (issue 9): importing 100,000 rows within 60 s; exporting at least 20,000 rows a second.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import func, select, text

from shared import migrate
from shared.db import db

SERVICES = ["housing-repairs", "council-tax-benefits", "waste-recycling", "highways", "planning"]
REASONS = ["quality_of_service", "timeliness", "staff_attitude", "policy"]
CHANNELS = ["online", "phone", "email", "letter", "face_to_face"]
HEADER = ("reference,stage,escalated_from,kind,procedure,service,reason,channel,status,received_on,triaged_on,"
          "acknowledged_on,responded_on,outcome,closed_on,closure_code,closure_reason,name,email,phone,summary\n")


def spreadsheet(rows: int, seed: int = 2026) -> str:
    """A council's spreadsheet of about `rows` rows over ten years, as it might come out of Excel."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write(HEADER)
    written, n = 0, 0
    start = date.today() - timedelta(days=3650)  # ten years to about now (nothing dated in the future)
    while written < rows:
        n += 1
        reference = f"LEG/{n:07d}"
        received = start + timedelta(days=rng.randrange(3650 - 120))
        service, reason, channel = rng.choice(SERVICES), rng.choice(REASONS), rng.choice(CHANNELS)
        person = rng.randrange(max(1, rows // 3))
        name, email = f"Resident {person}", (f"resident{person}@example.com" if person % 3 else "")
        phone = f"07700 9{person % 100000:05d}" if person % 5 == 0 else ""
        summary = rng.choice(["Missed collection, again.", "Repair not done, \"as promised\".",
                              "Letter about the bill was wrong; no reply to emails."])
        ack, answered = received + timedelta(days=2), received + timedelta(days=rng.randrange(5, 30))
        roll = rng.random()

        def row(*cells) -> None:
            out.write(",".join(f'"{cell}"' if ("," in str(cell) or '"' in str(cell)) and not str(cell).startswith('"')
                               else str(cell) for cell in cells) + "\n")

        base = ["complaint", "corporate", service, reason, channel]
        person_cells = [name, email, phone, summary.replace('"', '""')]
        if roll < 0.05:
            row(reference, 1, "", "compliment", "feedback", service, "", channel, "feedback", received, received, "",
                "", "", "", "", "", *person_cells)
            written += 1
        elif roll < 0.10:
            row(reference, 1, "", *base, "refused", received, received, "", "", "", "", "",
                "Not a complaint: a request for service", *person_cells)
            written += 1
        elif roll < 0.25 and written + 2 <= rows:
            stage2 = answered + timedelta(days=rng.randrange(1, 15))
            row(reference, 1, "", *base, "escalated", received, received, ack, answered, "not_upheld", "", "", "",
                *person_cells)
            row(reference, 2, reference, *base, "closed", stage2, "", stage2 + timedelta(days=3),
                stage2 + timedelta(days=rng.randrange(10, 40)), rng.choice(["upheld", "not_upheld"]),
                stage2 + timedelta(days=45), "responded", "", *person_cells)
            written += 2
        elif roll < 0.30:
            row(reference, 1, "", *base, "with_team", received, received, ack, "", "", "", "", "", *person_cells)
            written += 1
        else:
            row(reference, 1, "", *base, "closed", received, received, ack, answered,
                rng.choice(["upheld", "partly_upheld", "not_upheld"]), answered + timedelta(days=7), "responded", "",
                *person_cells)
            written += 1
    return out.getvalue()


def app_for(url: str | None, folder: str):
    """An app on `url` (or a SQLite file in `folder`), its data left as it is."""
    from shared.app import create_app
    from shared.config import load_settings

    environ = {"REDRESS_ENV": "development", "REDRESS_INSTANCE_PATH": folder,
               "REDRESS_SECRET_KEY": "bench-secret-key-long-enough-for-the-settings-check"}
    if url:
        environ["REDRESS_DATABASE_URL"] = url
    return create_app(load_settings(environ))


def rebuild(app) -> None:
    """An empty database at the latest schema (on PostgreSQL, the whole schema dropped first)."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        migrate.upgrade(db.engine)


def _app(url: str | None, folder: str):
    app = app_for(url, folder)
    rebuild(app)
    return app


def run(label: str, url: str | None, rows: int) -> None:
    from shared.models import Case, CaseEvent
    from shared.services import case_csv, case_import, demo

    with tempfile.TemporaryDirectory() as folder:
        app = _app(url, folder)
        with app.test_request_context():
            demo.load(cases=0)
            db.session.commit()
        data = spreadsheet(rows)
        with app.test_request_context():
            started = time.perf_counter()
            done = case_import.import_cases(io.StringIO(data, newline=""), actor=None, source="bench.csv")
            db.session.commit()
            took = time.perf_counter() - started
            events = db.session.scalar(select(func.count()).select_from(CaseEvent))
        print(f"{label}: imported {rows:,} rows ({done.cases:,} cases, {done.stages:,} stages, {events:,} events, "
              f"{done.people:,} people) in {took:.1f} s — {rows / took:,.0f} rows/s")
        with app.test_request_context():
            started = time.perf_counter()
            again = case_import.import_cases(io.StringIO(data, newline=""), actor=None, source="bench.csv")
            db.session.commit()
            print(f"{label}: the same file again: {again.already_there:,} rows already there, {again.cases} new, "
                  f"in {time.perf_counter() - started:.1f} s")
        with app.test_request_context():
            started = time.perf_counter()
            count = sum(chunk.count("\r\n") for chunk in
                        case_csv.csv_lines(case_csv.export_rows(select(Case.id).scalar_subquery()))) - 1
            took = time.perf_counter() - started
        print(f"{label}: exported {count:,} rows (service) in {took:.1f} s — {count / took:,.0f} rows/s")
        client = app.test_client()
        page = client.get("/staff/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/staff/sign-in", data={"email": "officer@example.gov.uk", "password": demo.DEMO_PASSWORD,
                                            "csrf_token": token})
        started = time.perf_counter()
        response = client.get("/staff/cases.csv", buffered=False)
        size = lines = 0
        for chunk in response.response:
            size += len(chunk)
            lines += chunk.count(b"\r\n")
        took = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        print(f"{label}: downloaded the case list as CSV: {lines - 1:,} rows, {size / 1e6:.1f} MB in {took:.1f} s — "
              f"{(lines - 1) / took:,.0f} rows/s")
        with app.app_context():
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL database of its own (its schema is rebuilt)")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        run("SQLite", None, args.rows)
    if args.postgres:
        run("PostgreSQL", args.postgres, args.rows)


if __name__ == "__main__":
    main()
