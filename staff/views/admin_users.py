"""Administration: staff and councillors' accounts. The list, inviting, changing role and service,
disabling (signed out everywhere at once), enabling, inviting again; each change audited and shown
as who, when, from → to."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from shared.auth import mfa, sso_flow
from shared.auth.access import staff
from shared.domain.enums import AccountStatus, Role
from shared.domain.user_admin import MANAGED_ROLES
from shared.services import mfa as mfa_service
from shared.services import sso, user_admin
from shared.web import sealed_search
from shared.web.forms import ButtonForm
from shared.web.numbers import page_number
from staff import bp
from staff.forms_users import LANGUAGES, NONE, ROLE_HINTS, UserForm

FIELDS = {"full_name": _l("Name"), "email": _l("Email address"), "role": _l("Role"), "service": _l("Service"),
          "ward": _l("Ward"), "locale": _l("Language for emails"), "status": _l("Status"), "mfa": _l("2-step verification"),
          "identity": _l("Identity provider account")}
ACTIONS = {
    "user.created": _l("Account made from the command line"),
    "user.invited": _l("Invited"),
    "user.changed": _l("Details changed"),
    "user.invitation_sent": _l("Invitation sent again"),
    "user.invitation_accepted": _l("Password chosen from the invitation"),
    "user.disabled": _l("Disabled"),
    "user.enabled": _l("Enabled again"),
    "user.signed_out": _l("Signed out everywhere"),
    "user.signed_in": _l("Signed in"),
    "user.identity_confirmed": _l("Confirmed it was them before an admin action"),
    "user.confirm_failed": _l("Wrong password when confirming it was them"),
    "mfa.enrolled": _l("2-step verification set up"),
    "mfa.recovery_codes_made": _l("New recovery codes made"),
    "mfa.recovery_code_used": _l("Recovery code used"),
    "mfa.failed": _l("Wrong security code"),
    "mfa.turned_off": _l("2-step verification turned off"),
    "mfa.reset": _l("2-step verification reset"),
    "identity.linked": _l("Identity provider account linked"),
    "identity.unlinked": _l("Identity provider account unlinked"),
    "account.created_by_sign_in": _l("Account made by single sign-on"),
    "user.role_changed": _l("Role changed by sign-in groups"),
}
_ROLES = {role.value: role for role in MANAGED_ROLES}
_STATUSES = {status.value: status for status in AccountStatus}


def shown_value(field: str, value: object) -> object:
    """A value from the history as the reader knows it: a role's or status's label, a language's name."""
    if field == "role" and value in _ROLES:
        return _ROLES[value].label  # type: ignore[index]
    if field == "status" and value in _STATUSES:
        return _STATUSES[value].label  # type: ignore[index]
    if field == "locale":
        return dict(LANGUAGES).get(value, value)  # type: ignore[arg-type]
    if field == "mfa":
        return _("On") if value == "on" else _("Off")
    return value


sealed_search.private("staff.users", "q")


def _filters() -> user_admin.UserFilters:
    asked = sealed_search.args()
    return user_admin.UserFilters(role=_ROLES.get(asked.get("role", "")),
                                  status=_STATUSES.get(asked.get("status", "")),
                                  q=asked.get("q", "").strip()[:200], page=page_number(asked))


@bp.route("/admin/users", methods=["GET", "POST"])
@staff(Role.ADMIN)
def users():
    if request.method == "POST":  # what was typed goes on sealed, never in the URL (ASVS 14.2.1)
        return sealed_search.redirect_to_results()
    filters = _filters()
    found = user_admin.find(filters)
    params = {k: v for k, v in {"role": filters.role.value if filters.role else None,
                                "status": filters.status.value if filters.status else None,
                                "q": filters.q}.items() if v}
    return render_template("staff/admin/users.html", found=found, filters=filters, roles=MANAGED_ROLES,
                           statuses=list(AccountStatus), params=params, locale=str(get_locale()))


def _form(user=None) -> UserForm:
    locale = str(get_locale())
    return UserForm(services=user_admin.service_choices(user.service_id if user else None),
                    wards=user_admin.ward_choices(user.ward_id if user else None), locale=locale)


