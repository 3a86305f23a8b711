"""legal holds: a complaints manager's hold on a case, which the retention job and erasure respect

Revision ID: 10b5651566ae
Revises: c7e2a94b1d58
Create Date: 2026-12-11 09:00:00

Four nullable columns on cases (who placed the hold, when, why, and their note), cleared when it is
lifted; the case's events keep its history. The index serves the case list's "on legal hold" filter
(a few rows among every case) and the retention job's check.
"""

from alembic import op
import sqlalchemy as sa

import shared.db


revision = '10b5651566ae'
down_revision = 'c7e2a94b1d58'
branch_labels = None
depends_on = None

_REASONS = ('litigation', 'claim', 'investigation', 'other')


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_hold_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('legal_hold_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('legal_hold_reason', sa.Enum(*_REASONS, name='legalholdreason', native_enum=False,
                                                                   length=30), nullable=True))
        batch_op.add_column(sa.Column('legal_hold_note', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_legal_hold_at'), ['legal_hold_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_legal_hold_by_id_users'), 'users', ['legal_hold_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_legal_hold_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_legal_hold_at'))
        batch_op.drop_column('legal_hold_note')
        batch_op.drop_column('legal_hold_reason')
        batch_op.drop_column('legal_hold_by_id')
        batch_op.drop_column('legal_hold_at')
