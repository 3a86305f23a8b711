"""What "Where you're signed in" tells a person after signing a device out, the same in the portal
and the back office."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from shared.services.own_sessions import Ended


def ended_one_message(outcome: Ended, device: str | None) -> str:
    if outcome is Ended.ENDED:
        return _("%(device)s has been signed out.", device=device)
    return _("%(device)s was already signed out.", device=device)


def ended_others_message(ended: int) -> str:
    if ended == 0:
        return _("You were not signed in anywhere else.")
    return ngettext("You have been signed out of %(num)d other device.",
                    "You have been signed out of %(num)d other devices.", ended)
