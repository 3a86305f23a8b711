"""Alembic environment: runs migrations on the application's own engine."""

from __future__ import annotations

from alembic import context

import shared.models  # noqa: F401  (registers every table on the metadata)
from shared.db import Base, include_in_comparison

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `redress db upgrade`, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=include_in_comparison,
)
with context.begin_transaction():
    context.run_migrations()
