"""Form base and GOV.UK error summary helper with a translated title."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors as _wtforms_errors
from wtforms.fields.choices import SelectChoice


class RedressForm(FlaskForm):
    """All forms: CSRF on, GOV.UK widgets, messages translated lazily."""


def error_summary_params(form: FlaskForm) -> dict:
    params = _wtforms_errors(form, {"titleText": str(_l("There is a problem"))})
    # A date is three boxes and no element carries the field's own id: link to the first box
    # that needs fixing, as the GOV.UK date input guidance asks, so the link moves focus there.
    for field in form:
        if field.errors and hasattr(field, "bad_parts"):
            first_bad = (field.bad_parts or ("day",))[0]
            for item in params["errorList"]:
                if item["href"] == f"#{field.id}":
                    item["href"] = f"#{field.id}-{first_bad}"
    return params


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


# Phone numbers as people write them: 10 to 20 digits, spaces, brackets or dashes, with an optional
# + before the country code. One pattern for every form that asks for a number.
PHONE_NUMBER = re.compile(r"^\+?[0-9 ()-]{10,20}$")


def is_phone_number(text: str | None) -> bool:
    return bool(PHONE_NUMBER.match((text or "").strip()))
