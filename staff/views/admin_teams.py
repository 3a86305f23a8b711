"""Administration: teams of staff and the services whose cases they handle."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain.enums import Role
from shared.services import team_admin
from staff import bp
from staff.forms_teams import TeamForm


@bp.get("/admin/teams")
@staff(Role.ADMIN)
def teams():
    return render_template("staff/admin/teams.html", rows=team_admin.listed(), locale=str(get_locale()))


def _form(team=None) -> TeamForm:
    form = TeamForm(obj=team, services=team_admin.all_services(), people=team_admin.possible_members(),
                    locale=str(get_locale()))
    if team is not None and not form.is_submitted():
        form.services.data = [str(service.id) for service in team.services]
        form.members.data = [str(person.id) for person in team.members]
    return form


def _save(team, form: TeamForm):
    try:
        return team_admin.save(team, current_user, name=form.name.data, name_cy=form.name_cy.data,
                               active=form.active.data, services=form.chosen_services(),
                               members=form.chosen_members())
    except team_admin.NameTaken:
        form.name.errors = [*form.name.errors, _("Another team already has this name")]
        return None


@bp.route("/admin/teams/new", methods=["GET", "POST"])
@staff(Role.ADMIN)
def team_new():
    form = _form()
    if form.validate_on_submit() and (saved := _save(None, form)) is not None:
        flash(_("%(name)s added.", name=saved.name))
        return redirect(url_for("staff.teams"))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/team_form.html", form=form, team=None, locale=str(get_locale())), status


@bp.route("/admin/teams/<int:team_id>", methods=["GET", "POST"])
@staff(Role.ADMIN)
def team_edit(team_id: int):
    team = team_admin.get(team_id)
    if team is None:
        abort(404)
    form = _form(team)
    if form.validate_on_submit() and _save(team, form) is not None:
        flash(_("%(name)s saved.", name=team.name))
        return redirect(url_for("staff.teams"))
    status = 400 if form.is_submitted() else 200
    return render_template("staff/admin/team_form.html", form=form, team=team, locale=str(get_locale()),
                           history=team_admin.history(team.id)), status
