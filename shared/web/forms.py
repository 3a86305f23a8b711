"""Form base and GOV.UK error summary helper with a translated title."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors as _wtforms_errors


class RedressForm(FlaskForm):
    """All forms: CSRF on, GOV.UK widgets, messages translated lazily."""


def error_summary_params(form: FlaskForm) -> dict:
    return _wtforms_errors(form, {"titleText": str(_l("There is a problem"))})
