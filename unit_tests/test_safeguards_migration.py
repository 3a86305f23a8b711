"""The safeguards migration (c4e7a9d2b810): the large-print subject prefix becomes the outbox's format
column, social-care services get their care kind from the slugs they were known by, a restriction
(and its letter) gets the case it was proposed from out of its audit entry; and it goes down again,
putting the prefix back."""

from __future__ import annotations

import json

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


def test_a_restriction_and_its_letter_get_the_case_named_in_the_proposal_audit(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'restriction.sqlite3'}")
    statements = (
        "INSERT INTO users (id, email, full_name, role) VALUES (1, 'r@example.com', 'R', 'resident'),"
        " (2, 'o@example.com', 'O', 'officer')",
        "INSERT INTO services (id, slug, name, name_cy, description, description_cy, active)"
        " VALUES (1, 'housing', 'H', 'H', 'd', 'd', 1)",
        "INSERT INTO cases (id, reference, kind, status, stage, channel, service_id, what_happened, outcome_wanted,"
        " contact_method, received_at, resident_id) VALUES (7, 'RDR-AAAA-BBBB', 'complaint', 'with_team', 1, 'web', 1,"
        " 'w', 'o', 'email', '2026-11-01 09:00:00.000000', 1)",
        "INSERT INTO outbox_messages (id, reference, template, channel, recipient, locale, subject, body, created_at)"
        " VALUES (5, 'msg-1', 'restriction_decided', 'letter', '1 High Street', 'en', 's', 'b',"
        " '2026-11-02 09:00:00.000000')",
        "INSERT INTO restrictions (id, person_id, status, category, types, behaviour, terms, evidence, proposed_by_id,"
        " proposed_at, letter_message_id) VALUES (3, 1, 'active', 'abusive', '[]', 'b', '', '{}', 2,"
        " '2026-11-01 10:00:00.000000', 5), (4, 1, 'proposed', 'abusive', '[]', 'b', '', '{}', 2,"
        " '2026-11-01 10:00:00.000000', NULL)",
    )
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
            for restriction_id, reference in ((3, "RDR-AAAA-BBBB"), (4, "RDR-GONE-0000")):
                connection.execute(text(
                    "INSERT INTO audit_events (at, action, subject_type, subject_id, person_id, details)"
                    " VALUES ('2026-11-01 10:00:00.000000', 'restriction.proposed', 'restriction', :id, 1, :details)"),
                    {"id": restriction_id, "details": json.dumps({"case_reference": reference})})
        migrate.upgrade(engine, REVISION)
        with engine.connect() as connection:
            cases = dict(connection.execute(text("SELECT id, case_id FROM restrictions")).all())
            letter_case = connection.execute(text("SELECT case_id FROM outbox_messages WHERE id = 5")).scalar()
        assert cases == {3: 7, 4: None} and letter_case == 7
        migrate.downgrade(engine, BEFORE)
        assert "case_id" not in {c["name"] for c in inspect(engine).get_columns("restrictions")}
    finally:
        engine.dispose()
