"""indexes the case page, "your cases" and the triage queue need at 200,000 cases

The case page finds the cases linked to it (split from or into, duplicate of or duplicated by) in
the same query as the case: without indexes on split_from_id and duplicate_of_id PostgreSQL scanned
every case for it. The triage queue and the case list's handler filter ask for the staff among
50,000 residents by role. Measured by bench/pages.py.

Revision ID: e5b9c3a1f7d2
Revises: f1a3c5e7b9d2
Create Date: 2026-12-07 12:10:00
"""

from alembic import op


revision = 'e5b9c3a1f7d2'
down_revision = 'f1a3c5e7b9d2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_cases_split_from_id'), 'cases', ['split_from_id'], unique=False)
    op.create_index(op.f('ix_cases_duplicate_of_id'), 'cases', ['duplicate_of_id'], unique=False)
    op.create_index(op.f('ix_users_role'), 'users', ['role'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_users_role'), table_name='users')
    op.drop_index(op.f('ix_cases_duplicate_of_id'), table_name='cases')
    op.drop_index(op.f('ix_cases_split_from_id'), table_name='cases')
