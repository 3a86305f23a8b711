"""The admin form for a team."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from shared.domain.enums import Role
from shared.web.forms import RedressForm, select_choices


class TeamForm(RedressForm):
    name = StringField(lazy_pgettext("name of a thing", "Name"), description=_l("For example, Housing complaints."), widget=GovTextInput(),
                       validators=[DataRequired(_l("Enter the team's name")),
                                   Length(max=120, message=_l("Name must be 120 characters or fewer"))])
    name_cy = StringField(_l("Welsh name (optional)"), widget=GovTextInput(),
                          validators=[Optional(), Length(max=120, message=_l("Welsh name must be 120 characters or fewer"))])
    services = SelectMultipleField(
        _l("Which services' cases does the team handle?"),
        description=_l("When one of these cases is allocated, the team's members are offered first. Select all that apply."),
        widget=GovCheckboxesInput(), choices=[],
        validators=[DataRequired(_l("Select at least one service"))])
    members = SelectMultipleField(
        _l("Who is in the team?"),
        description=_l("Complaints officers, managers and service responders. Being in a team does not change which "
                       "cases someone can see. Select all that apply."),
        widget=GovCheckboxesInput(), choices=[], validators=[Optional()])
    active = BooleanField(_l("The team is working"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Save team"), widget=GovSubmitInput())

    def __init__(self, *args, services=(), people=(), locale: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.services.choices = select_choices((str(s.id), s.display_name(locale)) for s in services)
        self.members.choices = select_choices((str(p.id), p.full_name) for p in people)
        self.people = {str(p.id): p for p in people}
        self.service_rows = {str(s.id): s for s in services}
        names = {s.id: s.display_name(locale) for s in services}
        # Each person's role, and a responder's own service (the only one whose cases they see).
        self.member_hints = {
            str(p.id): _l("%(role)s, %(service)s", role=p.role.label, service=names[p.service_id])
            if p.role is Role.RESPONDER and p.service_id in names else p.role.label
            for p in people}

    def chosen_services(self):
        return [self.service_rows[value] for value in self.services.data or () if value in self.service_rows]

    def chosen_members(self):
        return [self.people[value] for value in self.members.data or () if value in self.people]
