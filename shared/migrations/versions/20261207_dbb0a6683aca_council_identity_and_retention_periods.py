"""council identity and retention periods: what admins set in /staff/admin/council and
/staff/admin/retention (no row: the configured defaults still apply)

Revision ID: dbb0a6683aca
Revises: e5b9c3a1f7d2
Create Date: 2026-12-07 11:25:06
"""

from alembic import op
import sqlalchemy as sa
import shared.db


revision = 'dbb0a6683aca'
down_revision = 'e5b9c3a1f7d2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('retention_periods',
    sa.Column('procedure_slug', sa.String(length=60), nullable=False),
    sa.Column('years', sa.Integer(), nullable=False),
    sa.Column('updated_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('years BETWEEN 1 AND 20', name=op.f('ck_retention_periods_years_in_range')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_periods_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('procedure_slug', name=op.f('pk_retention_periods'))
    )
    op.create_table('council_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_cy', sa.String(length=120), nullable=True),
    sa.Column('short_name', sa.String(length=12), nullable=True),
    sa.Column('brand_colour', sa.String(length=7), nullable=False),
    sa.Column('nation', sa.String(length=20), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_address', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('logo_file_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_council_identity_single_row')),
    sa.ForeignKeyConstraint(['logo_file_id'], ['stored_files.id'], name=op.f('fk_council_identity_logo_file_id_stored_files'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_council_identity_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_identity'))
    )


def downgrade() -> None:
    op.drop_table('council_identity')
    op.drop_table('retention_periods')
