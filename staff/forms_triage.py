"""Triage, split and allocation forms, and the signposting organisations' admin form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from shared.domain.enums import CaseReason, RefusalGround
from shared.domain.named_employees import NAME_MAX, name_key
from shared.domain.references import normalise
from shared.services.named_employees import Named
from shared.services.triage import MAX_PARTS, MIN_PARTS
from shared.web.forms import RedressForm

MAX_TEXT = 10_000


def _radio(label, message):
    return RadioField(label, widget=GovRadioInput(), validators=[InputRequired(message)], validate_choice=True,
                      invalid_choice_message=message)


class _CaseForm(RedressForm):
    # The case version the page showed: a stale one means someone else changed the case first.
    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class DecisionForm(_CaseForm):
    decision = _radio(_l("What is this contact?"), _l("Select what this contact is"))
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [SelectChoice(d.value, d.label) for d in decisions]


class ComplaintForm(_CaseForm):
    procedure = _radio(_l("Which procedure applies?"), _l("Select the procedure that applies"))
    service = SelectField(
        _l("Which service is the complaint about?"),
        widget=GovSelect(),
        validators=[InputRequired(_l("Select the service the complaint is about"))],
        validate_choice=True,
        invalid_choice_message=_l("Select the service the complaint is about"),
    )
    reason = _radio(_l("What is the complaint mainly about?"), _l("Select what the complaint is mainly about"))
    # The council's own reasons, grouped by category on the page; where it has none for the
    # service, `reason` (the category) is asked instead.
    reason_detail = RadioField(
        _l("What is the complaint mainly about?"), widget=GovRadioInput(),
        validators=[InputRequired(_l("Select what the complaint is mainly about"))], validate_choice=True,
        invalid_choice_message=_l("Select a reason offered for the service you chose"))
    points = TextAreaField(
        _l("What are the points of the complaint?"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter at least one point of the complaint")),
            Length(max=MAX_TEXT, message=_l("The points must be 10,000 characters or fewer")),
        ],
    )
    outcome = TextAreaField(
        _l("What outcome does the person want?"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter the outcome the person wants")),
            Length(max=MAX_TEXT, message=_l("The outcome must be 10,000 characters or fewer")),
        ],
    )
    vulnerable = BooleanField(_l("The person may be vulnerable or at risk"), widget=GovCheckboxInput())
    vulnerability_note = TextAreaField(
        _l("Vulnerability or risk"),
        widget=GovTextArea(),
        validators=[Length(max=MAX_TEXT, message=_l("The note must be 10,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Record as a complaint"), widget=GovSubmitInput())

    def __init__(self, *args, procedures=(), services=(), staff=(), reasons=(), locale="en", naming=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = {str(r.id): r for r in reasons}
        if self.reasons:
            del self.reason
            self.reason_detail.choices = [SelectChoice(key, r.display_name(locale)) for key, r in self.reasons.items()]
            self.reason_groups = [
                (category, [(key, r.display_name(locale)) for key, r in self.reasons.items() if r.category is category])
                for category in CaseReason]
            self.reason_groups = [(category, items) for category, items in self.reason_groups if items]
        else:
            del self.reason_detail
            self.reason_groups = []
        self.naming = naming  # whether this member of staff may name employees (else those boxes are left out)
        self.procedure.choices = [SelectChoice(p.slug, p.display_name(locale)) for p in procedures]
        # Held so the session's identity map keeps them: the service then looks them up for free.
        self.procedures = {p.slug: p for p in procedures}
        self.services = list(services)
        self.service.choices = [SelectChoice("", _l("Choose a service"))] + [
            SelectChoice(str(s.id), s.display_name(locale)) for s in services
        ]
        if not self.reasons:
            self.reason.choices = [SelectChoice(value, label) for value, label in CaseReason.choices()]
        set_employee_choices(self, services, staff, locale, NAMED_AT_TRIAGE)

    @property
    def employee_numbers(self) -> range:
        return range(1, NAMED_AT_TRIAGE + 1)

    @property
    def named(self) -> list[tuple[str, Named]]:
        """(field prefix, employee) for each employee row filled in, after validation."""
        return [(f"employee_{n}_", _named(self, f"employee_{n}_")) for n in self.employee_numbers
                if (self[f"employee_{n}_name"].data or "").strip()]

    @property
    def chosen_reason(self):
        """The council's reason chosen, if it has any for the service (after validation)."""
        return self.reasons.get(self.reason_detail.data) if self.reasons else None

    @property
    def category(self) -> CaseReason | None:
        if self.reasons:
            chosen = self.chosen_reason
            return chosen.category if chosen else None
        return next((member for member in CaseReason if member.value == self.reason.data), None)

    @property
    def point_list(self) -> list[str]:
        return [line.strip() for line in (self.points.data or "").splitlines() if line.strip()]

    def validate_points(self, field):
        if not self.point_list:
            raise ValidationError(_l("Enter at least one point of the complaint"))

    def validate_vulnerability_note(self, field):
        if self.vulnerable.data and not (field.data or "").strip():
            raise ValidationError(_l("Describe the vulnerability or risk, and what has been done about it"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        filled = []
        for n in self.employee_numbers if self.naming else ():
            ok, given = _check_employee(self, f"employee_{n}_", number=n)
            valid = valid and ok
            if given:
                filled.append(n)
        if filled and self.category and self.category is not CaseReason.STAFF_ATTITUDE:
            first = self[f"employee_{filled[0]}_name"]
            first.errors = [*first.errors, _l(
                "Only name employees when the complaint is mainly about staff attitude and behaviour")]
            valid = False
        keys = {}
        for n in filled:
            name = self[f"employee_{n}_name"]
            key = (name_key(name.data or ""), self[f"employee_{n}_service"].data)
            if key in keys and not name.errors:
                name.errors = [*name.errors, _l("Employee %(number)s is the same as employee %(other)s",
                                                number=n, other=keys[key])]
                valid = False
            keys.setdefault(key, n)
        return valid


# --- employees a staff attitude complaint names (triage, and the case page afterwards) ------------------

NAMED_AT_TRIAGE = 3  # rows on the triage page; more can be added from the case page


def set_employee_choices(form, services, staff, locale: str, rows: int | None = None) -> None:
    service_choices = [SelectChoice("", _l("Choose a service"))] + [
        SelectChoice(str(s.id), s.display_name(locale)) for s in services]
    user_choices = [SelectChoice("", _l("Not a Redress user, or not known"))] + [
        SelectChoice(str(u.id), u.full_name) for u in staff]
    form.staff_users = list(staff)  # kept in the identity map for the service's look-ups
    prefixes = [f"employee_{n}_" for n in range(1, rows + 1)] if rows else [""]
    for prefix in prefixes:
        form[f"{prefix}service"].choices = service_choices
        form[f"{prefix}user"].choices = user_choices


def _named(form, prefix: str) -> Named:
    user = form[f"{prefix}user"].data
    return Named(name=(form[f"{prefix}name"].data or "").strip(), service_id=int(form[f"{prefix}service"].data),
                 user_id=int(user) if user else None)


def _check_employee(form, prefix: str, *, number: int | None = None) -> tuple[bool, bool]:
    """(valid, filled in) for one employee's boxes: a name needs a service; a service or staff user
    needs a name; choices must be on the lists."""
    name, service, user = form[f"{prefix}name"], form[f"{prefix}service"], form[f"{prefix}user"]
    text = (name.data or "").strip()
    services = {choice.value for choice in service.choices if choice.value}
    users = {choice.value for choice in user.choices if choice.value}
    valid = True

    def say(field, numbered, plain):
        nonlocal valid
        field.errors = [*field.errors, numbered if number is not None else plain]
        valid = False

    if not text and (service.data or user.data):
        say(name, _l("Enter the name of employee %(number)s", number=number), _l("Enter the name of the employee"))
    if text and len(text) > NAME_MAX:
        say(name, _l("The name of employee %(number)s must be 200 characters or fewer", number=number),
            _l("The employee's name must be 200 characters or fewer"))
    if (text or number is None) and service.data not in services:
        say(service, _l("Select the service employee %(number)s works in", number=number),
            _l("Select the service the employee works in"))
    if user.data and user.data not in users:
        say(user, _l("Select a member of staff from the list, or none"),
            _l("Select a member of staff from the list, or none"))
    return valid, bool(text or service.data or user.data)


def _employee_fields(prefix: str, number: int | None):
    return {
        f"{prefix}name": StringField(
            _l("Employee %(number)s: name", number=number) if number is not None else _l("Name of the employee"),
            description=_l("As the person wrote or said it, for example, “the receptionist, Sam”."),
            widget=GovTextInput(), validators=[Optional()]),
        f"{prefix}service": SelectField(
            _l("Employee %(number)s: service they work in", number=number) if number is not None
            else _l("Service they work in"), widget=GovSelect(), validate_choice=False),
        f"{prefix}user": SelectField(
            _l("Employee %(number)s: member of staff on Redress (optional)", number=number) if number is not None
            else _l("Member of staff on Redress (optional)"), widget=GovSelect(), validate_choice=False),
    }


for _number in range(1, NAMED_AT_TRIAGE + 1):
    for _name, _field in _employee_fields(f"employee_{_number}_", _number).items():
        setattr(ComplaintForm, _name, _field)


class NamedEmployeeForm(RedressForm):
    """Add or correct one employee a staff attitude complaint names, from the case page."""

    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def __init__(self, *args, services=(), staff=(), locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        set_employee_choices(self, services, staff, locale)

    @property
    def named(self) -> Named:
        return _named(self, "")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        ok, _given = _check_employee(self, "")
        if not (self.name.data or "").strip() and not self.name.errors:
            self.name.errors = [*self.name.errors, _l("Enter the name of the employee")]
            ok = False
        return valid and ok


for _name, _field in _employee_fields("", None).items():
    setattr(NamedEmployeeForm, _name, _field)


class RemoveNamedEmployeeForm(RedressForm):
    """The button on the case page: the CSRF token is all it carries."""


class SignpostForm(_CaseForm):
    organisation = _radio(_l("Which organisation was the person signposted to?"),
                          _l("Select the organisation the person was signposted to"))
    note = TextAreaField(
        _l("Anything else to record (optional)"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=MAX_TEXT, message=_l("The note must be 10,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Record as signposted"), widget=GovSubmitInput())

    def __init__(self, *args, organisations=(), locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.display_name(locale)) for o in organisations]
        self.organisation_hints = {str(o.id): o.helps_with for o in organisations}


class DuplicateForm(_CaseForm):
    reference = StringField(
        _l("Which case does this one duplicate?"),
        description=_l("Enter its reference, for example, RDR-7K2M-9QXD"),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter the reference of the case this one duplicates"))],
    )
    submit = SubmitField(_l("Record as a duplicate"), widget=GovSubmitInput())

    def validate_reference(self, field):
        if normalise(field.data or "") is None:
            raise ValidationError(_l("Enter a case reference in the correct format, like RDR-7K2M-9QXD"))


class RefuseForm(_CaseForm):
    ground = _radio(_l("Why is the complaint not being taken forward?"),
                    _l("Select why the complaint is not being taken forward"))
    reason = TextAreaField(
        _l("Explain the decision to the person"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Explain why the complaint is not being taken forward")),
            Length(max=MAX_TEXT, message=_l("The reason must be 10,000 characters or fewer")),
        ],
    )
    ombudsman_right_given = BooleanField(
        _l("I have told the person they can ask the Ombudsman to look at this decision"),
        widget=GovCheckboxInput(),
        validators=[DataRequired(_l("Confirm you have told the person about their right to go to the Ombudsman"))],
    )
    submit = SubmitField(_l("Record as not taken forward"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ground.choices = [SelectChoice(value, label) for value, label in RefusalGround.choices()]


class SplitForm(_CaseForm):
    submit = SubmitField(_l("Split the case"), widget=GovSubmitInput())

    def __init__(self, *args, services=(), locale="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.services = list(services)  # kept in the identity map for the service's look-ups
        self.service_ids = {str(s.id) for s in self.services}
        choices = [SelectChoice("", _l("Choose a service"))] + [
            SelectChoice(str(s.id), s.display_name(locale)) for s in services
        ]
        for number in range(1, MAX_PARTS + 1):
            self[f"service_{number}"].choices = choices

    @property
    def parts(self) -> list[tuple[str, int]]:
        found = []
        for number in range(1, MAX_PARTS + 1):
            text = (self[f"issue_{number}"].data or "").strip()
            if text:
                found.append((text, int(self[f"service_{number}"].data)))
        return found

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        filled = 0
        for number in range(1, MAX_PARTS + 1):
            issue, service = self[f"issue_{number}"], self[f"service_{number}"]
            if (issue.data or "").strip():
                filled += 1
                if service.data not in self.service_ids:
                    service.errors = [*service.errors, _l("Select the service issue %(number)s is about", number=number)]
                    valid = False
        if filled < MIN_PARTS:
            first_empty = next(self[f"issue_{n}"] for n in range(1, MAX_PARTS + 1) if not (self[f"issue_{n}"].data or "").strip())
            first_empty.errors = [*first_empty.errors, _l("Enter at least 2 separate issues")]
            valid = False
        return valid


for _number in range(1, MAX_PARTS + 1):
    setattr(SplitForm, f"issue_{_number}", TextAreaField(
        _l("Issue %(number)s", number=_number),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=MAX_TEXT, message=_l("Each issue must be 10,000 characters or fewer"))],
    ))
    setattr(SplitForm, f"service_{_number}", SelectField(
        _l("Service for issue %(number)s", number=_number), widget=GovSelect(), validate_choice=False,
    ))


class AllocateForm(_CaseForm):
    handler = _radio(_l("Who should handle this case?"), _l("Select who should handle this case"))
    submit = SubmitField(_l("Allocate"), widget=GovSubmitInput())

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.handlers = list(handlers)
        self.handler.choices = [SelectChoice(str(h.user.id), h.user.full_name) for h in self.handlers]


class BulkAllocateForm(RedressForm):
    # The queue's row checkboxes (drawn by the table); the first one carries the id "cases".
    cases = SelectMultipleField(_l("Cases"), validate_choice=False)
    handler = SelectField(
        _l("Allocate the selected cases to"),
        widget=GovSelect(),
        validators=[InputRequired(_l("Select who to allocate the cases to"))],
        validate_choice=True,
        invalid_choice_message=_l("Select who to allocate the cases to"),
    )
    submit = SubmitField(_l("Allocate selected"), widget=GovSubmitInput())

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.handler.choices = [SelectChoice("", _l("Choose a person"))] + [
            SelectChoice(str(h.user.id), h.user.full_name) for h in handlers
        ]

    @property
    def references(self) -> list[str]:
        return [r for r in (self.cases.data or []) if r]

    def validate_cases(self, field):
        if not self.references:
            raise ValidationError(_l("Select at least one case to allocate"))


class OrganisationForm(RedressForm):
    name = StringField(
        lazy_pgettext("name of a thing", "Name"),
        widget=GovTextInput(),
        validators=[
            DataRequired(_l("Enter the organisation's name")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
        ],
    )
    name_cy = StringField(
        _l("Welsh name (optional)"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message=_l("Welsh name must be 200 characters or fewer"))],
    )
    helps_with = TextAreaField(
        _l("What they help with"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter what the organisation helps with")),
            Length(max=2000, message=_l("What they help with must be 2,000 characters or fewer")),
        ],
    )
    contact = TextAreaField(
        _l("How to contact them"),
        widget=GovTextArea(),
        validators=[
            DataRequired(_l("Enter how to contact the organisation")),
            Length(max=2000, message=_l("How to contact them must be 2,000 characters or fewer")),
        ],
    )
    website = StringField(
        _l("Website (optional)"),
        description=_l("For example, https://www.citizensadvice.org.uk"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=300, message=_l("Website must be 300 characters or fewer"))],
    )
    active = BooleanField(_l("Offer this organisation when signposting"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Save organisation"), widget=GovSubmitInput())

    def validate_website(self, field):
        value = (field.data or "").strip()
        if value and (not value.startswith("https://") or len(value) <= len("https://") or " " in value):
            raise ValidationError(_l("Enter a website address that starts with https://"))
