"""Forms for what follows a case: learning actions and Ombudsman enquiries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from shared.domain.enums import LearningStatus, Ombudsman, OmbudsmanDecision
from shared.web.fields import GovukDateField, date_messages
from shared.web.forms import RedressForm, select_choices
from shared.web.numbers import whole_number


class OptionalDateField(GovukDateField):
    """A GOV.UK date that may be left blank (all three boxes empty means no date)."""

    def pre_validate(self, form):
        if not any(self.raw_data or []):
            self.data = None
            raise StopValidation()
        super().pre_validate(form)


def _text(label, required: object, max_length: int, too_long: object, widget=None, **kwargs):
    return (TextAreaField if widget is None else StringField)(
        label, widget=widget or GovTextArea(),
        validators=[DataRequired(required), Length(max=max_length, message=too_long)], **kwargs,
    )


def _optional_text(label, max_length: int, too_long: object, **kwargs):
    return TextAreaField(label, widget=GovTextArea(), validators=[Optional(), Length(max=max_length, message=too_long)],
                         **kwargs)


# --- learning actions -------------------------------------------------------------------------------


class LearningForm(RedressForm):
    title = _text(_l("Title"), _l("Enter a title"), 200, _l("The title must be 200 characters or fewer"), GovTextInput())
    description = _optional_text(_l("Description (optional)"), 5000,
                                 _l("The description must be 5,000 characters or fewer"))
    service = SelectField(_l("Service"), widget=GovSelect(), validators=[DataRequired(_l("Choose the service"))])
    owner = SelectField(_l("Owner"), widget=GovSelect(), validators=[Optional()])
    due_on = OptionalDateField(_l("Due date (optional)"), description=_l("For example, 31 3 2027"),
                               messages=date_messages(_l("Enter the due date")))
    status = RadioField(_l("Status"), widget=GovRadioInput(), choices=select_choices(LearningStatus.choices()),
                        default=LearningStatus.PLANNED.value, validators=[DataRequired(_l("Choose the status"))])
    submit = SubmitField(_l("Save the learning action"), widget=GovSubmitInput())

    def __init__(self, *args, services=(), people=(), locale: str = "en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service.choices = select_choices(
            [("", _l("Choose a service")), *((str(s.id), s.display_name(locale)) for s in services)]
        )
        self.owner.choices = select_choices([("", _l("No owner yet")), *((str(p.id), p.full_name) for p in people)])

    def service_id(self) -> int:
        return int(self.service.data)

    def owner_id(self) -> int | None:
        return whole_number(self.owner.data)

    def learning_status(self) -> LearningStatus:
        return LearningStatus(self.status.data)


class LearningEditForm(LearningForm):
    you_said = _optional_text(_l("You said"), 2000, _l("“You said” must be 2,000 characters or fewer"),
                              description=_l("What people told us, in plain words. Do not include names or "
                                             "anything that could identify someone."))
    we_did = _optional_text(_l("We did"), 2000, _l("“We did” must be 2,000 characters or fewer"),
                            description=_l("What the council changed as a result."))
    published = BooleanField(_l("Publish on the “You said, we did” page when the action is done"),
                             widget=GovCheckboxInput())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.published.data:
            if not (self.you_said.data or "").strip():
                self.you_said.errors = [*self.you_said.errors, _l("Enter what people said before publishing")]
                ok = False
            if not (self.we_did.data or "").strip():
                self.we_did.errors = [*self.we_did.errors, _l("Enter what the council did before publishing")]
                ok = False
        return ok


class LearningStatusForm(RedressForm):
    status = RadioField(_l("Status"), widget=GovRadioInput(), choices=select_choices(LearningStatus.choices()),
                        validators=[DataRequired(_l("Choose the status"))])
    submit = SubmitField(_l("Update the status"), widget=GovSubmitInput())


class LinkCaseForm(RedressForm):
    reference = StringField(_l("Case reference"), description=_l("For example, RDR-7K3M-Q9XZ"), widget=GovTextInput(),
                            validators=[DataRequired(_l("Enter a case reference")),
                                        Length(max=40, message=_l("Enter a case reference like RDR-7K3M-Q9XZ"))])
    submit = SubmitField(_l("Link the case"), widget=GovSubmitInput())


# --- Ombudsman --------------------------------------------------------------------------------------


class EnquiryForm(RedressForm):
    ombudsman = RadioField(_l("Which Ombudsman?"), widget=GovRadioInput(),
                           choices=select_choices((o.value, o.label) for o in Ombudsman if o is not Ombudsman.NONE),
                           validators=[DataRequired(_l("Choose which Ombudsman"))])
    their_reference = _text(_l("The Ombudsman’s reference"), _l("Enter the Ombudsman’s reference"), 60,
                            _l("The Ombudsman’s reference must be 60 characters or fewer"), GovTextInput())
    received_on = GovukDateField(_l("Date the enquiry was received"), description=_l("For example, 14 12 2026"),
                                 messages=date_messages(_l("Enter the date the enquiry was received"),
                                                         _l("The date the enquiry was received must be today or in the past")),
                                 past_only=True)
    information_due_on = OptionalDateField(_l("Date the information is due (optional)"),
                                           description=_l("For example, 11 1 2027"),
                                           messages=date_messages(_l("Enter the date the information is due")))
    submit = SubmitField(_l("Record the enquiry"), widget=GovSubmitInput())


class ReferralForm(RedressForm):
    information_sent_on = OptionalDateField(
        _l("Date the information was sent (optional)"), description=_l("For example, 8 1 2027"),
        messages=date_messages(_l("Enter the date the information was sent"),
                                _l("The date the information was sent must be today or in the past")),
        past_only=True,
    )
    decision = RadioField(_l("Decision"), widget=GovRadioInput(), choices=select_choices(OmbudsmanDecision.choices()),
                          validators=[DataRequired(_l("Choose the decision"))])
    decided_on = OptionalDateField(
        _l("Date of the decision"), description=_l("For example, 2 3 2027"),
        messages=date_messages(_l("Enter the date of the decision"),
                                _l("The date of the decision must be today or in the past")),
        past_only=True,
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def decision_value(self) -> OmbudsmanDecision:
        return OmbudsmanDecision(self.decision.data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.decision.data != OmbudsmanDecision.PENDING.value and self.decided_on.data is None:
            self.decided_on.errors = [*self.decided_on.errors, _l("Enter the date of the decision")]
            ok = False
        return ok


class RecommendationForm(RedressForm):
    text = _text(_l("Recommendation"), _l("Enter the recommendation"), 2000,
                 _l("The recommendation must be 2,000 characters or fewer"))
    due_on = GovukDateField(_l("Date it must be done by"), description=_l("For example, 2 4 2027"),
                            messages=date_messages(_l("Enter the date it must be done by")))
    submit = SubmitField(_l("Add the recommendation"), widget=GovSubmitInput())


class ComplyForm(RedressForm):
    complied_on = GovukDateField(_l("Date the council complied"), description=_l("For example, 20 3 2027"),
                                 messages=date_messages(_l("Enter the date the council complied"),
                                                         _l("The date the council complied must be today or in the past")),
                                 past_only=True)
    evidence = _text(_l("Evidence"), _l("Enter the evidence sent to the Ombudsman"), 5000,
                     _l("The evidence must be 5,000 characters or fewer"),
                     description=_l("What was sent to the Ombudsman to show the recommendation was carried out."))
    submit = SubmitField(_l("Record compliance"), widget=GovSubmitInput())
