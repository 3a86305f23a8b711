"""sessions ended by their idle or absolute limit say so; typed text kept across an ended session

Revision ID: 9d073bb333c1
Revises: f29b2118132a
Create Date: 2026-12-08 16:00:00
"""

from alembic import op
import sqlalchemy as sa

import shared.db


revision = '9d073bb333c1'
down_revision = 'f29b2118132a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_because', sa.String(length=20), nullable=True))
    op.create_table('kept_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=2000), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_forms_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_forms')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_kept_forms_token_hash'))
    )
    with op.batch_alter_table('kept_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_forms_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_forms_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kept_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_forms_user_id'))
        batch_op.drop_index(batch_op.f('ix_kept_forms_expires_at'))
    op.drop_table('kept_forms')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('ended_because')
