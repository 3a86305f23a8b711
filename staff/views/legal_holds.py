"""Placing and lifting a legal hold on a case (issue 10; docs/privacy.md): the complaints manager's
pages, each a small form that calls shared/services/legal_holds.py.

Like the case work pages (staff/views/casework.py's reason_view), each checks the rules first (409
saying why: already held, not held, anonymised), keeps the case version in the form, and shows a
refusal as the form's error summary with everything typed kept (staff/actions.py).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from shared.auth.access import staff
from shared.domain import guards
from shared.domain.enums import EventType, LegalHoldReason
from shared.domain.policy import LEGAL_HOLD_ROLES
from shared.models import Case
from shared.services import legal_holds
from staff import bp
from staff.forms_privacy import LegalHoldForm, LiftLegalHoldForm
from staff.views.casework import reason_view


def _may_be_placed(case: Case) -> dict:
    guards.legal_hold_may_be_placed(case.on_legal_hold, case.anonymised_at is not None)
    return {}


def _may_be_lifted(case: Case) -> dict:
    """The hold as it stands, with who placed it, for the page to show."""
    guards.legal_hold_may_be_lifted(case.on_legal_hold)
    return {"placed_by": legal_holds.placer(case)}


@bp.route("/cases/<reference>/legal-hold", methods=["GET", "POST"])
@staff(*LEGAL_HOLD_ROLES)
def place_legal_hold(reference: str):
    return reason_view(
        reference, EventType.LEGAL_HOLD_PLACED, LegalHoldForm, "staff/legal_holds/place.html",
        lambda case, form: legal_holds.place(case, current_user, form.expected_version(),
                                             LegalHoldReason(form.reason.data), form.note.data),
        _("The case is on legal hold. It will not be anonymised, and its person's details cannot be erased, "
          "until the hold is lifted."),
        field="note", before=_may_be_placed,
    )


@bp.route("/cases/<reference>/legal-hold/lift", methods=["GET", "POST"])
@staff(*LEGAL_HOLD_ROLES)
def lift_legal_hold(reference: str):
    return reason_view(
        reference, EventType.LEGAL_HOLD_LIFTED, LiftLegalHoldForm, "staff/legal_holds/lift.html",
        lambda case, form: legal_holds.lift(case, current_user, form.expected_version(), form.note.data),
        _("The legal hold has been lifted. The case is kept for its retention period as usual."),
        field="note", before=_may_be_lifted,
    )
