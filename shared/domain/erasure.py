"""When the council may erase a person's data on request (UK GDPR Article 17), and the grounds a
manager records. Pure rules: shared/services/erasure.py gathers the facts and applies them.

Article 17(1) gives the grounds for erasure; 17(3) the exceptions. While someone's complaint is
open, the council still needs it to perform its public task (17(3)(b)); a restriction in place
protects staff and is a decision the person can still challenge (17(3)(b)); and a case the
Ombudsman is still looking at, or whose recommendations are still being carried out, or one refused
because legal proceedings had started, is held for legal claims (17(3)(e)); so is a case a
complaints manager has put on legal hold (a claim, litigation or an investigation the council knows
of), until they lift it. docs/privacy.md says so to operators.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from shared.domain.enums import LabelledEnum


class ErasureGround(LabelledEnum):
    """Article 17(1): why the person's data is to be erased (the manager picks one)."""

    NOT_NEEDED = "not_needed", _l("It is no longer needed for the reason we collected it (Article 17(1)(a))")
    CONSENT_WITHDRAWN = "consent_withdrawn", _l("They withdrew the consent we relied on (Article 17(1)(b))")
    OBJECTED = "objected", _l("They objected and we have no overriding reason to keep it (Article 17(1)(c))")
    UNLAWFUL = "unlawful", _l("It was processed unlawfully (Article 17(1)(d))")
    LEGAL_DUTY = "legal_duty", _l("The law requires us to erase it (Article 17(1)(e))")
    CHILD = "child", _l("It was collected from a child for an online service (Article 17(1)(f))")


class ErasureBar(LabelledEnum):
    """Why an erasure is refused: the Article 17(3) exception that applies, or that it is done."""

    OPEN_CASE = "open_case", _l(
        "They have a case that is still open, or act for someone on one: we need it to deal with the complaint.")
    LIVE_RESTRICTION = "live_restriction", _l(
        "A restriction on how they contact us is proposed or in place: it must end first.")
    LEGAL_HOLD = "legal_hold", _l(
        "One of their cases is held for a legal claim: the Ombudsman has not finished with it, its "
        "recommendations are not all carried out, or legal proceedings had started.")
    PLACED_LEGAL_HOLD = "placed_legal_hold", _l(
        "A complaints manager has put one of their cases on legal hold (below): it must be lifted first.")
    ALREADY_ERASED = "already_erased", _l("Their details have already been removed.")


@dataclass(frozen=True)
class Facts:
    open_cases: int
    live_restrictions: int
    held_cases: int
    anonymised: bool
    placed_holds: int = 0  # cases a manager put on legal hold


def bars(facts: Facts) -> list[ErasureBar]:
    """Every reason the erasure cannot go ahead now; empty when it may."""
    if facts.anonymised:
        return [ErasureBar.ALREADY_ERASED]
    found = []
    if facts.open_cases:
        found.append(ErasureBar.OPEN_CASE)
    if facts.live_restrictions:
        found.append(ErasureBar.LIVE_RESTRICTION)
    if facts.held_cases:
        found.append(ErasureBar.LEGAL_HOLD)
    if facts.placed_holds:
        found.append(ErasureBar.PLACED_LEGAL_HOLD)
    return found
