"""The outbox delivery migration: rows already sent stay sent, the rest become due; and it goes down again."""

from __future__ import annotations

from sqlalchemy import inspect, text

from shared import migrate
from shared.db import make_engine

BEFORE = "4654bd32b3b2"
REVISION = "a17bb0b5df62"


def test_upgrade_marks_old_rows_and_downgrade_removes_the_columns(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as connection:
            for reference, sent_at in (("old-sent", "2026-11-01 10:00:00.000000"), ("old-unsent", None)):
                connection.execute(text(
                    "INSERT INTO outbox_messages (reference, template, recipient, locale, subject, body, created_at,"
                    " sent_at) VALUES (:reference, 'confirm_email', 'a@example.com', 'en', 's', 'b',"
                    " '2026-11-01 09:00:00.000000', :sent_at)"), {"reference": reference, "sent_at": sent_at})
        migrate.upgrade(engine, REVISION)
        with engine.connect() as connection:
            found = {row.reference: row for row in connection.execute(text(
                "SELECT reference, status, channel, attempts, next_attempt_at, queued_at FROM outbox_messages"))}
        assert (found["old-sent"].status, found["old-sent"].next_attempt_at) == ("sent", None)
        unsent = found["old-unsent"]
        assert (unsent.status, unsent.channel, unsent.attempts) == ("queued", "email", 0)
        assert unsent.next_attempt_at.startswith("2026-11-01 09:00") and unsent.queued_at.startswith("2026-11-01 09:00")
        assert "ix_outbox_messages_status_next_attempt_at" in {i["name"] for i in inspect(engine).get_indexes("outbox_messages")}

        migrate.downgrade(engine, BEFORE)
        columns = {c["name"] for c in inspect(engine).get_columns("outbox_messages")}
        assert "status" not in columns and "claimed_by" not in columns and "sent_at" in columns
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM outbox_messages")).scalar() == 2
    finally:
        engine.dispose()

