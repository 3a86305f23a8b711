"""Enumerations with their translated label and tag style, so templates never branch on values."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a translated label and a GOV.UK tag class."""

    def __new__(cls, value: str, label: object, tag: str = "govuk-tag--grey"):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label  # type: ignore[attr-defined]
        member.tag = tag  # type: ignore[attr-defined]
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        return [(m.value, m.label) for m in cls]


class Role(LabelledEnum):
    RESIDENT = "resident", _l("Resident")
    COUNCILLOR = "councillor", _l("Councillor")
    AGENT = "agent", _l("Contact centre agent")
    OFFICER = "officer", _l("Complaints officer")
    RESPONDER = "responder", _l("Service responder")
    MANAGER = "manager", _l("Complaints manager")
    ADMIN = "admin", _l("System administrator")

    @property
    def is_staff(self) -> bool:
        return self in STAFF_ROLES


STAFF_ROLES = frozenset({Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER, Role.ADMIN})
PORTAL_ROLES = frozenset({Role.RESIDENT, Role.COUNCILLOR})


class AccountStatus(LabelledEnum):
    """Where a staff member's or councillor's account stands, as admins see it (never stored: read
    from when it was disabled and when its owner last signed in)."""

    ACTIVE = "active", _l("Active"), "govuk-tag--green"
    INVITED = "invited", _l("Invited, not yet signed in"), "govuk-tag--blue"
    DISABLED = "disabled", _l("Disabled"), "govuk-tag--grey"


class CaseKind(LabelledEnum):
    COMPLAINT = "complaint", _l("Complaint"), "govuk-tag--purple"
    SERVICE_REQUEST = "service_request", _l("Service request"), "govuk-tag--grey"
    COMPLIMENT = "compliment", _l("Compliment"), "govuk-tag--green"
    COMMENT = "comment", _l("Comment"), "govuk-tag--blue"
    MEMBER_ENQUIRY = "member_enquiry", _l("Member enquiry"), "govuk-tag--orange"


class CaseStatus(LabelledEnum):
    RECEIVED = "received", _l("Received"), "govuk-tag--light-blue"
    TRIAGED = "triaged", _l("Triaged as a complaint"), "govuk-tag--light-blue"
    SERVICE_REQUEST = "service_request", _l("Passed to the service as a request"), "govuk-tag--grey"
    FEEDBACK = "feedback", _l("Passed to the service"), "govuk-tag--green"
    SIGNPOSTED = "signposted", _l("Signposted elsewhere"), "govuk-tag--grey"
    DUPLICATE = "duplicate", _l("Duplicate"), "govuk-tag--grey"
    REFUSED = "refused", _l("Not taken forward"), "govuk-tag--grey"
    ACKNOWLEDGED = "acknowledged", _l("Acknowledged"), "govuk-tag--blue"
    WITH_TEAM = "with_team", _l("Being investigated"), "govuk-tag--yellow"
    WITH_SERVICE = "with_service", _l("Being investigated by the service"), "govuk-tag--yellow"
    RESPONSE_DRAFTED = "response_drafted", _l("Response being written"), "govuk-tag--yellow"
    AWAITING_QUALITY_CHECK = "awaiting_quality_check", _l("Response being checked"), "govuk-tag--orange"
    RETURNED_FOR_CHANGES = "returned_for_changes", _l("Response returned for changes"), "govuk-tag--orange"
    RESPONSE_SENT = "response_sent", _l("Response sent"), "govuk-tag--green"
    ESCALATION_REQUESTED = "escalation_requested", _l("Escalation requested"), "govuk-tag--purple"
    ESCALATED = "escalated", _l("Escalated to the next stage"), "govuk-tag--purple"
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "govuk-tag--grey"
    CLOSED = "closed", _l("Closed"), "govuk-tag--grey"
    REOPENED = "reopened", _l("Reopened"), "govuk-tag--light-blue"
    WITH_OMBUDSMAN = "with_ombudsman", _l("With the Ombudsman"), "govuk-tag--pink"

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATUSES


