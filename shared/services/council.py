"""The council's identity as every page, message and letter shows it, and admins' changes to it.

`council()` is the one way to read it: the row an admin saved (table council_identity), or, when
there is none, the configuration (REDRESS_COUNCIL_NAME and the rest, shared/config.py). Templates
get it as `council` from a context processor; services call `council()`.

Cost: at most one query a request, and none on a signed-in person's pages, which are the ones
near the 10-query budget: the session check (shared/auth/sessions.py) reads the identity in the
same statement as the person (`with_identity`) and hands it over (`remember`). Outside a request
(the outbox worker, cron commands) it is re-read after RELOAD_SECONDS, so a long-running worker
follows an admin's change too.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta

from flask import current_app, g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from shared.clock import utcnow
from shared.config import NATIONS, Settings
from shared.db import db
from shared.domain import holiday_names
from shared.domain.calendar import bank_holiday_names
from shared.domain.enums import Ombudsman, ScanStatus
from shared.domain.ombudsman_contacts import ombudsman_for
from shared.domain.translations import pick
from shared.models import CouncilIdentity, StoredFile, User
from shared.services import audit
from shared.services.files import CheckedFile, human_size
from shared.services.files import store as store_files

log = logging.getLogger("redress.council")

AUDIT_SUBJECT = "council"
RELOAD_SECONDS = 30
_G_KEY = "redress_council"
# Launchers show about 12 characters under an installed app's icon.
SHORT_NAME_LIMIT = 12

NATION_LABELS = {
    "england": _l("England"),
    "wales": _l("Wales"),
    "scotland": _l("Scotland"),
    "northern-ireland": _l("Northern Ireland"),
}
assert set(NATION_LABELS) == set(NATIONS)

# The fields an admin edits, in the order the page and the audit list them.
FIELDS = ("name", "name_cy", "short_name", "brand_colour", "contact_phone", "contact_email", "contact_address",
          "website", "nation")


@dataclass(frozen=True)
class Logo:
    file_id: int
    stored_name: str
    content_type: str
    original_name: str
    size: int

    @property
    def is_svg(self) -> bool:
        return self.content_type == "image/svg+xml"

    def describe(self) -> str:
        """For the audit list: "crest.png (12 KB)"."""
        return f"{self.original_name} ({human_size(self.size)})"


@dataclass(frozen=True)
class Council:
    """What the council is called, looks like, and how residents reach it; and where it is."""

    english_name: str
    welsh_name: str | None
    short_name: str | None
    brand_colour: str
    nation: str
    contact_phone: str
    contact_email: str
    contact_address: str  # one line of the address per line
    website: str | None
    logo: Logo | None
    saved_at: datetime | None  # None: nobody has saved it, so these are the configured defaults
    # The name in languages beyond English and Welsh (shared/domain/translations.py).
    translations: dict = dataclass_field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        """The name in the language of the page or message being written (Welsh if the council has one)."""
        locale = get_locale()
        return self.name_in(str(locale) if locale is not None else "en")

    def name_in(self, locale: str) -> str:
        return pick(locale, self.english_name, self.welsh_name, self.translations)

    @property
    def launcher_name(self) -> str | None:
        """The name under an installed app's icon, if one short enough exists."""
        if self.short_name:
            return self.short_name
        return self.english_name if len(self.english_name) <= SHORT_NAME_LIMIT else None

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.contact_address.splitlines() if line.strip()]

    @property
    def address_one_line(self) -> str:
        return ", ".join(self.address_lines)

    @property
    def nation_label(self) -> str:
        return str(NATION_LABELS[self.nation])

    def value(self, field: str) -> str | None:
        """A field (one of FIELDS) as the admin form and the audit log hold it."""
        return getattr(self, _ATTRIBUTES.get(field, field))


_ATTRIBUTES = {"name": "english_name", "name_cy": "welsh_name"}


