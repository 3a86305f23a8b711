"""The catalogue of outgoing messages: each message's name, who gets it, and the placeholders an
admin's own wording may use, with sample values for previews.

A message's placeholders are what its callers pass to `outbox.queue` (plus the council's name):
unit_tests/test_message_templates.py checks the list against every template in
shared/templates/shared/mail/, so a new message or a new value cannot be left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l

from shared.domain.enums import EventType, Ombudsman, Role
from shared.domain.ombudsman_contacts import ombudsman_for
from shared.services.council import council
from shared.web.links import absolute_url

TEXT, DATE, FLAG, LINK, BLOCK = "text", "date", "flag", "link", "block"


@dataclass(frozen=True)
class Placeholder:
    meaning: object  # a lazy string
    kind: str = TEXT  # LINK and BLOCK: filled by the application, each on a line of its own; FLAG: for {% if %}


@dataclass(frozen=True)
class Block:
    """Lines of the built-in template that list things (a loop): an admin's wording takes them whole,
    as one placeholder. The lines run from the one matching `start` to the one before `stop`."""

    start: str
    stop: str


@dataclass(frozen=True)
class Message:
    name: str
    title: object  # a lazy string
    audience: object  # a lazy string
    placeholders: tuple[str, ...]
    blocks: dict[str, Block] = field(default_factory=dict)

    @property
    def required(self) -> tuple[str, ...]:
        """Links and lists: an admin's wording must keep them, or the message would lose its point."""
        return tuple(name for name in self.placeholders if PLACEHOLDERS[name].kind in (LINK, BLOCK))


PLACEHOLDERS: dict[str, Placeholder] = {
    "name": Placeholder(_l("The name of the person the message is to")),
    "council": Placeholder(_l("The council's name")),
    "reference": Placeholder(_l("The case reference")),
    "acknowledge_by": Placeholder(_l("The date we will acknowledge it by"), DATE),
    "respond_by": Placeholder(_l("The date the response is due (empty when not set)"), DATE),
    "due_on": Placeholder(_l("The date the answer is due"), DATE),
    "expires_on": Placeholder(_l("The last day the link works"), DATE),
    "on": Placeholder(_l("The day the digest is for"), DATE),
    "stage": Placeholder(_l("The stage of the complaints procedure the complaint is now at")),
    "reason": Placeholder(_l("Why we need more time, as the officer wrote it (may be empty)")),
    "ombudsman": Placeholder(_l("The Ombudsman the person can contact (empty when there is none)")),
    "what": Placeholder(_l("What happened on the case, for example “Acknowledged”")),
    "retention_years": Placeholder(_l("How many years we keep a case after it closes")),
    "old_email": Placeholder(_l("The account's old email address")),
    "new_email": Placeholder(_l("The account's new email address")),
    "lifted": Placeholder(_l("Set when the letter is about a restriction ending: use it as {% if lifted %}"), FLAG),
    "lift_reason": Placeholder(_l("Why the restriction ended, as staff wrote it (may be empty)")),
    "case_url": Placeholder(_l("The link to the case on our website (empty for people without an account)"), LINK),
    "link": Placeholder(_l("The link to the case or task in the back office"), LINK),
    "tasks_url": Placeholder(_l("The link to the back office"), LINK),
    "contact_url": Placeholder(_l("The link to our contact page"), LINK),
    "sign_in_url": Placeholder(_l("The link to the sign-in page"), LINK),
    "reset_url": Placeholder(_l("The link to choose a new password"), LINK),
    "confirm_url": Placeholder(_l("The link that confirms the email address"), LINK),
    "finish_url": Placeholder(_l("The link to finish creating the account (empty for a representative who has one)"),
                              LINK),
    "invite_url": Placeholder(_l("The link to choose a password for the new account (it works once)"), LINK),
    "role": Placeholder(_l("The role the person has been given, for example “Complaints officer”")),
    "follow_url": Placeholder(_l("The link to follow the case without an account"), LINK),
    "tasks": Placeholder(_l("The lists of cases and tasks, each with its date and link"), BLOCK),
    "file_name": Placeholder(_l("The name of the file, as the person called it")),
    "organisations": Placeholder(_l("The organisations chosen for the person, with how to contact them"), BLOCK),
}

_CASES, _ACCOUNTS = _l("Residents: their cases"), _l("Residents: their account")
_COUNCILLORS, _STAFF = _l("Councillors and representatives"), _l("Staff")
_ABOUT_CASE = ("name", "council", "reference")
_STAFF_CASE = ("name", "council", "reference", "link")


def _m(name: str, title, audience, *placeholders: str, **blocks: Block) -> Message:
    return Message(name, title, audience, placeholders, blocks)


