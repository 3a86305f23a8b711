"""The council's own complaint reasons, as admins keep them: names in both languages, the report
category each belongs to, the service it is for (or all), offered or not, and its place in the list.
Every change is audited with what each field was and became."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from shared.db import db
from shared.domain.enums import CaseReason
from shared.models import Case, ComplaintReason, Service, User
from shared.services import audit

SUBJECT = "complaint_reason"
FIELDS = ("name", "name_cy", "category", "service_id", "active", "sort_order")
CATEGORY_ORDER = {category: index for index, category in enumerate(CaseReason)}


class NameTaken(Exception):
    """Another reason has this name: imports and exports find a reason by its name."""


class CategoryInUse(Exception):
    """The reason is on cases: moving it to another category would silently move those cases'
    figures between the committee report's categories, so it keeps the one it has."""


@dataclass(frozen=True)
class ReasonRow:
    reason: ComplaintReason
    service_name: str | None
    cases: int


@dataclass
class CategoryGroup:
    category: CaseReason
    rows: list[ReasonRow] = field(default_factory=list)


def listed(locale: str = "en") -> list[CategoryGroup]:
    """Every reason by category (the four always shown), with its service and how many cases
    record it: one grouped query."""
    rows = db.session.execute(
        select(ComplaintReason, Service, func.count(Case.id))
        .outerjoin(Service, Service.id == ComplaintReason.service_id)
        .outerjoin(Case, Case.reason_detail_id == ComplaintReason.id)
        .group_by(ComplaintReason.id, Service.id)
        .order_by(ComplaintReason.sort_order, ComplaintReason.name)
    ).all()
    groups = {category: CategoryGroup(category) for category in CaseReason}
    for reason, service, cases in rows:
        groups[reason.category].rows.append(
            ReasonRow(reason, service.display_name(locale) if service else None, cases))
    for group in groups.values():  # offered first, in the council's order
        group.rows.sort(key=lambda row: not row.reason.active)
    return list(groups.values())


def get(reason_id: int) -> ComplaintReason | None:
    return db.session.get(ComplaintReason, reason_id)


def cases_using(reason_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Case).where(Case.reason_detail_id == reason_id)) or 0


def offered_for(service_id: int | None) -> list[ComplaintReason]:
    """The reasons triage offers for a service: those for every service and those for this one,
    by category, then the council's order."""
    condition = ComplaintReason.service_id.is_(None)
    if service_id is not None:
        condition = or_(condition, ComplaintReason.service_id == service_id)
    reasons = db.session.scalars(
        select(ComplaintReason).where(ComplaintReason.active.is_(True), condition)
        .order_by(ComplaintReason.sort_order, ComplaintReason.name)).all()
    return sorted(reasons, key=lambda reason: CATEGORY_ORDER[reason.category])


def by_name() -> dict[str, ComplaintReason]:
    """Every reason, offered or not, by its name folded to lower case (for imports)."""
    return {reason.name.casefold(): reason for reason in db.session.scalars(select(ComplaintReason))}


def _plain(value):
    return value.value if isinstance(value, CaseReason) else value


def save(reason: ComplaintReason | None, actor: User, *, name: str, name_cy: str, category: CaseReason,
         service_id: int | None, active: bool, sort_order: int) -> ComplaintReason:
    """Add a reason or change one; audited either way. Raises NameTaken, or CategoryInUse when a
    reason already on cases would move to another category."""
    new = reason is None
    values = {"name": name.strip(), "name_cy": name_cy.strip(), "category": category, "service_id": service_id,
              "active": active, "sort_order": sort_order}
    clash = select(ComplaintReason.id).where(func.lower(ComplaintReason.name) == values["name"].lower())
    if not new:
        clash = clash.where(ComplaintReason.id != reason.id)
    if db.session.scalar(clash) is not None:
        raise NameTaken(values["name"])
    if not new and reason.category != category and cases_using(reason.id):
        raise CategoryInUse(reason.id)
    if new:
        reason = ComplaintReason()
        db.session.add(reason)
    changes = {key: [None if new else _plain(getattr(reason, key)), _plain(value)]
               for key, value in values.items() if new or getattr(reason, key) != value}
    for key, value in values.items():
        setattr(reason, key, value)
    db.session.flush()
    if changes:
        audit.record("reason.created" if new else "reason.changed", actor=actor, subject_type=SUBJECT,
                     subject_id=reason.id, changes=changes)
    return reason


