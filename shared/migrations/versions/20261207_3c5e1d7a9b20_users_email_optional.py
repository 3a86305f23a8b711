"""users.email optional: records without an email address hold NULL, not a placeholder

Revision ID: 3c5e1d7a9b20
Revises: c4e7a9d2b810
Create Date: 2026-12-07 03:45:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '3c5e1d7a9b20'
down_revision = 'c4e7a9d2b810'
branch_labels = None
depends_on = None

# The placeholder customer records were given while the column was required (RFC 2606 domain).
PLACEHOLDER_DOMAIN = '@no-email.invalid'


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=320), nullable=True)
    users = sa.table('users', sa.column('email', sa.String(320)))
    op.execute(users.update().where(users.c.email.like('%' + PLACEHOLDER_DOMAIN)).values(email=None))


def downgrade() -> None:
    # Give each record without an address a unique placeholder again, so the column can be required.
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('email', sa.String(320)))
    placeholder = sa.literal('record-') + sa.cast(users.c.id, sa.String) + sa.literal(PLACEHOLDER_DOMAIN)
    op.execute(users.update().where(users.c.email.is_(None)).values(email=placeholder))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=320), nullable=False)
