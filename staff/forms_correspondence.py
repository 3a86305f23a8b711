"""The form for writing to the person from the case page: text and up to 10 files."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea
from wtforms import MultipleFileField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from shared.services import files, messages
from shared.web.forms import RedressForm


class MessageForm(RedressForm):
    # Ids of their own: the case page has the note form too, and ids must be unique on a page.
    body = TextAreaField(
        _l("Message"),
        id="message-body",
        description=_l("The person is emailed that there is a message, with a link to read it. The email does not include the message."),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter your message")),
            Length(max=messages.MAX_BODY, message=_l("Your message must be 10,000 characters or fewer")),
        ],
    )
    attachments = MultipleFileField(
        _l("Attach files (optional)"),
        id="message-files",
        description=_l("Up to %(count)d files, each smaller than 10 MB: %(allowed)s.", count=files.MAX_FILES,
                       allowed=files.ALLOWED_DESCRIPTION),
        widget=GovFileInput(multiple=True),
    )
    submit = SubmitField(_l("Send message"), id="message-submit", widget=GovSubmitInput())

    checked: list[files.CheckedFile]

    def validate(self, extra_validators=None) -> bool:
        """The fields, then every chosen file by its content: each refused file is named, and
        nothing is kept from a form with a refused file (the person chooses them again)."""
        valid = super().validate(extra_validators)
        self.checked, errors = files.check_all(files.chosen(self.attachments.data or []))
        if errors:
            # One message naming every refused file: the summary and the field show one per field.
            self.attachments.errors = [". ".join(str(error) for error in errors)]
            self.checked = []
            return False
        return valid
