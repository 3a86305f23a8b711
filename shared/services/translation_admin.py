"""The admins' translations of council-entered names into the community languages (every shipped
language but English and Welsh: shared/web/locale.py), one page a language.

What is translated: the council's name, each service's name and what it covers, each procedure's and
stage's name, each complaint reason's, each signposting organisation's, and each support directory
entry's name and what it helps with. The text lives in the thing's `translations` column
(shared/domain/translations.py says which text a reader sees). A save is audited as one event with
each text from → to. A procedure is versioned and a running case keeps the version it started under,
so a procedure's or stage's translation is written to every version whose English is the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shared.clock import utcnow
from shared.db import db
from shared.domain.translations import with_text
from shared.models import (
    AuditEvent,
    ComplaintReason,
    CouncilIdentity,
    Organisation,
    Procedure,
    ProcedureStage,
    Service,
    SupportService,
    User,
)
from shared.services import audit
from shared.services import council as council_service
from shared.web.locale import LANGUAGES

SUBJECT = "translation"
ACTION = "translations.changed"
# Welsh is edited where the English is, on each thing's own form.
COMMUNITY_LANGUAGES: tuple[str, ...] = tuple(code for code in LANGUAGES if code not in {"en", "cy"})
HISTORY_LIMIT = 20
LONG_TEXT = 2000  # what a support directory entry helps with has no column limit: this is the page's


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # lazy
    fields: tuple[tuple[str, object, int], ...]  # (field, its label, most characters)
    # A kind read as a plain list of rows that may be no longer offered: its model, and what it is
    # ordered by after the offered ones first. None for the council and procedures, read their own way.
    model: type | None = None
    order: tuple = ()


KINDS: tuple[Kind, ...] = (
    Kind("council", _l("The council"), (("name", _l("Council name"), 120),)),
    Kind("service", _l("Services"), (("name", _l("Service name"), 120), ("description", _l("What it covers"), 300)),
         Service, (Service.name,)),
    Kind("procedure", _l("Procedures"), (("name", _l("Procedure name"), 120),)),
    Kind("stage", _l("Procedure stages"), (("name", _l("Stage name"), 120),)),
    Kind("reason", _l("Complaint reasons"), (("name", _l("Reason"), 120),),
         ComplaintReason, (ComplaintReason.sort_order, ComplaintReason.name)),
    Kind("organisation", _l("Signposting organisations"), (("name", _l("Organisation name"), 200),),
         Organisation, (Organisation.name,)),
    Kind("support", _l("Support directory"), (("name", _l("Support service name"), 200),
                                              ("helps_with", _l("What they help with"), LONG_TEXT)),
         SupportService, (SupportService.name,)),
)
BY_CODE = {kind.code: kind for kind in KINDS}


@dataclass(frozen=True)
class Text:
    """One council-entered text and its translation ("" when there is none yet)."""

    kind: str
    id: int
    field: str
    field_label: object
    english: str
    translation: str
    max_length: int
    context: str | None = None  # what it belongs to: a stage's procedure
    offered: bool = True
    of: str | None = None  # a description's: the English name of the thing it describes

    @property
    def key(self) -> str:
        """Its form field's name, e.g. "service_12_name"."""
        return f"{self.kind}_{self.id}_{self.field}"

    @property
    def missing(self) -> bool:
        return not self.translation

    @property
    def long(self) -> bool:
        return self.max_length > 120


@dataclass
class Group:
    kind: Kind
    texts: list[Text] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(text.missing for text in self.texts)


@dataclass(frozen=True)
class Listing:
    language: str
    groups: list[Group]
    # The rows read, by (kind, id): held here so that saving writes to them without reading them again.
    rows: dict[tuple[str, int], object] = field(default_factory=dict, repr=False)

    @property
    def texts(self) -> list[Text]:
        return [text for group in self.groups for text in group.texts]

    @property
    def total(self) -> int:
        return len(self.texts)

    @property
    def missing(self) -> int:
        return sum(group.missing for group in self.groups)

    def by_key(self) -> dict[str, Text]:
        return {text.key: text for text in self.texts}


def _texts(kind: str, row, language: str, *, context: str | None = None, offered: bool = True) -> list[Text]:
    """The row's texts to translate: a blank English (a support entry's "helps with") has none."""
    translations: Mapping = (row.translations or {}).get(language) or {}
    return [Text(kind, row.id, name, label, getattr(row, name), translations.get(name) or "", limit,
                 context, offered, None if name == "name" else row.name)
            for name, label, limit in BY_CODE[kind].fields if getattr(row, name)]


