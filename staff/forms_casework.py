"""Forms for case work actions. Each carries the case version the page showed (a stale one is a 409)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from shared.domain.enums import ClosureCode, Finding, RemedyKind
from shared.services.responses import Draft, OutstandingAction, Remedy
from shared.web.fields import GovukDateField
from shared.web.forms import RedressForm, select_choices
from shared.web.numbers import whole_number

_DATE_MESSAGES = {
    "required": _l("Enter the date"),
    "day": _l("The date must include a day"),
    "month": _l("The date must include a month"),
    "year": _l("The date must include a year"),
    "real": _l("The date must be a real date"),
}
MAX_PAYMENT_PENCE = 100_000_00


class CaseActionForm(RedressForm):
    # The case version the page showed: a stale one means someone else changed the case first.
    version = HiddenField()
    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())

    def expected_version(self) -> int | None:
        return whole_number(self.version.data)


class AcknowledgeForm(CaseActionForm):
    agreed_date = GovukDateField(
        _l("Response date agreed with the person"),
        description=_l("For example, 26 2 2027"),
        messages={**_DATE_MESSAGES, "required": _l("Enter the response date agreed with the person")},
    )
    submit = SubmitField(_l("Acknowledge"), widget=GovSubmitInput())


class WithdrawForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why is the person withdrawing their complaint?"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter why the person is withdrawing their complaint")),
            Length(max=2000, message=_l("The reason must be 2,000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Withdraw the case"), widget=GovSubmitInput())


class ReopenForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why is the case being reopened?"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter why the case is being reopened")),
            Length(max=2000, message=_l("The reason must be 2,000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Reopen the case"), widget=GovSubmitInput())


class ExtendForm(CaseActionForm):
    new_date = GovukDateField(
        _l("New response date"),
        description=_l("For example, 14 1 2027"),
        messages={**_DATE_MESSAGES, "required": _l("Enter the new response date")},
    )
    reason = TextAreaField(
        _l("Reason for the extension"),
        description=_l("The person will be told this reason."),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter the reason for the extension")),
            Length(max=2000, message=_l("The reason must be 2,000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Extend the deadline"), widget=GovSubmitInput())


class CloseForm(CaseActionForm):
    code = RadioField(
        _l("Why is the case being closed?"),
        widget=GovRadioInput(),
        # Withdrawal has its own action, so the person's request is kept.
        choices=select_choices((c.value, c.label) for c in ClosureCode if c is not ClosureCode.WITHDRAWN),
        validators=[DataRequired(_l("Choose why the case is being closed"))],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Needed when closing as out of time, not a complaint or referred elsewhere."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message=_l("The reason must be 2,000 characters or fewer"))],
    )
    duplicate_reference = StringField(
        _l("Reference of the case this one duplicates"),
        description=_l("For example, RDR-7K2M-9QXD"),
        widget=GovTextInput(),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Close the case"), widget=GovSubmitInput())

    def closure_code(self) -> ClosureCode | None:
        return ClosureCode(self.code.data) if self.code.data in {c.value for c in ClosureCode} else None


class CheckForm(CaseActionForm):
    comments = TextAreaField(
        _l("What needs to change?"),
        description=_l("Only needed if you return the response. The author will see your comments."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=5000, message=_l("Comments must be 5,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Approve and send"), widget=GovSubmitInput())
    return_for_changes = SubmitField(_l("Return for changes"), widget=GovSubmitInput())


class _ActionRow(Form):
    """One outstanding action; a row left blank is ignored."""

    class Meta:
        csrf = False

    what = StringField(_l("Action"), widget=GovTextInput(),
                       validators=[Length(max=500, message=_l("The action must be 500 characters or fewer"))])
    owner = StringField(_l("Owner"), description=_l("A person or team"), widget=GovTextInput(),
                        validators=[Length(max=200, message=_l("The owner must be 200 characters or fewer"))])
    due = GovukDateField(_l("Due date"), messages={**_DATE_MESSAGES, "required": _l("Enter the date the action is due")})

    def is_blank(self) -> bool:
        return not (self.what.data or "").strip() and not (self.owner.data or "").strip() and not any(self.due.raw_data or [])

    def validate(self, extra_validators=None):
        if self.is_blank():
            return True
        ok = super().validate(extra_validators)
        if not (self.what.data or "").strip():
            self.what.errors = [*self.what.errors, _l("Enter the action")]
            ok = False
        if not (self.owner.data or "").strip():
            self.owner.errors = [*self.owner.errors, _l("Enter who owns the action")]
            ok = False
        return ok


_POUNDS = re.compile(r"^\d{1,7}(\.\d{2})?$")


class ResponseForm(CaseActionForm):
    """The response for one stage. Finding fields (finding_<id>, reason_<id>) are added per point."""

    remedies = SelectMultipleField(
        _l("Remedies"),
        description=_l("Select all that apply."),
        widget=GovCheckboxesInput(),
        choices=select_choices(RemedyKind.choices()),
        validators=[Optional()],
    )
    detail_apology = TextAreaField(_l("Apology"), widget=GovTextArea(), validators=[Length(max=2000)])
    detail_explanation = TextAreaField(_l("Explanation"), widget=GovTextArea(), validators=[Length(max=2000)])
    detail_action = TextAreaField(_l("Action to put things right"), widget=GovTextArea(), validators=[Length(max=2000)])
    detail_payment = TextAreaField(_l("What the payment is for"), widget=GovTextArea(), validators=[Length(max=2000)])
    payment_amount = StringField(_l("Amount of the payment, in pounds"), description=_l("For example, 150 or 75.50"),
                                 widget=GovTextInput())
    actions = FieldList(FormField(_ActionRow), min_entries=3, max_entries=3)
    # Starting from a template: choices are set per case by the view; nothing is saved by it.
    template_id = SelectField(_l("Start from a template"), choices=[], validate_choice=False, widget=GovSelect())
    replace_body = BooleanField(_l("Replace the letter I have already written"), widget=GovCheckboxInput())
    use_template = SubmitField(_l("Use template"), widget=GovSubmitInput())
    body = TextAreaField(
        _l("Response letter"),
        description=_l("Write to the person in plain English. Say what you found, what you will do and how to take the complaint further."),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter the response letter")),
            Length(max=20000, message=_l("The response letter must be 20,000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Save draft"), widget=GovSubmitInput())

    point_ids: list[str] = []

    def validate_payment_amount(self, field):
        if RemedyKind.PAYMENT.value not in (self.remedies.data or []):
            return
        text = (field.data or "").strip().replace(",", "").removeprefix("£")
        if not text:
            raise ValidationError(_l("Enter the amount of the payment"))
        if not _POUNDS.match(text):
            raise ValidationError(_l("Enter the amount in pounds, like 150 or 75.50"))
        pence = self._pence(text)
        if pence is None or pence <= 0:
            raise ValidationError(_l("The amount must be more than £0"))
        if pence > MAX_PAYMENT_PENCE:
            raise ValidationError(_l("The amount must be £100,000 or less"))

    @staticmethod
    def _pence(text: str) -> int | None:
        try:
            return int(Decimal(text) * 100)
        except InvalidOperation:
            return None

    def to_draft(self) -> Draft:
        findings = {}
        for point in self.point_ids:
            value = self[f"finding_{point}"].data
            finding = Finding(value) if value in {f.value for f in Finding} else None
            findings[point] = (finding, self[f"reason_{point}"].data or "")
        remedies = []
        for kind in RemedyKind:
            if kind.value in (self.remedies.data or []):
                amount = None
                if kind is RemedyKind.PAYMENT:
                    amount = self._pence((self.payment_amount.data or "").strip().replace(",", "").removeprefix("£"))
                remedies.append(Remedy(kind, (self[f"detail_{kind.value}"].data or "").strip(), amount))
        actions = [
            OutstandingAction(row.what.data.strip(), row.owner.data.strip(), row.due.data)
            for row in (entry.form for entry in self.actions)
            if not row.is_blank()
        ]
        return Draft(findings=findings, body=self.body.data or "", remedies=remedies, actions=actions)


def response_form(points: list[dict], response=None, *, formdata=None, version: int | None = None) -> ResponseForm:
    """A ResponseForm with a finding and a reason for each point of the complaint definition."""

    class _Form(ResponseForm):
        pass

    for point in points:
        pid = str(point["id"])
        setattr(_Form, f"finding_{pid}", RadioField(
            _l("Finding"), widget=GovRadioInput(), choices=select_choices(Finding.choices()), validate_choice=False,
        ))
        setattr(_Form, f"reason_{pid}", TextAreaField(
            _l("Reason for the finding"), widget=GovTextArea(),
            validators=[Length(max=5000, message=_l("The reason must be 5,000 characters or fewer"))],
        ))
    _Form.point_ids = [str(p["id"]) for p in points]
    if formdata is not None:
        return _Form(formdata=formdata)
    data: dict = {"version": version}
    if response is not None:
        data["body"] = response.body
        for pid, answer in (response.findings or {}).items():
            data[f"finding_{pid}"] = answer.get("finding")
            data[f"reason_{pid}"] = answer.get("reason", "")
        data["remedies"] = [r["kind"] for r in response.remedies or []]
        for remedy in response.remedies or []:
            data[f"detail_{remedy['kind']}"] = remedy.get("detail", "")
            if remedy.get("amount_pence") is not None:
                data["payment_amount"] = f"{remedy['amount_pence'] / 100:.2f}"
        data["actions"] = [
            {"what": a["what"], "owner": a["owner"], "due": date.fromisoformat(a["due"]) if a.get("due") else None}
            for a in response.actions or []
        ]
    return _Form(formdata=None, data=data)
