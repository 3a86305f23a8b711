"""message template overrides: admins' wording for outgoing messages, one row per message and language

History (who, when, from -> to) is in the audit log, so this table holds only the current wording.

Revision ID: 97b2f8300a79
Revises: ed35f69fcec1
Create Date: 2026-11-23 00:57:00.416390
"""

from alembic import op
import sqlalchemy as sa
import shared.db


revision = '97b2f8300a79'
down_revision = 'ed35f69fcec1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('message_template_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('updated_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_message_template_overrides_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_template_overrides')),
    sa.UniqueConstraint('template', 'locale', name=op.f('uq_message_template_overrides_template'))
    )


def downgrade() -> None:
    op.drop_table('message_template_overrides')
