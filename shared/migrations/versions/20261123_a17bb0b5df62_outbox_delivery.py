"""outbox delivery: status, channel, attempts, lease and provider reference for the worker

Revision ID: a17bb0b5df62
Revises: 4654bd32b3b2
Create Date: 2026-11-23 00:04:40.117768
"""

from alembic import op
import sqlalchemy as sa
import shared.db


revision = 'a17bb0b5df62'
down_revision = '4654bd32b3b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.Enum('email', 'sms', 'letter', name='messagechannel', native_enum=False, length=10), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('recipient_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'retrying', 'given_up', 'to_print', 'handled', name='messagestatus', native_enum=False, length=20), server_default='queued', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('queued_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('provider_reference', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('given_up_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('handled_by_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_outbox_messages_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_handled_by_id_users'), 'users', ['handled_by_id'], ['id'])

    # Rows written before there was a worker: those marked sent stay sent; the rest are due now.
    outbox = sa.table('outbox_messages', sa.column('status', sa.String), sa.column('sent_at', sa.DateTime),
                      sa.column('created_at', sa.DateTime), sa.column('next_attempt_at', sa.DateTime),
                      sa.column('queued_at', sa.DateTime))
    op.execute(outbox.update().where(outbox.c.sent_at.is_not(None)).values(status='sent'))
    op.execute(outbox.update().where(outbox.c.sent_at.is_(None)).values(status='queued', next_attempt_at=outbox.c.created_at,
                                                                             queued_at=outbox.c.created_at))


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_handled_by_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_outbox_messages_status_next_attempt_at')
        batch_op.drop_column('handled_by_id')
        batch_op.drop_column('given_up_at')
        batch_op.drop_column('provider_reference')
        batch_op.drop_column('last_error')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('queued_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('status')
        batch_op.drop_column('recipient_name')
        batch_op.drop_column('channel')
