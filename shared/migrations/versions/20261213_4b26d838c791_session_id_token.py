"""user_sessions.id_token: the ID token a provider sign-in was made with, kept beside the session
(never in the cookie) to name it as the id_token_hint when the person signs out there too

Revision ID: 4b26d838c791
Revises: b4d8f2a6c913
Create Date: 2026-12-11 00:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '4b26d838c791'
down_revision = 'b4d8f2a6c913'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_token', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('id_token')
