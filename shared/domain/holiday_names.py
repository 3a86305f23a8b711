"""Bank holidays' names in the reader's language.

The holidays package names the UK's bank holidays in English (and a few other languages, not Welsh
or Polish), so the names are translated here through the message catalogues. The package writes a
holiday moved off a weekend as "Boxing Day (observed)" and two on one day as "A; B"; both are
taken apart and put back together in the reader's language. A name not listed stays in English, and
a test lists every name the package gives, so a new one is noticed.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_OBSERVED = " (observed)"

NAMES = {
    "New Year's Day": _l("New Year's Day"),
    "New Year Holiday": _l("2nd January"),
    "Good Friday": _l("Good Friday"),
    "Easter Monday": _l("Easter Monday"),
    "May Day": _l("Early May bank holiday"),
    "Spring Bank Holiday": _l("Spring bank holiday"),
    "Summer Bank Holiday": _l("Summer bank holiday"),
    "Late Summer Bank Holiday": _l("Summer bank holiday"),
    "Saint Andrew's Day": _l("St Andrew's Day"),
    "Saint Patrick's Day": _l("St Patrick's Day"),
    "Battle of the Boyne": _l("Battle of the Boyne (Orangemen's Day)"),
    "Christmas Day": _l("Christmas Day"),
    "Boxing Day": _l("Boxing Day"),
    "Platinum Jubilee of Elizabeth II": _l("Platinum Jubilee bank holiday"),
    "State Funeral of Queen Elizabeth II": _l("Bank holiday for the State Funeral of Queen Elizabeth II"),
    "Coronation of Charles III": _l("Bank holiday for the coronation of King Charles III"),
    "Scotland's participation in the FIFA World Cup final": _l("Bank holiday for Scotland in the FIFA World Cup final"),
}


def _one(name: str) -> str:
    observed = name.endswith(_OBSERVED)
    base = name.removesuffix(_OBSERVED)
    text = str(NAMES.get(base, base))
    return _("%(holiday)s (substitute day)", holiday=text) if observed else text


def translated(name: str) -> str:
    """The package's English name of a bank holiday, in the current request's language."""
    return _("; ").join(_one(part.strip()) for part in name.split(";"))
