"""chc annual reports: the Complaint Handling Code self-assessment and statements per year

Revision ID: d8f2a6c4e1b3
Revises: b3c1d2e4f5a6
Create Date: 2026-12-07 08:30:00
"""

from alembic import op
import sqlalchemy as sa

import shared.db

revision = 'd8f2a6c4e1b3'
down_revision = 'b3c1d2e4f5a6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'chc_annual_reports',
        sa.Column('financial_year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('governing_body_response', sa.Text(), nullable=True),
        sa.Column('member_comments', sa.Text(), nullable=True),
        sa.Column('ombudsman_findings', sa.Text(), nullable=True),
        sa.Column('ombudsman_annual_review', sa.Text(), nullable=True),
        sa.Column('updated_at', shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_chc_annual_reports_updated_by_id_users')),
        sa.PrimaryKeyConstraint('financial_year', name=op.f('pk_chc_annual_reports')),
    )


def downgrade() -> None:
    op.drop_table('chc_annual_reports')
