"""Back-office forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import (
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from shared.domain.references import normalise
from shared.web import ratelimits
from shared.web.fields import GovukDateField
from shared.web.forms import RedressForm


class StaffSignInForm(RedressForm):
    rate_limits = ratelimits.SIGN_IN

    email = EmailField(
        _l("Work email address"),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter your work email address"))],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[DataRequired(_l("Enter your password"))],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class StaffSignOutForm(RedressForm):
    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())


class FindCaseForm(RedressForm):
    """A GET search: no CSRF needed, nothing changes."""

    class Meta:
        csrf = False

    reference = StringField(
        _l("Case reference"),
        description=_l("For example, RDR-7K2M-9QXD"),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter a case reference"))],
    )
    submit = SubmitField(_l("Find case"), widget=GovSubmitInput())

    def validate_reference(self, field):
        if normalise(field.data or "") is None:
            raise ValidationError(_l("Enter a case reference in the correct format, like RDR-7K2M-9QXD"))


class ClosureDayForm(RedressForm):
    closure_date = GovukDateField(
        _l("Date"),
        description=_l("For example, 29 12 2026"),
        messages={
            "required": _l("Enter the date"),
            "day": _l("Date must include a day"),
            "month": _l("Date must include a month"),
            "year": _l("Date must include a year"),
            "real": _l("Date must be a real date"),
        },
    )
    reason = StringField(
        _l("Reason"),
        description=_l("For example, Christmas closure"),
        widget=GovTextInput(),
        validators=[
            DataRequired(_l("Enter the reason for the closure")),
            Length(max=200, message=_l("Reason must be 200 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Add closure day"), widget=GovSubmitInput())


class NoteForm(RedressForm):
    text = TextAreaField(
        _l("Add an internal note"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter the note")),
            Length(max=5000, message=_l("The note must be 5,000 characters or fewer")),
        ],
    )
    # The case version the page showed: a stale one means someone else changed the case first.
    version = HiddenField()
    submit = SubmitField(_l("Add note"), widget=GovSubmitInput())


class _WorkingDaysField(IntegerField):
    """A number of working days, with GOV.UK messages (WTForms' own would say "Not a valid integer value")."""

    def __init__(self, label=None, *, minimum: int = 1, **kwargs):
        range_message = (
            _l("Enter a number of working days from 0 to 250")
            if minimum == 0
            else _l("Enter a number of working days from 1 to 250")
        )
        kwargs.setdefault("widget", GovTextInput())
        super().__init__(
            label, [Optional(), NumberRange(min=minimum, max=250, message=range_message)], **kwargs
        )

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a whole number of working days, like 10")) from None


class _StageClocksForm(Form):
    """One stage's clocks, in working days; blank means the stage has no such clock."""

    acknowledge_within = _WorkingDaysField(_l("Acknowledge within (working days)"), minimum=0)
    respond_within = _WorkingDaysField(_l("Respond within (working days)"), minimum=1)
    extension_max = _WorkingDaysField(_l("Longest extension (working days)"), minimum=1)
    escalation_window = _WorkingDaysField(_l("Time to ask for the next stage (working days)"), minimum=1)

    class Meta:
        csrf = False


class ProcedureForm(RedressForm):
    stages = FieldList(FormField(_StageClocksForm))
    submit = SubmitField(_l("Save as a new version"), widget=GovSubmitInput())
