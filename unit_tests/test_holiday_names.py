"""Bank holidays' names follow the reader's language (shared/domain/holiday_names.py)."""

from __future__ import annotations

import holidays
import pytest
from flask_babel import force_locale

from shared.domain import holiday_names
from shared.domain.calendar import _SUBDIVISIONS


def _package_names() -> set[str]:
    names: set[str] = set()
    for subdivision in _SUBDIVISIONS.values():
        names |= set(holidays.UK(subdiv=subdivision, years=range(2015, 2036)).values())
    return {part.strip().removesuffix(" (observed)") for name in names for part in name.split(";")}


def test_every_name_the_holidays_package_gives_has_a_translatable_name() -> None:
    assert _package_names() - set(holiday_names.NAMES) == set()


@pytest.mark.parametrize(
    ("locale", "name", "expected"),
    [
        ("en", "Late Summer Bank Holiday", "Summer bank holiday"),
        ("en", "Boxing Day (observed)", "Boxing Day (substitute day)"),
        ("cy", "Boxing Day (observed)", "Gŵyl San Steffan (diwrnod yn lle)"),
        ("cy", "Saint Andrew's Day", "Dydd Gŵyl Andreas"),
        ("pl", "Christmas Day", "Boże Narodzenie"),
        ("ur", "Good Friday", "گڈ فرائیڈے"),
        ("cy", "New Year Holiday; New Year's Day (observed)", "2 Ionawr; Dydd Calan (diwrnod yn lle)"),
    ],
)
def test_names_are_in_the_readers_language(app, locale: str, name: str, expected: str) -> None:
    with app.test_request_context(), force_locale(locale):
        assert holiday_names.translated(name) == expected


def test_a_name_the_catalogue_does_not_know_stays_as_the_package_gives_it(app) -> None:
    with app.test_request_context(), force_locale("cy"):
        assert holiday_names.translated("Some New Holiday") == "Some New Holiday"
