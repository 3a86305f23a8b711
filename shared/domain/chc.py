"""The Complaint Handling Code's provisions, as data, for the annual self-assessment.

The Housing Ombudsman's Code (statutory from April 2024) and the LGSCO's Code share their nine
sections: 1 definition of a complaint, 2 exclusions, 3 accessibility and awareness, 4 complaint
handling staff, 5 the complaint handling process, 6 the complaint stages (stage 1 and stage 2),
7 putting things right, 8 self-assessment, reporting and compliance, 9 scrutiny and oversight.
The requirement texts here are short summaries in our own words, not the Code's text; the
numbers follow the Housing Ombudsman's 2024 Code. Stage 2's (6.11 acknowledged, 6.13 a different
person, 6.14 answered) were checked against councils' published 2024 self-assessments on
2026-12-07; the others still need checking against the Code itself (docs/status.md). `measure` names a figure Redress can state from the case data
(see shared/services/reports/chc.py), shown beside the provision.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Provision:
    number: str
    section: int
    requirement: object  # a lazy translated string
    measure: str | None = None


SECTIONS: dict[int, object] = {
    1: _l("Definition of a complaint"),
    2: _l("Exclusions"),
    3: _l("Accessibility and awareness"),
    4: _l("Complaint handling staff"),
    5: _l("The complaint handling process"),
    6: _l("Complaint stages"),
    7: _l("Putting things right"),
    8: _l("Self-assessment, reporting and compliance"),
    9: _l("Scrutiny and oversight: continuous learning and improvement"),
}

PROVISIONS: tuple[Provision, ...] = (
    Provision("1.2", 1, _l("A complaint is treated as any expression of dissatisfaction, however made, about "
                           "the council's service, action or lack of action, by its staff or anyone acting for it.")),
    Provision("1.3", 1, _l("The person need not use the word “complaint”, and a complaint made by a "
                           "representative is handled in the same way.")),
    Provision("2.1", 2, _l("A complaint is accepted unless there is a valid reason not to, and the reason for "
                           "any refusal can be shown."), "refused"),
    Provision("2.2", 2, _l("The complaints policy sets out, fairly, when a matter will not be considered as a "
                           "complaint or escalated.")),
    Provision("2.3", 2, _l("Anyone whose complaint is not accepted is told why in detail, and of their right "
                           "to take that decision to the Ombudsman."), "refused"),
    Provision("3.1", 3, _l("Complaining is easy: there are several ways to complain, and reasonable adjustments "
                           "are made for people who need them.")),
    Provision("3.2", 3, _l("The complaints policy is published and easy to find, and people are told about the "
                           "Ombudsman.")),
    Provision("4.1", 4, _l("A person or team is responsible for complaint handling, with the authority and "
                           "training to resolve complaints.")),
    Provision("5.1", 5, _l("There is a single complaints policy with two stages, and no extra stage before "
                           "stage 1.")),
    Provision("5.2", 5, _l("Each complaint is defined when it is made: what it is about and the outcome the "
                           "person wants.")),
    Provision("6.2", 6, _l("Stage 1 complaints are acknowledged and logged within 5 working days of being "
                           "received."), "stage_1_acknowledged"),
    Provision("6.3", 6, _l("Stage 1 complaints are answered in full within 10 working days of being "
                           "acknowledged."), "stage_1_answered"),
    Provision("6.4", 6, _l("Any extension at stage 1 is no more than 10 working days without good reason, and "
                           "the reason is explained to the person, with the Ombudsman's details."),
              "stage_1_extended"),
    Provision("6.7", 6, _l("Responses address every point raised and give clear reasons for each decision."),
              "stage_1_outcomes"),
    Provision("6.11", 6, _l("Stage 2 complaints are acknowledged within 5 working days of the request to "
                            "escalate."), "stage_2_acknowledged"),
    Provision("6.13", 6, _l("Stage 2 is considered by someone who did not consider the complaint at stage 1.")),
    Provision("6.14", 6, _l("Stage 2 complaints are answered in full within 20 working days of being "
                            "acknowledged, with any extension no more than 20 working days."),
              "stage_2_answered"),
    Provision("7.1", 7, _l("Where something has gone wrong, the council puts it right: apology, explanation, "
                           "action or payment.")),
    Provision("7.2", 7, _l("The Ombudsman's orders and recommendations are complied with on time."),
              "recommendations"),
    Provision("8.1", 8, _l("An annual complaints performance and service improvement report is published, with "
                           "this self-assessment and the governing body's response.")),
    Provision("8.2", 8, _l("The self-assessment is repeated after any significant change, and at least once a "
                           "year.")),
    Provision("9.1", 9, _l("Complaints are used to learn and improve services, and what changed is reported."),
              "learning"),
    Provision("9.2", 9, _l("A Member Responsible for Complaints oversees complaint handling and reports to the "
                           "governing body.")),
)

BY_NUMBER: dict[str, Provision] = {provision.number: provision for provision in PROVISIONS}

# Free text in the self-assessment and the statements: long enough for a page of evidence.
ANSWER_MAX_LENGTH = 5000