MESSAGES: dict[str, Message] = {m.name: m for m in [
    _m("complaint_received", _l("Complaint received"), _CASES, *_ABOUT_CASE, "acknowledge_by", "case_url"),
    _m("compliment_received", _l("Compliment received"), _CASES, *_ABOUT_CASE, "acknowledge_by", "case_url"),
    _m("comment_received", _l("Comment received"), _CASES, *_ABOUT_CASE, "acknowledge_by", "case_url"),
    _m("service_request_received", _l("Request received"), _CASES, *_ABOUT_CASE, "acknowledge_by", "case_url"),
    _m("guest_case_link", _l("Link to follow a case without an account"), _CASES, *_ABOUT_CASE, "expires_on",
       "follow_url"),
    _m("case_acknowledged", _l("Complaint acknowledged"), _CASES, *_ABOUT_CASE, "respond_by", "case_url"),
    _m("case_extended", _l("More time needed to respond"), _CASES, *_ABOUT_CASE, "respond_by", "reason", "ombudsman",
       "case_url"),
    _m("case_message_sent", _l("New message from the council"), _CASES, *_ABOUT_CASE, "case_url"),
    _m("support_information", _l("Help and support organisations"), _CASES, *_ABOUT_CASE, "organisations",
       organisations=Block("{% for service in services %}", "Your case reference is")),
    _m("file_removed", _l("File removed: a virus was found"), _CASES, "name", "council", "reference", "file_name",
       "case_url"),
    _m("file_not_checked", _l("File could not be checked for viruses"), _CASES, "name", "council", "reference",
       "file_name", "case_url"),
    _m("restriction_notice", _l("Letter sent about contacting us"), _CASES, "name", "council", "lifted"),
    _m("restriction_lifted", _l("Restriction on contact lifted"), _CASES, "name", "council", "lift_reason"),
    _m("response_sent", _l("Response sent"), _CASES, *_ABOUT_CASE, "case_url"),
    _m("escalation_received", _l("Complaint moved to the next stage"), _CASES, *_ABOUT_CASE, "stage",
       "acknowledge_by", "respond_by", "case_url"),
    _m("case_closed", _l("Case closed"), _CASES, *_ABOUT_CASE, "case_url"),
    _m("withdrawal_confirmed", _l("Complaint withdrawn"), _CASES, *_ABOUT_CASE, "case_url"),
    _m("case_update_representative", _l("Update for a councillor or representative on a case"), _COUNCILLORS,
       *_ABOUT_CASE, "what", "respond_by", "case_url"),
    _m("representative_invited", _l("Named as a representative on a case"), _COUNCILLORS, *_ABOUT_CASE,
       "finish_url", "case_url"),
    _m("confirm_email", _l("Confirm your email address"), _ACCOUNTS, "name", "council", "confirm_url"),
    _m("account_exists", _l("You already have an account"), _ACCOUNTS, "name", "council", "sign_in_url", "reset_url"),
    _m("finish_account", _l("Finish creating your account"), _ACCOUNTS, "name", "council", "finish_url"),
    _m("reset_password", _l("Change your password"), _ACCOUNTS, "name", "council", "reset_url"),
    _m("password_changed", _l("Password changed"), _ACCOUNTS, "name", "council", "reset_url"),
    _m("email_change_requested", _l("Email address change asked for"), _ACCOUNTS, "name", "council", "reset_url",
       "contact_url"),
    _m("confirm_new_email", _l("Confirm your new email address"), _ACCOUNTS, "name", "council", "confirm_url"),
    _m("email_in_use", _l("Email address already in use"), _ACCOUNTS, "name", "council", "sign_in_url"),
    _m("email_changed", _l("Email address changed"), _ACCOUNTS, "name", "council", "old_email", "new_email",
       "contact_url"),
    _m("account_closed", _l("Account closed"), _ACCOUNTS, "name", "council", "retention_years", "contact_url"),
    _m("user_invited", _l("Invited to an account (staff and councillors)"), _STAFF, "name", "council", "role",
       "invite_url", "expires_on", "sign_in_url"),
    _m("case_assigned", _l("Case allocated to you"), _STAFF, *_STAFF_CASE, "respond_by"),
    _m("case_message_received", _l("New message from the resident"), _STAFF, *_STAFF_CASE),
    _m("information_requested", _l("Information requested from a service"), _STAFF, *_STAFF_CASE, "due_on"),
    _m("information_overdue", _l("Information request overdue"), _STAFF, *_STAFF_CASE, "due_on"),
    _m("file_quarantined", _l("File on a case quarantined"), _STAFF, *_STAFF_CASE, "file_name"),
    _m("file_unscannable", _l("File on a case could not be checked"), _STAFF, *_STAFF_CASE, "file_name"),
    _m("information_answered", _l("Information request answered"), _STAFF, *_STAFF_CASE),
    _m("escalation_requested", _l("Next stage asked for"), _STAFF, *_STAFF_CASE),
    _m("quality_check_waiting", _l("Response waiting to be checked"), _STAFF, *_STAFF_CASE, "respond_by"),
    _m("staff_digest", _l("Daily digest"), _STAFF, "name", "council", "on", "tasks", "tasks_url",
       tasks=Block("{% if digest.overdue %}", "Sign in to the back office:")),
]}

