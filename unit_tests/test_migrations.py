"""The Alembic migrations build exactly the models' schema, and go down and up again cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import shared.models  # noqa: F401  (registers every table on the metadata)
from shared import migrate
from shared.db import Base, include_in_comparison, make_engine


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_in_comparison})
        return compare_metadata(context, Base.metadata)


def _head() -> str:
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert len(heads) == 1, f"migrations have {len(heads)} heads: {heads}"
    return heads[0]


def test_migrated_database_matches_the_models(engine):
    """Runs on the suite's database, so both SQLite and PostgreSQL are checked."""
    assert _differences(engine) == []
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == _head()


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
    try:
        migrate.upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)

        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        migrate.upgrade(engine)
        assert _differences(engine) == []
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == _head()
    finally:
        engine.dispose()
