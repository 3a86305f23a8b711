"""audit_events append-only (triggers refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE); indexes for
the admins' audit search, newest first by each filter

Revision ID: 715d5e6af847
Revises: 9024fae429eb
Create Date: 2026-12-08 15:30:00
"""

from alembic import op


revision = '715d5e6af847'
down_revision = '9024fae429eb'
branch_labels = None
depends_on = None

# The same words on both databases, so tests and people can recognise the refusal.
MESSAGE = 'audit_events is append-only'

# A later migration that rebuilds audit_events with batch_alter_table on SQLite (copy and rename)
# loses these triggers: it must create them again.
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_refuse()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse()""",
]


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_at')
        batch_op.drop_index('ix_audit_events_person_id')
        batch_op.create_index('ix_audit_events_at', ['at', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_actor', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_events_person', ['person_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_events_action', ['action', 'at'], unique=False)
    # After the batch block: on SQLite it may have rebuilt the table.
    for statement in _triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_events_no_truncate ON audit_events')
        op.execute('DROP TRIGGER audit_events_no_change ON audit_events')
        op.execute('DROP FUNCTION audit_events_refuse()')
    else:
        op.execute('DROP TRIGGER audit_events_no_update')
        op.execute('DROP TRIGGER audit_events_no_delete')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action')
        batch_op.drop_index('ix_audit_events_person')
        batch_op.drop_index('ix_audit_events_actor')
        batch_op.drop_index('ix_audit_events_at')
        batch_op.create_index('ix_audit_events_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_audit_events_at', ['at'], unique=False)


def _triggers() -> list[str]:
    return POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == 'postgresql' else SQLITE_TRIGGERS
