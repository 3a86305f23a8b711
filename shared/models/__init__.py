"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from shared.models.cases import Case, CaseEvent, ComplaintDraft, Service
from shared.models.outbox import OutboxMessage
from shared.models.people import User, UserSession

__all__ = ["Case", "CaseEvent", "ComplaintDraft", "OutboxMessage", "Service", "User", "UserSession"]
