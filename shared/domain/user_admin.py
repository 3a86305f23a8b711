"""Rules for the accounts admins keep (staff and councillors): which roles they may give, what each
role needs, an account's status, and the changes that would lock the council out. Pure logic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from shared.domain.enums import AccountStatus, Role

# In the order admins choose from. Residents are not here: their records are the contact
# centre's (customer records), and they make their own accounts.
STAFF_ROLE_CHOICES = (Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER, Role.ADMIN)
MANAGED_ROLES = (*STAFF_ROLE_CHOICES, Role.COUNCILLOR)


@dataclass(frozen=True)
class Refusal:
    """Why a change cannot be made, and which of the form's fields to show it against."""

    message: object  # a lazy string
    field: str | None = None


def status_of(disabled_at: datetime | None, last_sign_in_at: datetime | None) -> AccountStatus:
    if disabled_at is not None:
        return AccountStatus.DISABLED
    return AccountStatus.INVITED if last_sign_in_at is None else AccountStatus.ACTIVE


def resend_problem(status: AccountStatus, email: str | None) -> Refusal | None:
    """An invitation goes again only to someone who has not signed in yet (the others can choose a
    new password themselves) and whose account is not disabled."""
    if status is AccountStatus.DISABLED:
        return Refusal(_l("The account is disabled: enable it before sending the invitation again"))
    if status is AccountStatus.ACTIVE:
        return Refusal(_l("They have already signed in: if they have forgotten their password, they can choose a "
                          "new one from the sign-in page"))
    if not email:
        return Refusal(_l("There is no email address to send the invitation to"))
    return None


def may_resend_invitation(status: AccountStatus, email: str | None) -> bool:
    return resend_problem(status, email) is None


def role_problem(role: Role, service_id: int | None, ward_id: int | None) -> Refusal | None:
    """A responder answers for one service, and only a responder has one; a ward is a councillor's."""
    if role not in MANAGED_ROLES:
        return Refusal(_l("Choose a role"), "role")
    if role is Role.RESPONDER and service_id is None:
        return Refusal(_l("Choose the service this responder answers for"), "service_id")
    if role is not Role.RESPONDER and service_id is not None:
        return Refusal(_l("Only a service responder answers for a service: choose “No service”, or the role "
                          "“Service responder”"), "service_id")
    if role is not Role.COUNCILLOR and ward_id is not None:
        return Refusal(_l("Only a councillor has a ward: choose “No ward”, or the role “Councillor”"), "ward_id")
    return None


def role_change_problem(*, actor_id: int | None, user_id: int, name: str, before: Role, after: Role,
                        other_active_admins: int) -> Refusal | None:
    """Councillors sign in to the portal and staff to the back office, so neither becomes the other;
    and the council must always keep an administrator who can sign in."""
    if before.is_staff != after.is_staff:
        return Refusal(_l("A councillor cannot be given a staff role, nor a member of staff the councillor role: "
                          "invite them again with another email address"), "role")
    if before is Role.ADMIN and after is not Role.ADMIN:
        if actor_id == user_id:
            return Refusal(_l("You cannot remove your own administrator role: ask another administrator to do it"),
                           "role")
        if other_active_admins == 0:
            return Refusal(_l("%(name)s is the only active administrator: give another person the administrator "
                              "role first", name=name), "role")
    return None


def disable_problem(*, actor_id: int | None, user_id: int, name: str, role: Role,
                    other_active_admins: int) -> Refusal | None:
    if actor_id == user_id:
        return Refusal(_l("You cannot disable your own account: ask another administrator to do it"))
    if role is Role.ADMIN and other_active_admins == 0:
        return Refusal(_l("%(name)s is the only active administrator: give another person the administrator role "
                          "before disabling this account", name=name))
    return None
