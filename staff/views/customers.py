"""Customers: find a person, see their details and contact history (each look audited), create a
record for someone without an account, change a record's details (audited), and invite them to
the portal."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import ContactMethod, Role
from shared.domain.policy import PRIVACY_ROLES
from shared.services import customers
from shared.web import sealed_search
from shared.web.numbers import page_number
from staff import bp
from staff.forms_customers import CustomerEditForm, CustomerForm, CustomerSearchForm, InviteForm
from staff.forms_privacy import SubjectAccessForm
from staff.lookups import customer_or_404

CUSTOMER_ROLES = (Role.AGENT, Role.OFFICER, Role.MANAGER)  # who takes calls and logs contacts

sealed_search.private("staff.customers_search", "q")


@bp.route("/customers", methods=["GET", "POST"])
@staff(*CUSTOMER_ROLES)
def customers_search():
    if request.method == "POST":  # what was typed goes on sealed, never in the URL (ASVS 14.2.1)
        return sealed_search.redirect_to_results()
    asked = sealed_search.args()
    form = CustomerSearchForm(asked)
    page = page_number(asked)
    found = None
    # Opening the page is not a search: only a submitted one can fail validation.
    if "q" in asked and form.validate():
        found = customers.search(form.q.data, page)
    return render_template("staff/customers/search.html", form=form, found=found, mask_email=customers.mask_email,
                           mask_phone=customers.mask_phone)


@bp.get("/customers/<int:customer_id>")
@staff(*CUSTOMER_ROLES)
def customer(customer_id: int):
    person = customer_or_404(customer_id)
    customers.view(person, current_user)
    page = page_number(request.args)
    trail = customers.audit_trail(person) if current_user.role is Role.MANAGER else None
    return render_template(
        "staff/customers/customer.html", person=person, email=person.email,
        history=customers.history(person, page), trail=trail,
        invite_form=InviteForm() if customers.can_invite(person) else None,
        subject_access_form=SubjectAccessForm() if current_user.role in PRIVACY_ROLES else None,
    )


@bp.route("/customers/new", methods=["GET", "POST"])
@staff(*CUSTOMER_ROLES)
def customer_new():
    form = CustomerForm()
    if form.validate_on_submit():
        try:
            person = customers.create(
                full_name=form.full_name.data, email=form.email.data, phone=form.phone.data, address=form.address.data,
                preferred_contact=ContactMethod(form.preferred_contact.data), locale=form.locale.data, actor=current_user,
            )
        except customers.CustomerError as refused:
            form[refused.field].errors = [refused.message]
        else:
            flash(_("Record created for %(name)s.", name=person.full_name))
            return redirect(url_for("staff.customer", customer_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/customers/new.html", form=form), status


@bp.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
@staff(*CUSTOMER_ROLES)
def customer_edit(customer_id: int):
    person = customer_or_404(customer_id)
    may_change_email = customers.may_change_email(person)
    form = CustomerEditForm.for_person(person, may_change_email=may_change_email, submitted=request.method == "POST")
    if form.validate_on_submit():
        try:
            changed = customers.update(
                person, full_name=form.full_name.data, email=form.email.data if may_change_email else None,
                phone=form.phone.data, address=form.address.data,
                preferred_contact=ContactMethod(form.preferred_contact.data), locale=form.locale.data,
                actor=current_user,
            )
        except customers.CustomerError as refused:
            form[refused.field].errors = [refused.message]
        else:
            flash(_("Details changed for %(name)s.", name=person.full_name) if changed else _("Nothing was changed."))
            return redirect(url_for("staff.customer", customer_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/customers/edit.html", form=form, person=person), status


@bp.post("/customers/<int:customer_id>/invite")
@staff(*CUSTOMER_ROLES)
def customer_invite(customer_id: int):
    person = customer_or_404(customer_id)
    if not InviteForm().validate_on_submit():
        abort(400)
    if not customers.can_invite(person):
        abort(409)
    customers.invite(person, current_user)
    flash(_("We have emailed %(name)s a link to finish setting up their account. They will see every case logged for them.",
            name=person.full_name))
    return redirect(url_for("staff.customer", customer_id=person.id))
