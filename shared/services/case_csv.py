"""The case spreadsheet: one format for exporting case lists and importing cases from other systems.

One row per stage of a case: an escalated case has a row for stage 1 and a row for stage 2. Columns
that describe the case (kind, service, the person…) are the same on each of its rows; the status, how
it closed and the Ombudsman are on the row of its last stage. docs/import-format.md is the reference.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from shared.clock import to_london
from shared.db import db
from shared.domain.enums import CaseStatus, EventType
from shared.models import Case, CaseEvent, CaseStage, ComplaintReason, OmbudsmanReferral, Procedure, Service, User, Ward
from shared.services.reports import FORMULA_STARTS

# The columns, in order. Export writes all of them; import reads all but EXPORT_ONLY.
COLUMNS = (
    "reference", "stage", "escalated_from", "kind", "procedure", "service", "reason", "reason_detail", "channel",
    "ward", "status", "received_on", "triaged_on", "acknowledged_on", "acknowledge_by", "respond_by", "extended_to",
    "responded_on", "outcome", "closed_on", "closure_code", "closure_reason",
    "refusal_ground", "ombudsman", "ombudsman_reference", "ombudsman_received_on", "ombudsman_decision", "ombudsman_decided_on",
    "name", "email", "phone", "address", "summary", "handler",
)
EXPORT_ONLY = frozenset({"handler"})
REQUIRED = ("reference", "stage", "kind", "service", "received_on")
# Columns that describe the case, so the same on each of its rows.
CASE_COLUMNS = ("kind", "procedure", "service", "reason", "reason_detail", "channel", "ward", "name", "email", "phone",
                "address", "summary")
# Columns about how the case ends: on the row of its last stage only.
LAST_STAGE_COLUMNS = ("closed_on", "closure_code", "closure_reason", "refusal_ground", "ombudsman", "ombudsman_reference",
                      "ombudsman_received_on", "ombudsman_decision", "ombudsman_decided_on")
# Kinds of triage, the first one of which a case's first triage date is read from.
TRIAGE_EVENTS = (EventType.TRIAGED_COMPLAINT, EventType.TRIAGED_SERVICE_REQUEST, EventType.TRIAGED_FEEDBACK,
                 EventType.SIGNPOSTED, EventType.MARKED_DUPLICATE, EventType.REFUSED)
EXPORT_BATCH = 10_000
_FORMULA_FIRST = "".join(FORMULA_STARTS)
EXAMPLE = Path(__file__).with_name("case_import_example.csv")

# What each column holds, for the upload page (docs/import-format.md says the same at length).
COLUMN_HELP = {
    "reference": _l("The case's reference, up to 20 letters, digits and / . _ -. Required."),
    "stage": _l("The stage this row is about: 1, 2 or 3. Required."),
    "escalated_from": _l("For a later stage, the reference of the row it was escalated from. Empty for stage 1 "
                         "and for a complaint that went straight to stage 2."),
    "kind": _l("complaint, service_request, compliment, comment or member_enquiry. Required."),
    "procedure": _l("The procedure's short name, such as corporate, housing, adults or children. Empty: the "
                    "usual one for the kind."),
    "service": _l("The service's short name or its name as shown in Redress. Required."),
    "reason": _l("quality_of_service, timeliness, staff_attitude or policy."),
    "reason_detail": _l("The council's own reason, by its name in Redress (Complaint reasons). Empty: the "
                        "reason category alone. It sets the category when reason is empty."),
    "channel": _l("online, phone, face_to_face, letter, email, councillor or social_media. Empty: letter."),
    "ward": _l("The ward's name or its ONS code."),
    "status": _l("Where the case is now, on the row of its last stage (earlier stages: escalated). Empty: "
                 "worked out from the dates."),
    "received_on": _l("The date the stage was received, like 2024-05-31 or 31/05/2024. Required."),
    "triaged_on": _l("The date the case was triaged (first stage only). Empty: the date received."),
    "acknowledged_on": _l("The date the stage was acknowledged."),
    "acknowledge_by": _l("The date it was due to be acknowledged. Empty: worked out from the procedure."),
    "respond_by": _l("The date the response was due. Empty: worked out from the procedure."),
    "extended_to": _l("The extended response date, if the stage was extended."),
    "responded_on": _l("The date the stage's response was sent."),
    "outcome": _l("The stage's finding: upheld, partly_upheld or not_upheld."),
    "closed_on": _l("The date the case was closed (last stage's row)."),
    "closure_code": _l("responded, withdrawn, duplicate, out_of_time, not_a_complaint or referred_elsewhere."),
    "closure_reason": _l("Why it closed, or why it was not taken forward."),
    "refusal_ground": _l("For a complaint not taken forward (status refused): too_late, legal_proceedings, "
                         "already_considered, other_route, not_the_council or other. Empty: not recorded."),
    "ombudsman": _l("lgsco, housing, psow, spso or nipso, if the Ombudsman looked at it (last stage's row)."),
    "ombudsman_reference": _l("The Ombudsman's reference."),
    "ombudsman_received_on": _l("The date the Ombudsman's enquiry was received."),
    "ombudsman_decision": _l("pending, not_investigated, no_fault, fault_no_injustice or fault_injustice."),
    "ombudsman_decided_on": _l("The date of the Ombudsman's decision."),
    "name": _l("The person's full name."),
    "email": _l("Their email address: a resident with the same address is linked to the case."),
    "phone": _l("Their phone number."),
    "address": _l("Their postal address."),
    "summary": _l("What the case is about."),
    "handler": _l("Written by exports only (who handled the stage); ignored by an import."),
}


def _day(moment: datetime | None) -> str:
    return to_london(moment).date().isoformat() if moment else ""


def _iso(day: date | str | None) -> str:
    if day is None:
        return ""
    return day.isoformat() if isinstance(day, date) else str(day)[:10]


def _value(enum_value) -> str:
    return enum_value.value if enum_value is not None else ""


def export_statement(case_ids):
    """One row per stage of the cases `case_ids` (a subquery of case ids) selects, in reference and stage
    order, with everything the columns need: joins and correlated subqueries, no per-row queries."""
    resident, handler = aliased(User), aliased(User)
    earlier = aliased(CaseStage)
    later = aliased(CaseStage)
    first_triage = (
        select(func.min(CaseEvent.at))
        .where(CaseEvent.case_id == Case.id, CaseEvent.type.in_(TRIAGE_EVENTS))
        .correlate(Case)
        .scalar_subquery()
    )
    latest_referral = (
        select(func.max(OmbudsmanReferral.id)).where(OmbudsmanReferral.case_id == Case.id).correlate(Case)
        .scalar_subquery()
    )
    # Only a refused case has a refusal event; CASE keeps the look-up off every other row.
    refusal_ground = case(
        (Case.status == CaseStatus.REFUSED,
         select(CaseEvent.details["ground"].as_string())
         .where(CaseEvent.case_id == Case.id, CaseEvent.type == EventType.REFUSED)
         .order_by(CaseEvent.id.desc()).limit(1).correlate(Case).scalar_subquery()),
    )
    has_earlier = exists().where(earlier.case_id == CaseStage.case_id, earlier.number < CaseStage.number)
    has_later = exists().where(later.case_id == CaseStage.case_id, later.number > CaseStage.number)
    return (
        select(
            Case.reference, CaseStage.number, has_earlier.label("has_earlier"), has_later.label("has_later"),
            Case.kind, Procedure.slug, Service.slug, Case.reason, ComplaintReason.name, Case.channel, Ward.name,
            Case.status,
            Case.received_at, CaseStage.received_on, first_triage.label("triaged_at"), CaseStage.acknowledged_at,
            CaseStage.acknowledge_by, CaseStage.respond_by, CaseStage.extended_to, CaseStage.responded_at,
            CaseStage.outcome, Case.closed_at, Case.closure_code, Case.closure_reason,
            refusal_ground.label("refusal_ground"), OmbudsmanReferral.ombudsman, OmbudsmanReferral.their_reference, OmbudsmanReferral.received_on,
            OmbudsmanReferral.decision, OmbudsmanReferral.decided_on,
            resident.full_name, resident.email, func.coalesce(resident.phone, Case.contact_phone),
            func.coalesce(resident.address, Case.contact_address), Case.what_happened, handler.full_name,
        )
        .select_from(CaseStage)
        .join(Case, Case.id == CaseStage.case_id)
        .join(Service, Service.id == Case.service_id)
        .outerjoin(Procedure, Procedure.id == Case.procedure_id)
        .outerjoin(Ward, Ward.id == Case.ward_id)
        .outerjoin(ComplaintReason, ComplaintReason.id == Case.reason_detail_id)
        .outerjoin(resident, resident.id == Case.resident_id)
        .outerjoin(handler, handler.id == CaseStage.handler_id)
        .outerjoin(OmbudsmanReferral, and_(OmbudsmanReferral.case_id == Case.id,
                                           OmbudsmanReferral.id == latest_referral))
        .where(Case.id.in_(case_ids))
        .order_by(Case.reference, CaseStage.number)
    )


def export_rows(case_ids) -> Iterator[list[str]]:
    """The header, then one list of cells per stage, read from the database in batches (no row cap)."""
    yield list(COLUMNS)
    result = db.session.execute(export_statement(case_ids).execution_options(yield_per=EXPORT_BATCH))
    for (reference, number, has_earlier, has_later, kind, procedure, service, reason, reason_detail, channel, ward,
         status, received_at, received_on, triaged_at, acknowledged_at, acknowledge_by, respond_by, extended_to,
         responded_at, outcome, closed_at, closure_code, closure_reason, refusal_ground, ombudsman,
         ombudsman_reference, ombudsman_received_on, decision, decided_on, name, email, phone, address, summary,
         handler) in result:
        last = not has_later
        yield [
            reference, str(number), reference if has_earlier else "", _value(kind), procedure or "", service,
            _value(reason), reason_detail or "", _value(channel), ward or "",
            _value(status) if last else CaseStatus.ESCALATED.value,
            # A case's first stage was received when the case was (day 0 may be the next working day).
            _day(received_at) if not has_earlier else _iso(received_on),
            _day(triaged_at) if not has_earlier else "",
            _day(acknowledged_at), _iso(acknowledge_by), _iso(respond_by), _iso(extended_to), _day(responded_at),
            _value(outcome),
            _day(closed_at) if last else "", _value(closure_code) if last else "",
            (closure_reason or "") if last else "", (refusal_ground or "") if last else "",
            _value(ombudsman) if last else "", (ombudsman_reference or "") if last and ombudsman else "",
            _iso(ombudsman_received_on) if last else "", _value(decision) if last else "",
            _iso(decided_on) if last else "",
            name or "", email or "", phone or "", address or "", summary or "", handler or "",
        ]


def csv_lines(rows: Iterable[list[str]], *, rows_per_chunk: int = 500) -> Iterator[str]:
    """Rows of text cells as CSV in chunks, each cell that a spreadsheet would run as a formula
    neutralised (as reports.csv_cell does, inlined: an export writes millions of cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    waiting = 0
    for row in rows:
        writer.writerow([("'" + cell) if cell and cell[0] in _FORMULA_FIRST else cell for cell in row])
        waiting += 1
        if waiting >= rows_per_chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
            waiting = 0
    if waiting:
        yield buffer.getvalue()
