"""employees named by complaints about staff attitude and behaviour

Revision ID: d7a4f1c2e9b3
Revises: d8f2a6c4e1b3
Create Date: 2026-12-07 08:15:00
"""

from alembic import op
import sqlalchemy as sa
import shared.db


revision = 'd7a4f1c2e9b3'
down_revision = 'd8f2a6c4e1b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_named_employees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_named_employees_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_case_named_employees_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_case_named_employees_service_id_services')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_named_employees_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_named_employees')),
    sa.UniqueConstraint('case_id', 'service_id', 'name_key', name=op.f('uq_case_named_employees_case_id'))
    )
    with op.batch_alter_table('case_named_employees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_named_employees_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_named_employees_name_key_service_id', ['name_key', 'service_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_named_employees', schema=None) as batch_op:
        batch_op.drop_index('ix_case_named_employees_name_key_service_id')
        batch_op.drop_index(batch_op.f('ix_case_named_employees_case_id'))
    op.drop_table('case_named_employees')