def from_settings(settings: Settings) -> Council:
    """The configured identity: the default until an admin saves one."""
    return Council(
        english_name=settings.council_name,
        welsh_name=None,
        short_name=None,
        brand_colour=settings.brand_colour,
        nation=settings.nation,
        contact_phone=settings.contact_phone,
        contact_email=settings.contact_email,
        # Configured as one line with commas; shown a line each.
        contact_address="\n".join(part.strip() for part in settings.contact_address.split(",") if part.strip()),
        website=None,
        logo=None,
        saved_at=None,
    )


def _from_row(row: CouncilIdentity) -> Council:
    from shared.services import file_scanning

    logo = None
    # Only a logo that may be served: with scanning configured, one stored before scanning was
    # switched on waits for the worker's scan like every other file (new ones are scanned on upload).
    if row.logo is not None and file_scanning.available(row.logo):
        stored = row.logo
        logo = Logo(stored.id, stored.stored_name, stored.content_type, stored.original_name, stored.size)
    return Council(
        english_name=row.name,
        welsh_name=row.name_cy,
        short_name=row.short_name,
        brand_colour=row.brand_colour,
        nation=row.nation,
        contact_phone=row.contact_phone,
        contact_email=row.contact_email,
        contact_address=row.contact_address,
        website=row.website,
        logo=logo,
        saved_at=row.updated_at,
        translations=row.translations or {},
    )


# --- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cached:
    value: Council
    loaded: float


def remember(row: CouncilIdentity | None) -> None:
    """Keep the identity read with something else (the session check) for the rest of the request."""
    value = _from_row(row) if row is not None else from_settings(current_app.config["SETTINGS"])
    setattr(g, _G_KEY, _Cached(value, time.monotonic()))


def remembered() -> bool:
    """Whether this request already holds the identity (a signed-in person's session check brought
    it): a query that could bring it along need not."""
    return g.get(_G_KEY) is not None


def with_identity(statement, *, entity=CouncilIdentity):
    """`statement` with the identity row (if any) added as its last column, by an outer join on the
    one row's key: the caller passes what comes back to `remember`."""
    return statement.add_columns(entity).outerjoin(entity, entity.id == 1)


def council() -> Council:
    """The council's identity now (see the module's docstring for what it costs)."""
    cached: _Cached | None = g.get(_G_KEY)
    if cached is not None and (has_request_context() or time.monotonic() - cached.loaded < RELOAD_SECONDS):
        return cached.value
    if has_request_context() and cached is None:
        from flask_login import current_user

        current_user._get_current_object()  # a signed-in person's session check brings the identity along
        cached = g.get(_G_KEY)
        if cached is not None:
            return cached.value
    try:
        row = db.session.scalar(select(CouncilIdentity).where(CouncilIdentity.id == 1))
    except SQLAlchemyError:
        # An error page after the database failed (unreachable, or the transaction aborted) still
        # needs a name to show: the configured one.
        log.warning("council identity not readable; the configured one is shown", exc_info=True)
        row = None
    remember(row)
    return g.get(_G_KEY).value


def forget() -> None:
    """Read the identity afresh next time (after saving it, or in tests)."""
    g.pop(_G_KEY, None)


# --- what the nation decides --------------------------------------------------------------------------


@dataclass(frozen=True)
class NationEffects:
    nation: str
    label: str
    ombudsmen: list[str]  # whom final responses, letters and pages name
    holidays: list[tuple[date, str]]  # its bank holidays in the next 12 months
    accessibility_enforcer: str


def nation_effects(nation: str, today: date) -> NationEffects:
    ombudsmen = []
    for procedure_ombudsman in (Ombudsman.LGSCO, Ombudsman.HOUSING):
        found = ombudsman_for(procedure_ombudsman, nation)
        if found is not None and str(found.label) not in ombudsmen:
            ombudsmen.append(str(found.label))
    return NationEffects(
        nation=nation,
        label=str(NATION_LABELS[nation]),
        ombudsmen=ombudsmen,
        holidays=_holidays_ahead(nation, today),
        accessibility_enforcer=str(_l("Equality Commission for Northern Ireland")) if nation == "northern-ireland"
        else str(_l("Equality and Human Rights Commission")),
    )


