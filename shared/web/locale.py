"""Which language a page is in: ?lang=, then the person's saved choice, then the browser's."""

from __future__ import annotations

from flask import has_request_context, request, session
from flask_login import current_user

# Each in its own name. English and Welsh are complete everywhere, council content included; Polish
# and Urdu translate everything Redress itself says, and council-entered names where an admin has
# translated them (shared/domain/translations.py; English otherwise). A language added here gets
# its own translations page for those names.
LANGUAGES = {"en": "English", "cy": "Cymraeg", "pl": "Polski", "ur": "اردو"}
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "ur", "fa", "he"})


def select_locale() -> str:
    if not has_request_context():
        return "en"  # CLI and workers pass the recipient's locale explicitly (force_locale)
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        if current_user.is_authenticated and current_user.locale != asked:
            current_user.locale = asked  # kept for their messages and next visit
        return asked
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def text_direction(locale: str) -> str:
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"
