"""The translations page's form: one field for each council-entered text, made from the listing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from shared.services.translation_admin import Listing
from shared.web.forms import RedressForm, strip_spaces

QUOTED = 60  # characters of the English quoted in an error message


def _quoted(english: str) -> str:
    return english if len(english) <= QUOTED else english[: QUOTED - 1].rstrip() + "…"


class TranslationsForm(RedressForm):
    submit = SubmitField(_l("Save translations"), widget=GovSubmitInput())


def translations_form(listed: Listing) -> TranslationsForm:
    """A form with a field for each text (named by Text.key), filled with its translation, or with
    what was sent when it is submitted."""
    fields = {}
    for text in listed.texts:
        kind = TextAreaField if text.long else StringField
        fields[text.key] = kind(
            text.english,
            widget=GovTextArea() if text.long else GovTextInput(),
            filters=[strip_spaces],
            validators=[Length(max=text.max_length, message=_l(
                "The translation of “%(english)s” must be %(max)s characters or fewer",
                english=_quoted(text.english), max=text.max_length))],
        )
    form_class = type("ListedTranslationsForm", (TranslationsForm,), fields)
    return form_class(data={text.key: text.translation for text in listed.texts})
