"""Teams: named groups of staff who handle the cases of some of the council's services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base

if TYPE_CHECKING:
    from shared.models.cases import Service
    from shared.models.people import User

team_members = Table(
    "team_members",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

team_services = Table(
    "team_services",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Team(Base):
    """A team ("Housing complaints") handles the cases of its services: when one of those cases is
    allocated its members are offered first, and the case list can show just the team's cases.
    Someone may be in several teams; a service may be covered by several."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_cy: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    members: Mapped[list[User]] = relationship(secondary=team_members, lazy="raise", order_by="User.full_name")
    services: Mapped[list[Service]] = relationship(secondary=team_services, lazy="raise", order_by="Service.name")

    def display_name(self, locale: str) -> str:
        return self.name_cy if locale == "cy" and self.name_cy else self.name
