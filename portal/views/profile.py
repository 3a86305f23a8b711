"""A resident's own area: their details, email address and password, their data, closing the account."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal import bp
from portal.forms_account import (
    AddressForm,
    ChangeEmailForm,
    ChangePasswordForm,
    CloseAccountForm,
    ContactMethodForm,
    LanguageForm,
    NameForm,
    PhoneForm,
)
from shared.auth import sso_flow
from shared.auth.access import portal, public
from shared.auth.sessions import end_session, start_session
from shared.clock import to_london, utcnow
from shared.domain.enums import ContactMethod, Role
from shared.services import accounts, privacy, retention, sso


@dataclass(frozen=True)
class Detail:
    """One question page: its form, the User attribute it changes, and how the question is shown."""

    form: type
    attribute: str
    template: str  # "text", "textarea" or "radios"


DETAILS = {
    "name": Detail(NameForm, "full_name", "text"),
    "phone": Detail(PhoneForm, "phone", "text"),
    "address": Detail(AddressForm, "address", "textarea"),
    "contact-method": Detail(ContactMethodForm, "preferred_contact", "radios"),
    "language": Detail(LanguageForm, "locale", "radios"),
}


def _user():
    return current_user._get_current_object()


@bp.get("/your-details")
@portal(Role.RESIDENT)
def your_details():
    user = _user()
    provider = sso_flow.provider_for("residents")
    linked = sso.identities(user.id) if provider else []
    return render_template("portal/account/your_details.html", user=user, provider=provider, identities=linked,
                           link_offered=sso.link_offered(user, provider, linked))


@bp.route("/your-details/<detail>", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def change_detail(detail: str):
    spec = DETAILS.get(detail)
    if spec is None:
        abort(404)
    user = _user()
    current = getattr(user, spec.attribute)
    if isinstance(current, ContactMethod):
        current = current.value
    # Prefilled on the first visit only: a POST is judged on what was sent.
    form = spec.form(data={spec.attribute: current} if request.method == "GET" else None, user=user)
    if form.validate_on_submit():
        value = form[spec.attribute].data
        if spec.attribute == "preferred_contact":
            value = ContactMethod(value)
        accounts.update_detail(user, spec.attribute, value)
        # A new language applies from the next page: say "saved" in it already.
        with force_locale(user.locale or str(get_locale())):
            flash(_("Your details have been saved."))
        return redirect(url_for("portal.your_details"))
    return render_template("portal/account/detail.html", form=form, field=form[spec.attribute], kind=spec.template)


@bp.route("/your-details/email", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def change_email():
    user = _user()
    form = ChangeEmailForm(current_email=user.email)
    if form.validate_on_submit():
        new_email = form.email.data.strip().lower()
        if accounts.request_email_change(user, new_email, form.password.data):
            # The same words whether or not the address is already in use (no account oracle).
            flash(_("We have sent a link to %(email)s. Your email address will change when you follow it. "
                    "We have also told your current email address.", email=new_email))
            return redirect(url_for("portal.your_details"))
        form.failed()
        form.password.errors.append(_("The password you entered is not correct"))
    return render_template("portal/account/change_email.html", form=form)


@bp.get("/confirm-new-email/<token>")
@public
def confirm_new_email(token: str):
    user = accounts.confirm_email_change(token)
    if user is None:
        return render_template("portal/link_expired.html", purpose="change_email"), 404
    flash(_("Your email address has been changed to %(email)s.", email=user.email))
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("portal.your_details"))
    return redirect(url_for("portal.sign_in"))


@bp.route("/your-details/password", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def change_password():
    user = _user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(user, form.current_password.data, form.password.data):
            start_session(user)  # every session ended with the old password; this browser stays in
            flash(_("Your password has been changed. Anywhere else you were signed in has been signed out."))
            return redirect(url_for("portal.your_details"))
        form.failed()
        form.current_password.errors.append(_("The password you entered is not correct"))
    return render_template("portal/account/change_password.html", form=form)


@bp.get("/your-data")
@portal(Role.RESIDENT)
def your_data():
    return render_template("portal/account/your_data.html", data=privacy.export_for(_user(), str(get_locale())))


@bp.get("/your-data/download")
@portal(Role.RESIDENT)
def your_data_download():
    data = privacy.export_for(_user(), str(get_locale()))
    filename = f"your-data-{to_london(utcnow()):%Y-%m-%d}.json"
    return Response(
        privacy.to_json(data),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/close-account", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def close_account():
    form = CloseAccountForm()
    if form.validate_on_submit():
        if accounts.close_account(_user(), form.password.data):
            end_session()
            return redirect(url_for("portal.account_closed"))
        form.failed()
        form.password.errors.append(_("The password you entered is not correct"))
    return render_template("portal/account/close.html", form=form, retention_years=retention.summary().years_text)


@bp.get("/account-closed")
@public
def account_closed():
    return render_template("portal/account/closed.html", retention_years=retention.summary().years_text)
