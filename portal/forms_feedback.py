"""The give-feedback journey's questions, one form a page, with GOV.UK error messages.

A question worded differently for a complaint, a request, a compliment or a comment takes the
kind when it is made; its label and messages are whole translated sentences for each.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from shared.domain import feedback, references
from shared.domain.enums import CaseKind, ConsentMethod, ContactMethod
from shared.web import ratelimits
from shared.web.fields import GovukDateField
from shared.web.forms import (
    RedressForm,
    email_field,
    is_phone_number,
    long_text,
    required_choice,
    select_choices,
    short_text,
)

MAX_TEXT = 10_000
YES_NO = select_choices([(feedback.YES, _l("Yes")), (feedback.NO, _l("No"))])


def _ask(field, label: object, message: object) -> None:
    """Word a required choice for this kind of feedback: the question and its error."""
    field.label.text = label
    field.validators = [InputRequired(message)]
    field.invalid_choice_message = message


def _yes_no(label: object, message: object, description: object = None) -> RadioField:
    return required_choice(label, YES_NO, message, description=description)


class StepForm(RedressForm):
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class StartForm(RedressForm):
    kind = required_choice(
        _l("What would you like to do?"),
        select_choices(
            [
                (CaseKind.COMPLAINT.value, _l("Make a complaint")),
                (CaseKind.COMPLIMENT.value, _l("Give a compliment")),
                (CaseKind.COMMENT.value, _l("Make a comment or suggestion")),
            ]
        ),
        _l("Select what you would like to do"),
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def refuse_too_many(self, count: int) -> None:
        self.kind.errors = [
            _l("You have %(count)d unfinished pieces of feedback. Send or delete one before you start another.", count=count)
        ]


_SERVICE_QUESTION = {
    CaseKind.COMPLAINT: (_l("Which service is your complaint about?"), _l("Select the service your complaint is about")),
    CaseKind.COMPLIMENT: (_l("Which service is your compliment about?"), _l("Select the service your compliment is about")),
    CaseKind.COMMENT: (_l("Which service is your comment about?"), _l("Select the service your comment is about")),
}


class ServiceForm(StepForm):
    service = RadioField(widget=GovRadioInput(), validate_choice=True)

    def __init__(self, *args, kind: CaseKind, services=(), locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        _ask(self.service, *_SERVICE_QUESTION[kind])
        self.service.choices = select_choices((s.slug, s.display_name(locale)) for s in services)
        self.service_hints = {s.slug: s.display_description(locale) for s in services}


class WhatHappenedForm(StepForm):
    what_happened = long_text(
        _l("What happened?"),
        _l("What happened must be 10,000 characters or fewer"),
        max_length=MAX_TEXT,
        required=_l("Enter what happened"),
        description=_l("Tell us what went wrong, in your own words. Include any names, addresses or reference numbers that will help us."),
    )


class WhenForm(StepForm):
    happened_on = GovukDateField(
        _l("When did it happen?"),
        description=_l("If it happened more than once or is still happening, give the date it started. For example, 27 3 2026."),
        past_only=True,
        messages={
            "required": _l("Enter the date it happened"),
            "day": _l("Date it happened must include a day"),
            "month": _l("Date it happened must include a month"),
            "year": _l("Date it happened must include a year"),
            "real": _l("Date it happened must be a real date"),
            "past": _l("Date it happened must be today or in the past"),
        },
    )


class OutcomeForm(StepForm):
    outcome_wanted = long_text(
        _l("What would you like us to do to put things right?"),
        _l("What you would like us to do must be 10,000 characters or fewer"),
        max_length=MAX_TEXT,
        required=_l("Enter what you would like us to do to put things right"),
        description=_l("For example, an apology, an explanation, a repair, or a change to how we do things."),
    )


class AskedBeforeForm(StepForm):
    asked_before = _yes_no(
        _l("Have you already asked us about this?"),
        _l("Select yes if you have already asked us about this"),
        _l("For example, you reported a missed bin or asked for a repair, and it was not put right."),
    )


class FirstRequestForm(RedressForm):
    """Two buttons, one for each way forward; the button pressed is the answer."""

    route = StringField(
        validators=[
            InputRequired(_l("Choose whether to send it to the service as a request or continue with your complaint")),
            AnyOf(
                [feedback.AS_REQUEST, feedback.AS_COMPLAINT],
                message=_l("Choose whether to send it to the service as a request or continue with your complaint"),
            ),
        ]
    )


class SomeoneElseForm(StepForm):
    someone_else = _yes_no(
        _l("Are you complaining for someone else?"),
        _l("Select yes if you are complaining for someone else"),
        _l("For example, for a family member, a neighbour or someone you support."),
    )


class TheirDetailsForm(StepForm):
    subject_name = short_text(
        _l("Their full name"), _l("Enter their full name"), _l("Their full name must be 200 characters or fewer")
    )
    subject_relationship = short_text(
        _l("Your relationship to them"),
        _l("Enter your relationship to them"),
        _l("Your relationship to them must be 200 characters or fewer"),
        description=_l("For example, their daughter, their neighbour or their support worker."),
    )
    subject_address = TextAreaField(
        _l("Their address (optional)"),
        description=_l("Give it if it is different from yours, or if the complaint is about their home."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=500, message=_l("Their address must be 500 characters or fewer"))],
    )


class ConsentForm(StepForm):
    consent = required_choice(
        _l("How have they agreed to you complaining for them?"),
        select_choices(ConsentMethod.choices()),
        _l("Select how they agreed to you complaining for them"),
        description=_l("We may need to check with them, or ask you for proof, before we can tell you about their complaint."),
    )


class SupportForm(StepForm):
    support = _yes_no(
        _l("Do you need help or support to make your complaint?"),
        _l("Select yes if you need help or support to make your complaint"),
        _l("For example, an interpreter, information in large print or easy read, someone to help you explain, or more time."),
    )


class SupportNoteForm(StepForm):
    support_note = long_text(
        _l("What help or support do you need?"),
        _l("The help you need must be 10,000 characters or fewer"),
        max_length=MAX_TEXT,
        required=_l("Enter what help or support you need"),
    )


_MESSAGE_HINT = {
    CaseKind.COMPLIMENT: _l("Tell us what went well. You can name the staff who helped you, so we can pass on your thanks."),
    CaseKind.COMMENT: _l("Tell us what you think, or how we could do things better."),
}


class MessageForm(StepForm):
    what_happened = long_text(
        _l("What would you like to tell us?"),
        _l("What you would like to tell us must be 10,000 characters or fewer"),
        max_length=MAX_TEXT,
        required=_l("Enter what you would like to tell us"),
    )

    def __init__(self, *args, kind: CaseKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.what_happened.description = _MESSAGE_HINT[kind]


class ReplyWantedForm(StepForm):
    reply_wanted = _yes_no(_l("Would you like a reply to your comment?"), _l("Select yes if you would like a reply"))


class YourNameForm(StepForm):
    your_name = short_text(
        _l("What is your name?"), _l("Enter your full name"), _l("Full name must be 200 characters or fewer")
    )


class YourEmailForm(StepForm):
    your_email = email_field(
        _l("What is your email address?"),
        _l("Enter your email address"),
        description=_l("We will email you a link to follow your case. We need your email address for this even if you would like us to contact you another way."),
    )

    def refuse_work_address(self) -> None:
        self.your_email.errors = [
            _l("Enter your own personal email address. You cannot use a council staff or councillor email address here.")
        ]


_CONTACT_QUESTION = {
    CaseKind.COMPLAINT: _l("How would you like us to contact you about your complaint?"),
    CaseKind.SERVICE_REQUEST: _l("How would you like us to contact you about your request?"),
    CaseKind.COMMENT: _l("How would you like us to reply to your comment?"),
}


class ContactForm(StepForm):
    contact_method = RadioField(widget=GovRadioInput(), choices=select_choices(ContactMethod.choices()), validate_choice=True)

    def __init__(self, *args, kind: CaseKind, **kwargs):
        super().__init__(*args, **kwargs)
        _ask(self.contact_method, _CONTACT_QUESTION[kind], _l("Select how you would like us to contact you"))


class PhoneForm(StepForm):
    contact_phone = StringField(widget=GovTextInput())

    def __init__(self, *args, mobile: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if mobile:
            self.contact_phone.label.text = _l("What is your mobile phone number?")
            self.message = _l("Enter a mobile phone number, like 07700 900 982")
        else:
            self.contact_phone.label.text = _l("What is your phone number?")
            self.message = _l("Enter a phone number, like 01632 960 001 or 07700 900 982")
        self.contact_phone.description = _l("For international numbers include the country code.")
        self.contact_phone.validators = [DataRequired(self.message)]

    def validate_contact_phone(self, field):
        if not is_phone_number(field.data):
            raise ValidationError(self.message)


class AddressForm(StepForm):
    contact_address = TextAreaField(
        _l("What is your postal address?"),
        description=_l("Include the postcode."),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter your postal address")),
            Length(max=500, message=_l("Postal address must be 500 characters or fewer")),
        ],
    )


class FilesForm(RedressForm):
    files = MultipleFileField(_l("Upload files"), widget=GovFileInput(multiple=True))
    # Which button was pressed: add the chosen files and stay, or add them and go on.
    action = StringField()


class SubmitFeedbackForm(RedressForm):
    rate_limits = ratelimits.FEEDBACK

    submit = SubmitField(widget=GovSubmitInput())

    _BUTTON = {
        CaseKind.COMPLAINT: _l("Send complaint"),
        CaseKind.SERVICE_REQUEST: _l("Send request"),
        CaseKind.COMPLIMENT: _l("Send compliment"),
        CaseKind.COMMENT: _l("Send comment"),
    }

    def __init__(self, *args, kind: CaseKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.submit.label.text = self._BUTTON[kind]


class DeleteDraftForm(RedressForm):
    submit = SubmitField(_l("Yes, delete it"), widget=GovSubmitInput())


class RemoveFileForm(RedressForm):
    """Only the CSRF token: the file is named in the address."""


class FollowCaseForm(RedressForm):
    """Ask for a new link to follow a case: the reference and the email address it was sent to."""

    rate_limits = ratelimits.GUEST_LINK

    reference = StringField(
        _l("Case reference"),
        description=_l("This is in the email we sent you. For example, RDR-7K2M-9QXD."),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter your case reference"))],
    )
    email = email_field(
        _l("Email address"),
        _l("Enter your email address"),
        description=_l("The email address you gave us when you got in touch."),
    )
    submit = SubmitField(_l("Send me a new link"), widget=GovSubmitInput())

    def validate_reference(self, field):
        normalised = references.normalise(field.data or "")
        if normalised is None:
            raise ValidationError(_l("Enter your case reference in the correct format, like RDR-7K2M-9QXD"))
        field.data = normalised