def listing(language: str) -> Listing:
    """Every translatable text with its translation into `language`, grouped by kind: the council's
    name from the identity every page reads anyway, then one query for each other kind (procedures
    and their stages together), however many things there are."""
    groups = {kind.code: Group(kind) for kind in KINDS}
    rows: dict[tuple[str, int], object] = {}
    identity = council_service.council()
    own = (identity.translations or {}).get(language) or {}
    groups["council"].texts.append(Text("council", 1, "name", BY_CODE["council"].fields[0][1], identity.english_name,
                                        own.get("name") or "", 120))
    seen: set[int] = set()
    for procedure, stage in db.session.execute(
        select(Procedure, ProcedureStage)
        .outerjoin(ProcedureStage, ProcedureStage.procedure_id == Procedure.id)
        .where(Procedure.is_current.is_(True))
        .order_by(Procedure.name, Procedure.id, ProcedureStage.number)
    ):
        if procedure.id not in seen:
            seen.add(procedure.id)
            rows["procedure", procedure.id] = procedure
            groups["procedure"].texts.extend(_texts("procedure", procedure, language))
        if stage is not None:
            rows["stage", stage.id] = stage
            groups["stage"].texts.extend(_texts("stage", stage, language, context=procedure.name))
    for kind in KINDS:
        if kind.model is None:
            continue
        for row in db.session.scalars(select(kind.model).order_by(kind.model.active.desc(), *kind.order, kind.model.id)):
            rows[kind.code, row.id] = row
            groups[kind.code].texts.extend(_texts(kind.code, row, language, offered=row.active))
    return Listing(language, list(groups.values()), rows)


def save(language: str, actor: User, listed: Listing, submitted: Mapping[str, str]) -> dict[str, list]:
    """Write the translations that changed (`submitted`: form field name → text; a field not sent is
    left as it is) and audit them as one event, each text from → to. Returns what changed."""
    if language not in COMMUNITY_LANGUAGES:
        raise ValueError(f"{language!r} is not a community language")
    known = listed.by_key()
    changed: list[tuple[Text, str]] = []
    for key, value in submitted.items():
        text = known.get(key)
        after = (value or "").strip()
        if text is not None and after != text.translation:
            changed.append((text, after))
    versions = _other_versions(listed, [text for text, _after in changed if text.kind in {"procedure", "stage"}])
    for text, after in changed:
        _write(listed, versions, text, language, after, actor)
    changes = {text.key: [text.translation or None, after or None] for text, after in changed}
    english = {text.key: text.english for text, _after in changed}
    if changes:
        db.session.flush()
        audit.record(ACTION, actor=actor, subject_type=SUBJECT, language=language, changes=changes, english=english)
    return changes


@dataclass
class _Versions:
    """Every version of the procedures being translated, and their stages: one query."""

    procedures: list[Procedure] = field(default_factory=list)
    stages: list[tuple[ProcedureStage, str]] = field(default_factory=list)  # with its procedure's slug


def _other_versions(listed: Listing, texts: list[Text]) -> _Versions:
    found = _Versions()
    slugs = {listed.rows[text.kind, text.id].slug for text in texts if text.kind == "procedure"}
    slugs |= {_slug_of(listed, listed.rows[text.kind, text.id]) for text in texts if text.kind == "stage"}
    if not slugs:
        return found
    seen: set[int] = set()
    for procedure, stage in db.session.execute(
            select(Procedure, ProcedureStage).outerjoin(ProcedureStage, ProcedureStage.procedure_id == Procedure.id)
            .where(Procedure.slug.in_(slugs))):
        if procedure.id not in seen:
            seen.add(procedure.id)
            found.procedures.append(procedure)
        if stage is not None:
            found.stages.append((stage, procedure.slug))
    return found


def _slug_of(listed: Listing, stage: ProcedureStage) -> str:
    return listed.rows["procedure", stage.procedure_id].slug


def _write(listed: Listing, versions: _Versions, text: Text, language: str, after: str, actor: User) -> None:
    if text.kind == "council":
        _write_council(text, language, after, actor)
        return
    row = listed.rows[text.kind, text.id]
    if text.kind == "procedure":  # every version with the same English name
        same = [p for p in versions.procedures if p.slug == row.slug and p.name == row.name]
    elif text.kind == "stage":  # every version's stage of that number with the same English name
        slug = _slug_of(listed, row)
        same = [s for s, of in versions.stages if of == slug and s.number == row.number and s.name == row.name]
    else:
        same = [row]
    for each in same:
        each.translations = with_text(each.translations, language, text.field, after)


def _write_council(text: Text, language: str, after: str, actor: User) -> None:
    """The identity row, made from what is shown (the configured identity) if nobody has saved it yet."""
    current = council_service.council()
    row = db.session.get(CouncilIdentity, 1)
    if row is None:
        row = CouncilIdentity(id=1, **{name: current.value(name) for name in council_service.FIELDS})
        db.session.add(row)
    row.translations = with_text(row.translations, language, text.field, after)
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.flush()
    council_service.remember(row)


def history(language: str, limit: int = HISTORY_LIMIT) -> list[audit.Change]:
    """The latest saves of this language's translations, newest first (one query)."""
    return audit.changes(SUBJECT, limit=limit, where=AuditEvent.details["language"].as_string() == language)


def described(change: audit.Change) -> list[tuple[str, str | None, str | None]]:
    """Each text a save changed, as (what it is, from, to): "Services: Housing repairs (Name)", with
    the English it had then."""
    english = change.details.get("english") or {}
    rows = []
    for key, (before, after) in change.changes.items():
        kind_code, _id, field_name = (key.split("_", 2) + ["", ""])[:3]
        kind = BY_CODE.get(kind_code)
        field_label = dict((name, label) for name, label, _limit in kind.fields).get(field_name, field_name) if kind else field_name
        rows.append((_("%(kind)s: %(english)s (%(field)s)", kind=kind.label if kind else kind_code,
                       english=english.get(key, key), field=field_label), before, after))
    return rows
