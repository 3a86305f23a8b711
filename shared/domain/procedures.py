"""Procedure rules as plain data: stages and their clocks, and the presets a council starts with.

All clocks are in working days unless the name says otherwise. A procedure is stored versioned
(shared.models.procedures); a case keeps the version it started under, so editing a procedure
never moves the deadlines of cases already running.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from shared.domain.enums import Ombudsman, ProcedureKind
from shared.domain.translations import pick


class ClockStart(str, Enum):
    RECEIPT = "receipt"  # counted from the day the stage's request was received
    ACKNOWLEDGEMENT = "acknowledgement"  # counted from the day it was acknowledged
    AGREED = "agreed"  # an agreed date set with the person (statutory adults' care, complex enquiries)


@dataclass(frozen=True)
class StageRules:
    number: int
    name: str
    name_cy: str
    acknowledge_within: int | None  # working days from receipt; None: no acknowledgement clock
    respond_within: int | None  # working days from `respond_from`; None with AGREED
    respond_from: ClockStart = ClockStart.ACKNOWLEDGEMENT
    extension_max: int | None = None  # one extension of at most this many working days
    agreed_max_days: int | None = None  # AGREED dates: at most this many calendar days after receipt
    escalation_window: int | None = None  # working days after the response to ask for the next stage
    different_handler: bool = False  # handled by someone other than the previous stage's handler
    independent_person: bool = False  # children's stage 2
    advocacy_offered: bool = False
    # {language: {"name": text}} beyond English and Welsh (shared/domain/translations.py): wording,
    # not a rule, so two stages that differ only in it are the same rules.
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    def display_name(self, locale: str) -> str:
        return pick(locale, self.name, self.name_cy, self.translations)


@dataclass(frozen=True)
class ProcedureRules:
    slug: str
    name: str
    name_cy: str
    kind: ProcedureKind
    ombudsman: Ombudsman
    stages: tuple[StageRules, ...] = field(default_factory=tuple)
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    def stage(self, number: int) -> StageRules:
        for stage in self.stages:
            if stage.number == number:
                return stage
        raise KeyError(f"{self.slug} has no stage {number}")

    def has_stage(self, number: int) -> bool:
        return any(stage.number == number for stage in self.stages)


def _code_stages() -> tuple[StageRules, ...]:
    return (
        StageRules(1, "Stage 1", "Cam 1", acknowledge_within=5, respond_within=10, extension_max=10, escalation_window=20),
        StageRules(2, "Stage 2", "Cam 2", acknowledge_within=5, respond_within=20, extension_max=20, different_handler=True),
    )


PRESETS: tuple[ProcedureRules, ...] = (
    ProcedureRules(
        "corporate", "Corporate complaints (Complaint Handling Code)", "Cwynion corfforaethol (Cod Ymdrin â Chwynion)",
        ProcedureKind.COMPLAINT_CODE, Ombudsman.LGSCO, _code_stages(),
    ),
    ProcedureRules(
        "housing", "Housing complaints (Complaint Handling Code)", "Cwynion tai (Cod Ymdrin â Chwynion)",
        ProcedureKind.COMPLAINT_CODE, Ombudsman.HOUSING, _code_stages(),
    ),
    ProcedureRules(
        "adults", "Adults' social care complaints", "Cwynion gofal cymdeithasol oedolion",
        ProcedureKind.ADULTS, Ombudsman.LGSCO,
        (
            StageRules(1, "Response plan", "Cynllun ymateb", acknowledge_within=3, respond_within=None,
                       respond_from=ClockStart.AGREED, agreed_max_days=183, advocacy_offered=True),
        ),
    ),
    ProcedureRules(
        "children", "Children's social care complaints", "Cwynion gofal cymdeithasol plant",
        ProcedureKind.CHILDREN, Ombudsman.LGSCO,
        (
            StageRules(1, "Stage 1: local resolution", "Cam 1: datrys yn lleol", acknowledge_within=None,
                       respond_within=10, respond_from=ClockStart.RECEIPT, extension_max=10, escalation_window=20,
                       advocacy_offered=True),
            StageRules(2, "Stage 2: investigation", "Cam 2: ymchwiliad", acknowledge_within=None, respond_within=25,
                       respond_from=ClockStart.RECEIPT, extension_max=40, escalation_window=20, different_handler=True,
                       independent_person=True, advocacy_offered=True),
            StageRules(3, "Stage 3: review panel", "Cam 3: panel adolygu", acknowledge_within=None, respond_within=30,
                       respond_from=ClockStart.RECEIPT, different_handler=True, independent_person=True,
                       advocacy_offered=True),
        ),
    ),
    ProcedureRules(
        "member-enquiry", "Member enquiries", "Ymholiadau gan aelodau",
        ProcedureKind.MEMBER_ENQUIRY, Ombudsman.NONE,
        (StageRules(1, "Enquiry", "Ymholiad", acknowledge_within=None, respond_within=10, respond_from=ClockStart.RECEIPT),),
    ),
    ProcedureRules(
        "member-enquiry-complex", "Member enquiries (complex, agreed date)", "Ymholiadau gan aelodau (cymhleth, dyddiad wedi'i gytuno)",
        ProcedureKind.MEMBER_ENQUIRY, Ombudsman.NONE,
        (StageRules(1, "Enquiry", "Ymholiad", acknowledge_within=None, respond_within=None, respond_from=ClockStart.AGREED,
                    agreed_max_days=92),),
    ),
    ProcedureRules(
        "feedback", "Compliments and comments", "Canmoliaeth a sylwadau",
        ProcedureKind.FEEDBACK, Ombudsman.NONE,
        (StageRules(1, "Acknowledge and pass on", "Cydnabod a throsglwyddo", acknowledge_within=5, respond_within=None),),
    ),
    ProcedureRules(
        "local-policy", "Local complaints policy", "Polisi cwynion lleol",
        ProcedureKind.LOCAL, Ombudsman.LGSCO,
        (
            StageRules(1, "Early resolution", "Datrys yn gynnar", acknowledge_within=1, respond_within=3,
                       respond_from=ClockStart.RECEIPT, escalation_window=20),
            StageRules(2, "Stage 1", "Cam 1", acknowledge_within=1, respond_within=25, respond_from=ClockStart.RECEIPT,
                       extension_max=10, escalation_window=20),
            StageRules(3, "Stage 2", "Cam 2", acknowledge_within=1, respond_within=20, respond_from=ClockStart.RECEIPT,
                       extension_max=20, different_handler=True),
        ),
    ),
)

DEFAULT_COMPLAINT_PROCEDURE = "corporate"
