"""The case list's search and filter form (a GET form), and turning it into checked filters and back into URLs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length

from shared.domain.enums import CaseKind, CaseStatus
from shared.domain.translations import pick
from shared.services.search import DEFAULT_ORDER, SORTS, CaseFilters, FilterOptions
from shared.web.forms import RedressForm, select_choices
from shared.web.numbers import page_number

MAX_SEARCH = 200
STAGES = (1, 2, 3)


class _LenientMultiple(SelectMultipleField):
    """Unknown values in a link someone edited are dropped, not an error."""

    def pre_validate(self, form) -> None:
        valid = {str(choice.value) for choice in self.choices}
        self.data = [value for value in (self.data or []) if value in valid]


class CaseSearchForm(RedressForm):
    """A GET form: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search"),
        description=_l("Reference, name, email address, phone number, postcode or words from what happened"),
        widget=GovTextInput(),
        validators=[Length(max=MAX_SEARCH, message=_l("Search must be %(max)d characters or fewer"))],
    )
    state = RadioField(
        _l("Open or closed"),
        choices=select_choices([("", _l("Either")), ("open", _l("Open cases")), ("closed", _l("Closed cases"))]),
        default="",
        validate_choice=False,
        widget=GovRadioInput(),
    )
    status = _LenientMultiple(_l("Status"), choices=select_choices(CaseStatus.choices()), widget=GovCheckboxesInput())
    due = RadioField(
        _l("Due date"),
        choices=select_choices([("", _l("Any")), ("soon", _l("Due soon")), ("overdue", _l("Overdue"))]),
        default="",
        validate_choice=False,
        widget=GovRadioInput(),
    )
    kind = SelectField(_l("Kind"), choices=select_choices([("", _l("Any kind")), *CaseKind.choices()]), validate_choice=False,
                       widget=GovSelect())
    procedure = SelectField(_l("Procedure"), choices=[], validate_choice=False, widget=GovSelect())
    stage = SelectField(_l("Stage"), choices=[], validate_choice=False, widget=GovSelect())
    service = SelectField(_l("Service"), choices=[], validate_choice=False, widget=GovSelect())
    officer = SelectField(_l("Handler"), choices=[], validate_choice=False, widget=GovSelect())
    vulnerable = BooleanField(_l("Only cases with a vulnerability flag"), widget=GovCheckboxInput())
    held = BooleanField(_l("Only cases on legal hold"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Apply filters"), widget=GovSubmitInput())

    def __init__(self, formdata: MultiDict, options: FilterOptions, locale: str) -> None:
        super().__init__(formdata)
        self.procedure.choices = select_choices(
            [("", _l("Any procedure"))] + [(slug, pick(locale, name, name_cy, other))
                                           for slug, name, name_cy, other in options.procedures]
        )
        self.stage.choices = select_choices(
            [("", _l("Any stage"))] + [(str(n), _l("Stage %(number)s", number=n)) for n in STAGES]
        )
        self.service.choices = select_choices(
            [("", _l("Any service"))] + [(str(id_), pick(locale, name, name_cy, other))
                                         for id_, name, name_cy, other in options.services]
        )
        self.officer.choices = select_choices(
            [("", _l("Anyone")), ("none", _l("Not allocated"))] + [(str(id_), name) for id_, name in options.handlers]
        )
        if not options.services:  # a responder: their service is fixed
            del self.service

    def filters(self, args: MultiDict) -> CaseFilters:
        """The checked filters: values not offered (an edited link) are ignored."""

        def offered(field_name: str) -> str | None:
            field = getattr(self, field_name, None)
            value = (field.data or "") if field is not None else ""
            return value if value and value in {str(choice.value) for choice in field.choices} else None

        q = (self.q.data or "").strip()
        if len(q) > MAX_SEARCH:
            q = ""
        valid_statuses = {s.value for s in CaseStatus}
        statuses = tuple(CaseStatus(v) for v in dict.fromkeys(self.status.data or []) if v in valid_statuses)
        sort = args.get("sort", "")
        sort = sort if sort in SORTS else "received"
        order = args.get("order", "")
        order = order if order in ("asc", "desc") else DEFAULT_ORDER[sort]
        officer = offered("officer")
        self.vulnerable.data = args.get("vulnerable") == "y"  # the checkbox shows what is applied
        self.held.data = args.get("held") == "y"
        return CaseFilters(
            q=q,
            statuses=statuses,
            state=self.state.data if self.state.data in ("open", "closed") else "",
            stage=int(offered("stage")) if offered("stage") else None,
            procedure=offered("procedure"),
            service_id=int(offered("service")) if offered("service") else None,
            officer=officer if officer in (None, "none") else int(officer),
            kind=CaseKind(offered("kind")) if offered("kind") else None,
            due=self.due.data if self.due.data in ("soon", "overdue") else "",
            vulnerable=self.vulnerable.data,
            held=self.held.data,
            my_teams=args.get("teams") == "mine",
            sort=sort,
            order=order,
            page=page_number(args),
        )


def query_params(filters: CaseFilters, *, page: bool = False) -> dict:
    """The URL query for these filters (only what differs from the defaults), for links."""
    params: dict = {}
    if filters.q:
        params["q"] = filters.q
    if filters.state:
        params["state"] = filters.state
    if filters.statuses:
        params["status"] = [s.value for s in filters.statuses]
    if filters.due:
        params["due"] = filters.due
    if filters.kind:
        params["kind"] = filters.kind.value
    if filters.procedure:
        params["procedure"] = filters.procedure
    if filters.stage is not None:
        params["stage"] = str(filters.stage)
    if filters.service_id is not None:
        params["service"] = str(filters.service_id)
    if filters.officer is not None:
        params["officer"] = str(filters.officer)
    if filters.vulnerable:
        params["vulnerable"] = "y"
    if filters.held:
        params["held"] = "y"
    if filters.my_teams:
        params["teams"] = "mine"
    if filters.sort != "received" or filters.order != DEFAULT_ORDER["received"]:
        params["sort"] = filters.sort
        params["order"] = filters.order
    if page and filters.page > 1:
        params["page"] = str(filters.page)
    return params
