"""What each audit action is called, in groups, for the admins' audit search: the log stores the
action's code (e.g. "case.viewed"); people read its translated name."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class ActionGroup:
    code: str
    label: object  # a lazy string
    actions: dict[str, object]  # action code → its name


GROUPS: tuple[ActionGroup, ...] = (
    ActionGroup("signing_in", _l("Signing in and out"), {
        "user.signed_in": _l("Signed in"),
        "user.sign_in_failed": _l("Sign-in failed"),
        "mfa.failed": _l("Wrong 2-step verification code"),
        "mfa.recovery_code_used": _l("Signed in with a recovery code"),
        "user.identity_confirmed": _l("Confirmed it was them (recent sign-in)"),
        "user.confirm_failed": _l("Failed to confirm it was them"),
        "session.ended": _l("Signed out"),
        "session.ended_by_owner": _l("Signed out one of their other devices"),
        "session.others_ended_by_owner": _l("Signed out of all their other devices"),
        "account.created_by_sign_in": _l("Account made by single sign-on"),
        "identity.linked": _l("Identity provider account linked"),
        "identity.unlinked": _l("Identity provider account unlinked"),
    }),
    ActionGroup("refused", _l("Refused access"), {
        "access.refused": _l("Refused access"),
    }),
    ActionGroup("viewed", _l("Views of personal information"), {
        "case.viewed": _l("Viewed a case"),
        "customer.viewed": _l("Viewed a customer record"),
        "adjustments.viewed": _l("Viewed adjustments"),
        "restriction.viewed": _l("Viewed a restriction"),
        "file.downloaded": _l("Downloaded a file"),
        "report.viewed": _l("Viewed a report about named staff"),
    }),
    ActionGroup("exports", _l("Exports"), {
        "cases.exported": _l("Exported the case list"),
        "report.downloaded": _l("Downloaded a report about named staff"),
        "audit.exported": _l("Exported the audit log"),
        "customer.subject_access": _l("Downloaded everything held about a person (subject access)"),
    }),
    ActionGroup("people", _l("Records about people"), {
        "customer.created": _l("Customer record made"),
        "customer.updated": _l("Customer details changed"),
        "customer.erased": _l("Person's details erased"),
        "retention.anonymised": _l("Old closed cases anonymised"),
        "case.legal_hold_placed": _l("Legal hold placed on a case"),
        "case.legal_hold_lifted": _l("Legal hold on a case lifted"),
        "customer.invited": _l("Customer invited to make an account"),
        "adjustment.added": _l("Adjustment recorded"),
        "adjustment.changed": _l("Adjustment changed"),
        "adjustment.reviewed": _l("Adjustment reviewed"),
        "adjustment.ended": _l("Adjustment ended"),
        "restriction.proposed": _l("Restriction proposed"),
        "restriction.decided": _l("Restriction decided"),
        "restriction.reviewed": _l("Restriction reviewed"),
        "restriction.lifted": _l("Restriction lifted"),
        "restriction.expired": _l("Restriction expired"),
        "representative.added": _l("Representative named"),
        "representative.withdrawn": _l("Representative withdrawn"),
        "named_employee.added": _l("Named employee recorded"),
        "named_employee.corrected": _l("Named employee corrected"),
        "named_employee.removed": _l("Named employee removed"),
        "member_enquiry.logged": _l("Member enquiry logged"),
    }),
    ActionGroup("accounts", _l("Staff and councillor accounts"), {
        "user.created": _l("Account made from the command line"),
        "user.invited": _l("Invited"),
        "user.invitation_sent": _l("Invitation sent again"),
        "user.invitation_accepted": _l("Password chosen from the invitation"),
        "user.changed": _l("Details changed"),
        "user.role_changed": _l("Role changed by sign-in groups"),
        "user.disabled": _l("Disabled"),
        "user.enabled": _l("Enabled again"),
        "user.signed_out": _l("Signed out everywhere"),
        "mfa.enrolled": _l("2-step verification set up"),
        "mfa.recovery_codes_made": _l("New recovery codes made"),
        "mfa.turned_off": _l("2-step verification turned off"),
        "mfa.reset": _l("2-step verification reset by an admin"),
    }),
    ActionGroup("configuration", _l("Configuration changes"), {
        "council.initialised": _l("Council set up"),
        "council.changed": _l("Council details changed"),
        "retention.changed": _l("Retention period changed"),
        "service.created": _l("Service added"),
        "team.created": _l("Team added"),
        "team.changed": _l("Team changed"),
        "reason.created": _l("Complaint reason added"),
        "procedure.saved": _l("Procedure saved as a new version"),
        "closure_day.added": _l("Closure day added"),
        "closure_day.removed": _l("Closure day removed"),
        "organisation.added": _l("Organisation added"),
        "organisation.changed": _l("Organisation changed"),
        "organisation.deactivated": _l("Organisation no longer offered"),
        "support_service.added": _l("Support service added"),
        "support_service.deactivated": _l("Support service no longer offered"),
        "response_template.added": _l("Response template added"),
        "response_template.changed": _l("Response template changed"),
        "message_template.saved": _l("Message wording saved"),
        "message_template.reset": _l("Message wording reset"),
        "chc.answer_saved": _l("Self-assessment answer saved"),
        "chc.statements_saved": _l("Annual report statements saved"),
        "cases.imported": _l("Cases imported"),
        "translations.changed": _l("Translations of council names changed"),
    }),
)

BY_CODE = {group.code: group for group in GROUPS}
_LABELS = {action: label for group in GROUPS for action, label in group.actions.items()}

# What an event is about, as a person reads it (a case shows its reference, a person their name).
SUBJECT_TYPES: dict[str, object] = {
    "case": _l("Case"),
    "customer": _l("Customer"),
    "user": _l("Account"),
    "session": _l("Sign-in"),
    "restriction": _l("Restriction"),
    "adjustment": _l("Adjustment"),
    "named_employee": _l("Named employee"),
    "report": _l("Report"),
    "case_list": _l("Case list"),
    "route": _l("Page"),
    "audit_log": _l("Audit log"),
    "import": _l("Import"),
    "council": _l("Council"),
    "retention": _l("Retention period"),
    "service": _l("Service"),
    "team": _l("Team"),
    "complaint_reason": _l("Complaint reason"),
    "procedure": _l("Procedure"),
    "closure_day": _l("Closure day"),
    "organisation": _l("Organisation"),
    "support_service": _l("Support service"),
    "response_template": _l("Response template"),
    "message_template": _l("Message wording"),
    "chc_annual_report": _l("Annual report"),
    "translation": _l("Translations of council names"),
}
PERSON_SUBJECTS = frozenset({"customer", "user", "session"})  # shown by the person's name

SIGN_IN_FAILURES = {
    "unknown_account": _l("no account with that email address"),
    "wrong_password": _l("wrong password"),
    "disabled": _l("account disabled"),
    "wrong_side": _l("not an account for this sign-in page"),
}
SIGN_IN_METHODS = {"password": _l("password"), "oidc": _l("single sign-on")}


def label(action: str) -> object:
    """The action's name; an action this list does not know yet (from a newer feature) by its code."""
    return _LABELS.get(action, action)


def subject_label(subject_type: str) -> object:
    return SUBJECT_TYPES.get(subject_type, subject_type)


def actions_for(choice: str) -> tuple[str, ...] | None:
    """The actions a filter choice stands for: "group:CODE" for a whole group, or one action's code.
    None for a choice that is neither."""
    if choice.startswith("group:"):
        group = BY_CODE.get(choice.removeprefix("group:"))
        return tuple(group.actions) if group else None
    return (choice,) if choice in _LABELS else None
