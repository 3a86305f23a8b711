"""The safeguards migration (c4e7a9d2b810): the large-print subject prefix becomes the outbox's format
column, social-care services get their care kind from the slugs they were known by; and it goes down
again, putting the prefix back."""

from __future__ import annotations

from sqlalchemy import inspect, text

from shared import migrate
from shared.db import make_engine

BEFORE = "916f8afe3218"
REVISION = "c4e7a9d2b810"


def test_large_print_prefix_becomes_the_format_column_and_comes_back_on_downgrade(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'format.sqlite3'}")
    rows = (("en-large", "letter", "en", "Large print: Your complaint"),
            ("cy-large", "letter", "cy", "Print bras: Eich cwyn"),
            ("en-plain", "letter", "en", "Your complaint"),
            ("email", "email", "en", "Large print: not a letter"))
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as connection:
            for reference, channel, locale, subject in rows:
                connection.execute(text(
                    "INSERT INTO outbox_messages (reference, template, channel, recipient, locale, subject, body,"
                    " created_at) VALUES (:reference, 'case_closed', :channel, '1 High Street', :locale, :subject,"
                    " 'b', '2026-11-01 09:00:00.000000')"),
                    {"reference": reference, "channel": channel, "locale": locale, "subject": subject})
        migrate.upgrade(engine, REVISION)
        with engine.connect() as connection:
            found = {row.reference: (row.format, row.subject) for row in connection.execute(text(
                "SELECT reference, format, subject FROM outbox_messages"))}
        assert found == {"en-large": ("large_print", "Your complaint"), "cy-large": ("large_print", "Eich cwyn"),
                         "en-plain": ("standard", "Your complaint"), "email": ("standard", "Large print: not a letter")}

        migrate.downgrade(engine, BEFORE)
        assert "format" not in {c["name"] for c in inspect(engine).get_columns("outbox_messages")}
        with engine.connect() as connection:
            subjects = dict(connection.execute(text("SELECT reference, subject FROM outbox_messages")).all())
        assert subjects == {reference: subject for reference, _channel, _locale, subject in rows}
    finally:
        engine.dispose()


def test_social_care_services_get_their_kind_from_their_old_slugs(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'care.sqlite3'}")
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as connection:
            for slug in ("childrens-services", "adult-social-care", "children-and-families", "housing"):
                connection.execute(text(
                    "INSERT INTO services (slug, name, name_cy, description, description_cy, active)"
                    " VALUES (:slug, :slug, :slug, 'd', 'd', 1)"), {"slug": slug})
        migrate.upgrade(engine, REVISION)
        with engine.connect() as connection:
            kinds = dict(connection.execute(text("SELECT slug, care_kind FROM services")).all())
        assert kinds == {"childrens-services": "children", "adult-social-care": "adults",
                         "children-and-families": "children", "housing": None}
        migrate.downgrade(engine, BEFORE)
        assert "care_kind" not in {c["name"] for c in inspect(engine).get_columns("services")}
    finally:
        engine.dispose()
