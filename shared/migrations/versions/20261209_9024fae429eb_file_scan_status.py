"""virus scanning of uploaded files: stored_files.scan_status, scanned_at, scan_finding

Files already stored were not scanned ("unscanned"): with REDRESS_CLAMD configured the worker
scans them like new ones, and until then they are not served.

Revision ID: 9024fae429eb
Revises: a7c3e9f1b5d8
Create Date: 2026-12-09 15:30:00
"""

from alembic import op
import sqlalchemy as sa
import shared.db


revision = '9024fae429eb'
down_revision = 'a7c3e9f1b5d8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan_status', sa.String(length=20), nullable=False, server_default='unscanned'))
        batch_op.add_column(sa.Column('scanned_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('scan_finding', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_stored_files_scan_status'), ['scan_status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_files_scan_status'))
        batch_op.drop_column('scan_finding')
        batch_op.drop_column('scanned_at')
        batch_op.drop_column('scan_status')
