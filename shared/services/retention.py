"""How many years after closing a case is kept, per procedure, before it is anonymised; admins set
it in /staff/admin/retention, the privacy notice and the close-your-account pages quote it.

A period belongs to a procedure's slug, so every version of the procedure shares it. A procedure
with no saved period keeps CASE_RETENTION_YEARS. The anonymising job reads `years_for(slug)` for
each closed case's procedure (or `periods()` once for a batch). Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from shared.clock import utcnow
from shared.db import db
from shared.domain.retention import CASE_RETENTION_YEARS, MAX_YEARS, MIN_YEARS
from shared.domain.translations import pick
from shared.models import Procedure, RetentionPeriod, User
from shared.services import audit

AUDIT_SUBJECT = "retention"


@dataclass(frozen=True)
class Period:
    slug: str
    name: str
    name_cy: str
    years: int
    saved: bool  # False: the default, nobody has set it
    translations: dict = field(default_factory=dict, compare=False)

    def display_name(self, locale: str) -> str:
        return pick(locale, self.name, self.name_cy, self.translations)


def periods() -> list[Period]:
    """Every current procedure with its period, by name (one query)."""
    rows = db.session.execute(
        select(Procedure.slug, Procedure.name, Procedure.name_cy, RetentionPeriod.years, Procedure.translations)
        .outerjoin(RetentionPeriod, RetentionPeriod.procedure_slug == Procedure.slug)
        .where(Procedure.is_current.is_(True))
        .order_by(Procedure.name)
    ).all()
    return [Period(slug, name, name_cy, years if years is not None else CASE_RETENTION_YEARS, years is not None,
                   translations or {})
            for slug, name, name_cy, years, translations in rows]


def years_for(slug: str) -> int:
    """The period for one procedure's closed cases (one query)."""
    years = db.session.scalar(select(RetentionPeriod.years).where(RetentionPeriod.procedure_slug == slug))
    return years if years is not None else CASE_RETENTION_YEARS


def years_by_procedure() -> tuple[dict[int, int], int]:
    """Every procedure version's id with its period, and the default for the rest (one query)."""
    rows = db.session.execute(
        select(Procedure.id, RetentionPeriod.years)
        .outerjoin(RetentionPeriod, RetentionPeriod.procedure_slug == Procedure.slug)
    ).all()
    return ({procedure_id: years if years is not None else CASE_RETENTION_YEARS for procedure_id, years in rows},
            CASE_RETENTION_YEARS)


@dataclass(frozen=True)
class Summary:
    """What residents are told: one figure when every procedure has the same, else each procedure's."""

    shortest: int
    longest: int
    periods: list[Period]

    @property
    def uniform(self) -> bool:
        return self.shortest == self.longest

    @property
    def years_text(self) -> str:
        """"6", or "6 to 10": for a sentence "we keep each case for … years" (call in the reader's language)."""
        if self.uniform:
            return str(self.longest)
        return _("%(shortest)d to %(longest)d", shortest=self.shortest, longest=self.longest)

    def grouped(self, locale: str) -> list[tuple[int, list[str]]]:
        """Procedures' names by period, shortest first: [(6, ["Corporate…", …]), (10, […])]."""
        groups: dict[int, list[str]] = {}
        for period in self.periods:
            groups.setdefault(period.years, []).append(period.display_name(locale))
        return sorted(groups.items())


def summary() -> Summary:
    found = periods()
    figures = [p.years for p in found] or [CASE_RETENTION_YEARS]
    return Summary(min(figures), max(figures), found)


class OutOfRange(ValueError):
    pass


def save(actor: User, years: dict[str, int]) -> dict[str, list]:
    """Set each procedure's period (slug → years); audit the ones that changed and return them.

    Unknown slugs are refused (LookupError) and figures outside 1–20 (OutOfRange) before anything
    is written.
    """
    current = {period.slug: period for period in periods()}
    unknown = set(years) - set(current)
    if unknown:
        raise LookupError(", ".join(sorted(unknown)))
    if any(not MIN_YEARS <= value <= MAX_YEARS for value in years.values()):
        raise OutOfRange(f"years must be from {MIN_YEARS} to {MAX_YEARS}")
    changes = {slug: [current[slug].years, value] for slug, value in years.items() if current[slug].years != value}
    if not changes:
        return {}
    saved = {row.procedure_slug: row for row in db.session.scalars(
        select(RetentionPeriod).where(RetentionPeriod.procedure_slug.in_(list(changes))))}
    now = utcnow()
    for slug, (_before, after) in changes.items():
        row = saved.get(slug)
        if row is None:
            row = RetentionPeriod(procedure_slug=slug)
            db.session.add(row)
        row.years, row.updated_at, row.updated_by_id = after, now, actor.id
    db.session.flush()
    audit.record("retention.changed", actor=actor, subject_type=AUDIT_SUBJECT, changes=changes)
    return changes


def history(limit: int = 50) -> list[audit.Change]:
    """Who changed which period, when, from → to; newest first (one query)."""
    return audit.changes(AUDIT_SUBJECT, limit=limit)
