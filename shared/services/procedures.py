"""Procedures: read the current versions, and edit one by making a new version.

The presets are installed by the migrations (each with its own frozen copy of the data).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from shared.clock import utcnow
from shared.db import db
from shared.domain.procedures import PRESETS, ProcedureRules, StageRules
from shared.models import Procedure, ProcedureStage, User
from shared.services import audit


def current(slug: str) -> Procedure | None:
    return db.session.scalar(
        select(Procedure)
        .where(Procedure.slug == slug, Procedure.is_current.is_(True))
        .options(selectinload(Procedure.stages))
    )


def all_current() -> list[Procedure]:
    return list(
        db.session.scalars(
            select(Procedure).where(Procedure.is_current.is_(True)).options(selectinload(Procedure.stages)).order_by(Procedure.name)
        )
    )


def new_version(slug: str, stages: list[StageRules], actor: User | None, **changes: object) -> Procedure:
    """Save an edit as the next version; cases already running keep the version they started under."""
    previous = current(slug)
    if previous is None:
        raise LookupError(slug)
    rules = replace(previous.rules(), stages=tuple(stages), **changes)
    if rules.name != previous.name:  # a translation is of the English it was written for
        rules = replace(rules, translations={})
    latest = db.session.scalar(select(func.max(Procedure.version)).where(Procedure.slug == slug)) or 0
    previous.is_current = False
    db.session.flush()
    saved = _store(rules, version=latest + 1, actor=actor)
    audit.record("procedure.saved", actor=actor, subject_type="procedure", subject_id=saved.id, slug=slug,
                 version=saved.version, previous_version=previous.version)
    return saved


def install_missing_presets(actor: User | None = None) -> list[str]:
    """Install each standard procedure that has no version yet (the migrations normally have); return their slugs."""
    present = set(db.session.scalars(select(Procedure.slug).distinct()))
    missing = [rules for rules in PRESETS if rules.slug not in present]
    for rules in missing:
        _store(rules, version=1, actor=actor)
    return [rules.slug for rules in missing]


def _store(rules: ProcedureRules, *, version: int, actor: User | None) -> Procedure:
    procedure = Procedure(
        slug=rules.slug,
        version=version,
        is_current=True,
        name=rules.name,
        name_cy=rules.name_cy,
        translations={language: dict(fields) for language, fields in rules.translations.items()},
        kind=rules.kind,
        ombudsman=rules.ombudsman,
        created_at=utcnow(),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(procedure)
    db.session.flush()
    for stage in rules.stages:
        row = ProcedureStage.from_rules(stage)
        row.procedure_id = procedure.id
        db.session.add(row)
    db.session.flush()
    return procedure
