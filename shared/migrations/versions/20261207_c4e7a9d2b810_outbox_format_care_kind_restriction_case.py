"""outbox message format (large print) in place of the subject prefix; services' social-care kind

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
outbox = sa.table('outbox_messages', sa.column('channel', sa.String), sa.column('locale', sa.String),
                  sa.column('subject', sa.String), sa.column('format', sa.String))


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


def downgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('care_kind')

    # Without the column, the prefix is what marks a large-print letter again.
    for locale, prefix in LARGE_PRINT_PREFIXES.items():
        op.execute(outbox.update()
                   .where(outbox.c.format == 'large_print', outbox.c.locale == locale)
                   .values(subject=sa.func.substr(sa.literal(prefix) + outbox.c.subject, 1, 200)))
    op.execute(outbox.update()
               .where(outbox.c.format == 'large_print', outbox.c.locale.not_in(list(LARGE_PRINT_PREFIXES)))
               .values(subject=sa.func.substr(sa.literal(LARGE_PRINT_PREFIXES['en']) + outbox.c.subject, 1, 200)))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('format')
