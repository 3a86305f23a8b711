"""outbox message format (large print) in place of the subject prefix; services' social-care kind;
the case a restriction was proposed from

Revision ID: c4e7a9d2b810
Revises: 916f8afe3218
Create Date: 2026-12-07 03:50:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = 'c4e7a9d2b810'
down_revision = '916f8afe3218'
branch_labels = None
depends_on = None

# The prefix large-print letters carried before there was a format column, in each letter's language.
LARGE_PRINT_PREFIXES = {'en': 'Large print: ', 'cy': 'Print bras: '}

# The slugs social care was recognised by before services had a care kind.
CARE_KIND_SLUGS = {'children': ('childrens-services', 'childrens-social-care', 'children-and-families'),
                   'adults': ('adult-social-care', 'adults-social-care')}

services = sa.table('services', sa.column('slug', sa.String), sa.column('care_kind', sa.String))
outbox = sa.table('outbox_messages', sa.column('id', sa.Integer), sa.column('channel', sa.String),
                  sa.column('locale', sa.String), sa.column('subject', sa.String), sa.column('format', sa.String),
                  sa.column('case_id', sa.Integer))
restrictions = sa.table('restrictions', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
                        sa.column('letter_message_id', sa.Integer))
audit_events = sa.table('audit_events', sa.column('action', sa.String), sa.column('subject_type', sa.String),
                        sa.column('subject_id', sa.Integer), sa.column('details', sa.JSON))
cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('reference', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('format', sa.Enum('standard', 'large_print', name='messageformat', native_enum=False, length=20), server_default='standard', nullable=False))

    # Letters already marked by the prefix: mark them by the column, and give them back their subject.
    for prefix in LARGE_PRINT_PREFIXES.values():
        op.execute(outbox.update()
                   .where(outbox.c.channel == 'letter', outbox.c.subject.startswith(prefix, autoescape=True))
                   .values(format='large_print', subject=sa.func.substr(outbox.c.subject, len(prefix) + 1)))

    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('care_kind', sa.Enum('children', 'adults', name='carekind', native_enum=False, length=20), nullable=True))
    for kind, slugs in CARE_KIND_SLUGS.items():
        op.execute(services.update().where(services.c.slug.in_(slugs)).values(care_kind=kind))

    with op.batch_alter_table('restrictions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_restrictions_case_id_cases'), 'cases', ['case_id'], ['id'], ondelete='SET NULL')
    _restriction_cases_from_the_audit()


def _restriction_cases_from_the_audit() -> None:
    """Until now the case a restriction was proposed from was only in its audit entry (by reference):
    copy it to the restriction, and to its latest letter, so the person sees that on the case's page.
    Restrictions are few, so this reads them in Python rather than through JSON in SQL."""
    connection = op.get_bind()
    proposed = connection.execute(
        sa.select(audit_events.c.subject_id, audit_events.c.details)
        .where(audit_events.c.action == 'restriction.proposed', audit_events.c.subject_type == 'restriction')
    ).all()
    references = {row.subject_id: (row.details or {}).get('case_reference') for row in proposed}
    wanted = {reference for reference in references.values() if reference}
    if not wanted:
        return
    case_ids = dict(connection.execute(sa.select(cases.c.reference, cases.c.id).where(cases.c.reference.in_(wanted))).all())
    for restriction_id, reference in references.items():
        case_id = case_ids.get(reference)
        if restriction_id is None or case_id is None:
            continue
        connection.execute(restrictions.update().where(restrictions.c.id == restriction_id).values(case_id=case_id))
        letter_id = connection.execute(
            sa.select(restrictions.c.letter_message_id).where(restrictions.c.id == restriction_id)).scalar()
        if letter_id is not None:
            connection.execute(outbox.update().where(outbox.c.id == letter_id, outbox.c.case_id.is_(None))
                               .values(case_id=case_id))


def downgrade() -> None:
    # Letters keep the case they were given: an outbox message may name a case, and did before.
    with op.batch_alter_table('restrictions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_restrictions_case_id_cases'), type_='foreignkey')
        batch_op.drop_column('case_id')

    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy: services and outbox messages
    # are referenced by other tables, and dropping them for the copy fails with foreign keys on.
    op.drop_column('services', 'care_kind')

    # Without the column, the prefix is what marks a large-print letter again.
    for locale, prefix in LARGE_PRINT_PREFIXES.items():
        op.execute(outbox.update()
                   .where(outbox.c.format == 'large_print', outbox.c.locale == locale)
                   .values(subject=sa.func.substr(sa.literal(prefix) + outbox.c.subject, 1, 200)))
    op.execute(outbox.update()
               .where(outbox.c.format == 'large_print', outbox.c.locale.not_in(list(LARGE_PRINT_PREFIXES)))
               .values(subject=sa.func.substr(sa.literal(LARGE_PRINT_PREFIXES['en']) + outbox.c.subject, 1, 200)))
    op.drop_column('outbox_messages', 'format')