def _holidays_ahead(nation: str, today: date) -> list[tuple[date, str]]:
    end = today + timedelta(days=365)
    named = {**bank_holiday_names(nation, today.year), **bank_holiday_names(nation, end.year)}
    return sorted((day, holiday_names.translated(name)) for day, name in named.items() if today <= day < end)


@dataclass(frozen=True)
class NationChange:
    before: NationEffects
    after: NationEffects
    only_before: list[tuple[date, str]]  # bank holidays that become working days
    only_after: list[tuple[date, str]]  # working days that become bank holidays


def nation_change(before: str, after: str, today: date) -> NationChange:
    old, new = nation_effects(before, today), nation_effects(after, today)
    old_days, new_days = dict(old.holidays), dict(new.holidays)
    return NationChange(
        old, new,
        only_before=[(day, name) for day, name in old.holidays if day not in new_days],
        only_after=[(day, name) for day, name in new.holidays if day not in old_days],
    )


# --- saving -----------------------------------------------------------------------------------------


def save(actor: User, *, name: str, name_cy: str | None, short_name: str | None, brand_colour: str,
         contact_phone: str, contact_email: str, contact_address: str, website: str | None,
         nation: str) -> dict[str, list]:
    """Save the details the admin entered (checked by the form) over the current identity; audit
    what changed, field by field, and return it. Nothing changed: nothing written."""
    if nation not in NATIONS:
        raise ValueError(f"unknown nation {nation!r}")
    values = {
        "name": name.strip(), "name_cy": _optional(name_cy), "short_name": _optional(short_name),
        "brand_colour": brand_colour.strip().lower(), "contact_phone": contact_phone.strip(),
        "contact_email": contact_email.strip(), "contact_address": _lines(contact_address),
        "website": _optional(website), "nation": nation,
    }
    current = council()
    changes = {field: [current.value(field), value] for field, value in values.items() if current.value(field) != value}
    if changes:
        _write(actor, current, values, changes)
    return changes


def change_logo(actor: User, logo: CheckedFile | None, *, scanned: bool = False) -> dict[str, list]:
    """Store a new logo (checked by shared/services/logos.py), or remove it with None; audited.
    `scanned`: clamd has just found it clean (file_scanning.scan_now), so it is served at once.

    The old logo's file is left without an owner, so housekeeping deletes it (reply_files.delete_stale)
    once this transaction has surely committed, rather than now, when a rollback would leave the
    identity pointing at nothing.
    """
    current = council()
    if logo is None and current.logo is None:
        return {}
    stored = store_files([logo], uploaded_by=actor)[0] if logo is not None else None
    if stored is not None and scanned:
        stored.scan_status, stored.scanned_at = ScanStatus.CLEAN, utcnow()
    changes = {"logo": [current.logo.describe() if current.logo else None,
                        f"{stored.original_name} ({human_size(stored.size)})" if stored else None]}
    _write(actor, current, {}, changes, logo=stored)
    return changes


def _write(actor: User, current: Council, values: dict, changes: dict, *, logo: StoredFile | None | bool = False) -> None:
    row = db.session.get(CouncilIdentity, 1)
    if row is None:  # the first save: start from what was shown, the configured identity
        row = CouncilIdentity(id=1, **{field: current.value(field) for field in FIELDS})
        db.session.add(row)
    for field, value in values.items():
        setattr(row, field, value)
    if logo is not False:
        row.logo = logo
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    db.session.flush()
    audit.record("council.changed", actor=actor, subject_type=AUDIT_SUBJECT, subject_id=1, changes=changes)
    remember(row)


def _optional(value: str | None) -> str | None:
    return (value or "").strip() or None


def _lines(value: str) -> str:
    return "\n".join(line.strip() for line in value.replace("\r\n", "\n").split("\n") if line.strip())


def history(limit: int = 50) -> list[audit.Change]:
    """Who changed the identity, when, each field from → to; newest first (one query)."""
    return audit.changes(AUDIT_SUBJECT, limit=limit)


def logo_file(stored_name: str) -> Logo | None:
    """The current logo if `stored_name` is its name (an old or made-up name is not served)."""
    logo = council().logo
    return logo if logo is not None and logo.stored_name == stored_name else None
