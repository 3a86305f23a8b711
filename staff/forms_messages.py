"""The admin form for a message's own wording in one language: subject and body, previewed or saved."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField

from shared.services import message_templates
from shared.services.message_catalogue import Message
from shared.web.forms import RedressForm


class MessageWordingForm(RedressForm):
    subject = StringField(
        _l("Subject"),
        description=_l("One line, without links."),
        widget=GovTextInput(),
    )
    body = TextAreaField(_l("Message"), widget=GovTextArea())
    preview = SubmitField(_l("Preview"), widget=GovSubmitInput())
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    message: Message  # set by the view: which placeholders this wording may use

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # The check needs both fields (and the message), so it runs once here rather than per field.
        problems = message_templates.check(self.message, self.subject.data or "", self.body.data or "")
        for name, found in problems.items():
            getattr(self, name).errors = [*getattr(self, name).errors, found[0]]
        self._errors = None  # recomputed from the fields on next read
        return valid and not problems

    def wording(self) -> message_templates.Wording:
        return message_templates.Wording(self.subject.data or "", self.body.data or "")

