"""retention: when a case, a person's record and a restriction were anonymised

Revision ID: 70fec6c7271c
Revises: 715d5e6af847
Create Date: 2026-12-09 15:00:00
"""

from alembic import op
import sqlalchemy as sa

import shared.db


revision = '70fec6c7271c'
down_revision = '715d5e6af847'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        # The daily job asks "closed before this date, not yet anonymised" of every case.
        batch_op.create_index(batch_op.f('ix_cases_closed_at'), ['closed_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', shared.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('restrictions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', shared.db.UTCDateTime(timezone=True), nullable=True))
    # The job and subject-access downloads find a case's, and a person's, outgoing messages.
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_case_id'))
    with op.batch_alter_table('restrictions', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_closed_at'))
        batch_op.drop_column('anonymised_at')
