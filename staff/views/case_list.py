"""The staff case list: search, filters as removable tags, saved views, sortable columns, pages."""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain.enums import CaseKind, CaseStatus, Role
from shared.domain.policy import CASE_READER_ROLES
from shared.services import audit, case_csv, search
from shared.services.accounts import email_key
from shared.services.calendar import council_calendar
from shared.services.search import DEFAULT_ORDER, CaseFilters, DueThresholds, FilterOptions
from shared.web import sealed_search
from staff import bp
from staff.forms_search import CaseSearchForm, query_params

sealed_search.private("staff.case_list", "q")
sealed_search.private("staff.case_list_csv", "q")


def saved_views(user) -> list[tuple[str, str, CaseFilters]]:
    """Presets of the same filters (key, label, filters); "team" for a responder is their service's."""
    team = _("My service") if user.role is Role.RESPONDER else _("My team")
    return [
        ("mine", _("My cases"), CaseFilters(officer=user.id, state="open")),
        ("team", team, CaseFilters(state="open", my_teams=user.role is not Role.RESPONDER)),
        ("check", _("Awaiting check"), CaseFilters(statuses=(CaseStatus.AWAITING_QUALITY_CHECK,))),
        ("overdue", _("Overdue"), CaseFilters(due="overdue")),
        ("triage", _("Triage"), CaseFilters(statuses=(CaseStatus.RECEIVED,), sort="received", order="asc")),
        # Councillors' and MPs' enquiries for constituents: their own queue, soonest due first.
        ("members", _("Member enquiries"), CaseFilters(kind=CaseKind.MEMBER_ENQUIRY, state="open", sort="due",
                                                      order="asc")),
        # Cases a complaints manager has kept from the retention job (issue 10), longest held first is
        # not a sort the list has: newest received first, as the list's default.
        ("held", _("Legal holds"), CaseFilters(held=True)),
    ]


def _url(filters: CaseFilters) -> str:
    return url_for("staff.case_list", **query_params(filters))


def _choice_label(field, value: str) -> str:
    return next((str(choice.label) for choice in field.choices if str(choice.value) == value), value)


def _selected(form: CaseSearchForm, filters: CaseFilters) -> list[dict]:
    """The chosen filters as MoJ filter tags, each linking to the list without it."""
    first = filters.but(page=1)
    categories: list[dict] = []

    def add(heading: str, items: list[tuple[str, CaseFilters]]) -> None:
        categories.append({"heading": heading, "items": [{"text": t, "href": _url(f)} for t, f in items]})

    if filters.q:
        add(_("Search"), [(filters.q, first.but(q=""))])
    if filters.state:
        add(_("Open or closed"), [(_choice_label(form.state, filters.state), first.but(state=""))])
    if filters.statuses:
        add(_("Status"), [(str(s.label), first.but(statuses=tuple(x for x in filters.statuses if x is not s)))
                          for s in filters.statuses])
    if filters.due:
        add(_("Due date"), [(_choice_label(form.due, filters.due), first.but(due=""))])
    if filters.kind:
        add(_("Kind"), [(str(filters.kind.label), first.but(kind=None))])
    if filters.procedure:
        add(_("Procedure"), [(_choice_label(form.procedure, filters.procedure), first.but(procedure=None))])
    if filters.stage is not None:
        add(_("Stage"), [(_choice_label(form.stage, str(filters.stage)), first.but(stage=None))])
    if filters.service_id is not None and "service" in form:
        add(_("Service"), [(_choice_label(form.service, str(filters.service_id)), first.but(service_id=None))])
    if filters.officer is not None:
        add(_("Handler"), [(_choice_label(form.officer, str(filters.officer)), first.but(officer=None))])
    if filters.vulnerable:
        add(_("Vulnerability"), [(_("Vulnerability flag"), first.but(vulnerable=False))])
    if filters.held:
        add(_("Legal hold"), [(_("On legal hold"), first.but(held=False))])
    if filters.my_teams:
        add(_("Team"), [(_("My teams' services"), first.but(my_teams=False))])
    return categories


def _sort_headers(filters: CaseFilters) -> dict[str, dict]:
    headers = {}
    for key in search.SORTS:
        active = filters.sort == key
        if active:
            order = "asc" if filters.order == "desc" else "desc"
            aria = "ascending" if filters.order == "asc" else "descending"
        else:
            order, aria = DEFAULT_ORDER[key], "none"
        headers[key] = {"href": _url(filters.but(sort=key, order=order, page=1)), "aria_sort": aria}
    return headers


def _filters() -> tuple[CaseSearchForm, CaseFilters, DueThresholds]:
    options = search.filter_options(current_user)
    if current_user.id not in {id_ for id_, _name in options.handlers}:  # "My cases" works for anyone
        options = FilterOptions(options.services, options.procedures,
                                [(current_user.id, current_user.full_name), *options.handlers])
    asked = sealed_search.args()
    form = CaseSearchForm(asked, options, str(get_locale()))
    # Only a too-long search is an error; values nobody offered are simply ignored.
    if asked:
        form.validate()
    calendar = council_calendar()
    return form, form.filters(asked), DueThresholds.for_today(calendar, to_london(utcnow()).date())


@bp.get("/cases.csv")
@staff(*CASE_READER_ROLES)
def case_list_csv():
    """The whole list as it is filtered, one row per stage in the import's columns, streamed."""
    _form, filters, thresholds = _filters()
    params = query_params(filters.but(page=1))
    if "q" in params:  # what was typed is kept as its key, as the audit log's own searches are (docs/audit.md)
        params["q_key"] = email_key(params.pop("q"))
    audit.record("cases.exported", actor=current_user, subject_type="case_list", filters=params)
    db.session.commit()
    rows = case_csv.export_rows(search.matching_ids(current_user, filters, thresholds))
    stamp = to_london(utcnow()).strftime("%Y-%m-%d-%H%M")
    return Response(stream_with_context(case_csv.csv_lines(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="cases-{stamp}.csv"'})


@bp.route("/cases", methods=["GET", "POST"])
@staff(*CASE_READER_ROLES)
def case_list():
    if request.method == "POST":  # the search form: what was typed goes on sealed (ASVS 14.2.1)
        return sealed_search.redirect_to_results()
    form, filters, thresholds = _filters()
    found = search.find_cases(current_user, filters, thresholds)
    filters = filters.but(page=found.page)

    current_params = query_params(filters)
    views = [
        {"text": label, "href": _url(preset), "current": query_params(preset) == current_params}
        for _key, label, preset in saved_views(current_user)
    ]
    return render_template(
        "staff/cases/list.html",
        form=form,
        found=found,
        filters=filters,
        views=views,
        selected=_selected(form, filters),
        clear_url=url_for("staff.case_list"),
        headers=_sort_headers(filters),
        page_params=query_params(filters),
        csv_url=url_for("staff.case_list_csv", **query_params(filters.but(page=1))),
    )
