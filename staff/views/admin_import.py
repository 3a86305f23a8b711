"""Administration: importing cases from another system's spreadsheet (docs/import-format.md)."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.db import db
from shared.domain.enums import Role
from shared.services import case_csv, case_import
from shared.web.querycount import bulk_write
from staff import bp
from staff.forms_import import MAX_IMPORT_BYTES, ImportCasesForm


def _text(upload) -> str | None:
    """The file as text: UTF-8 (with or without the mark Excel adds), else Windows' own encoding,
    which is what Excel's plain "CSV" saves in."""
    data = upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _summary(done: case_import.Imported) -> str:
    cases = ngettext("%(num)d case", "%(num)d cases", done.cases)
    stages = ngettext("%(num)d stage", "%(num)d stages", done.stages)
    people = ngettext("%(num)d new person", "%(num)d new people", done.people)
    return _("%(cases)s (%(stages)s) and %(people)s", cases=cases, stages=stages, people=people)


@bp.route("/admin/import", methods=["GET", "POST"])
@staff(Role.ADMIN)
@bulk_write
def import_cases():
    form = ImportCasesForm()
    problems, more, checked = [], 0, None
    if form.validate_on_submit():
        upload = request.files.get(form.file.name)
        text = _text(upload) if upload and upload.filename else ""
        if not text:
            form.file.errors.append(
                _("Choose a CSV file of cases") if text == "" else
                _("The file must be smaller than %(size)s MB: import larger files with the redress import-cases "
                  "command", size=format_decimal(round(MAX_IMPORT_BYTES / (1024 * 1024), 1))))
        else:
            try:
                done = case_import.import_cases(io.StringIO(text, newline=""), actor=current_user,
                                                source=upload.filename, dry_run=bool(form.check.data))
            except case_import.ImportRefused as refused:
                db.session.rollback()
                problems, more = refused.problems, refused.more
                count = len(problems) + more
                form.file.errors.append(ngettext(
                    "The file has %(num)d problem: nothing was imported. Fix it and choose the file again",
                    "The file has %(num)d problems: nothing was imported. Fix them and choose the file again",
                    count))
            else:
                if form.check.data:
                    checked = done
                else:
                    db.session.commit()
                    message = _("Imported %(summary)s.", summary=_summary(done))
                    if done.already_there:
                        message += " " + ngettext(
                            "%(num)d row was already in Redress and was left as it was.",
                            "%(num)d rows were already in Redress and were left as they were.", done.already_there)
                    flash(message)
                    return redirect(url_for("staff.import_cases"))
    status = 400 if form.errors or problems else 200
    return render_template("staff/admin/import.html", form=form, problems=problems, more=more, checked=checked,
                           summary=_summary(checked) if checked else None,
                           columns=[(name, case_csv.COLUMN_HELP[name]) for name in case_csv.COLUMNS],
                           required=case_csv.REQUIRED), status


@bp.get("/admin/import/example.csv")
@staff(Role.ADMIN)
def import_example():
    return send_file(case_csv.EXAMPLE, mimetype="text/csv", as_attachment=True,
                     download_name="redress-cases-example.csv")
