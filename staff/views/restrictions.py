"""Unreasonable-behaviour restrictions in the back office: proposing one from a case, the manager's
decision, reviewing, and the list of proposals, restrictions in force and ended ones.

Only the complaints team (officers and managers) reaches these pages; other staff see a
restriction's terms on the case page's banner (shared/domain/policy.py `can_see_restriction`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain import restrictions as rules
from shared.domain.enums import RestrictionCategory, RestrictionStatus, RestrictionType, Role
from shared.domain.policy import RESTRICTION_TEAM_ROLES
from shared.domain.restrictions import Proposal
from shared.models import Case, Restriction
from shared.services import audit, restrictions
from shared.services.case_progress import today
from staff import bp
from staff.actions import attempt
from staff.forms_restrictions import DecideForm, ProposeForm, ReviewForm
from staff.lookups import case_or_404


@bp.app_template_filter("restriction_type_label")
def restriction_type_label(value: str) -> str:
    try:
        return str(RestrictionType(value).label)
    except ValueError:
        return value


def _load(restriction_id: int) -> Restriction:
    found = restrictions.get(restriction_id)
    if found is None:
        abort(404)
    return found


# --- propose ---------------------------------------------------------------------------------------


def _case(reference: str) -> Case:
    case = case_or_404(reference)
    if case.resident_id is None:
        abort(404)
    return case


@bp.route("/cases/<reference>/restriction/new", methods=["GET", "POST"])
@staff(*RESTRICTION_TEAM_ROLES)
def restriction_new(reference: str):
    case = _case(reference)
    evidence = restrictions.evidence_options(case.resident_id)
    officers = restrictions.named_officer_options()
    form = ProposeForm(evidence=evidence, officers=officers, **({} if request.method == "POST" else {"formdata": None}))

    def render(case: Case, form: ProposeForm, status: int = 200):
        return render_template("staff/restrictions/new.html", case=case, form=form, evidence=evidence,
                               waiting=restrictions.waiting_for(case.resident_id)), status

    if request.method == "GET":
        return render(case, form)
    if not form.validate():
        return render(case, form, 400)
    proposal = Proposal(
        category=RestrictionCategory(form.category.data), types=form.chosen_types(),
        behaviour=form.behaviour.data or "", terms=form.terms.data or "",
        named_officer_id=form.named_officer_id(), event_ids=form.event_ids(), message_ids=form.message_ids(),
    )
    made: list[Restriction] = []
    refused = attempt(lambda case: made.append(restrictions.propose(case, current_user, proposal,
                                                                    ends_on=form.ends_on.data)),
                      case, form=form, render=render)
    if refused:
        return refused
    flash(_("Restriction proposed. A manager who did not propose it must decide it."))
    return redirect(url_for("staff.restriction", restriction_id=made[0].id))


# --- one restriction, and deciding it --------------------------------------------------------------


def _detail(restriction: Restriction, form=None, status: int = 200, template: str = "staff/restrictions/restriction.html"):
    on = today()
    return render_template(
        template, restriction=restriction, form=form, context=restrictions.decision_context(restriction),
        status_now=rules.effective_status(restriction, on), in_force=rules.in_force(restriction, on),
        may_decide=rules.may_decide(current_user.role, current_user.id, restriction.proposed_by_id),
        may_review=current_user.role is Role.MANAGER and rules.in_force(restriction, on),
    ), status


@bp.get("/restrictions/<int:restriction_id>")
@staff(*RESTRICTION_TEAM_ROLES)
def restriction(restriction_id: int):
    found = _load(restriction_id)
    audit.record("restriction.viewed", actor=current_user, subject_type="restriction", subject_id=found.id,
                 person_id=found.person_id)
    return _detail(found)


@bp.route("/restrictions/<int:restriction_id>/decide", methods=["GET", "POST"])
@staff(Role.MANAGER)
def restriction_decide(restriction_id: int):
    found = _load(restriction_id)
    if found.status is not RestrictionStatus.PROPOSED or not rules.may_decide(current_user.role, current_user.id, found.proposed_by_id):
        # Decided already, or the manager who proposed it: the page says why, with no form.
        if request.method == "POST":
            restrictions.check_may_decide(found, current_user)  # raises the refusal: a 409 page
        return _detail(found, None, template="staff/restrictions/decide.html")
    if request.method == "GET":
        review_on = rules.default_review_on(today())
        ends_on = found.ends_on if found.ends_on and found.ends_on > review_on else rules.default_ends_on(review_on)
        form = DecideForm(formdata=None, data={"review_on": review_on, "ends_on": ends_on})
        return _detail(found, form, template="staff/restrictions/decide.html")
    form = DecideForm()

    def render(found: Restriction, form: DecideForm, status: int):
        return _detail(found, form, status, template="staff/restrictions/decide.html")

    if not form.validate():
        return render(found, form, 400)
    refused = attempt(lambda found: restrictions.decide(
        found, current_user, approve=form.decision.data == "approve", note=form.note.data,
        review_on=form.review_on.data, ends_on=form.ends_on.data), found, form=form, render=render)
    if refused:
        return refused
    if found.status is RestrictionStatus.ACTIVE:
        flash(_("Restriction approved. The person has been written to.") if found.letter_message_id
              else _("Restriction approved. We have no address for the person: write to them another way."))
    else:
        flash(_("Restriction not approved."))
    return redirect(url_for("staff.restriction", restriction_id=found.id))


# --- review ----------------------------------------------------------------------------------------


@bp.route("/restrictions/<int:restriction_id>/review", methods=["GET", "POST"])
@staff(Role.MANAGER)
def restriction_review(restriction_id: int):
    found = _load(restriction_id)
    officers = restrictions.named_officer_options()
    if request.method == "GET":
        form = ReviewForm(formdata=None, officers=officers, data={
            "types": list(found.types), "terms": found.terms,
            "named_officer": str(found.named_officer_id) if found.named_officer_id else "",
            "review_on": rules.default_review_on(today()), "ends_on": found.ends_on,
        })
        return _detail(found, form, template="staff/restrictions/review.html")
    form = ReviewForm(officers=officers)

    def render(found: Restriction, form: ReviewForm, status: int):
        return _detail(found, form, status, template="staff/restrictions/review.html")

    if not form.validate():
        return render(found, form, 400)
    outcome = form.outcome.data

    def call(found: Restriction) -> None:
        if outcome == "continue":
            restrictions.continue_after_review(found, current_user, review_on=form.review_on.data, note=form.note.data)
        elif outcome == "vary":
            restrictions.vary(found, current_user, types=form.chosen_types(), terms=form.terms.data or "",
                              named_officer_id=form.named_officer_id(), review_on=form.review_on.data,
                              ends_on=form.ends_on.data, note=form.note.data)
        else:
            restrictions.lift(found, current_user, reason=form.note.data)

    refused = attempt(call, found, form=form, render=render)
    if refused:
        return refused
    flash({"continue": _("Review recorded."), "vary": _("Restriction changed. The person has been written to."),
           "lift": _("Restriction lifted. The person has been written to.")}[outcome])
    return redirect(url_for("staff.restriction", restriction_id=found.id))


# --- the list --------------------------------------------------------------------------------------


@bp.get("/restrictions")
@staff(*RESTRICTION_TEAM_ROLES)
def restriction_list():
    on = today()
    return render_template("staff/restrictions/list.html", found=restrictions.lists(on), today=on,
                           review_due=lambda r: rules.review_due(r, on),
                           status_now=lambda r: rules.effective_status(r, on))
