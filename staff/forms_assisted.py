"""The assisted journey's forms: one per step, worded for the agent asking the questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError

from shared.domain import feedback
from shared.domain.enums import AdjustmentKind, CaseKind, ConsentMethod, ContactMethod
from shared.services.assisted import ASSISTED_CHANNELS, CUSTOMER, MAX_OTHER_ISSUES, SOMEONE
from shared.web import ratelimits
from shared.web.fields import GovukDateField
from shared.web.forms import RedressForm, is_phone_number, select_choices
from staff.forms_adjustments import AdjustmentForm

MAX_TEXT = 10_000
YES_NO = select_choices([(feedback.YES, _l("Yes")), (feedback.NO, _l("No"))])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _radio(label, message, choices=None, **kwargs) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), choices=choices, validators=[InputRequired(message)],
                      validate_choice=True, invalid_choice_message=message, **kwargs)


class _StepForm(RedressForm):
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


def _services(services, locale: str):
    return select_choices([("", _l("Choose a service"))] + [(s.slug, s.display_name(locale)) for s in services])


class ContactForm(_StepForm):
    channel = _radio(_l("How did they get in touch?"), _l("Select how they got in touch"),
                     select_choices((c.value, c.label) for c in ASSISTED_CHANNELS))
    acting = _radio(
        _l("Who are you acting for?"), _l("Select who you are acting for"),
        select_choices([(CUSTOMER, _l("The customer themselves")), (SOMEONE, _l("Someone contacting us for the customer"))]),
    )
    caller_name = StringField(_l("Their full name"), widget=GovTextInput(), filters=[_strip],
                              validators=[Length(max=200, message=_l("Their full name must be 200 characters or fewer"))])
    caller_relationship = StringField(
        _l("Their relationship to the customer"), description=_l("For example, daughter, neighbour or support worker."),
        widget=GovTextInput(), filters=[_strip],
        validators=[Length(max=200, message=_l("Their relationship must be 200 characters or fewer"))],
    )
    consent = RadioField(_l("How has the customer agreed to them acting for them?"), widget=GovRadioInput(),
                         choices=select_choices(ConsentMethod.choices()), validate_choice=False)
    kind = _radio(
        _l("What is it about?"), _l("Select what the contact is about"),
        select_choices([(CaseKind.COMPLAINT.value, _l("A complaint")), (CaseKind.COMPLIMENT.value, _l("A compliment")),
                        (CaseKind.COMMENT.value, _l("A comment or suggestion"))]),
    )
    service = SelectField(_l("Which service is it about?"), widget=GovSelect(),
                          validators=[InputRequired(_l("Select the service it is about"))],
                          validate_choice=True, invalid_choice_message=_l("Select the service it is about"))

    def __init__(self, *args, services=(), locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.service.choices = _services(services, locale)

    def validate_service(self, field):
        if not field.data:
            raise ValidationError(_l("Select the service it is about"))

    # Asked only of someone acting for the customer; the questions sit in the conditional reveal.
    def validate_caller_name(self, field):
        if self.acting.data == SOMEONE and not field.data:
            raise ValidationError(_l("Enter the full name of the person acting for the customer"))

    def validate_caller_relationship(self, field):
        if self.acting.data == SOMEONE and not field.data:
            raise ValidationError(_l("Enter their relationship to the customer"))

    def validate_consent(self, field):
        if self.acting.data != SOMEONE:
            return
        if field.data not in {m.value for m in ConsentMethod}:
            raise ValidationError(_l("Select how the customer agreed to them acting for them"))


class DetailsForm(_StepForm):
    what_happened = TextAreaField(
        _l("What happened?"), description=_l("In the customer's words, with any names, addresses or reference numbers."),
        widget=GovTextArea(),
        validators=[DataRequired(_l("Enter what happened")),
                    Length(max=MAX_TEXT, message=_l("What happened must be 10,000 characters or fewer"))],
    )
    happened_on = GovukDateField(
        _l("When did it happen?"),
        description=_l("If it happened more than once or is still happening, the date it started. For example, 27 3 2026."),
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
    outcome_wanted = TextAreaField(
        _l("What would they like us to do to put things right?"), widget=GovTextArea(),
        validators=[DataRequired(_l("Enter what they would like us to do to put things right")),
                    Length(max=MAX_TEXT, message=_l("What they would like us to do must be 10,000 characters or fewer"))],
    )
    asked_before = _radio(
        _l("Have they already asked us about this?"), _l("Select yes if they have already asked us about this"), YES_NO,
        description=_l("For example, they reported a missed bin or asked for a repair, and it was not put right."),
    )

    def __init__(self, *args, kind: CaseKind, **kwargs):
        super().__init__(*args, **kwargs)
        if kind is not CaseKind.COMPLAINT:
            # Compliments and comments are only the message, as in the resident journey.
            del self.happened_on, self.outcome_wanted, self.asked_before
            self.what_happened.label.text = _l("What would they like to tell us?")
            self.what_happened.validators = [
                DataRequired(_l("Enter what they would like to tell us")),
                Length(max=MAX_TEXT, message=_l("What they would like to tell us must be 10,000 characters or fewer")),
            ]


class FirstRequestForm(RedressForm):
    """Two buttons, one for each way forward; the button pressed is the answer."""

    route = StringField(validators=[
        InputRequired(_l("Choose whether to pass it to the service as a request or treat it as a complaint")),
        AnyOf([feedback.AS_REQUEST, feedback.AS_COMPLAINT],
              message=_l("Choose whether to pass it to the service as a request or treat it as a complaint")),
    ])


class PreferencesForm(_StepForm):
    contact_method = _radio(_l("How would they like us to contact them about this?"),
                            _l("Select how they would like us to contact them"), select_choices(ContactMethod.choices()))
    contact_phone = StringField(_l("Phone number"), widget=GovTextInput(), filters=[_strip])
    contact_address = TextAreaField(_l("Postal address"), description=_l("Include the postcode."), widget=GovTextArea(),
                                    filters=[_strip],
                                    validators=[Length(max=500, message=_l("Postal address must be 500 characters or fewer"))])

    def __init__(self, *args, has_email: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_email = has_email

    def validate_contact_method(self, field):
        if field.data == ContactMethod.EMAIL.value and not self.has_email:
            raise ValidationError(_l("The customer has no email address: choose another way to contact them"))

    def validate_contact_phone(self, field):
        if self.contact_method.data in {ContactMethod.PHONE.value, ContactMethod.TEXT.value} and not is_phone_number(field.data):
            raise ValidationError(_l("Enter a phone number, like 01632 960 001 or 07700 900 982"))

    def validate_contact_address(self, field):
        if self.contact_method.data == ContactMethod.POST.value and not field.data:
            raise ValidationError(_l("Enter their postal address"))


class AdjustmentsForm(AdjustmentForm):
    """The register's form as a step: one adjustment at a time (add another), or none (more)."""

    NONE = "none"
    kind = _radio(_l("Do they need an adjustment to how we work with them?"),
                  _l("Select an adjustment they need, or that they need none"))
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def __init__(self, *args, in_force=frozenset(), added=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.in_force = frozenset(in_force)
        self.added = list(added)
        none = _l("No more adjustments") if self.added else _l("No, they do not need one")
        self.kind.choices = select_choices([(self.NONE, none), *AdjustmentKind.choices()])
        if self.added:
            self.kind.label.text = _l("Do they need another adjustment?")

    @property
    def chosen(self) -> AdjustmentKind | None:
        return None if self.kind.data == self.NONE else AdjustmentKind(self.kind.data)

    def validate_kind(self, field) -> None:
        if field.data in self.in_force:
            raise ValidationError(_l("They already have this adjustment on their record: choose another, or none"))


class RemoveAdjustmentForm(RedressForm):
    """The button beside an adjustment added on this call: its place in the list is the value."""

    remove = IntegerField(validators=[InputRequired()])


class IssuesForm(_StepForm):
    """The other issues the call raised, each to become a case of its own (all optional)."""

    def __init__(self, *args, services=(), locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_OTHER_ISSUES + 1):
            self[f"service_{number}"].choices = _services(services, locale)

    @property
    def issues(self) -> list[dict[str, str]]:
        found = []
        for number in range(1, MAX_OTHER_ISSUES + 1):
            text = (self[f"issue_{number}"].data or "").strip()
            if text:
                found.append({"text": text, "service": self[f"service_{number}"].data})
        return found

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for number in range(1, MAX_OTHER_ISSUES + 1):
            text, service = self[f"issue_{number}"], self[f"service_{number}"]
            known = {str(choice.value) for choice in service.choices if choice.value}
            if (text.data or "").strip() and service.data not in known:
                service.errors = [*service.errors, _l("Select the service issue %(number)s is about", number=number)]
                ok = False
        return ok


for _number in range(1, MAX_OTHER_ISSUES + 1):
    setattr(IssuesForm, f"issue_{_number}", TextAreaField(
        _l("What is the other issue about?"), widget=GovTextArea(), filters=[_strip],
        validators=[Length(max=MAX_TEXT, message=_l("Each issue must be 10,000 characters or fewer"))]))
    setattr(IssuesForm, f"service_{_number}", SelectField(
        _l("Which service is it about?"), widget=GovSelect(), validate_choice=False))


class CheckForm(RedressForm):
    rate_limits = ratelimits.FEEDBACK  # per agent: a contact centre shares one address

    submit = SubmitField(widget=GovSubmitInput())

    _BUTTON = {
        CaseKind.COMPLAINT: _l("Log complaint"),
        CaseKind.SERVICE_REQUEST: _l("Log request"),
        CaseKind.COMPLIMENT: _l("Log compliment"),
        CaseKind.COMMENT: _l("Log comment"),
    }

    def __init__(self, *args, kind: CaseKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.submit.label.text = self._BUTTON[kind]


class DiscardForm(RedressForm):
    submit = SubmitField(_l("Cancel and delete these answers"), widget=GovSubmitInput())
