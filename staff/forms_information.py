"""Forms for requests for information: asking a service, and a responder's answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from shared.models import Service, User
from shared.web.fields import GovukDateField
from shared.web.forms import RedressForm, select_choices
from shared.web.numbers import whole_number

MAX_TEXT = 10_000

_DATE_MESSAGES = {
    "required": _l("Enter the date the answer is due"),
    "day": _l("The date the answer is due must include a day"),
    "month": _l("The date the answer is due must include a month"),
    "year": _l("The date the answer is due must include a year"),
    "real": _l("The date the answer is due must be a real date"),
}


class AskForm(RedressForm):
    question = TextAreaField(
        _l("What do you need to know?"),
        description=_l("The service reads this in the back office. Emails only give the case reference."),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter the question for the service")),
            Length(max=MAX_TEXT, message=_l("The question must be 10,000 characters or fewer")),
        ],
    )
    service = SelectField(
        _l("Which service are you asking?"),
        widget=GovSelect(),
        validators=[InputRequired(_l("Select the service to ask"))],
        validate_choice=True,
        invalid_choice_message=_l("Select the service to ask"),
    )
    responder = SelectField(
        _l("Responder (optional)"),
        description=_l("If you do not name anyone, every responder for the service is told."),
        widget=GovSelect(),
        validate_choice=True,
        invalid_choice_message=_l("Select a responder who works for the service you are asking"),
    )
    due_on = GovukDateField(_l("When is the answer due?"), messages=_DATE_MESSAGES)
    submit = SubmitField(_l("Send the request"), widget=GovSubmitInput())

    def __init__(self, *args, services: list[Service], responders: list[User], locale: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service.choices = select_choices((str(s.id), s.display_name(locale)) for s in services)
        names = {s.id: s.display_name(locale) for s in services}
        self.responder.choices = select_choices(
            [("", _l("Anyone in the service"))]
            + [(str(u.id), f"{u.full_name} ({names.get(u.service_id, '')})") for u in responders if u.service_id in names]
        )

    @property
    def responder_id(self) -> int | None:
        return whole_number(self.responder.data)


class AnswerForm(RedressForm):
    answer = TextAreaField(
        _l("Your answer"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter the answer")),
            Length(max=MAX_TEXT, message=_l("The answer must be 10,000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Send the answer"), widget=GovSubmitInput())
