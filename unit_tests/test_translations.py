"""The catalogues keep up with the code: nothing extracted is missing, and Welsh is complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LOCALES = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists())


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set:
    return {(m.id if isinstance(m.id, str) else tuple(m.id), m.context) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What `make translations` would extract from the code right now."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l", "-k",
         "lazy_gettext", "-k", "pgettext:1c,2", "-k", "lazy_pgettext:1c,2", "--no-location", "--sort-output",
         "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    return _read(out)


def test_template_is_up_to_date(extracted):
    committed = _read(TRANSLATIONS / "messages.pot")
    missing = _ids(extracted) - _ids(committed)
    stale = _ids(committed) - _ids(extracted)
    assert not missing and not stale, (
        f"run `make translations`: {len(missing)} new strings, {len(stale)} removed; e.g. "
        f"{sorted(map(str, missing))[:5]} {sorted(map(str, stale))[:5]}"
    )


def test_there_is_a_welsh_catalogue():
    assert "cy" in LOCALES


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_is_complete(extracted, locale):
    catalog = _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    assert _ids(extracted) <= _ids(catalog), f"{locale}: catalogue is missing strings; run `make translations`"
    untranslated = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
    assert not untranslated, f"{locale}: {len(untranslated)} strings untranslated or fuzzy, e.g. {untranslated[:5]}"
    problems = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert not problems, f"{locale}: placeholder mismatches: {problems[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches(locale):
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    mo_path = folder / "messages.mo"
    assert mo_path.exists(), "run `make compile-translations`"
    with mo_path.open("rb") as handle:
        compiled = read_mo(handle)
    source = _read(folder / "messages.po")
    def entries(catalog, *, skip_fuzzy: bool) -> dict:
        # Plural ids and strings come back as tuples from .po and lists from .mo: compare as tuples.
        def norm(value):
            return value if isinstance(value, str) else tuple(value)

        # Keyed by context too: "Name" (a person's) and pgettext("name of a thing", "Name") are two
        # entries. read_mo gives a context as bytes, read_po as str.
        def context(value):
            return value.decode("utf-8") if isinstance(value, bytes) else value

        return {(norm(m.id), context(m.context)): norm(m.string)
                for m in catalog if m.id and not (skip_fuzzy and m.fuzzy)}

    expected = entries(source, skip_fuzzy=True)
    actual = entries(compiled, skip_fuzzy=False)
    assert actual == expected, "the compiled catalogue is out of date: run `make compile-translations`"