CLOSED_STATUSES = frozenset(
    {
        CaseStatus.SERVICE_REQUEST,
        CaseStatus.FEEDBACK,
        CaseStatus.SIGNPOSTED,
        CaseStatus.DUPLICATE,
        CaseStatus.REFUSED,
        CaseStatus.WITHDRAWN,
        CaseStatus.CLOSED,
    }
)


class CaseReason(LabelledEnum):
    """What a complaint is about, for reports (seed 000's reason categories)."""

    QUALITY_OF_SERVICE = "quality_of_service", _l("Quality of service")
    TIMELINESS = "timeliness", _l("Timeliness")
    STAFF_ATTITUDE = "staff_attitude", _l("Staff attitude and behaviour")
    POLICY = "policy", _l("Policy and procedure")


class RemedyKind(LabelledEnum):
    APOLOGY = "apology", _l("Apology")
    EXPLANATION = "explanation", _l("Explanation")
    ACTION = "action", _l("Action to put things right")
    PAYMENT = "payment", _l("Financial payment")


class LearningStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned"), "govuk-tag--grey"
    IN_PROGRESS = "in_progress", _l("In progress"), "govuk-tag--blue"
    DONE = "done", _l("Done"), "govuk-tag--green"
    CANCELLED = "cancelled", _l("Cancelled"), "govuk-tag--grey"


class OmbudsmanDecision(LabelledEnum):
    PENDING = "pending", _l("Awaiting decision"), "govuk-tag--grey"
    NOT_INVESTIGATED = "not_investigated", _l("Not investigated"), "govuk-tag--blue"
    NO_FAULT = "no_fault", _l("No fault"), "govuk-tag--green"
    FAULT_NO_INJUSTICE = "fault_no_injustice", _l("Fault, no injustice"), "govuk-tag--orange"
    FAULT_INJUSTICE = "fault_injustice", _l("Fault with injustice"), "govuk-tag--red"


class ClosureCode(LabelledEnum):
    RESPONDED = "responded", _l("Responded")
    WITHDRAWN = "withdrawn", _l("Withdrawn")
    DUPLICATE = "duplicate", _l("Duplicate")
    OUT_OF_TIME = "out_of_time", _l("Out of time")
    NOT_A_COMPLAINT = "not_a_complaint", _l("Not a complaint")
    REFERRED_ELSEWHERE = "referred_elsewhere", _l("Referred elsewhere")


class RefusalGround(LabelledEnum):
    """Why a complaint was not taken forward at triage: the grounds complaints policies (and the
    Housing Ombudsman's Complaint Handling Code, section 1) allow, so the annual report can group
    refusals. The written reason the person is told goes with it."""

    TOO_LATE = "too_late", _l("More than 12 months since the person knew about the problem")
    LEGAL_PROCEEDINGS = "legal_proceedings", _l("Legal proceedings have started")
    ALREADY_CONSIDERED = "already_considered", _l("Already considered under the complaints procedure")
    OTHER_ROUTE = "other_route", _l("Another right of appeal or review applies")
    NOT_THE_COUNCIL = "not_the_council", _l("Not the council's responsibility")
    OTHER = "other", _l("Another reason")


class LegalHoldReason(LabelledEnum):
    """Why a complaints manager put a case on legal hold: what it may be needed for (UK GDPR
    Article 17(3)(e), legal claims). The manager's note says more."""

    LITIGATION = "litigation", _l("Litigation is expected or under way")
    CLAIM = "claim", _l("An insurance or court claim")
    INVESTIGATION = "investigation", _l("An investigation by the police or a regulator")
    OTHER = "other", _l("Another reason")


class Finding(LabelledEnum):
    UPHELD = "upheld", _l("Upheld"), "govuk-tag--red"
    PARTLY_UPHELD = "partly_upheld", _l("Partly upheld"), "govuk-tag--orange"
    NOT_UPHELD = "not_upheld", _l("Not upheld"), "govuk-tag--green"


