"""indexes for issue 11: trigram indexes for the case search and an index on the case list's next date

Revision ID: c7e2a94b1d58
Revises: ca4e55c0587a
Create Date: 2026-12-08 15:00:00

Each indexed expression is, word for word, what shared/services/search.py asks for (case_document,
person_document, next_date_column): an index on an expression only serves that same expression.
The trigram indexes need PostgreSQL's pg_trgm extension, created here when the database lets the
migration (pg_trgm is a trusted extension: a database owner may create it from PostgreSQL 13); where
it may not, the search still works, by reading every case. SQLite gets none: SQLAlchemy cannot
reflect an expression index there (so the schema could not be compared with the models), and a
SQLite council is small.
"""

import logging

from alembic import op
import sqlalchemy as sa


revision = 'c7e2a94b1d58'
down_revision = 'ca4e55c0587a'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

_NEXT_DATE = (
    "CASE WHEN (status IN ('service_request', 'feedback', 'signposted', 'duplicate', 'refused', 'withdrawn', "
    "'closed')) THEN NULL WHEN (status IN ('received', 'triaged', 'escalated')) "
    "THEN coalesce(acknowledge_by, respond_by) ELSE respond_by END"
)
_CASE_DOCUMENT = (
    "(((((((((coalesce(reference, '') || ' ') || coalesce(contact_phone, '')) || ' ') "
    "|| coalesce(contact_address, '')) || ' ') || coalesce(what_happened, '')) || ' ') "
    "|| replace(coalesce(contact_address, ''), ' ', '')) || ' ') "
    "|| replace(replace(replace(replace(coalesce(contact_phone, ''), ' ', ''), '-', ''), '(', ''), ')', '')"
)
_PERSON_DOCUMENT = (
    "(((((coalesce(full_name, '') || ' ') || coalesce(email, '')) || ' ') || coalesce(phone, '')) || ' ') "
    "|| replace(replace(replace(replace(coalesce(phone, ''), ' ', ''), '-', ''), '(', ''), ')', '')"
)


def _has_trigrams(bind) -> bool:
    """Whether pg_trgm is there, creating it if this role may (a failure is rolled back alone)."""
    if bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
        return True
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        log.warning("pg_trgm could not be created (%s): the case search will work without its indexes",
                    error.orig)
        return False
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX ix_cases_next_date ON cases (({_NEXT_DATE}), id)")
    if _has_trigrams(bind):
        op.execute(f"CREATE INDEX ix_cases_search ON cases USING gin (({_CASE_DOCUMENT}) gin_trgm_ops)")
        op.execute(f"CREATE INDEX ix_users_search ON users USING gin (({_PERSON_DOCUMENT}) gin_trgm_ops)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_users_search")
    op.execute("DROP INDEX IF EXISTS ix_cases_search")
    op.execute("DROP INDEX IF EXISTS ix_cases_next_date")
