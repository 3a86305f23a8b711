"""Forms for unreasonable-behaviour restrictions: the proposal, the manager's decision, the review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import RadioField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from shared.domain.enums import RestrictionCategory, RestrictionType
from shared.domain.restrictions import MAX_TEXT
from shared.web.fields import date_messages
from shared.web.forms import RedressForm, select_choices
from shared.web.numbers import whole_number
from staff.forms_followup import OptionalDateField

_TOO_LONG = _l("The text must be 5,000 characters or fewer")


def _ids(values) -> tuple[int, ...]:
    return tuple(n for n in (whole_number(v) for v in values or ()) if n is not None)


class _TermsFields(RedressForm):
    types = SelectMultipleField(
        _l("Restrictions"), description=_l("Choose only what is needed. Select all that apply."),
        widget=GovCheckboxesInput(), choices=select_choices(RestrictionType.choices()),
        validators=[DataRequired(_l("Choose at least one restriction"))],
    )
    terms = TextAreaField(
        _l("Terms"), widget=GovTextArea(), validators=[Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)],
        description=_l("The details the person will be told, for example the days and times they may phone "
                       "(needed for limited phone contact)."),
    )
    named_officer = SelectField(_l("Named officer"), widget=GovSelect(), validators=[Optional()],
                                description=_l("Needed for a single point of contact."))

    def __init__(self, *args, officers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.named_officer.choices = select_choices(
            [("", _l("No named officer")), *((str(o.id), o.full_name) for o in officers)])

    def chosen_types(self) -> tuple[RestrictionType, ...]:
        known = {t.value for t in RestrictionType}
        return tuple(RestrictionType(v) for v in self.types.data or () if v in known)

    def named_officer_id(self) -> int | None:
        return whole_number(self.named_officer.data)


class ProposeForm(_TermsFields):
    category = RadioField(_l("What kind of behaviour is it?"), widget=GovRadioInput(),
                          choices=select_choices(RestrictionCategory.choices()),
                          validators=[DataRequired(_l("Choose what kind of behaviour it is"))])
    behaviour = TextAreaField(
        _l("The behaviour"), widget=GovTextArea(),
        description=_l("Describe what the person did, with dates, as they will be told it in the letter."),
        validators=[DataRequired(_l("Describe the behaviour, as the person will be told it")),
                    Length(max=MAX_TEXT, message=_TOO_LONG)],
    )
    # Chosen from the person's contacts and messages; the service keeps only ids it offered.
    events = SelectMultipleField(_l("Contacts and recorded calls"), widget=GovCheckboxesInput(), choices=[],
                                 validate_choice=False)
    messages = SelectMultipleField(_l("Messages from the person"), widget=GovCheckboxesInput(), choices=[],
                                   validate_choice=False)
    ends_on = OptionalDateField(_l("Proposed end date"), description=_l("The manager sets the dates when deciding. For example, 31 3 2027"),
                                messages=date_messages(_l("Enter the proposed end date")))
    submit = SubmitField(_l("Propose the restriction"), widget=GovSubmitInput())

    def __init__(self, *args, evidence=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if evidence is not None:
            self.events.choices = select_choices((str(item.event.id), item.event.id) for item in evidence.events)
            self.messages.choices = select_choices((str(item.message.id), item.message.id) for item in evidence.messages)

    def event_ids(self) -> tuple[int, ...]:
        return _ids(self.events.data)

    def message_ids(self) -> tuple[int, ...]:
        return _ids(self.messages.data)


class DecideForm(RedressForm):
    decision = RadioField(_l("Your decision"), widget=GovRadioInput(),
                          choices=select_choices([("approve", _l("Approve the restriction")),
                                                  ("reject", _l("Do not approve it"))]),
                          validators=[DataRequired(_l("Choose whether to approve the restriction"))])
    review_on = OptionalDateField(_l("Review date"), description=_l("Needed to approve. Usually 6 months from today."),
                                  messages=date_messages(_l("Enter the review date")))
    ends_on = OptionalDateField(_l("End date"), description=_l("Needed to approve. After the review date."),
                                messages=date_messages(_l("Enter the end date")))
    note = TextAreaField(_l("Decision note"), widget=GovTextArea(),
                         description=_l("For the record; needed if you do not approve it. The person is not sent this note."),
                         validators=[Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)])
    submit = SubmitField(_l("Record the decision"), widget=GovSubmitInput())


class ReviewForm(_TermsFields):
    outcome = RadioField(_l("What is the outcome of the review?"), widget=GovRadioInput(),
                         choices=select_choices([("continue", _l("Keep it as it is until the next review")),
                                                 ("vary", _l("Change the restriction (the person is written to)")),
                                                 ("lift", _l("Lift it now (the person is written to)"))]),
                         validators=[DataRequired(_l("Choose the outcome of the review"))])
    review_on = OptionalDateField(_l("Next review date"), description=_l("To keep or change it."),
                                  messages=date_messages(_l("Enter the next review date")))
    ends_on = OptionalDateField(_l("End date"), description=_l("To change it. After the next review date."),
                                messages=date_messages(_l("Enter the end date")))
    note = TextAreaField(_l("Review note, or why it is lifted"), widget=GovTextArea(),
                         description=_l("Needed to lift it: the person is told the reason."),
                         validators=[Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)])
    submit = SubmitField(_l("Record the review"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.types.validators = [Optional()]  # only a change needs them; the service checks
        self.types.flags.required = False
