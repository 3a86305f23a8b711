"""Administration: the council's identity (name, logo, brand colour, contact details, nation) and how
long each procedure's closed cases are kept."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale, pgettext
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.clock import to_london, utcnow
from shared.config import NATIONS
from shared.domain import colour
from shared.domain.enums import Role
from shared.services import council as identity
from shared.services import logos, retention
from shared.services.files import FileRejected
from staff import bp
from staff.forms_council import CouncilForm, LogoForm, RetentionForm


def today():
    return to_london(utcnow()).date()


def _details(current: identity.Council) -> dict:
    return {field: current.value(field) or "" for field in identity.FIELDS}


def _page(form: CouncilForm, current: identity.Council, *, change=None, status: int = 200):
    return render_template(
        "staff/admin/council.html", form=form, current=current, change=change,
        contrast=colour.describe_ratio(colour.contrast_ratio(current.brand_colour, colour.WHITE)),
        effects={nation: identity.nation_effects(nation, today()) for nation in NATIONS},
        history=identity.history(), labels=_labels(),
        nation_labels={code: str(label) for code, label in identity.NATION_LABELS.items()}), status


@bp.route("/admin/council", methods=["GET", "POST"])
@staff(Role.ADMIN)
def council_details():
    current = identity.council()
    form = CouncilForm(data=_details(current))
    if form.validate_on_submit():
        nation = form.nation.data
        if nation != current.nation and form.confirm_nation.data != nation:
            # Changing the nation changes the Ombudsman and the working days: say so before saving.
            form.confirm_nation.data = nation
            return _page(form, current, change=identity.nation_change(current.nation, nation, today()))
        changes = identity.save(
            current_user, name=form.name.data, name_cy=form.name_cy.data, short_name=form.short_name.data,
            brand_colour=form.brand_colour.data, contact_phone=form.contact_phone.data,
            contact_email=form.contact_email.data, contact_address=form.contact_address.data,
            website=form.website.data, nation=nation)
        flash(_("Council details saved.") if changes else _("Nothing was changed."))
        return redirect(url_for("staff.council_details"))
    return _page(form, current, status=400 if form.is_submitted() else 200)


@bp.route("/admin/council/logo", methods=["GET", "POST"])
@staff(Role.ADMIN)
def council_logo_edit():
    current = identity.council()
    form = LogoForm()
    if form.validate_on_submit():
        if form.remove.data:
            if identity.change_logo(current_user, None):
                flash(_("The logo has been removed."))
            return redirect(url_for("staff.council_details"))
        upload = form.logo.data
        if upload is None or not upload.filename:
            form.logo.errors.append(_("Choose a PNG or SVG file for the logo"))
        else:
            try:
                checked = logos.check(upload)
                scanned = logos.scan(checked)
            except FileRejected as rejected:
                form.logo.errors.append(rejected.message)
            else:
                identity.change_logo(current_user, checked, scanned=scanned)
                flash(_("The new logo is shown on every page."))
                return redirect(url_for("staff.council_details"))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/council_logo.html", form=form, current=current), status


@bp.route("/admin/retention", methods=["GET", "POST"])
@staff(Role.ADMIN)
def retention_periods():
    locale = str(get_locale())
    periods = retention.periods()
    form = RetentionForm.for_procedures(periods, locale)
    if form.validate_on_submit():
        changes = retention.save(current_user, form.years())
        flash(_("Retention periods saved.") if changes else _("Nothing was changed."))
        return redirect(url_for("staff.retention_periods"))
    status = 400 if form.is_submitted() else 200
    names = {period.slug: period.display_name(locale) for period in periods}
    return render_template("staff/admin/retention.html", form=form, periods=periods, names=names,
                           history=retention.history()), status


def _labels() -> dict[str, str]:
    """The audit list's names for the identity's fields."""
    return {
        "name": pgettext("name of a thing", "Name"), "name_cy": _("Welsh name"), "short_name": _("Short name"),
        "brand_colour": _("Brand colour"), "contact_phone": _("Phone number"), "contact_email": _("Email address"),
        "contact_address": _("Postal address"), "website": _("Website"), "nation": _("Nation"), "logo": _("Logo"),
    }
