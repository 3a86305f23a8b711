"""The `translations` column that council-entered names carry for languages beyond English and Welsh."""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

from shared.domain.translations import pick


class Translated:
    """A mixin: {language: {field: text}} for every shipped language but English and Welsh (see
    shared/domain/translations.py), and `text(field, locale)` to read a field in a reader's language
    (`display_name` for its `name`, which every translated thing has)."""

    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")

    def text(self, field: str, locale: object) -> str:
        return pick(locale, getattr(self, field), getattr(self, f"{field}_cy", None), self.translations, field)

    def display_name(self, locale: object) -> str:
        return self.text("name", locale)
