"""Outbox drain rate: queue N messages, run 1 or 2 workers until none is due, report messages per second.

Providers: the log (development default; the worker's own overhead) and SMTP to a local aiosmtpd
sink (one connection per worker, reused). Databases: a temporary SQLite file, and PostgreSQL when
--postgres gives a URL. Use a database of its own: the schema is dropped and rebuilt.

    python -m bench.drain [--messages 5000] [--postgres postgresql://postgres@127.0.0.1/redress_bench_drain]

Each worker is a separate process (as in production), started once the messages are queued.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import tempfile
import time
from collections import Counter

from sqlalchemy import delete, func, insert, select, text

from shared import migrate
from shared.clock import utcnow
from shared.db import make_engine
from shared.domain.enums import MessageStatus


def _settings(url: str, folder: str, backend: str, smtp_port: int) -> dict:
    return {"REDRESS_ENV": "development", "REDRESS_INSTANCE_PATH": folder, "REDRESS_DATABASE_URL": url,
            "REDRESS_SECRET_KEY": "bench-secret-key-long-enough-for-the-settings-check",
            "REDRESS_MAIL_BACKEND": backend, "REDRESS_SMTP_HOST": "127.0.0.1", "REDRESS_SMTP_PORT": str(smtp_port)}


def _work(environ: dict, name: str, batch: int) -> int:
    """One worker process: its own app, engine and provider; sends until nothing is due."""
    logging.getLogger("redress").setLevel(logging.WARNING)
    from shared.app import create_app
    from shared.config import load_settings
    from shared.notify import provider_for, worker

    settings = load_settings(environ)
    app = create_app(settings)
    with app.app_context():
        totals = worker.run(provider_for(settings), worker.Policy.from_settings(settings), once=True, batch=batch,
                            worker=name)
    return totals.sent


def _prepare(url: str, count: int) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        migrate.upgrade(engine)
    else:
        migrate.upgrade(engine)
    from shared.models import OutboxMessage

    now = utcnow()
    with engine.begin() as connection:
        connection.execute(delete(OutboxMessage))
        connection.execute(insert(OutboxMessage), [
            {"reference": f"bench-{n:06d}", "template": "case_assigned", "channel": "email",
             "recipient": f"person{n}@example.com", "recipient_name": f"Person {n}", "locale": "en",
             "subject": f"Case RDR-BNCH-{n:04d} is yours", "body": "Dear Person,\n\nA short message with a link.\n"
             "http://127.0.0.1:5000/staff/cases/RDR-BNCH-0000\n", "created_at": now, "queued_at": now,
             "status": "queued", "attempts": 0, "next_attempt_at": now}
            for n in range(count)])
    engine.dispose()


def _check(url: str, count: int) -> Counter:
    from shared.models import OutboxMessage

    engine = make_engine(url)
    with engine.connect() as connection:
        statuses = Counter(dict(connection.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()))
    engine.dispose()
    assert statuses == Counter({MessageStatus.SENT: count}), statuses
    return statuses


def run_one(url: str, label: str, backend: str, workers: int, count: int, batch: int, sink=None) -> float:
    _prepare(url, count)
    with tempfile.TemporaryDirectory() as folder:
        environ = _settings(url, folder, backend, sink.port if sink else 25)
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers) as pool:
            # Start the processes (imports, app) before the clock: we measure sending, not Python start-up.
            pool.map(time.sleep, [0.01] * workers)
            started = time.perf_counter()
            sent = pool.starmap(_work, [(environ, f"bench-{i}", batch) for i in range(workers)])
            elapsed = time.perf_counter() - started
    _check(url, count)
    if sink is not None:
        references = Counter(sink.references())
        assert len(references) == count and set(references.values()) == {1}, "a message was sent twice"
        sink.received.clear()
    rate = count / elapsed
    print(f"{label:11} {backend:5} {workers:>7} {count:>9} {elapsed:9.2f} {rate:10.0f}   per worker: {sent}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--postgres", help="URL of a PostgreSQL database to use (its schema is rebuilt)")
    args = parser.parse_args()
    from unit_tests.mail_servers import SmtpSink  # aiosmtpd: a test dependency (`make install-test`)

    print(f"{'database':11} {'via':5} {'workers':>7} {'messages':>9} {'seconds':>9} {'msg/s':>10}")
    with tempfile.TemporaryDirectory() as folder, SmtpSink() as sink:
        databases = [("sqlite", f"sqlite:///{folder}/drain.sqlite3")]
        if args.postgres:
            databases.append(("postgresql", args.postgres))
        for label, url in databases:
            # SQLite: one worker is what we support; two are measured only to show the claim stays safe.
            for workers in (1, 2):
                for backend in ("log", "smtp"):
                    run_one(url, label, backend, workers, args.messages, args.batch,
                            sink if backend == "smtp" else None)


if __name__ == "__main__":
    main()
