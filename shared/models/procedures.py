"""Procedures as data: each edit makes a new version; cases keep the version they started under."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, enum_column
from shared.domain.enums import Ombudsman, ProcedureKind
from shared.domain.procedures import ClockStart, ProcedureRules, StageRules
from shared.models.people import User
from shared.models.translated import Translated


class Procedure(Translated, Base):
    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str] = mapped_column(String(120))
    name_cy: Mapped[str] = mapped_column(String(120))
    kind: Mapped[ProcedureKind] = mapped_column(enum_column(ProcedureKind))
    ombudsman: Mapped[Ombudsman] = mapped_column(enum_column(Ombudsman))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship(lazy="raise")
    stages: Mapped[list[ProcedureStage]] = relationship(
        back_populates="procedure", lazy="raise", order_by="ProcedureStage.number"
    )

    def rules(self) -> ProcedureRules:
        """The pure rules the engine works from (needs `stages` loaded)."""
        return ProcedureRules(
            slug=self.slug,
            name=self.name,
            name_cy=self.name_cy,
            kind=self.kind,
            ombudsman=self.ombudsman,
            stages=tuple(stage.rules() for stage in self.stages),
            translations=self.translations or {},
        )


class ProcedureStage(Translated, Base):
    __tablename__ = "procedure_stages"
    __table_args__ = (UniqueConstraint("procedure_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    name_cy: Mapped[str] = mapped_column(String(120))
    acknowledge_within: Mapped[int | None]
    respond_within: Mapped[int | None]
    respond_from: Mapped[ClockStart] = mapped_column(enum_column(ClockStart))
    extension_max: Mapped[int | None]
    agreed_max_days: Mapped[int | None]
    escalation_window: Mapped[int | None]
    different_handler: Mapped[bool] = mapped_column(Boolean, default=False)
    independent_person: Mapped[bool] = mapped_column(Boolean, default=False)
    advocacy_offered: Mapped[bool] = mapped_column(Boolean, default=False)

    procedure: Mapped[Procedure] = relationship(back_populates="stages", lazy="raise")

    def rules(self) -> StageRules:
        return StageRules(
            number=self.number,
            name=self.name,
            name_cy=self.name_cy,
            acknowledge_within=self.acknowledge_within,
            respond_within=self.respond_within,
            respond_from=self.respond_from,
            extension_max=self.extension_max,
            agreed_max_days=self.agreed_max_days,
            escalation_window=self.escalation_window,
            different_handler=self.different_handler,
            independent_person=self.independent_person,
            advocacy_offered=self.advocacy_offered,
            translations=self.translations or {},
        )

    @classmethod
    def from_rules(cls, rules: StageRules) -> ProcedureStage:
        return cls(
            number=rules.number,
            name=rules.name,
            name_cy=rules.name_cy,
            acknowledge_within=rules.acknowledge_within,
            respond_within=rules.respond_within,
            respond_from=rules.respond_from,
            extension_max=rules.extension_max,
            agreed_max_days=rules.agreed_max_days,
            escalation_window=rules.escalation_window,
            different_handler=rules.different_handler,
            independent_person=rules.independent_person,
            advocacy_offered=rules.advocacy_offered,
            translations={language: dict(fields) for language, fields in rules.translations.items()},
        )
