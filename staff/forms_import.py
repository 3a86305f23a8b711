"""The admin form for importing cases from a spreadsheet."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from shared.web.forms import RedressForm

MAX_IMPORT_BYTES = 25 * 1024 * 1024  # about 100,000 rows, imported within a worker's 30 s; larger: `redress import-cases`


class ImportCasesForm(RedressForm):
    # Checked in the view (it must be read to be checked): there, not in validators, so the errors
    # can say what is wrong with the file itself.
    file = FileField(
        _l("Spreadsheet of cases, saved as CSV"),
        description=_l("Save the spreadsheet as “CSV UTF-8” (or “CSV”). Its columns are described on this page."),
        widget=GovFileInput(),
    )
    check = SubmitField(_l("Check the file"), widget=GovSubmitInput())
    submit = SubmitField(_l("Import cases"), widget=GovSubmitInput())