class ProcedureKind(LabelledEnum):
    COMPLAINT_CODE = "complaint_code", _l("Complaint Handling Code")
    ADULTS = "adults", _l("Adults' social care (statutory)")
    CHILDREN = "children", _l("Children's social care (statutory)")
    MEMBER_ENQUIRY = "member_enquiry", _l("Member enquiry")
    FEEDBACK = "feedback", _l("Compliments and comments")
    LOCAL = "local", _l("Local complaints policy")


class CareKind(LabelledEnum):
    """A council service that is social care, whose complaints follow a statutory procedure and whose
    residents are offered advocacy in the journey (shared/services/signposting.py)."""

    CHILDREN = "children", _l("Children's social care")
    ADULTS = "adults", _l("Adults' social care")


class Ombudsman(LabelledEnum):
    LGSCO = "lgsco", _l("Local Government and Social Care Ombudsman")
    HOUSING = "housing", _l("Housing Ombudsman")
    PSOW = "psow", _l("Public Services Ombudsman for Wales")
    SPSO = "spso", _l("Scottish Public Services Ombudsman")
    NIPSO = "nipso", _l("Northern Ireland Public Services Ombudsman")
    NONE = "none", _l("No Ombudsman")


class Channel(LabelledEnum):
    ONLINE = "online", _l("Online")
    PHONE = "phone", _l("Phone")
    FACE_TO_FACE = "face_to_face", _l("Face to face")
    LETTER = "letter", _l("Letter")
    EMAIL = "email", _l("Email")
    COUNCILLOR = "councillor", _l("Councillor")
    SOCIAL_MEDIA = "social_media", _l("Social media")


class ContactMethod(LabelledEnum):
    EMAIL = "email", _l("Email")
    PHONE = "phone", _l("Phone")
    TEXT = "text", _l("Text message")
    POST = "post", _l("Post")


class ConsentMethod(LabelledEnum):
    """How someone complaining for another person has that person's agreement."""

    WRITTEN = "written", _l("They have given me written permission")
    WILL_CONFIRM = "will_confirm", _l("They will contact you to confirm I can act for them")
    LEGAL_AUTHORITY = "legal_authority", _l("I have legal authority to act for them, such as a lasting power of attorney")
    PARENT = "parent", _l("I am the parent or guardian of a child under 16")
    CANNOT_CONSENT = "cannot_consent", _l("They are not able to give consent")


class MessageDirection(LabelledEnum):
    IN = "in", _l("From the resident"), "govuk-tag--blue"
    OUT = "out", _l("From the council"), "govuk-tag--grey"


class EventType(LabelledEnum):
    """What happened to a case: each engine action appends one event of its type."""

    RECEIVED = "received", _l("Received")
    TRIAGED_COMPLAINT = "triaged_complaint", _l("Triaged as a complaint")
    TRIAGED_SERVICE_REQUEST = "triaged_service_request", _l("Passed to the service as a request")
    TRIAGED_FEEDBACK = "triaged_feedback", _l("Passed to the service")
    SIGNPOSTED = "signposted", _l("Signposted elsewhere")
    MARKED_DUPLICATE = "marked_duplicate", _l("Marked as a duplicate")
    REFUSED = "refused", _l("Not taken forward")
    ACKNOWLEDGED = "acknowledged", _l("Acknowledged")
    ALLOCATED = "allocated", _l("Allocated")
    INVESTIGATION_STARTED = "investigation_started", _l("Investigation started")
    PASSED_TO_SERVICE = "passed_to_service", _l("Passed to the service to investigate")
    RETURNED_FROM_SERVICE = "returned_from_service", _l("Returned by the service")
    RESPONSE_DRAFTED = "response_drafted", _l("Response drafted")
    SUBMITTED_FOR_CHECK = "submitted_for_check", _l("Response sent for checking")
    RETURNED_FOR_CHANGES = "returned_for_changes", _l("Response returned for changes")
    RESPONSE_SENT = "response_sent", _l("Response sent")
    EXTENDED = "extended", _l("Deadline extended")
    ESCALATION_REQUESTED = "escalation_requested", _l("Escalation requested")
    ESCALATED = "escalated", _l("Escalated to the next stage")
    WITHDRAWN = "withdrawn", _l("Withdrawn")
    CLOSED = "closed", _l("Closed")
    REOPENED = "reopened", _l("Reopened")
    REFERRED_TO_OMBUDSMAN = "referred_to_ombudsman", _l("Referred to the Ombudsman")
    NOTE_ADDED = "note_added", _l("Internal note added")
    LEGAL_HOLD_PLACED = "legal_hold_placed", _l("Legal hold placed")
    LEGAL_HOLD_LIFTED = "legal_hold_lifted", _l("Legal hold lifted")


