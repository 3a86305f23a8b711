"""A resident's help and adjustments, from "Your details": see them, add one (one question a
page), change what it says, or stop it. Every change is audited by the register's service."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import bp
from portal.forms_adjustments import DetailForm, EndForm, KindForm
from shared.auth.access import portal
from shared.domain import adjustments as rules
from shared.domain.enums import AdjustmentKind, Role
from shared.services import adjustments


def _user():
    return current_user._get_current_object()


def _own(adjustment_id: int):
    found = adjustments.get_for_person(adjustment_id, current_user.id)
    if found is None:
        abort(404)
    return found


@bp.get("/your-details/help-and-adjustments")
@portal(Role.RESIDENT)
def adjustments_list():
    return render_template("portal/adjustments/list.html", active=adjustments.active_for(current_user.id),
                           descriptions=rules.DESCRIPTIONS, detail_kinds={k.value for k in rules.DETAIL_REQUIRED})


@bp.route("/your-details/help-and-adjustments/add", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def adjustment_add():
    form = KindForm()
    if form.validate_on_submit():
        kind = AdjustmentKind(form.kind.data)
        if rules.needs_detail(kind):
            return redirect(url_for("portal.adjustment_add_detail", kind=kind.value))
        adjustments.add(_user(), kind, None, actor=_user())
        flash(_("%(adjustment)s added to your help and adjustments.", adjustment=kind.label))
        return redirect(url_for("portal.adjustments_list"))
    status = 400 if form.is_submitted() else 200
    return render_template("portal/adjustments/kind.html", form=form, descriptions=rules.DESCRIPTIONS), status


@bp.route("/your-details/help-and-adjustments/add/<kind>", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def adjustment_add_detail(kind: str):
    chosen = AdjustmentKind._value2member_map_.get(kind)
    if chosen is None or not rules.needs_detail(chosen):
        abort(404)
    form = DetailForm(kind=chosen)
    if form.validate_on_submit():
        adjustments.add(_user(), chosen, form.detail.data, actor=_user())
        flash(_("%(adjustment)s added to your help and adjustments.", adjustment=chosen.label))
        return redirect(url_for("portal.adjustments_list"))
    status = 400 if form.is_submitted() else 200
    return render_template("portal/adjustments/detail.html", form=form, kind=chosen, hint=rules.DESCRIPTIONS[chosen],
                           back_url=url_for("portal.adjustment_add")), status


@bp.route("/your-details/help-and-adjustments/<int:adjustment_id>/change", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def adjustment_change(adjustment_id: int):
    adjustment = _own(adjustment_id)
    form = DetailForm(kind=adjustment.kind, data={"detail": adjustment.detail or ""})
    if form.validate_on_submit():
        adjustments.change(adjustment, form.detail.data, actor=_user())
        flash(_("Your help and adjustments have been saved."))
        return redirect(url_for("portal.adjustments_list"))
    status = 400 if form.is_submitted() else 200
    return render_template("portal/adjustments/detail.html", form=form, kind=adjustment.kind,
                           hint=rules.DESCRIPTIONS[adjustment.kind],
                           back_url=url_for("portal.adjustments_list")), status


@bp.route("/your-details/help-and-adjustments/<int:adjustment_id>/stop", methods=["GET", "POST"])
@portal(Role.RESIDENT)
def adjustment_end(adjustment_id: int):
    adjustment = _own(adjustment_id)
    form = EndForm()
    if form.validate_on_submit():
        adjustments.end(adjustment, actor=_user())
        flash(_("We will stop: %(adjustment)s.", adjustment=adjustment.kind.label))
        return redirect(url_for("portal.adjustments_list"))
    return render_template("portal/adjustments/end.html", form=form, adjustment=adjustment,
                           description=rules.DESCRIPTIONS[adjustment.kind])