AUDIENCES = (_CASES, _ACCOUNTS, _COUNCILLORS, _STAFF)

# Mail templates that keep their standard wording, and why.
FIXED = {
    # Its subject and sections follow the decision (new or varied, which restrictions, the
    # Ombudsman's details); its wording is part of the restriction process (issue 7).
    "restriction_decided": "the restriction decision letter",
}


# --- sample values: the same every time, so wording can be compared ---------------------------------

SAMPLE_REFERENCE = "RDR-7K2M-9QXD"
_EXAMPLE = "sample-token"  # in links that would carry a secret: shows where it goes


_url = absolute_url


def _ombudsman() -> Ombudsman:
    return ombudsman_for(Ombudsman.LGSCO, council().nation) or Ombudsman.LGSCO


def sample_context(message: Message) -> dict[str, object]:
    """What a caller of `outbox.queue` would pass for `message`, with made-up values (raw: dates as
    dates, the Ombudsman as its enum), for the preview."""
    from shared.services.digests import Digest, Item  # digests imports the outbox, which imports us

    staff_case = _url("staff.case", reference=SAMPLE_REFERENCE)
    values: dict[str, object] = {
        "name": "Jane Smith",
        "reference": SAMPLE_REFERENCE,
        "acknowledge_by": date(2027, 1, 11),
        "respond_by": date(2027, 1, 29),
        "due_on": date(2027, 1, 15),
        "expires_on": date(2027, 2, 3),
        "on": date(2027, 1, 6),
        "stage": 2,
        "reason": _l("We are waiting for a report from the repairs contractor."),
        "ombudsman": _ombudsman(),
        "what": EventType.ACKNOWLEDGED.label,
        "retention_years": 6,
        "old_email": "jane.smith@example.com",
        "new_email": "jane@example.org",
        "case_url": _url("portal.case", reference=SAMPLE_REFERENCE),
        "link": staff_case,
        "tasks_url": _url("staff.home"),
        "contact_url": _url("portal.contact"),
        "sign_in_url": _url("portal.sign_in"),
        "reset_url": _url("portal.reset_password", token=_EXAMPLE),
        "confirm_url": _url("portal.confirm_email", token=_EXAMPLE),
        "finish_url": _url("portal.reset_password", token=_EXAMPLE),
        "follow_url": _url("portal.follow_case", token=_EXAMPLE),
        "invite_url": _url("staff.accept_invitation", token=_EXAMPLE),
        "role": Role.OFFICER.label,
        "digest": Digest(overdue=[Item(SAMPLE_REFERENCE, date(2027, 1, 4), staff_case)],
                         due_soon=[Item("RDR-3HQ8-T2LW", date(2027, 1, 8),
                                        _url("staff.case", reference="RDR-3HQ8-T2LW"))]),
        "lifted": True,
        "lift_reason": _l("Your recent contact has been within the agreement we made."),
        "services": [{"name": "Citizens Advice", "helps_with": _l("Free advice on debt, benefits and housing."),
                      "contact": "0800 144 8848", "website": "https://www.citizensadvice.org.uk"}],
    }
    if message.name == "confirm_new_email":
        values["confirm_url"] = _url("portal.confirm_new_email", token=_EXAMPLE)
    if message.name == "user_invited":  # a member of staff signs in to the back office
        values["sign_in_url"] = _url("staff.sign_in")
    # The raw values a list (block) is made from, as its callers pass them.
    values["council_name"] = council().name  # some callers pass it
    wanted = set(message.placeholders) | {"council_name", "digest" if "tasks" in message.blocks else "",
                                          "services" if "organisations" in message.blocks else ""}
    return {name: value for name, value in values.items() if name in wanted}


def marker_context(message: Message) -> dict[str, object]:
    """Every placeholder as its own `{{ name }}`, for turning the built-in wording into an admin's
    starting point (see message_templates.standard_wording)."""
    context: dict[str, object] = {name: f"{{{{ {name} }}}}" for name in message.placeholders}
    context["council"] = SimpleNamespace(name="{{ council }}")
    context["council_name"] = "{{ council }}"  # some callers pass it rather than leave it to config
    if "ombudsman" in message.placeholders:
        context["ombudsman"] = SimpleNamespace(value="ombudsman", label="{{ ombudsman }}")
    return context