class MessageStatus(LabelledEnum):
    """Where an outgoing message is on its way to the person (the outbox worker moves it)."""

    QUEUED = "queued", _l("Queued"), "govuk-tag--grey"
    SENDING = "sending", _l("Sending"), "govuk-tag--blue"
    SENT = "sent", _l("Sent"), "govuk-tag--green"
    RETRYING = "retrying", _l("Failed, will try again"), "govuk-tag--yellow"
    GIVEN_UP = "given_up", _l("Not delivered"), "govuk-tag--red"
    TO_PRINT = "to_print", _l("To print and post"), "govuk-tag--purple"
    HANDLED = "handled", _l("Contacted another way"), "govuk-tag--grey"


class MessageChannel(LabelledEnum):
    EMAIL = "email", _l("Email")
    SMS = "sms", _l("Text message")
    LETTER = "letter", _l("Letter")


class MessageFormat(LabelledEnum):
    """How a message is to be produced: a letter to someone who needs large print is printed so."""

    STANDARD = "standard", _l("Standard")
    LARGE_PRINT = "large_print", _l("Large print"), "govuk-tag--purple"


class AdjustmentKind(LabelledEnum):
    """A reasonable adjustment, grouped by what it changes (see ADJUSTMENT_GROUPS)."""

    LARGE_PRINT = "large_print", _l("Large print")
    EASY_READ = "easy_read", _l("Easy read")
    BRAILLE = "braille", _l("Braille")
    AUDIO = "audio", _l("Audio")
    PLAIN_TEXT_EMAIL = "plain_text_email", _l("Plain text email")
    BSL_INTERPRETER = "bsl_interpreter", _l("British Sign Language (BSL) interpreter")
    TEXT_RELAY = "text_relay", _l("Text relay")
    PHONE_ONLY = "phone_only", _l("Contact by phone only")
    EMAIL_ONLY = "email_only", _l("Contact by email only")
    NAMED_CONTACT = "named_contact", _l("One named contact at the council")
    SOMEONE_TO_SPEAK = "someone_to_speak", _l("Someone to speak for them")
    EXTRA_TIME = "extra_time", _l("Extra time to reply")
    FIXED_CALL_TIMES = "fixed_call_times", _l("Calls only at agreed times")
    OTHER = "other", _l("Something else")


class AdjustmentGroup(LabelledEnum):
    FORMAT = "format", _l("Format")
    COMMUNICATION = "communication", _l("Communication")
    TIME = "time", _l("Time")
    OTHER = "other", _l("Other")


