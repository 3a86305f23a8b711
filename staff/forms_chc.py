"""Forms for the Complaint Handling Code's annual report: which year, the answer to one provision,
and the year's statements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, StopValidation

from shared.domain.chc import ANSWER_MAX_LENGTH
from shared.domain.reporting import financial_year_label
from shared.web.forms import RedressForm, select_choices

TOO_LONG = _l("This must be 5,000 characters or fewer")


class ChcYearForm(RedressForm):
    """The year to show, from the query string (a GET form: a link to a year can be shared)."""

    class Meta:
        csrf = False

    year = SelectField(_l("Financial year"), widget=GovSelect(), validate_choice=False)
    def __init__(self, formdata, *, years: list[int], **kwargs) -> None:
        super().__init__(formdata, **kwargs)
        self.year.choices = select_choices([(str(year), financial_year_label(year)) for year in years])

    def validate_year(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise StopValidation(_l("Choose a financial year from the list"))


def _text(label, description=None) -> TextAreaField:
    return TextAreaField(label, description=description, widget=GovTextArea(),
                         validators=[Length(max=ANSWER_MAX_LENGTH, message=TOO_LONG)])


class ChcAnswerForm(RedressForm):
    compliant = RadioField(
        _l("Does the council comply with this provision?"), widget=GovRadioInput(),
        choices=select_choices([("yes", _l("Yes")), ("no", _l("No"))]),
        validators=[DataRequired(_l("Select yes if the council complies with this provision"))],
    )
    evidence = _text(_l("Evidence"), _l("For example, the policy section, training records or the figure from the "
                                        "case data."))
    commentary = _text(_l("Commentary or explanation"),
                       _l("If the council does not comply, explain why and what it will do, and by when."))
    submit = SubmitField(_l("Save the answer"), widget=GovSubmitInput())

    def validate_evidence(self, field) -> None:
        if self.compliant.data == "yes" and not (field.data or "").strip():
            raise StopValidation(_l("Enter the evidence that the council complies"))

    def validate_commentary(self, field) -> None:
        if self.compliant.data == "no" and not (field.data or "").strip():
            raise StopValidation(_l("Explain why the council does not comply and what it will do"))


class ChcStatementsForm(RedressForm):
    governing_body_response = _text(_l("The governing body's response"),
                                    _l("The response of the cabinet or committee that considered the report."))
    member_comments = _text(_l("Comments from the Member Responsible for Complaints"))
    ombudsman_findings = _text(_l("Findings of non-compliance with the Code by the Ombudsman"),
                               _l("Leave this empty if the Ombudsman made none."))
    ombudsman_annual_review = _text(_l("The Ombudsman's annual review of the council's complaint handling"),
                                    _l("A summary of the Ombudsman's annual letter or review for the year."))
    submit = SubmitField(_l("Save the statements"), widget=GovSubmitInput())
