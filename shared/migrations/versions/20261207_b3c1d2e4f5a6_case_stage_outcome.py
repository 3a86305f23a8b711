"""case stage outcome, for reports

Revision ID: b3c1d2e4f5a6
Revises: 3c5e1d7a9b20
Create Date: 2026-12-07 04:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'b3c1d2e4f5a6'
down_revision = '3c5e1d7a9b20'
branch_labels = None
depends_on = None

_FINDINGS = ('upheld', 'partly_upheld', 'not_upheld')


def _overall(findings) -> str | None:
    # The rule of shared.domain.reporting.overall_finding, written out so the migration never changes.
    values = {value for value in (findings or {}).values() if value in _FINDINGS}
    if not values:
        return None
    if values == {'upheld'}:
        return 'upheld'
    if values == {'not_upheld'}:
        return 'not_upheld'
    return 'partly_upheld'


def upgrade() -> None:
    with op.batch_alter_table('case_stages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.Enum(*_FINDINGS, name='finding', native_enum=False, length=30), nullable=True))

    stages = sa.table('case_stages', sa.column('id', sa.Integer()), sa.column('findings', sa.JSON()),
                      sa.column('responded_at'), sa.column('outcome', sa.String(30)))
    connection = op.get_bind()
    rows = connection.execute(sa.select(stages.c.id, stages.c.findings).where(stages.c.responded_at.is_not(None))).all()
    for stage_id, findings in rows:
        outcome = _overall(findings)
        if outcome is not None:
            connection.execute(sa.update(stages).where(stages.c.id == stage_id).values(outcome=outcome))


def downgrade() -> None:
    with op.batch_alter_table('case_stages', schema=None) as batch_op:
        batch_op.drop_column('outcome')