ADJUSTMENT_GROUPS: dict[AdjustmentGroup, tuple[AdjustmentKind, ...]] = {
    AdjustmentGroup.FORMAT: (
        AdjustmentKind.LARGE_PRINT,
        AdjustmentKind.EASY_READ,
        AdjustmentKind.BRAILLE,
        AdjustmentKind.AUDIO,
        AdjustmentKind.PLAIN_TEXT_EMAIL,
    ),
    AdjustmentGroup.COMMUNICATION: (
        AdjustmentKind.BSL_INTERPRETER,
        AdjustmentKind.TEXT_RELAY,
        AdjustmentKind.PHONE_ONLY,
        AdjustmentKind.EMAIL_ONLY,
        AdjustmentKind.NAMED_CONTACT,
        AdjustmentKind.SOMEONE_TO_SPEAK,
    ),
    AdjustmentGroup.TIME: (AdjustmentKind.EXTRA_TIME, AdjustmentKind.FIXED_CALL_TIMES),
    AdjustmentGroup.OTHER: (AdjustmentKind.OTHER,),
}


class SupportTopic(LabelledEnum):
    """What a support or advocacy service helps with, used to choose which entries to signpost."""

    ADVOCACY = "advocacy", _l("Independent advocacy")
    CHILDREN = "children", _l("Children and young people")
    ADULTS_SOCIAL_CARE = "adults_social_care", _l("Adults' social care")
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", _l("Children's social care")
    MENTAL_HEALTH = "mental_health", _l("Mental health")
    LEARNING_DISABILITY = "learning_disability", _l("Learning disability")
    CARERS = "carers", _l("Carers")
    HOUSING = "housing", _l("Housing")
    COMPLAINING_FOR_SOMEONE = "complaining_for_someone", _l("Complaining for someone else")
    GENERAL = "general", _l("Help to make a complaint")


class RestrictionCategory(LabelledEnum):
    PERSISTENT_CONTACT = "persistent_contact", _l("Persistent contact")
    UNREASONABLE_DEMANDS = "unreasonable_demands", _l("Unreasonable demands")
    ABUSIVE = "abusive", _l("Abusive or threatening language")
    VEXATIOUS = "vexatious", _l("Vexatious")


class RestrictionType(LabelledEnum):
    SINGLE_POINT_OF_CONTACT = "single_point_of_contact", _l("A single point of contact")
    WRITTEN_ONLY = "written_only", _l("Written contact only")
    LIMITED_PHONE = "limited_phone", _l("Limited phone contact")
    NO_VISITS = "no_visits", _l("No face-to-face visits")
    NEW_MATTERS_ONLY = "new_matters_only", _l("Replies only to new matters")


class RestrictionStatus(LabelledEnum):
    PROPOSED = "proposed", _l("Proposed"), "govuk-tag--yellow"
    ACTIVE = "active", _l("In place"), "govuk-tag--red"
    REJECTED = "rejected", _l("Not approved"), "govuk-tag--grey"
    LIFTED = "lifted", _l("Lifted"), "govuk-tag--grey"
    EXPIRED = "expired", _l("Ended"), "govuk-tag--grey"


class RepresentativeKind(LabelledEnum):
    """Who is acting for the person on a case."""

    ADVOCATE = "advocate", _l("Advocate")
    RELATIVE = "relative", _l("Relative")
    FRIEND = "friend", _l("Friend or neighbour")
    CARER = "carer", _l("Carer")
    COUNCILLOR = "councillor", _l("Councillor")
    MP_OFFICE = "mp_office", _l("MP or their office")
    SOLICITOR = "solicitor", _l("Solicitor")
    OTHER = "other", _l("Someone else")


class ScanStatus(LabelledEnum):
    """Where an uploaded file is in virus scanning (REDRESS_CLAMD; shared/services/file_scanning.py).

    With scanning configured only a clean file is served; without it, any file not quarantined."""

    UNSCANNED = "unscanned", _l("Not scanned"), "govuk-tag--grey"  # came in while scanning was not configured
    PENDING = "pending", _l("Being checked"), "govuk-tag--blue"
    CLEAN = "clean", _l("Checked"), "govuk-tag--green"
    QUARANTINED = "quarantined", _l("Removed: a virus was found"), "govuk-tag--red"
    UNSCANNABLE = "unscannable", _l("Could not be checked"), "govuk-tag--yellow"  # clamd could not scan it
