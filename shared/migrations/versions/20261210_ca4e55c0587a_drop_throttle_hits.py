"""drop throttle_hits: rate limits are counted by Flask-Limiter's storage (shared.web.ratelimits)

Revision ID: ca4e55c0587a
Revises: 9d073bb333c1
Create Date: 2026-12-07 15:30:00
"""

from alembic import op
import sqlalchemy as sa
import shared.db


revision = 'ca4e55c0587a'
down_revision = '9d073bb333c1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The rows were only recent attempts (an hour at most matters): nothing to carry over.
    with op.batch_alter_table('throttle_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_throttle_hits_scope_key_hash_at')
    op.drop_table('throttle_hits')


def downgrade() -> None:
    op.create_table('throttle_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_hits'))
    )
    with op.batch_alter_table('throttle_hits', schema=None) as batch_op:
        batch_op.create_index('ix_throttle_hits_scope_key_hash_at', ['scope', 'key_hash', 'at'], unique=False)