def history(reason_id: int) -> list[audit.Change]:
    """Who changed the reason, when, each field from → to; newest first (one query)."""
    return audit.changes(SUBJECT, reason_id)


# Demo defaults: (name, Welsh name, category, service slug or None for every service).
DEFAULTS = [
    ("Poor quality of work", "Gwaith o ansawdd gwael", CaseReason.QUALITY_OF_SERVICE, None),
    ("Wrong or unclear information given", "Gwybodaeth anghywir neu aneglur", CaseReason.QUALITY_OF_SERVICE, None),
    ("Repair not done or not fixed", "Atgyweiriad heb ei wneud neu heb ei drwsio", CaseReason.QUALITY_OF_SERVICE,
     "housing-repairs"),
    ("Damp and mould not dealt with", "Lleithder a llwydni heb eu datrys", CaseReason.QUALITY_OF_SERVICE,
     "housing-repairs"),
    ("Missed bin collection", "Casgliad bin wedi'i fethu", CaseReason.QUALITY_OF_SERVICE, "waste-recycling"),
    ("Mistake on a bill or account", "Camgymeriad ar fil neu gyfrif", CaseReason.QUALITY_OF_SERVICE,
     "council-tax-benefits"),
    ("Delay in doing what was promised", "Oedi cyn gwneud yr hyn a addawyd", CaseReason.TIMELINESS, None),
    ("No reply to calls, emails or letters", "Dim ateb i alwadau, e-byst na llythyrau", CaseReason.TIMELINESS, None),
    ("Appointment missed or late", "Apwyntiad wedi'i fethu neu'n hwyr", CaseReason.TIMELINESS, None),
    ("Slow to process a claim or application", "Araf yn prosesu hawliad neu gais", CaseReason.TIMELINESS,
     "council-tax-benefits"),
    ("Rude or unhelpful staff", "Staff anghwrtais neu ddi-fudd", CaseReason.STAFF_ATTITUDE, None),
    ("Staff did not listen or take it seriously", "Ni wrandawodd y staff na'i gymryd o ddifrif",
     CaseReason.STAFF_ATTITUDE, None),
    ("Contractor's behaviour", "Ymddygiad contractwr", CaseReason.STAFF_ATTITUDE, None),
    ("Disagrees with a council decision", "Anghytuno â phenderfyniad y cyngor", CaseReason.POLICY, None),
    ("Policy applied unfairly", "Polisi wedi'i gymhwyso'n annheg", CaseReason.POLICY, None),
    ("Charges or fees", "Taliadau neu ffioedd", CaseReason.POLICY, None),
]


def load_defaults(services: dict[str, Service]) -> list[ComplaintReason]:
    """The demo council's reasons (services by slug; a reason for a service it lacks is skipped)."""
    added = []
    for order, (name, name_cy, category, slug) in enumerate(DEFAULTS, start=1):
        if slug is not None and slug not in services:
            continue
        reason = ComplaintReason(name=name, name_cy=name_cy, category=category, active=True, sort_order=order * 10,
                                 service_id=services[slug].id if slug else None)
        db.session.add(reason)
        added.append(reason)
    db.session.flush()
    return added


def service_of(reason: ComplaintReason) -> Service:
    return db.session.get(Service, reason.service_id)


def service_names() -> dict[int, str]:
    """Every service's name by id, for the history's from → to (one query)."""
    return dict(db.session.execute(select(Service.id, Service.name)).all())
