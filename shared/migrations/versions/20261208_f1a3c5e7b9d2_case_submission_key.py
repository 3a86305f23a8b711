"""one case per submitted form: cases.submission_key

Revision ID: f1a3c5e7b9d2
Revises: e5b2c8d1a4f7
Create Date: 2026-12-08 12:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'f1a3c5e7b9d2'
down_revision = 'e5b2c8d1a4f7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_cases_submission_key'), ['submission_key'])


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_cases_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')
