"""Administration: council-entered names and descriptions translated into a community language."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import Role
from shared.services import translation_admin
from shared.services.templates import LANGUAGES as LANGUAGE_NAMES
from shared.web.locale import LANGUAGES, text_direction
from shared.web.querycount import bulk_write
from staff import bp
from staff.forms_translations import translations_form


@bp.route("/admin/translations/<language>", methods=["GET", "POST"])
@staff(Role.ADMIN)
@bulk_write  # a save writes each kind's rows in one statement: it grows with the kinds changed, not the texts
def translations(language: str):
    if language not in translation_admin.COMMUNITY_LANGUAGES:
        abort(404)  # English is each thing's own; Welsh is entered on its own form
    listed = translation_admin.listing(language)
    form = translations_form(listed)
    if form.validate_on_submit():
        sent = {key: form[key].data for key in listed.by_key() if key in request.form}
        changes = translation_admin.save(language, current_user, listed, sent)
        flash(_("Translations saved.") if changes else _("Nothing was changed."))
        return redirect(url_for("staff.translations", language=language))
    return render_template(
        "staff/admin/translations.html", form=form, listed=listed, language=language,
        language_name=LANGUAGE_NAMES[language], own_name=LANGUAGES[language], direction=text_direction(language),
        others=[(code, LANGUAGE_NAMES[code]) for code in translation_admin.COMMUNITY_LANGUAGES if code != language],
        history=translation_admin.history(language), describe=translation_admin.described,
        history_limit=translation_admin.HISTORY_LIMIT,
    ), 400 if form.is_submitted() else 200
