"""The optional-email migration: placeholder addresses become NULL, real ones stay, and it goes down again."""

from __future__ import annotations

from sqlalchemy import inspect, text

from shared import migrate
from shared.db import make_engine

BEFORE = "c4e7a9d2b810"  # the migration before it (the safeguards one)
REVISION = "3c5e1d7a9b20"


def _emails(engine) -> dict[str, str | None]:
    with engine.connect() as connection:
        return dict(connection.execute(text("SELECT full_name, email FROM users ORDER BY id")).all())


def test_placeholders_become_null_and_come_back_on_the_way_down(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'email.sqlite3'}")
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as connection:
            for name, email in (("Ada", "ada@example.com"), ("Edna", "record-0a1b2c3d4e5f6a7b@no-email.invalid"),
                                ("Fred", "record-9f8e7d6c5b4a3f2e@no-email.invalid")):
                connection.execute(text("INSERT INTO users (email, full_name, role, created_at) VALUES"
                                        " (:email, :name, 'resident', '2026-11-01 09:00:00')"),
                                   {"email": email, "name": name})
        migrate.upgrade(engine, REVISION)
        assert _emails(engine) == {"Ada": "ada@example.com", "Edna": None, "Fred": None}
        assert next(c for c in inspect(engine).get_columns("users") if c["name"] == "email")["nullable"] is True

        migrate.downgrade(engine, BEFORE)
        emails = _emails(engine)
        assert emails["Ada"] == "ada@example.com"
        assert emails["Edna"].endswith("@no-email.invalid") and emails["Edna"] != emails["Fred"]
        assert next(c for c in inspect(engine).get_columns("users") if c["name"] == "email")["nullable"] is False
    finally:
        engine.dispose()
