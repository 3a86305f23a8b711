"""Administration: response templates officers can start a response from."""

from __future__ import annotations

from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import Role
from shared.services import templates as template_service
from staff import bp
from staff.forms_templates import ResponseTemplateForm


@bp.get("/admin/response-templates")
@staff(Role.ADMIN)
def response_templates():
    rows = template_service.all_templates()
    groups = [(template_service.LANGUAGES.get(locale, locale), list(items))
              for locale, items in groupby(rows, key=lambda t: t.locale)]
    return render_template("staff/admin/response_templates.html", groups=groups)


def _form_page(template, form: ResponseTemplateForm):
    """Save, or show a preview against the sample case without saving."""
    preview = None
    if form.is_submitted():
        valid = form.validate()
        if valid and form.preview.data:
            values = template_service.sample_values(form.locale.data, form.stage_number())
            preview = template_service.render(form.body.data, values)
        elif valid:
            saved = template_service.save(template, name=form.name.data, locale=form.locale.data,
                                          stage=form.stage_number(), body=form.body.data,
                                          active=bool(form.active.data), actor=current_user)
            flash(_("%(name)s saved.", name=saved.name))
            return redirect(url_for("staff.response_templates"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("staff/admin/response_template_form.html", form=form, template=template, preview=preview,
                           preview_lang=form.locale.data, fields=template_service.FIELDS), status


@bp.route("/admin/response-templates/new", methods=["GET", "POST"])
@staff(Role.ADMIN)
def response_template_new():
    form = ResponseTemplateForm() if request.method == "POST" else ResponseTemplateForm(
        formdata=None, data={"locale": "en", "stage": "any", "active": True})
    return _form_page(None, form)


@bp.route("/admin/response-templates/<int:template_id>", methods=["GET", "POST"])
@staff(Role.ADMIN)
def response_template_edit(template_id: int):
    template = template_service.get(template_id)
    if template is None:
        abort(404)
    if request.method == "POST":
        form = ResponseTemplateForm()
    else:
        form = ResponseTemplateForm(formdata=None, data={
            "name": template.name, "locale": template.locale, "body": template.body, "active": template.active,
            "stage": str(template.stage) if template.stage else "any",
        })
    return _form_page(template, form)
