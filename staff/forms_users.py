"""The admin forms for staff and councillors' accounts: inviting and changing (the buttons that
disable, enable, sign out or invite again are shared.web.forms.ButtonForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField

from shared.domain.enums import Role
from shared.domain.user_admin import MANAGED_ROLES, STAFF_ROLE_CHOICES
from shared.models import Service, Ward
from shared.web.forms import RedressForm, email_field, required_choice, select_choices, short_text

NONE = ""
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]  # each in its own language, as GOV.UK does
# What each role may do, under its radio (docs/access.md has the whole table).
ROLE_HINTS = {
    Role.AGENT.value: _l("Takes calls and visits: finds customers, logs cases for them and triages at first contact."),
    Role.OFFICER.value: _l("Triages, allocates and investigates complaints, and drafts responses."),
    Role.RESPONDER.value: _l("Answers complaints and requests for information for one service."),
    Role.MANAGER.value: _l("Checks and signs off responses, decides restrictions and reads every report."),
    Role.ADMIN.value: _l("Keeps users, services, procedures, wording and closure days. Does not read cases."),
    Role.COUNCILLOR.value: _l("Signs in to the website to log and follow enquiries for constituents."),
}


class UserForm(RedressForm):
    full_name = short_text(_l("Full name"), _l("Enter their full name"), _l("Full name must be 200 characters or fewer"))
    email = email_field(
        _l("Email address"), _l("Enter their email address"),
        description=_l("The invitation is sent to it, and they sign in with it."))
    role = required_choice(_l("Role"), select_choices((role.value, role.label) for role in MANAGED_ROLES),
                           _l("Choose a role"))
    service_id = SelectField(
        _l("Service"), description=_l("Service responders only: the service whose cases they answer."),
        widget=GovSelect(), choices=[], validate_choice=True)
    ward_id = SelectField(
        _l("Ward"), description=_l("Councillors only, and not needed for an MP or their staff: the ward they "
                                   "represent, which their enquiries start from and whose counts they see."),
        widget=GovSelect(), choices=[], validate_choice=True)
    locale = required_choice(_l("Language for emails"), select_choices(LANGUAGES),
                             _l("Choose the language for their emails"))
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())

    def __init__(self, *args, services: list[Service], wards: list[Ward], locale: str = "en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service_id.choices = select_choices(
            [(NONE, _l("No service")), *((str(s.id), s.display_name(locale)) for s in services)])
        self.ward_id.choices = select_choices([(NONE, _l("No ward")), *((str(w.id), w.display_name(locale)) for w in wards)])

    def only_staff_roles(self) -> None:
        """A member of staff's role: they stay on the back office's side (councillors sign in to the portal)."""
        self.role.choices = select_choices((role.value, role.label) for role in STAFF_ROLE_CHOICES)

    def chosen_role(self) -> Role:
        return Role(self.role.data)

    def chosen_service(self) -> int | None:
        return int(self.service_id.data) if self.service_id.data else None

    def chosen_ward(self) -> int | None:
        return int(self.ward_id.data) if self.ward_id.data else None
