"""Teams, as admins keep them: a name in English (and Welsh), the services whose cases the team
handles and the people in it. Every change is audited with what each field was and became; members
and services are recorded by name, sorted, so a change reads "Amy, Bo → Amy, Bo, Cai".

A team changes who is offered first when a case is allocated and what the case list can be narrowed
to; it never changes who may see a case (shared/domain/policy.py decides that by role and service)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from shared.db import db
from shared.domain.enums import CaseStatus, Role
from shared.models import Case, Service, Team, User, team_members, team_services
from shared.services import audit

MEMBER_ROLES = (Role.OFFICER, Role.MANAGER, Role.RESPONDER)
OPEN = [status for status in CaseStatus if status.is_open]


class NameTaken(Exception):
    pass


@dataclass(frozen=True)
class TeamRow:
    team: Team
    members: int
    open_cases: int


def listed() -> list[TeamRow]:
    """Every team with its services loaded, how many are in it and its services' open cases (three queries)."""
    teams = list(db.session.scalars(
        select(Team).options(selectinload(Team.services)).order_by(Team.active.desc(), Team.name)))
    members = dict(db.session.execute(
        select(team_members.c.team_id, func.count())
        .join(User, User.id == team_members.c.user_id)
        .where(User.disabled_at.is_(None))
        .group_by(team_members.c.team_id)).all())
    open_cases = dict(db.session.execute(
        select(team_services.c.team_id, func.count(Case.id))
        .join(Case, Case.service_id == team_services.c.service_id)
        .where(Case.status.in_(OPEN))
        .group_by(team_services.c.team_id)).all())
    return [TeamRow(team, members.get(team.id, 0), open_cases.get(team.id, 0)) for team in teams]


def get(team_id: int) -> Team | None:
    return db.session.scalars(
        select(Team).where(Team.id == team_id)
        .options(selectinload(Team.members), selectinload(Team.services))).first()


def active_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.name)))


def possible_members() -> list[User]:
    """Who can be in a team: the people cases are allocated to (officers, managers, responders)."""
    return list(db.session.scalars(
        select(User).where(User.role.in_(MEMBER_ROLES), User.disabled_at.is_(None)).order_by(User.full_name, User.id)))


def all_services() -> list[Service]:
    return list(db.session.scalars(select(Service).order_by(Service.active.desc(), Service.name)))


def _names(things) -> str | None:
    names = sorted(getattr(thing, "full_name", None) or thing.name for thing in things)
    return ", ".join(names) if names else None


def save(team: Team | None, actor: User, *, name: str, name_cy: str | None, active: bool,
         services: Sequence[Service], members: Sequence[User]) -> Team:
    """Add a team or change one, in one flush; audited with every field's before and after."""
    new = team is None
    name = name.strip()
    if new or name.lower() != team.name.lower():  # (a query only when the name changes)
        clash = select(Team.id).where(func.lower(Team.name) == name.lower())
        if not new:
            clash = clash.where(Team.id != team.id)
        if db.session.scalar(clash) is not None:
            raise NameTaken(name)
    if new:
        team = Team(name=name, members=[], services=[])
        db.session.add(team)
    before = {} if new else {"name": team.name, "name_cy": team.name_cy, "active": team.active,
                             "services": _names(team.services), "members": _names(team.members)}
    team.name, team.name_cy, team.active = name, (name_cy or "").strip() or None, active
    team.services, team.members = list(services), [user for user in members if user.role in MEMBER_ROLES]
    after = {"name": team.name, "name_cy": team.name_cy, "active": team.active,
             "services": _names(team.services), "members": _names(team.members)}
    db.session.flush()
    changes = {field: [before.get(field), value] for field, value in after.items()
               if new or before.get(field) != value}
    if changes:
        audit.record("team.created" if new else "team.changed", actor=actor, subject_type="team",
                     subject_id=team.id, changes=changes)
    return team


def history(team_id: int) -> list[audit.Change]:
    """Who changed the team, when, each field from → to; newest first (one query)."""
    return audit.changes("team", team_id)


def team_for_service_column(service_id: int):
    """A scalar subquery: the name of a team covering `service_id` that the outer query's User is
    in (the first by name, when several), or NULL."""
    return (
        select(func.min(Team.name))
        .join(team_members, team_members.c.team_id == Team.id)
        .join(team_services, team_services.c.team_id == Team.id)
        .where(team_members.c.user_id == User.id, team_services.c.service_id == service_id, Team.active.is_(True))
        .correlate(User)
        .scalar_subquery()
    )


def service_ids(team_id: int):
    """The services a team covers, as a subquery for case filters."""
    return select(team_services.c.service_id).where(team_services.c.team_id == team_id)


def in_teams_of(user_id: int):
    """A case condition: its service is covered by a working team that `user_id` is in — or, for
    someone in no working team, any case (their "My team" is the whole complaints team's)."""
    memberships = (
        select(team_members.c.team_id)
        .join(Team, Team.id == team_members.c.team_id)
        .where(team_members.c.user_id == user_id, Team.active.is_(True))
    )
    covered = select(team_services.c.service_id).where(team_services.c.team_id.in_(memberships))
    return or_(Case.service_id.in_(covered), ~memberships.exists())