def _refused(form: UserForm, error: Exception) -> None:
    if isinstance(error, user_admin.EmailInUse):
        message = (_("%(name)s’s account already uses this email address", name=error.holder) if error.holder
                   else _("A resident’s account already uses this email address: ask them for another one"))
        form.email.errors.append(message)
        return
    field = form[error.field] if error.field and error.field in form else form.role  # type: ignore[attr-defined]
    field.errors.append(str(error.message))  # type: ignore[attr-defined]


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@staff(Role.ADMIN)
def user_invite():
    form = _form()
    if not form.is_submitted():
        form.locale.data = "en"
        form.service_id.data = form.ward_id.data = NONE
    if form.validate_on_submit():
        try:
            invited = user_admin.invite(
                current_user, full_name=form.full_name.data, email=form.email.data, role=form.chosen_role(),
                service_id=form.chosen_service(), ward_id=form.chosen_ward(), locale=form.locale.data)
        except (user_admin.EmailInUse, user_admin.Refused) as error:
            _refused(form, error)
        else:
            flash(_("%(name)s is invited: we have emailed %(email)s a link to choose a password.",
                    name=invited.full_name, email=invited.email))
            return redirect(url_for("staff.user", user_id=invited.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/user_form.html", form=form, user=None, role_hints=ROLE_HINTS), status


def _user_page(user_id: int, form: ButtonForm | None = None, status: int = 200):
    account = user_admin.account(user_id)
    if account is None:
        abort(404)
    return render_template("staff/admin/user.html", account=account, history=user_admin.history(user_id),
                           fields=FIELDS, actions=ACTIONS, shown_value=shown_value, form=form,
                           is_self=account.user.id == current_user.id, locale=str(get_locale()),
                           mfa_offered=mfa.offered_to(account.user), mfa_required=mfa.required_for(account.user),
                           identities=sso.identities(user_id), provider=sso_flow.provider_for(
                               "staff" if account.user.is_staff else "residents")), status


@bp.get("/admin/users/<int:user_id>")
@staff(Role.ADMIN)
def user(user_id: int):
    return _user_page(user_id)


def _found(user_id: int):
    found = user_admin.get(user_id)
    if found is None:
        abort(404)
    return found


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@staff(Role.ADMIN)
def user_edit(user_id: int):
    person = _found(user_id)
    form = _form(person)
    if not form.is_submitted():
        form.full_name.data, form.email.data = person.full_name, person.email
        form.role.data, form.locale.data = person.role.value, person.locale or "en"
        form.service_id.data = str(person.service_id) if person.service_id else NONE
        form.ward_id.data = str(person.ward_id) if person.ward_id else NONE
    if person.role is Role.COUNCILLOR:
        del form.role, form.service_id
    else:
        form.only_staff_roles()
        del form.ward_id
    if person.last_sign_in_at is not None:
        del form.email  # theirs now: they sign in with it
    if form.validate_on_submit():
        try:
            changes = user_admin.change(
                current_user, person, full_name=form.full_name.data,
                role=form.chosen_role() if "role" in form else person.role,
                service_id=form.chosen_service() if "service_id" in form else None,
                ward_id=form.chosen_ward() if "ward_id" in form else None,
                locale=form.locale.data, email=form.email.data if "email" in form else None)
        except (user_admin.EmailInUse, user_admin.Refused) as error:
            _refused(form, error)
        else:
            if not changes:
                flash(_("Nothing was changed."))
            elif "email" in changes and person.disabled_at is None:
                flash(_("Changes saved. A new invitation has gone to %(email)s; the link sent to the old address no "
                        "longer works.", email=person.email))
            else:
                flash(_("Changes to %(name)s’s account saved.", name=person.full_name))
            return redirect(url_for("staff.user", user_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/user_form.html", form=form, user=person, role_hints=ROLE_HINTS,
                           is_self=person.id == current_user.id), status


@bp.route("/admin/users/<int:user_id>/disable", methods=["GET", "POST"])
@staff(Role.ADMIN)
def user_disable(user_id: int):
    person = _found(user_id)
    if person.disabled_at is not None:
        return redirect(url_for("staff.user", user_id=person.id))
    form = ButtonForm()
    status = 200
    if form.validate_on_submit():
        try:
            ended = user_admin.disable(current_user, person)
        except user_admin.Refused as refused:
            form.submit.errors.append(str(refused.message))
            status = 409
        else:
            flash(_("%(name)s’s account is disabled.", name=person.full_name))
            if ended:
                flash(ngettext("They were signed out of %(num)s session at once.",
                               "They were signed out of %(num)s sessions at once.", ended))
            return redirect(url_for("staff.user", user_id=person.id))
    return render_template("staff/admin/user_disable.html", form=form, user=person,
                           open_cases=user_admin.open_cases_allocated(person)), status


def _button_action(user_id: int, action, error_target: str, done: str):
    person = _found(user_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(current_user, person)
    except user_admin.Refused as refused:
        form.submit.id = error_target  # where the error summary's link leads
        form.submit.errors.append(str(refused.message))
        return _user_page(person.id, form, 409)
    flash(done % {"name": person.full_name, "email": person.email})
    return redirect(url_for("staff.user", user_id=person.id))


@bp.post("/admin/users/<int:user_id>/enable")
@staff(Role.ADMIN)
def user_enable(user_id: int):
    return _button_action(user_id, user_admin.enable, "account-status",
                          _("%(name)s’s account is enabled again: they can sign in."))


@bp.post("/admin/users/<int:user_id>/invitation")
@staff(Role.ADMIN)
def user_resend_invitation(user_id: int):
    # Refused only when the account is no longer waiting (its button gone): the reason is its status.
    return _button_action(user_id, user_admin.resend_invitation, "account-status",
                          _("A new invitation has gone to %(email)s."))


@bp.post("/admin/users/<int:user_id>/sign-out")
@staff(Role.ADMIN)
def user_sign_out(user_id: int):
    return _button_action(user_id, user_admin.sign_out_everywhere, "account-status",
                          _("%(name)s has been signed out everywhere."))


@bp.post("/admin/users/<int:user_id>/2-step-verification/reset")
@staff(Role.ADMIN)
def user_mfa_reset(user_id: int):
    """For someone who lost their phone: staff who must use 2-step verification set it up again at their
    next sign-in; councillors (and staff where it is optional) may set it up again from their account."""
    person = _found(user_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ended = mfa_service.reset(current_user, person)
    except mfa_service.Refused:
        abort(404)  # the button is not offered on your own account
    if mfa.required_for(person):
        flash(_("%(name)s’s 2-step verification is reset: they set it up again when they next sign in.",
                name=person.full_name))
    else:  # a councillor, or staff where it is optional: theirs to set up again, or not
        flash(_("%(name)s’s 2-step verification is reset: they sign in with their password alone "
                "until they choose to set it up again.", name=person.full_name))
    if ended:
        flash(ngettext("They were signed out of %(num)s session at once.",
                       "They were signed out of %(num)s sessions at once.", ended))
    return redirect(url_for("staff.user", user_id=person.id))
