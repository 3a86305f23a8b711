"""council-entered names in every shipped language: a `translations` column on each translated thing

Revision ID: b4d8f2a6c913
Revises: 10b5651566ae
Create Date: 2026-12-08 00:30:00

{language: {field: text}} for the languages beyond English and Welsh (Polish and Urdu today; see
shared/domain/translations.py). Welsh keeps its own `_cy` columns, edited on each thing's form.
Every existing row starts with none, so its pages show the English as before.
"""

from alembic import op
import sqlalchemy as sa


revision = 'b4d8f2a6c913'
down_revision = '10b5651566ae'
branch_labels = None
depends_on = None

TABLES = ('services', 'complaint_reasons', 'procedures', 'procedure_stages', 'organisations', 'support_services',
          'council_identity')


def upgrade() -> None:
    # A plain ADD COLUMN with a constant default: a batch operation would rebuild each table on SQLite,
    # and dropping the old `procedures` would take every stage with it (ON DELETE CASCADE).
    for table in TABLES:
        op.add_column(table, sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    for table in reversed(TABLES):  # plain DROP COLUMN (SQLite 3.35 and later), for the same reason
        op.drop_column(table, 'translations')
