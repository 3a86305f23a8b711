"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from shared.models.annual import ChcAnnualReport
from shared.models.calendar import ClosureDay
from shared.models.cases import (
    Case,
    CaseEvent,
    CaseResponse,
    CaseStage,
    ComplaintReason,
    NamedEmployee,
    Organisation,
    Service,
)
from shared.models.correspondence import CaseAccessLink, CaseMessage, FeedbackDraft, StoredFile
from shared.models.council import CouncilIdentity, RetentionPeriod
from shared.models.followup import (
    InformationRequest,
    LearningAction,
    OmbudsmanRecommendation,
    OmbudsmanReferral,
    ResponseTemplate,
    learning_action_cases,
)
from shared.models.outbox import MessageTemplateOverride, OutboxMessage
from shared.models.people import KeptForm, RecoveryCode, User, UserIdentity, UserSession
from shared.models.procedures import Procedure, ProcedureStage
from shared.models.representation import CaseRepresentative, Ward
from shared.models.safeguards import Adjustment, AuditEvent, Restriction, Signpost, SupportService
from shared.models.teams import Team, team_members, team_services

__all__ = [
    "ChcAnnualReport",
    "InformationRequest",
    "LearningAction",
    "OmbudsmanRecommendation",
    "OmbudsmanReferral",
    "ResponseTemplate",
    "learning_action_cases",
    "Case", "CaseEvent", "ComplaintReason", "NamedEmployee", "CaseResponse", "Organisation", "CaseStage", "Procedure", "ProcedureStage", "ClosureDay", "CouncilIdentity", "RetentionPeriod", "FeedbackDraft", "CaseMessage", "StoredFile", "CaseAccessLink", "CaseRepresentative", "Ward", "Adjustment", "AuditEvent", "Restriction", "Signpost", "SupportService", "OutboxMessage", "MessageTemplateOverride", "Service", "RecoveryCode", "Team", "team_members", "team_services", "User", "UserIdentity", "UserSession", "KeptForm"]
