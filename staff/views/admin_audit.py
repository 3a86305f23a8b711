"""Administration: the audit log's search, newest first a page at a time, and its CSV (itself audited)."""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context, url_for
from flask_login import current_user

from shared.auth.access import staff
from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain import audit_actions
from shared.domain.enums import Role
from shared.services import audit, audit_search, case_csv
from shared.services.accounts import email_key
from shared.web import sealed_search
from staff import bp
from staff.forms_audit import AuditSearchForm

_FILTER_NAMES = ("actor", "person", "action", "subject_type", "subject", "start", "end")
# Names, email addresses and references an admin types stay out of the URL (ASVS 14.2.1).
sealed_search.private("staff.audit_log", "actor", "person", "subject")
sealed_search.private("staff.audit_log_csv", "actor", "person", "subject")


def _form() -> tuple[AuditSearchForm, audit_search.AuditFilters | None]:
    asked = sealed_search.args()
    form = AuditSearchForm(asked)
    if not asked:
        return form, audit_search.AuditFilters()
    if not form.validate():
        return form, None
    return form, form.filters(asked.get("older"), asked.get("newer"))


def _params() -> dict[str, list[str]]:
    """The search as it was asked (the dates are three boxes each, under one name), without the page."""
    asked = sealed_search.args()
    found = {name: [value for value in asked.getlist(name) if value] for name in _FILTER_NAMES}
    return {name: values for name, values in found.items() if values}


@bp.route("/admin/audit", methods=["GET", "POST"])
@staff(Role.ADMIN)
def audit_log():
    if request.method == "POST":
        return sealed_search.redirect_to_results()
    form, filters = _form()
    found = audit_search.search(filters) if filters is not None else None
    params = _params()
    return render_template("staff/admin/audit.html", form=form, found=found, params=params,
                           groups=audit_actions.GROUPS, label=audit_actions.label,
                           failures=audit_actions.SIGN_IN_FAILURES, methods=audit_actions.SIGN_IN_METHODS,
                           csv_url=url_for("staff.audit_log_csv", **params),
                           page_url=lambda **cursor: url_for("staff.audit_log", **params, **cursor)
                           ), 200 if filters is not None else 400


def _as_recorded(filters: audit_search.AuditFilters) -> dict:
    """The search, as the log keeps it: a name or email typed as its key (never the text itself)."""
    return {
        "actor_key": email_key(filters.actor) if filters.actor else None,
        "person_key": email_key(filters.person) if filters.person else None,
        "action": sealed_search.args().get("action") or None, "subject_type": filters.subject_type,
        "subject": filters.subject[:40] or None,
        "start": filters.start.isoformat() if filters.start else None,
        "end": filters.end.isoformat() if filters.end else None,
    }


@bp.get("/admin/audit.csv")
@staff(Role.ADMIN)
def audit_log_csv():
    """Every row the search finds, streamed; who downloaded what is recorded first."""
    form, filters = _form()
    if filters is None:
        return audit_log()
    audit.record("audit.exported", actor=current_user, subject_type="audit_log", filters=_as_recorded(filters))
    db.session.commit()
    rows = audit_search.export_rows(filters)
    stamp = to_london(utcnow()).strftime("%Y-%m-%d-%H%M")
    return Response(stream_with_context(case_csv.csv_lines(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})
