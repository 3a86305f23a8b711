"""Subject-access requests (UK GDPR Article 15): everything the council holds about one person, in
one download for a manager to check and send: a zip with index.html to read, data.json, and every
file on their cases.

It starts from the person's own "your data" export (shared/services/privacy.py) and adds what only
staff can gather: the cases they act on as a representative, their restrictions, what they were
signposted to, and the audit log of who looked at or changed their record. The download is audited.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from flask import render_template
from sqlalchemy import or_, select

from shared.clock import utcnow
from shared.db import db
from shared.models import (
    Case,
    CaseRepresentative,
    FeedbackDraft,
    Restriction,
    Signpost,
    StoredFile,
    SupportService,
    User,
)
from shared.services import audit, files, privacy


def _represented(person: User):
    return Case.id.in_(select(CaseRepresentative.case_id).where(CaseRepresentative.representative_id == person.id))


def gather(person: User, locale: str = "en") -> dict[str, Any]:
    """The person's export with the staff-side records added (plain data for JSON and the index)."""
    data = privacy.export_for(person, locale)
    data["cases_as_representative"] = privacy.cases_where(_represented(person), locale)
    data["restrictions"] = [
        {"status": r.status.value, "status_label": str(r.status.label), "category_label": str(r.category.label),
         "types": list(r.types or []), "behaviour": r.behaviour, "terms": r.terms, "proposed_at": r.proposed_at,
         "decided_at": r.decided_at, "starts_on": r.starts_on, "review_on": r.review_on, "ends_on": r.ends_on,
         "lifted_at": r.lifted_at, "lift_reason": r.lift_reason}
        for r in db.session.scalars(select(Restriction).where(Restriction.person_id == person.id)
                                    .order_by(Restriction.proposed_at, Restriction.id))
    ]
    data["signposts"] = _signposts(person, locale)
    data["who_saw_or_changed_your_record"] = [
        {"at": event.at, "by": event.actor.full_name if event.actor else None, "action": event.action}
        for event in reversed(audit.for_person(person.id, limit=None))
    ]
    return data


def _signposts(person: User, locale: str) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Signpost).where(Signpost.person_id == person.id).order_by(Signpost.at, Signpost.id)).all()
    wanted = {service_id for row in rows for service_id in row.service_ids or []}
    names = {s.id: s.display_name(locale) for s in db.session.scalars(
        select(SupportService).where(SupportService.id.in_(wanted)))} if wanted else {}
    return [{"at": row.at, "why": row.context, "shown": [names.get(i, str(i)) for i in row.service_ids or []]}
            for row in rows]


def _stored_files(person: User) -> list[StoredFile]:
    drafts = select(FeedbackDraft.id).where(FeedbackDraft.user_id == person.id)
    cases = select(Case.id).where(or_(Case.resident_id == person.id, _represented(person)))
    return list(db.session.scalars(
        select(StoredFile).where(or_(StoredFile.case_id.in_(cases), StoredFile.draft_id.in_(drafts)))
        .order_by(StoredFile.id)))


def _zip_name(stored: StoredFile) -> str:
    safe = re.sub(r"[^A-Za-z0-9._ -]", "_", files.clean_name(stored.original_name))
    return f"files/{stored.id}-{safe}"


def download(person: User, actor: User, locale: str = "en") -> tuple[bytes, str]:
    """The zip and its file name; the request is recorded in the audit log (who, whose, how much)."""
    data = gather(person, locale)
    stored = _stored_files(person)
    directory = files.upload_dir()
    data["files_included"] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in stored:
            path = directory / row.stored_name
            if path.exists():
                archive.write(path, _zip_name(row))
                data["files_included"].append({"name": row.original_name, "in_this_download": _zip_name(row),
                                               "size_bytes": row.size})
        archive.writestr("data.json", privacy.to_json(data))
        archive.writestr("index.html", render_template("shared/subject_access.html", data=data, person=person))
    audit.record("customer.subject_access", actor=actor, subject_type="customer", subject_id=person.id,
                 person_id=person.id, cases=len(data["cases"]) + len(data["cases_as_representative"]),
                 files=len(data["files_included"]))
    return buffer.getvalue(), f"subject-access-{person.id}-{utcnow().date().isoformat()}.zip"

