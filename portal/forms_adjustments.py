"""A resident's own help and adjustments: choose one, say what it needs, change or stop it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from shared.domain import adjustments as rules
from shared.domain.enums import ADJUSTMENT_GROUPS
from shared.web.forms import RedressForm, required_choice, select_choices

MAX_DETAIL = 2000


class KindForm(RedressForm):
    kind = required_choice(
        _l("What help or adjustment do you need?"),
        # Grouped as the register groups them: formats, then communication, time, anything else.
        select_choices((kind.value, kind.label) for kinds in ADJUSTMENT_GROUPS.values() for kind in kinds),
        _l("Select the help or adjustment you need"),
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class DetailForm(RedressForm):
    detail = TextAreaField(
        widget=GovCharacterCount(),
        validators=[Length(max=MAX_DETAIL, message=_l("Your answer must be 2,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        required = rules.needs_detail(kind)
        self.detail.label.text = rules.DETAIL_QUESTIONS.get(kind, rules.DETAIL_QUESTION)
        self.detail.validators = [
            DataRequired(_l("Enter the details of the help you need")) if required else Optional(),
            *self.detail.validators,
        ]


class EndForm(RedressForm):
    submit = SubmitField(_l("Yes, stop this"), widget=GovSubmitInput())
