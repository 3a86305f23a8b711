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


class CaseKind(LabelledEnum):
    COMPLAINT = "complaint", _l("Complaint"), "govuk-tag--purple"
    SERVICE_REQUEST = "service_request", _l("Service request"), "govuk-tag--grey"
    COMPLIMENT = "compliment", _l("Compliment"), "govuk-tag--green"
    COMMENT = "comment", _l("Comment"), "govuk-tag--blue"
    MEMBER_ENQUIRY = "member_enquiry", _l("Member enquiry"), "govuk-tag--orange"


class CaseStatus(LabelledEnum):
    RECEIVED = "received", _l("Received"), "govuk-tag--light-blue"
    ACKNOWLEDGED = "acknowledged", _l("Acknowledged"), "govuk-tag--blue"
    INVESTIGATING = "investigating", _l("Being investigated"), "govuk-tag--yellow"
    RESPONDED = "responded", _l("Response sent"), "govuk-tag--green"
    CLOSED = "closed", _l("Closed"), "govuk-tag--grey"
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "govuk-tag--grey"

    @property
    def is_open(self) -> bool:
        return self not in {CaseStatus.CLOSED, CaseStatus.WITHDRAWN}


class Channel(LabelledEnum):
    ONLINE = "online", _l("Online")
    PHONE = "phone", _l("Phone")
    FACE_TO_FACE = "face_to_face", _l("Face to face")
    LETTER = "letter", _l("Letter")
    EMAIL = "email", _l("Email")
    COUNCILLOR = "councillor", _l("Councillor")


class ContactMethod(LabelledEnum):
    EMAIL = "email", _l("Email")
    PHONE = "phone", _l("Phone")
    POST = "post", _l("Post")


class EventType(LabelledEnum):
    RECEIVED = "received", _l("Received")
    ACKNOWLEDGED = "acknowledged", _l("Acknowledged")
    ALLOCATED = "allocated", _l("Allocated")
    INVESTIGATION_STARTED = "investigation_started", _l("Investigation started")
    RESPONSE_SENT = "response_sent", _l("Response sent")
    CLOSED = "closed", _l("Closed")
    WITHDRAWN = "withdrawn", _l("Withdrawn")
    NOTE_ADDED = "note_added", _l("Internal note added")
