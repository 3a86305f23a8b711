"""the council's own complaint reasons, each in one of the four report categories

Revision ID: e5b9c3a7d1f4
Revises: dbb0a6683aca
Create Date: 2026-12-08 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'e5b9c3a7d1f4'
down_revision = 'dbb0a6683aca'
branch_labels = None
depends_on = None

_CATEGORIES = ('quality_of_service', 'timeliness', 'staff_attitude', 'policy')


def upgrade() -> None:
    # The defaults come with `redress demo-data` (some belong to a demo service); a council starts
    # with none, and triage asks for the category alone until it adds its own.
    op.create_table('complaint_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_cy', sa.String(length=120), nullable=False),
    sa.Column('category', sa.Enum(*_CATEGORIES, name='casereason', native_enum=False, length=30), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_complaint_reasons_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_reasons'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_detail_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_reason_detail_id'), ['reason_detail_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_reason_detail_id_complaint_reasons'), 'complaint_reasons',
                                    ['reason_detail_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_reason_detail_id_complaint_reasons'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_reason_detail_id'))
        batch_op.drop_column('reason_detail_id')
    op.drop_table('complaint_reasons')
