"""complex member enquiry preset

Revision ID: 63db5d990dc4
Revises: 92176c276a05
Create Date: 2026-11-22 22:30:55.431743
"""

from alembic import op
import sqlalchemy as sa
from datetime import datetime, timezone


revision = '63db5d990dc4'
down_revision = '92176c276a05'
branch_labels = None
depends_on = None


# The preset as written for this migration (its own copy; see the procedures migration).
PRESET = {
    "slug": "member-enquiry-complex",
    "name": "Member enquiries (complex, agreed date)",
    "name_cy": "Ymholiadau gan aelodau (cymhleth, dyddiad wedi'i gytuno)",
    "kind": "member_enquiry",
    "ombudsman": "none",
}
STAGE = {
    "number": 1, "name": "Enquiry", "name_cy": "Ymholiad", "acknowledge_within": None, "respond_within": None,
    "respond_from": "agreed", "extension_max": None, "agreed_max_days": 92, "escalation_window": None,
    "different_handler": False, "independent_person": False, "advocacy_offered": False,
}
procedures = sa.table("procedures", *(sa.column(c) for c in ("id", "slug", "version", "is_current", "name", "name_cy", "kind", "ombudsman", "created_at")))
stages = sa.table("procedure_stages", sa.column("procedure_id"), *(sa.column(c) for c in STAGE))


def upgrade() -> None:
    connection = op.get_bind()
    if connection.execute(sa.select(procedures.c.id).where(procedures.c.slug == PRESET["slug"])).first():
        return  # already installed (by demo data from newer code)
    connection.execute(procedures.insert().values(version=1, is_current=True, created_at=datetime.now(timezone.utc), **PRESET))
    procedure_id = connection.execute(sa.select(procedures.c.id).where(procedures.c.slug == PRESET["slug"])).scalar_one()
    connection.execute(stages.insert().values(procedure_id=procedure_id, **STAGE))


def downgrade() -> None:
    connection = op.get_bind()
    ids = [row.id for row in connection.execute(sa.select(procedures.c.id).where(procedures.c.slug == PRESET["slug"]))]
    if ids:
        connection.execute(stages.delete().where(stages.c.procedure_id.in_(ids)))
        connection.execute(procedures.delete().where(procedures.c.id.in_(ids)))
