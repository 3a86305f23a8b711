"""The admin form for a response template: name, language, stage, body and whether it is offered."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from shared.services import templates
from shared.web.forms import RedressForm, select_choices
from shared.web.numbers import whole_number


class ResponseTemplateForm(RedressForm):
    name = StringField(
        lazy_pgettext("name of a thing", "Name"),
        description=_l("Officers choose the template by this name."),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter a name for the template")),
                    Length(max=120, message=_l("Name must be 120 characters or fewer"))],
    )
    locale = RadioField(
        _l("Language"),
        widget=GovRadioInput(),
        choices=select_choices(templates.LANGUAGES.items()),
        validators=[DataRequired(_l("Choose the language the template is written in"))],
    )
    stage = RadioField(
        _l("Stage"),
        widget=GovRadioInput(),
        choices=select_choices([("any", _l("Any stage")), ("1", _l("Stage 1")), ("2", _l("Stage 2")),
                                ("3", _l("Stage 3"))]),
        validators=[DataRequired(_l("Choose the stage the template is for"))],
    )
    body = TextAreaField(
        _l("Wording"),
        widget=GovTextArea(),
        validators=[DataRequired(_l("Enter the wording of the template")),
                    Length(max=20000, message=_l("The wording must be 20,000 characters or fewer"))],
    )
    active = BooleanField(_l("Offer this template to officers"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Save template"), widget=GovSubmitInput())
    preview = SubmitField(_l("Preview"), widget=GovSubmitInput())

    def validate_body(self, field) -> None:
        found = templates.problems(field.data or "")
        if found:
            raise ValidationError(found[0])

    def stage_number(self) -> int | None:
        return whole_number(self.stage.data)
