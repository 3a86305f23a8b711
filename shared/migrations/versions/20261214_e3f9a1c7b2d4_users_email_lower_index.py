"""An index on lower(users.email), PostgreSQL only: sign-in, registration, a guest's send and the
imports find a person by it, and without one each read the whole table (SQLite's tables are small,
and its reflection would drop the index whenever batch_alter_table rebuilds users)

Revision ID: e3f9a1c7b2d4
Revises: 4b26d838c791
Create Date: 2026-12-14 00:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'e3f9a1c7b2d4'
down_revision = '4b26d838c791'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_users_email_lower', 'users', [sa.text('lower(email)')])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_users_email_lower', table_name='users')
