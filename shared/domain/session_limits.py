"""How long a signed-in session lasts: the idle and absolute limits, and when a session has passed one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.enums import Role


class EndReason(StrEnum):
    """Why the service ended a session by itself (a person signing out is not recorded here)."""

    IDLE = "idle"  # nothing done for the idle limit
    ABSOLUTE = "absolute"  # signed in for longer than the absolute limit, however busy


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta = timedelta(minutes=30)
    admin_idle: timedelta = timedelta(minutes=15)
    absolute: timedelta = timedelta(hours=12)
    warning: timedelta = timedelta(minutes=2)  # how long before the end the page warns

    def idle_for(self, role: Role) -> timedelta:
        """Admins can change who may do what, so an unattended admin session ends sooner."""
        return self.admin_idle if role is Role.ADMIN else self.idle

    def expires_at(self, role: Role, created_at: datetime, last_seen_at: datetime) -> datetime:
        """The moment the session ends unless used again: the earlier of the two limits."""
        return min(last_seen_at + self.idle_for(role), created_at + self.absolute)

    def ended_because(self, role: Role, created_at: datetime, last_seen_at: datetime,
                      now: datetime) -> EndReason | None:
        """Which limit a session has reached at `now`, if any (the absolute one first: no activity extends it)."""
        if now >= created_at + self.absolute:
            return EndReason.ABSOLUTE
        if now >= last_seen_at + self.idle_for(role):
            return EndReason.IDLE
        return None
