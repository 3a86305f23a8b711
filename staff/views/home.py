"""The back office's front page: what needs doing now, for the signed-in person's role."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import STAFF_ROLES
from shared.domain.policy import CASE_READER_ROLES
from shared.domain.references import normalise
from shared.services import staff_home
from shared.services.templates import LANGUAGES as LANGUAGE_NAMES
from shared.services.translation_admin import COMMUNITY_LANGUAGES
from staff import bp
from staff.forms import FindCaseForm


@bp.get("/")
@staff(*STAFF_ROLES)
def home():
    find_form = FindCaseForm(formdata=None) if current_user.role in CASE_READER_ROLES else None
    return render_template("staff/home.html", summary=staff_home.summary_for(current_user), find_form=find_form,
                           translation_languages=[(code, LANGUAGE_NAMES[code]) for code in COMMUNITY_LANGUAGES])


@bp.get("/find")
@staff(*CASE_READER_ROLES)
def find_case():
    form = FindCaseForm(request.args)
    # Opening the page is not a search: only a submitted search can fail validation.
    if "reference" in request.args and form.validate():
        return redirect(url_for("staff.case", reference=normalise(form.reference.data)))
    return render_template("staff/find.html", form=form)
