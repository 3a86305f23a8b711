"""Council-entered text (a service's name, a procedure's, the council's own) in the reader's language.

English is each thing's own column and Welsh its `_cy` column, both edited on the thing's own form:
Welsh is the legal second language, so it is asked for where the English is. Every other shipped
language (shared/web/locale.py: Polish and Urdu today) lives in the thing's `translations` column as
{language: {field: text}}, filled in on the admins' translations page
(/staff/admin/translations/<language>). `pick` is the one rule for which text a reader sees: their
language's if someone has written it, otherwise the English (Welsh readers see the Welsh as before).
"""

from __future__ import annotations

from collections.abc import Mapping


def language_of(locale: object) -> str:
    """"pl", "pl_PL" and "pl-PL" are all Polish; no locale is English."""
    return str(locale or "en").replace("-", "_").split("_")[0].lower()


def pick(locale: object, english: str | None, welsh: str | None = None,
         translations: Mapping[str, Mapping[str, str]] | None = None, field: str = "name") -> str:
    """The text of `field` for a reader in `locale`: Welsh from its own column, another language from
    `translations`, and English whenever that language has nothing (or only spaces) for it."""
    language = language_of(locale)
    if language == "cy":
        return welsh or english or ""
    if language != "en":
        text = ((translations or {}).get(language) or {}).get(field)
        if isinstance(text, str) and text.strip():
            return text
    return english or ""


def with_text(translations: Mapping[str, Mapping[str, str]] | None, language: str, field: str,
              text: str | None) -> dict[str, dict[str, str]]:
    """A copy of `translations` with one text set (a blank one removed): a new value, so that the
    JSON column sees the change."""
    copied = {lang: dict(fields) for lang, fields in (translations or {}).items()}
    fields = copied.setdefault(language, {})
    if text and text.strip():
        fields[field] = text.strip()
    else:
        fields.pop(field, None)
    if not fields:
        copied.pop(language)
    return copied
