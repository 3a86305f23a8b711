"""The audit search's filter form (a GET form): who, about whom, what, which subject, when."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.validators import Length, StopValidation

from shared.domain import audit_actions
from shared.services.audit_search import AuditFilters, Cursor
from shared.web.fields import GovukDateField, date_messages
from shared.web.forms import RedressForm, select_choices

_TEXT_LIMIT = 200


class _OptionalDate(GovukDateField):
    """A date the search may go without: all three boxes empty is no filter; anything else is checked."""

    def pre_validate(self, form):
        if not any(self.raw_data or []):
            self.data = None
            raise StopValidation()
        super().pre_validate(form)


class AuditSearchForm(RedressForm):
    class Meta:
        csrf = False

    actor = StringField(_l("Who did it"), widget=GovTextInput(), description=_l("Name or email address"),
                        validators=[Length(max=_TEXT_LIMIT, message=_l("Enter 200 characters or fewer"))])
    person = StringField(_l("About whom"), widget=GovTextInput(), description=_l("Name or email address"),
                         validators=[Length(max=_TEXT_LIMIT, message=_l("Enter 200 characters or fewer"))])
    action = SelectField(_l("What happened"), validate_choice=False)
    subject_type = SelectField(_l("Subject"), widget=GovSelect(), validate_choice=False)
    subject = StringField(_l("Case reference or number"), widget=GovTextInput(),
                          validators=[Length(max=60, message=_l("Enter 60 characters or fewer"))])
    start = _OptionalDate(_l("From"), description=_l("For example, 1 12 2026"),
                          messages=date_messages(_l("Enter the date to search from")))
    end = _OptionalDate(lazy_pgettext("end of a date range", "To"), description=_l("For example, 7 12 2026"),
                        messages=date_messages(_l("Enter the date to search to")))

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.subject_type.choices = select_choices(
            [("", _l("Any subject"))] + sorted(audit_actions.SUBJECT_TYPES.items(), key=lambda item: str(item[1])))

    def validate_action(self, field) -> None:
        if field.data and audit_actions.actions_for(field.data) is None:
            raise StopValidation(_l("Choose what happened from the list"))

    def validate_subject_type(self, field) -> None:
        if field.data and field.data not in audit_actions.SUBJECT_TYPES:
            raise StopValidation(_l("Choose a subject from the list"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.start.data and self.end.data and self.end.data < self.start.data:
            self.end.errors.append(_l("The end date must be the same as or after the start date"))
            self.end.bad_parts = ("day", "month", "year")
            return False
        return valid

    def filters(self, older: str | None = None, newer: str | None = None) -> AuditFilters:
        return AuditFilters(
            actor=(self.actor.data or "").strip(), person=(self.person.data or "").strip(),
            actions=audit_actions.actions_for(self.action.data) if self.action.data else None,
            subject_type=self.subject_type.data or None, subject=(self.subject.data or "").strip(),
            start=self.start.data, end=self.end.data,
            older_than=Cursor.decode(older), newer_than=Cursor.decode(newer),
        )
