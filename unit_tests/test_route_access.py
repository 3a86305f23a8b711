"""The route inventory: every endpoint has one access rule and a designed answer for every visitor.

A new route fails test_every_endpoint_is_in_the_table until someone decides, here, who may use it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest

from shared.auth.access import rule_for
from shared.clock import utcnow
from shared.domain.enums import Role
from shared.models import UserSession
from unit_tests.factories import PASSWORD

ANON, RESIDENT, COUNCILLOR, AGENT, OFFICER, RESPONDER, MANAGER, ADMIN = VISITORS = (
    "anonymous", "resident", "councillor", "agent", "officer", "responder", "manager", "admin",
)
STAFF = {AGENT, OFFICER, RESPONDER, MANAGER, ADMIN}
CASE_READERS = {AGENT, OFFICER, RESPONDER, MANAGER}


@dataclass(frozen=True)
class SignIn:
    """302 to this sign-in page, with ?next= pointing back at the page asked for."""

    path: str


@dataclass(frozen=True)
class Redirect:
    path: str


PORTAL_SIGN_IN = SignIn("/sign-in")
STAFF_SIGN_IN = SignIn("/staff/sign-in")
Answer = int | SignIn | Redirect


@dataclass(frozen=True)
class Route:
    methods: frozenset[str]
    rule: str  # the access rule's name, e.g. "public" or "portal:resident"
    get: dict[str, Answer] = field(default_factory=dict)  # GET answer per visitor
    post: dict[str, Answer] = field(default_factory=dict)  # POST (empty form, valid CSRF) per visitor


def everyone(answer: Answer) -> dict[str, Answer]:
    return {visitor: answer for visitor in VISITORS}


def only(allowed: set[str] | dict[str, Answer], sign_in: SignIn, answer: Answer = 200) -> dict[str, Answer]:
    """Allowed visitors get `answer` (or their own), anonymous is sent to sign in, everyone else 403."""
    answers: dict[str, Answer] = {visitor: 403 for visitor in VISITORS}
    answers[ANON] = sign_in
    if isinstance(allowed, dict):
        answers.update(allowed)
    else:
        answers.update({visitor: answer for visitor in allowed})
    return answers


GET, POST, GET_POST = frozenset({"GET"}), frozenset({"POST"}), frozenset({"GET", "POST"})

# The designed answers. Sample arguments: a case of the signed-in resident in the responder's
# service (see `world`), invalid tokens, the first complaint step.
EXPECTED: dict[str, Route] = {
    "static": Route(GET, "public", get=everyone(200)),
    "health.healthz": Route(GET, "public", get=everyone(200)),
    "health.floor": Route(GET, "public", get=everyone(200)),
    # portal: public pages
    "portal.home": Route(GET, "public", get=everyone(200)),
    "portal.accessibility": Route(GET, "public", get=everyone(200)),
    "portal.privacy": Route(GET, "public", get=everyone(200)),
    "portal.cookies": Route(GET, "public", get=everyone(200)),
    "portal.contact": Route(GET, "public", get=everyone(200)),
    "portal.you_said_we_did": Route(GET, "public", get=everyone(200)),
    # The council's logo, public like the pages it heads; the sample name is no logo's (404).
    "portal.council_logo": Route(GET, "public", get=everyone(404)),
    "portal.sign_in": Route(GET_POST, "public", get=everyone(200), post=everyone(200)),
    "portal.sign_out": Route(POST, "public", post=everyone(Redirect("/"))),
    # No identity provider is configured here (unit_tests/test_oidc.py runs them against one).
    "portal.sign_in_oidc": Route(GET, "public", get=everyone(404)),
    "portal.oidc_callback": Route(GET, "public", get=everyone(404)),
    # Back from signing out at the provider: without this browser's state it claims nothing, and goes home.
    "portal.oidc_signed_out": Route(GET, "public", get=everyone(Redirect("/"))),
    "portal.register": Route(GET_POST, "public", get=everyone(200), post=everyone(200)),
    "portal.check_email": Route(GET, "public", get=everyone(200)),
    "portal.confirm_email": Route(GET, "public", get=everyone(404)),  # sample token is not valid
    "portal.forgotten_password": Route(GET_POST, "public", get=everyone(200), post=everyone(200)),
    "portal.reset_password": Route(GET_POST, "public", get=everyone(404), post=everyone(404)),
    "portal.accept_invitation": Route(GET_POST, "public", get=everyone(404), post=everyone(404)),  # councillors
    "portal.confirm_new_email": Route(GET, "public", get=everyone(404)),  # sample token is not valid
    "portal.account_closed": Route(GET, "public", get=everyone(200)),
    # the installable portal
    "portal.manifest": Route(GET, "public", get=everyone(200)),
    "portal.service_worker": Route(GET, "public", get=everyone(200)),
    "portal.offline": Route(GET, "public", get=everyone(200)),
    # The session's own answers (unit_tests/test_session_timeouts.py): each is about the asking browser's
    # session only, so anyone may ask; "signed in: false" for visitors without one.
    "portal.session_status": Route(GET, "public", get=everyone(200)),
    "portal.session_keep_alive": Route(POST, "public", post=everyone(200)),
    "portal.signed_out": Route(GET, "public", get=everyone(200)),
    # portal: residents only
    "portal.your_cases": Route(GET, "portal:resident", get=only({RESIDENT}, PORTAL_SIGN_IN)),
    # portal: a resident's case, for its resident or a browser holding its guest link. Anonymous
    # visitors with no guest grant are sent to sign in (a resident whose session ended lands back on
    # their case); with a grant, any other case is 404 (unit_tests/test_guest_case_access.py).
    # The sample case is only received: nothing to escalate yet (409, the reason on the page), nothing
    # to confirm (404), no such file (404). An empty message, or a change without the page's case
    # version, is refused (400); withdrawing is open while the case is.
    "portal.case": Route(GET, "portal-or-guest:resident", get=only({RESIDENT}, PORTAL_SIGN_IN)),
    "portal.case_reply": Route(GET_POST, "portal-or-guest:resident", get=only({RESIDENT}, PORTAL_SIGN_IN),
                               post=only({RESIDENT: 400}, PORTAL_SIGN_IN)),
    # Files chosen with JavaScript while writing a reply; posted without htmx and without files, the
    # reply page again.
    "portal.case_reply_files": Route(POST, "portal-or-guest:resident", post=only({RESIDENT}, PORTAL_SIGN_IN)),
    "portal.case_escalate": Route(GET_POST, "portal-or-guest:resident", get=only({RESIDENT: 409}, PORTAL_SIGN_IN),
                                  post=only({RESIDENT: 400}, PORTAL_SIGN_IN)),
    "portal.case_escalation_requested": Route(GET, "portal-or-guest:resident", get=only({RESIDENT: 404}, PORTAL_SIGN_IN)),
    "portal.case_withdraw": Route(GET_POST, "portal-or-guest:resident", get=only({RESIDENT}, PORTAL_SIGN_IN),
                                  post=only({RESIDENT: 400}, PORTAL_SIGN_IN)),
    "portal.case_withdrawn": Route(GET, "portal-or-guest:resident", get=only({RESIDENT: 404}, PORTAL_SIGN_IN)),
    "portal.case_file": Route(GET, "portal-or-guest:resident", get=only({RESIDENT: 404}, PORTAL_SIGN_IN)),
    # portal: giving feedback, as a resident or a guest (public, with the journey's own checks).
    # Staff and councillors signed in are refused (403): the journey is for the public. The
    # sample draft (0) is nobody's, so 404; an empty start form is the page again with its error.
    "portal.feedback_start": Route(GET, "public", get=only({ANON: 200, RESIDENT: 200}, PORTAL_SIGN_IN)),
    "portal.feedback_new": Route(GET_POST, "public", get=only({ANON: 200, RESIDENT: 200}, PORTAL_SIGN_IN),
                                 post=only({ANON: 200, RESIDENT: 200}, PORTAL_SIGN_IN)),
    **{
        f"portal.{name}": Route(GET_POST, "public", get=only({ANON: 404, RESIDENT: 404}, PORTAL_SIGN_IN),
                                post=only({ANON: 404, RESIDENT: 404}, PORTAL_SIGN_IN))
        for name in ("feedback_step", "feedback_check", "feedback_delete")
    },
    "portal.feedback_remove_file": Route(POST, "public", post=only({ANON: 404, RESIDENT: 404}, PORTAL_SIGN_IN)),
    "portal.feedback_check_box": Route(POST, "public", post=only({ANON: 404, RESIDENT: 404}, PORTAL_SIGN_IN)),
    # The sample case is the resident's; a browser that did not just send it gets 404.
    "portal.feedback_sent": Route(GET, "public", get=only({ANON: 404, RESIDENT: 200}, PORTAL_SIGN_IN)),
    "portal.complaint_moved": Route(GET, "public", get=everyone(Redirect("/feedback"))),  # the old address
    # portal: following a case without an account. The sample token is not valid (404, with the
    # form to ask for a new link); an empty request is the form again with its errors.
    "portal.follow_case": Route(GET, "public", get=everyone(404)),
    "portal.follow_a_case": Route(GET_POST, "public", get=everyone(200), post=everyone(200)),
    "portal.follow_link_sent": Route(GET, "public", get=everyone(200)),
    # portal: the resident's own area. Empty forms re-show the page with their errors (200).
    "portal.your_details": Route(GET, "portal:resident", get=only({RESIDENT}, PORTAL_SIGN_IN)),
    **{
        f"portal.{name}": Route(GET_POST, "portal:resident", get=only({RESIDENT}, PORTAL_SIGN_IN),
                                post=only({RESIDENT}, PORTAL_SIGN_IN))
        for name in ("change_detail", "change_email", "change_password", "close_account")
    },
    # Linking the account to the identity provider (unit_tests/test_oidc_linking.py): none is configured
    # here, so there is nothing to link (404); the sample identity (0) is nobody's (404).
    "portal.link_provider": Route(GET_POST, "portal:resident", get=only({RESIDENT: 404}, PORTAL_SIGN_IN),
                                  post=only({RESIDENT: 404}, PORTAL_SIGN_IN)),
    "portal.unlink_provider": Route(POST, "portal:resident", post=only({RESIDENT: 404}, PORTAL_SIGN_IN)),
    "portal.your_data": Route(GET, "portal:resident", get=only({RESIDENT}, PORTAL_SIGN_IN)),
    "portal.your_data_download": Route(GET, "portal:resident", get=only({RESIDENT}, PORTAL_SIGN_IN)),
    # portal: a resident's own help and adjustments (issue 7). Empty answers are refused (400); the
    # sample kind ("other") has a detail question; no sample adjustment of theirs (404).
    "portal.adjustments_list": Route(GET, "portal:resident", get=only({RESIDENT}, PORTAL_SIGN_IN)),
    "portal.adjustment_add": Route(GET_POST, "portal:resident", get=only({RESIDENT}, PORTAL_SIGN_IN),
                                   post=only({RESIDENT: 400}, PORTAL_SIGN_IN)),
    "portal.adjustment_add_detail": Route(GET_POST, "portal:resident", get=only({RESIDENT}, PORTAL_SIGN_IN),
                                          post=only({RESIDENT: 400}, PORTAL_SIGN_IN)),
    "portal.adjustment_change": Route(GET_POST, "portal:resident", get=only({RESIDENT: 404}, PORTAL_SIGN_IN),
                                      post=only({RESIDENT: 404}, PORTAL_SIGN_IN)),
    "portal.adjustment_end": Route(GET_POST, "portal:resident", get=only({RESIDENT: 404}, PORTAL_SIGN_IN),
                                   post=only({RESIDENT: 404}, PORTAL_SIGN_IN)),
    # portal: the councillor area (issue 6). Empty answers are refused (400); with no draft, checking
    # answers goes back to the form; the sample case is not one they are named on (404).
    "portal.councillor_home": Route(GET, "portal:councillor", get=only({COUNCILLOR}, PORTAL_SIGN_IN)),
    "portal.councillor_enquiry_new": Route(GET_POST, "portal:councillor", get=only({COUNCILLOR}, PORTAL_SIGN_IN),
                                           post=only({COUNCILLOR: 400}, PORTAL_SIGN_IN)),
    "portal.councillor_enquiry_check": Route(
        GET_POST, "portal:councillor", get=only({COUNCILLOR: Redirect("/councillor/enquiries/new")}, PORTAL_SIGN_IN),
        post=only({COUNCILLOR: Redirect("/councillor/enquiries/new")}, PORTAL_SIGN_IN)),
    "portal.councillor_enquiry_sent": Route(GET, "portal:councillor", get=only({COUNCILLOR: 404}, PORTAL_SIGN_IN)),
    "portal.councillor_enquiry": Route(GET, "portal:councillor", get=only({COUNCILLOR: 404}, PORTAL_SIGN_IN)),
    "portal.councillor_enquiry_chase": Route(GET_POST, "portal:councillor", get=only({COUNCILLOR: 404}, PORTAL_SIGN_IN),
                                             post=only({COUNCILLOR: 404}, PORTAL_SIGN_IN)),
    "portal.councillor_ward": Route(GET, "portal:councillor", get=only({COUNCILLOR}, PORTAL_SIGN_IN)),
    # portal: where you're signed in (residents and councillors: representatives are residents). The
    # sample session (0) is nobody's: 404; signing out of all other devices goes back to the list.
    "portal.own_sessions_list": Route(GET, "portal:councillor,resident", get=only({RESIDENT, COUNCILLOR}, PORTAL_SIGN_IN)),
    "portal.own_session_end": Route(POST, "portal:councillor,resident",
                                    post=only({RESIDENT: 404, COUNCILLOR: 404}, PORTAL_SIGN_IN)),
    "portal.own_sessions_end_others": Route(
        POST, "portal:councillor,resident",
        post=only({v: Redirect("/account/sessions") for v in (RESIDENT, COUNCILLOR)}, PORTAL_SIGN_IN)),
    # A councillor's account and their optional 2-step verification (test_councillor_mfa.py), as for
    # staff: the code step without a password just entered goes back to the password; the sample
    # councillor is not enrolled (set-up shows, an empty code is 400, no codes to make, nothing to
    # turn off: 404); "confirm it's you" shows its form again.
    "portal.sign_in_code": Route(GET_POST, "public", get=everyone(Redirect("/sign-in")),
                                 post=everyone(Redirect("/sign-in"))),
    "portal.councillor_account": Route(GET, "portal:councillor", get=only({COUNCILLOR}, PORTAL_SIGN_IN)),
    "portal.councillor_mfa_setup": Route(GET_POST, "portal:councillor", get=only({COUNCILLOR}, PORTAL_SIGN_IN),
                                         post=only({COUNCILLOR: 400}, PORTAL_SIGN_IN)),
    "portal.councillor_mfa_recovery_codes": Route(
        POST, "portal:councillor", post=only({COUNCILLOR: Redirect("/councillor/account")}, PORTAL_SIGN_IN)),
    "portal.councillor_mfa_turn_off": Route(GET_POST, "portal:councillor", get=only({COUNCILLOR: 404}, PORTAL_SIGN_IN),
                                            post=only({COUNCILLOR: 404}, PORTAL_SIGN_IN)),
    "portal.councillor_confirm_identity": Route(GET_POST, "portal:councillor", get=only({COUNCILLOR}, PORTAL_SIGN_IN),
                                                post=only({COUNCILLOR}, PORTAL_SIGN_IN)),
    # A resident stopping a representative on their own case; no sample representative (404).
    "portal.case_representative_remove": Route(POST, "portal:resident", post=only({RESIDENT: 404}, PORTAL_SIGN_IN)),
    # back office
    "staff.sign_in": Route(GET_POST, "public", get=everyone(200), post=everyone(200)),
    "staff.sign_out": Route(POST, "public", post=everyone(Redirect("/staff/sign-in"))),
    "staff.session_status": Route(GET, "public", get=everyone(200)),
    "staff.session_keep_alive": Route(POST, "public", post=everyone(200)),
    "staff.signed_out": Route(GET, "public", get=everyone(200)),
    # an invited member of staff chooses their password; the sample token is not valid (404)
    "staff.accept_invitation": Route(GET_POST, "public", get=everyone(404), post=everyone(404)),
    "staff.sign_in_oidc": Route(GET, "public", get=everyone(404)),
    # 2-step verification (test_mfa.py). The code step without a password just entered goes back to
    # the password; the visitors are not enrolled (set-up shows; an empty code is refused, 400; no
    # recovery codes to make; nothing to turn off, 404). "Confirm it's you" shows its form again with
    # its messages (200: a wrong password there is counted, so the answer commits).
    "staff.sign_in_code": Route(GET_POST, "public", get=everyone(Redirect("/staff/sign-in")),
                                post=everyone(Redirect("/staff/sign-in"))),
    "staff.account": Route(GET, "staff:admin,agent,manager,officer,responder", get=only(STAFF, STAFF_SIGN_IN)),
    "staff.mfa_setup": Route(GET_POST, "staff:admin,agent,manager,officer,responder", get=only(STAFF, STAFF_SIGN_IN),
                             post=only({v: 400 for v in STAFF}, STAFF_SIGN_IN)),
    "staff.mfa_recovery_codes": Route(POST, "staff:admin,agent,manager,officer,responder",
                                      post=only({v: Redirect("/staff/account") for v in STAFF}, STAFF_SIGN_IN)),
    "staff.mfa_turn_off": Route(GET_POST, "staff:admin,agent,manager,officer,responder",
                                get=only({v: 404 for v in STAFF}, STAFF_SIGN_IN),
                                post=only({v: 404 for v in STAFF}, STAFF_SIGN_IN)),
    # Where you're signed in (unit_tests/test_own_sessions.py): the sample session (0) is nobody's.
    "staff.own_sessions_list": Route(GET, "staff:admin,agent,manager,officer,responder", get=only(STAFF, STAFF_SIGN_IN)),
    "staff.own_session_end": Route(POST, "staff:admin,agent,manager,officer,responder",
                                   post=only({v: 404 for v in STAFF}, STAFF_SIGN_IN)),
    "staff.own_sessions_end_others": Route(POST, "staff:admin,agent,manager,officer,responder",
                                           post=only({v: Redirect("/staff/account/sessions") for v in STAFF}, STAFF_SIGN_IN)),
    "staff.confirm_identity": Route(GET_POST, "staff:admin,agent,manager,officer,responder",
                                    get=only(STAFF, STAFF_SIGN_IN), post=only(STAFF, STAFF_SIGN_IN)),
    "staff.oidc_callback": Route(GET, "public", get=everyone(404)),
    # Linking one's own account to the provider (none configured here: 404), unlinking (the sample
    # identity is nobody's: 404); an admin unlinking someone's (no such user: 404).
    "staff.link_provider": Route(POST, "staff:admin,agent,manager,officer,responder",
                                 post=only({v: 404 for v in STAFF}, STAFF_SIGN_IN)),
    "staff.unlink_provider": Route(POST, "staff:admin,agent,manager,officer,responder",
                                   post=only({v: 404 for v in STAFF}, STAFF_SIGN_IN)),
    "staff.user_identity_unlink": Route(POST, "staff:admin", post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    "staff.oidc_signed_out": Route(GET, "public", get=everyone(Redirect("/staff/sign-in"))),
    "staff.home": Route(GET, "staff:admin,agent,manager,officer,responder", get=only(STAFF, STAFF_SIGN_IN)),
    "staff.triage": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    "staff.find_case": Route(GET, "staff:agent,manager,officer,responder", get=only(CASE_READERS, STAFF_SIGN_IN)),
    # The searches post what was typed and are sent on to it sealed (ASVS 14.2.1): 303.
    "staff.case_list": Route(GET_POST, "staff:agent,manager,officer,responder", get=only(CASE_READERS, STAFF_SIGN_IN),
                             post=only(CASE_READERS, STAFF_SIGN_IN, 303)),
    "staff.case_list_csv": Route(GET, "staff:agent,manager,officer,responder",
                                 get=only(CASE_READERS, STAFF_SIGN_IN)),
    "staff.case": Route(GET, "staff:agent,manager,officer,responder", get=only(CASE_READERS, STAFF_SIGN_IN)),
    # An empty note is refused with the form's message (400); the case page is not changed.
    "staff.add_note": Route(
        POST, "staff:agent,manager,officer,responder", post=only({v: 400 for v in CASE_READERS}, STAFF_SIGN_IN)
    ),
    # back office: correspondence. An empty message is refused with the form's message (400); the
    # sample case is not allocated, so a responder may not write on it (404). No such file or letter.
    "staff.send_message": Route(POST, "staff:manager,officer,responder",
                                post=only({OFFICER: 400, MANAGER: 400, RESPONDER: 404}, STAFF_SIGN_IN)),
    "staff.case_file": Route(GET, "staff:agent,manager,officer,responder", get=only({v: 404 for v in CASE_READERS}, STAFF_SIGN_IN)),
    "staff.message_letter": Route(GET, "staff:agent,manager,officer,responder",
                                  get=only({v: 404 for v in CASE_READERS}, STAFF_SIGN_IN)),
    # back office: case work. The sample case is only received, so every action that needs a later
    # state is refused with the engine's reason (409); withdraw and close are open at any time.
    **{
        f"staff.{name}": Route(GET_POST, "staff:manager,officer", get=only({OFFICER: 409, MANAGER: 409}, STAFF_SIGN_IN),
                               post=only({OFFICER: 409, MANAGER: 409}, STAFF_SIGN_IN))
        for name in ("acknowledge", "start_investigation", "pass_to_service", "escalate", "refer_to_ombudsman",
                     "reopen", "extend", "check_response")
    },
    **{
        f"staff.{name}": Route(GET_POST, "staff:manager,officer,responder",
                               get=only({v: 409 for v in (OFFICER, MANAGER, RESPONDER)}, STAFF_SIGN_IN),
                               post=only({v: 409 for v in (OFFICER, MANAGER, RESPONDER)}, STAFF_SIGN_IN))
        for name in ("returned_from_service", "response", "submit_response")
    },
    # An empty form is refused with the form's messages (400).
    "staff.withdraw": Route(GET_POST, "staff:agent,manager,officer", get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN),
                            post=only({v: 400 for v in (AGENT, OFFICER, MANAGER)}, STAFF_SIGN_IN)),
    "staff.close_case": Route(GET_POST, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN),
                              post=only({OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    # No extension and no sent response yet: nothing to show.
    "staff.extended": Route(GET, "staff:manager,officer", get=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    "staff.response_letter": Route(GET, "staff:agent,manager,officer,responder",
                                   get=only({v: 404 for v in CASE_READERS}, STAFF_SIGN_IN)),
    # back office: triage. The sample case is only received; empty forms are refused with their messages (400).
    "staff.triage_decision": Route(GET_POST, "staff:agent,manager,officer", get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN),
                                   post=only({v: 400 for v in (AGENT, OFFICER, MANAGER)}, STAFF_SIGN_IN)),
    # The sample decision is "complaint", which agents may record too.
    "staff.triage_details": Route(GET_POST, "staff:agent,manager,officer", get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN),
                                  post=only({v: 400 for v in (AGENT, OFFICER, MANAGER)}, STAFF_SIGN_IN)),
    "staff.split": Route(GET_POST, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN),
                         post=only({OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    "staff.allocate": Route(GET_POST, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN),
                            post=only({OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    # Nothing selected: the queue again, with the error.
    "staff.triage_allocate": Route(POST, "staff:manager,officer", post=only({OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    # back office: administration
    "staff.closure_days": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    # importing cases: a POST without a file is the page again with its error (400)
    "staff.import_cases": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.import_example": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    # services: an empty new one is the form again with its errors (400); no sample service (404)
    "staff.services": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    # The council's identity and retention periods: an empty form is refused with its messages (400);
    # the logo form posted empty asks for a file (400).
    "staff.council_details": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                   post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.council_logo_edit": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                     post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.retention_periods": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                     post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.service_new": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                               post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.service_edit": Route(GET_POST, "staff:admin", get=only({ADMIN: 404}, STAFF_SIGN_IN),
                                post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    # teams (issue 12): an empty new one is the form again with its errors (400); no sample team (404)
    "staff.teams": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    "staff.team_new": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                            post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.team_edit": Route(GET_POST, "staff:admin", get=only({ADMIN: 404}, STAFF_SIGN_IN),
                             post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    # complaint reasons (issue 12): an empty new one is the form again with its errors (400); no
    # sample reason (404)
    # translations of council-entered names (issue 12), one page a community language (the sample is
    # Polish); an empty form changes nothing and goes back to the page
    "staff.translations": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                post=only({ADMIN: Redirect("/staff/admin/translations/pl")}, STAFF_SIGN_IN)),
    "staff.reasons": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    "staff.reason_new": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                              post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.reason_edit": Route(GET_POST, "staff:admin", get=only({ADMIN: 404}, STAFF_SIGN_IN),
                               post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    # users and roles (issue 12): an empty invitation is the form again with its errors (400); no
    # sample user (404). Admins only, as every admin page: other staff are refused (403).
    "staff.users": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN), post=only({ADMIN}, STAFF_SIGN_IN, 303)),
    # The audit log: admins only; an empty search is the newest page, its CSV the same rows.
    "staff.audit_log": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN), post=only({ADMIN}, STAFF_SIGN_IN, 303)),
    "staff.audit_log_csv": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    "staff.user_invite": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                               post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.user": Route(GET, "staff:admin", get=only({ADMIN: 404}, STAFF_SIGN_IN)),
    **{
        f"staff.{name}": Route(methods, "staff:admin",
                               get=only({ADMIN: 404}, STAFF_SIGN_IN) if "GET" in methods else {},
                               post=only({ADMIN: 404}, STAFF_SIGN_IN) if "POST" in methods else {})
        for name, methods in (("user_edit", GET_POST), ("user_disable", GET_POST), ("user_enable", POST),
                              ("user_resend_invitation", POST), ("user_sign_out", POST))
    },
    "staff.procedure_list": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    # The sample slug ("service") is not a procedure: 404 for the admin, as for any unknown one.
    "staff.procedure_edit": Route(
        GET_POST, "staff:admin", get=only({ADMIN: 404}, STAFF_SIGN_IN), post=only({ADMIN: 404}, STAFF_SIGN_IN)
    ),
    "staff.closure_day_new": Route(
        GET_POST, "staff:admin",
        get=only({ADMIN}, STAFF_SIGN_IN),
        post=only({ADMIN}, STAFF_SIGN_IN),  # an empty form: the page again, with the errors
    ),
    # the sample closure day does not exist
    "staff.closure_day_remove": Route(POST, "staff:admin", post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    "staff.organisations": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    "staff.organisation_new": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                    post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    # the sample organisation does not exist
    "staff.organisation_edit": Route(GET_POST, "staff:admin", get=only({ADMIN: 404}, STAFF_SIGN_IN),
                                     post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    "staff.organisation_deactivate": Route(POST, "staff:admin", post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    # back office: the advocacy and support directory (issue 7). No sample entry (404); an empty
    # new entry is the form again with its errors (400).
    "staff.support_services": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    "staff.support_service_new": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                       post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.support_service_edit": Route(GET_POST, "staff:admin", get=only({ADMIN: 404}, STAFF_SIGN_IN),
                                        post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    "staff.support_service_deactivate": Route(POST, "staff:admin", post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    # back office: a person's reasonable adjustments, from their case (agents, officers, managers;
    # responders see them on the case page only). An empty form is refused (400); no sample
    # adjustment (404). Reviews that are due: officers and managers.
    "staff.case_adjustments": Route(GET, "staff:agent,manager,officer", get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN)),
    "staff.case_adjustment_new": Route(GET_POST, "staff:agent,manager,officer",
                                       get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN),
                                       post=only({AGENT: 400, OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    "staff.case_adjustment_end": Route(POST, "staff:agent,manager,officer",
                                       post=only({AGENT: 404, OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    "staff.case_adjustment_review": Route(POST, "staff:agent,manager,officer",
                                          post=only({AGENT: 404, OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    "staff.adjustment_reviews": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    # Management reports: the complaints team only (figures about every case).
    "staff.report_list": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    "staff.report": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    "staff.report_csv": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    # The Complaint Handling Code annual report: the team reads it; managers answer the self-assessment
    # (an empty answer is refused, 400) and write the statements (all optional, so an empty form saves).
    "staff.report_chc": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    "staff.report_chc_csv": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    "staff.report_chc_answer": Route(GET_POST, "staff:manager", get=only({MANAGER}, STAFF_SIGN_IN),
                                     post=only({MANAGER: 400}, STAFF_SIGN_IN)),
    "staff.report_chc_statements": Route(GET_POST, "staff:manager", get=only({MANAGER}, STAFF_SIGN_IN),
                                         post=only({MANAGER: Redirect("/staff/reports/chc_annual")}, STAFF_SIGN_IN)),
    "staff.adjustment_reviewed": Route(POST, "staff:manager,officer", post=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    # Sending directory entries to the case's person; choosing none is refused (400).
    "staff.case_send_support": Route(GET_POST, "staff:agent,manager,officer",
                                     get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN),
                                     post=only({AGENT: 400, OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    # back office: employees a staff attitude complaint names (issue 9), the complaints team only. The
    # sample case is not a staff attitude complaint (404), and has no sample employee.
    **{
        f"staff.{name}": Route(methods, "staff:manager,officer",
                               get=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN) if "GET" in methods else {},
                               post=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN) if "POST" in methods else {})
        for name, methods in (("named_employee_new", GET_POST), ("named_employee_edit", GET_POST),
                              ("named_employee_remove", POST))
    },
    # back office: representatives on a case (issue 6). An empty form is refused with its messages
    # (400); no sample representative (404).
    "staff.case_representative_new": Route(GET_POST, "staff:agent,manager,officer",
                                           get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN),
                                           post=only({AGENT: 400, OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    "staff.case_representative_withdraw": Route(POST, "staff:agent,manager,officer",
                                                post=only({AGENT: 404, OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    # back office: learning actions. Every staff member may read them; the complaints team edits;
    # a responder may change the status of their own service's actions. The sample action does not exist.
    "staff.learning_list": Route(GET, "staff:admin,agent,manager,officer,responder", get=only(STAFF, STAFF_SIGN_IN)),
    "staff.learning_new": Route(GET_POST, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN),
                                post=only({OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    "staff.learning_action": Route(GET, "staff:admin,agent,manager,officer,responder",
                                   get=only({v: 404 for v in STAFF}, STAFF_SIGN_IN)),
    "staff.learning_edit": Route(GET_POST, "staff:manager,officer", get=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN),
                                 post=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    "staff.learning_status": Route(POST, "staff:manager,officer,responder",
                                   post=only({OFFICER: 404, MANAGER: 404, RESPONDER: 404}, STAFF_SIGN_IN)),
    "staff.learning_link": Route(POST, "staff:manager,officer", post=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    "staff.learning_unlink": Route(POST, "staff:manager,officer", post=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    # back office: Ombudsman enquiries (the complaints team). An empty enquiry is refused with the
    # form's messages (400); the sample referral and recommendation do not exist (404).
    "staff.ombudsman_list": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    "staff.ombudsman_new": Route(GET_POST, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN),
                                 post=only({OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    **{
        f"staff.{name}": Route(GET_POST, "staff:manager,officer", get=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN),
                               post=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN))
        for name in ("ombudsman_referral", "ombudsman_recommendation_new", "ombudsman_comply")
    },
    # back office: requests for information. An empty ask is refused with the form's messages (400);
    # the sample request does not exist (404).
    "staff.information_new": Route(GET_POST, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN),
                                   post=only({OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    "staff.tasks": Route(GET, "staff:manager,officer,responder", get=only({OFFICER, MANAGER, RESPONDER}, STAFF_SIGN_IN)),
    "staff.information_request": Route(GET_POST, "staff:manager,officer,responder",
                                       get=only({OFFICER: 404, MANAGER: 404, RESPONDER: 404}, STAFF_SIGN_IN),
                                       post=only({OFFICER: 404, MANAGER: 404, RESPONDER: 404}, STAFF_SIGN_IN)),
    # back office: the outbox. Officers may look; managers and admins act. The sample message does not exist.
    "staff.outbox_list": Route(GET, "staff:admin,manager,officer", get=only({OFFICER, MANAGER, ADMIN}, STAFF_SIGN_IN)),
    "staff.outbox_message": Route(GET, "staff:admin,manager,officer",
                                  get=only({OFFICER: 404, MANAGER: 404, ADMIN: 404}, STAFF_SIGN_IN)),
    "staff.outbox_retry": Route(POST, "staff:admin,manager", post=only({MANAGER: 404, ADMIN: 404}, STAFF_SIGN_IN)),
    "staff.outbox_done": Route(POST, "staff:admin,manager", post=only({MANAGER: 404, ADMIN: 404}, STAFF_SIGN_IN)),
    "staff.response_templates": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    # an admin resets someone's 2-step verification; the sample user does not exist
    "staff.user_mfa_reset": Route(POST, "staff:admin", post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    # An empty form is refused with the form's messages (400).
    "staff.response_template_new": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                         post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    # the sample template does not exist
    "staff.response_template_edit": Route(GET_POST, "staff:admin", get=only({ADMIN: 404}, STAFF_SIGN_IN),
                                          post=only({ADMIN: 404}, STAFF_SIGN_IN)),
    # message wording (admins). The sample is the acknowledgement in Welsh: an empty form is refused
    # with its messages (400); going back to the standard wording when it is in use changes nothing.
    "staff.message_templates": Route(GET, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN)),
    "staff.message_template_edit": Route(GET_POST, "staff:admin", get=only({ADMIN}, STAFF_SIGN_IN),
                                         post=only({ADMIN: 400}, STAFF_SIGN_IN)),
    "staff.message_template_reset": Route(POST, "staff:admin",
                                          post=only({ADMIN: Redirect("/staff/admin/messages")}, STAFF_SIGN_IN)),
    # back office: unreasonable-behaviour restrictions (issue 7). The complaints team proposes and
    # reads them; a manager decides and reviews. Other staff see only the case page's banner. An
    # empty proposal is refused with the form's messages (400); the sample restriction does not exist.
    "staff.restriction_new": Route(GET_POST, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN),
                                   post=only({OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    "staff.restriction_list": Route(GET, "staff:manager,officer", get=only({OFFICER, MANAGER}, STAFF_SIGN_IN)),
    "staff.restriction": Route(GET, "staff:manager,officer", get=only({OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN)),
    "staff.restriction_decide": Route(GET_POST, "staff:manager", get=only({MANAGER: 404}, STAFF_SIGN_IN),
                                      post=only({MANAGER: 404}, STAFF_SIGN_IN)),
    "staff.restriction_review": Route(GET_POST, "staff:manager", get=only({MANAGER: 404}, STAFF_SIGN_IN),
                                      post=only({MANAGER: 404}, STAFF_SIGN_IN)),
    # back office: customers and assisted digital (issue 6), for those who take calls. An empty
    # search shows the page; the sample customer and draft do not exist (404), nor was the sample
    # case logged by the visitor (404); an empty new record is refused with its messages (400).
    "staff.customers_search": Route(GET_POST, "staff:agent,manager,officer", get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN),
                                    post=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN, 303)),
    "staff.customer_new": Route(GET_POST, "staff:agent,manager,officer", get=only({AGENT, OFFICER, MANAGER}, STAFF_SIGN_IN),
                                post=only({AGENT: 400, OFFICER: 400, MANAGER: 400}, STAFF_SIGN_IN)),
    # A person's data (issue 10): the complaints manager only; the sample customer does not exist.
    "staff.customer_subject_access": Route(POST, "staff:manager", post=only({MANAGER: 404}, STAFF_SIGN_IN)),
    "staff.customer_erase": Route(GET_POST, "staff:manager", get=only({MANAGER: 404}, STAFF_SIGN_IN),
                                  post=only({MANAGER: 404}, STAFF_SIGN_IN)),
    # A legal hold on a case (issue 10): the complaints manager only. The sample case is not held: placing
    # one shows the form (an empty one is refused with its messages, 400); there is none to lift (409).
    "staff.place_legal_hold": Route(GET_POST, "staff:manager", get=only({MANAGER}, STAFF_SIGN_IN),
                                    post=only({MANAGER: 400}, STAFF_SIGN_IN)),
    "staff.lift_legal_hold": Route(GET_POST, "staff:manager", get=only({MANAGER: 409}, STAFF_SIGN_IN),
                                   post=only({MANAGER: 409}, STAFF_SIGN_IN)),
    **{
        f"staff.{name}": Route(methods, "staff:agent,manager,officer",
                               get=only({AGENT: 404, OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN) if "GET" in methods else {},
                               post=only({AGENT: 404, OFFICER: 404, MANAGER: 404}, STAFF_SIGN_IN) if "POST" in methods else {})
        for name, methods in (("customer", GET), ("customer_edit", GET_POST), ("customer_invite", POST),
                              ("assisted_start", GET_POST),
                              ("assisted_step", GET_POST), ("assisted_check", GET_POST), ("assisted_discard", POST),
                              ("assisted_done", GET))
    },
}


def _endpoints(app) -> dict[str, frozenset[str]]:
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return {endpoint: frozenset(m) for endpoint, m in methods.items()}


def test_every_endpoint_has_exactly_one_access_rule(app):
    for endpoint in _endpoints(app):
        if endpoint == "static":
            continue
        view = app.view_functions[endpoint]
        assert getattr(view, "access_rule", None) is not None, f"{endpoint} has no access rule"
        # the decorator refuses a second rule, so one attribute means exactly one rule
        assert rule_for(app, endpoint) is view.access_rule


def test_a_second_access_rule_is_refused():
    from shared.auth.access import public, staff

    with pytest.raises(RuntimeError, match="already has an access rule"):
        staff(Role.ADMIN)(public(lambda: "x"))


def test_every_endpoint_is_in_the_table(app):
    """Adding a route means adding it here, with who may use it."""
    actual = _endpoints(app)
    assert set(actual) - set(EXPECTED) == set(), "endpoints missing from EXPECTED"
    assert set(EXPECTED) - set(actual) == set(), "EXPECTED lists endpoints that no longer exist"
    for endpoint, route in EXPECTED.items():
        assert actual[endpoint] == route.methods, endpoint
        assert rule_for(app, endpoint).name == route.rule, endpoint
        assert bool(route.get) == ("GET" in route.methods), endpoint
        assert bool(route.post) == ("POST" in route.methods), endpoint
        for answers in (route.get, route.post):
            assert not answers or set(answers) == set(VISITORS), endpoint


# ---------------------------------------------------------------------------------------------
# Requests as each visitor


ROLE_OF = {
    RESIDENT: Role.RESIDENT, COUNCILLOR: Role.COUNCILLOR, AGENT: Role.AGENT, OFFICER: Role.OFFICER,
    RESPONDER: Role.RESPONDER, MANAGER: Role.MANAGER, ADMIN: Role.ADMIN,
}


def quick_sign_in(client, session, user) -> None:
    """A server-side session made directly: the real sign-in form is tested in test_accounts.

    (Argon2 takes ~0.1 s a sign-in, which over this matrix would dominate the suite.)
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(UserSession(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id,
                            created_at=now, last_seen_at=now, auth_method="password", authenticated_at=now))
    session.commit()
    with client.session_transaction() as cookie_session:
        cookie_session["sid"] = token
        cookie_session["_user_id"] = str(user.id)


@pytest.fixture
def world(make):
    """A resident with a case in the responder's service."""
    service = make.service()
    resident = make.user(Role.RESIDENT)
    case = make.case(resident, service)
    return {"service": service, "resident": resident, "case": case}


def _visit_as(visitor: str, client, session, make, world):
    if visitor == ANON:
        return None
    if visitor == RESIDENT:
        user = world["resident"]
    elif visitor == RESPONDER:
        user = make.user(Role.RESPONDER, service_id=world["service"].id)
    else:
        user = make.user(ROLE_OF[visitor])
    quick_sign_in(client, session, user)
    return user


def _sample_url(app, endpoint: str, world) -> str:
    samples = {"reference": world["case"].reference, "token": "not-a-valid-token", "slug": "service",
               "filename": "dist/portal.css", "day_id": 0, "detail": "name", "file_id": 0, "draft_id": 0,
               "decision": "complaint", "organisation_id": 0, "action_id": 0, "referral_id": 0, "recommendation_id": 0, "request_id": 0, "template_id": 0, "message_id": 0, "message_name": "case_acknowledged", "locale": "cy", "restriction_id": 0,
               "adjustment_id": 0, "support_id": 0, "kind": "other", "customer_id": 0, "step": "details", "representative_id": 0, "name": "quarterly",
               "year": 2025, "provision": "6.2", "service_id": 0, "team_id": 0, "employee_id": 0, "user_id": 0,
               "logo_name": "not-a-logo", "reason_id": 0, "session_id": 0, "language": "pl",
               "identity_id": 0}
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {name: samples[name] for name in rule.arguments}
    return app.url_map.bind("localhost").build(endpoint, values)


def _assert_answer(response, expected: Answer, url: str) -> None:
    body = response.get_data(as_text=True)
    if isinstance(expected, int):
        assert response.status_code == expected, f"{url}: {response.status_code} {response.location}"
        assert "Traceback" not in body
        return
    assert response.status_code == 302, f"{url}: {response.status_code}"
    location = urlsplit(response.location)
    assert location.netloc in ("", "localhost")
    assert location.path == expected.path, f"{url}: went to {response.location}"
    if isinstance(expected, SignIn):
        assert parse_qs(location.query) == {"next": [url]}


def _cases(method: str):
    for endpoint, route in EXPECTED.items():
        answers = route.get if method == "GET" else route.post
        for visitor, expected in answers.items():
            yield pytest.param(endpoint, visitor, expected, id=f"{endpoint}-{visitor}")


@pytest.mark.parametrize(("endpoint", "visitor", "expected"), list(_cases("GET")))
def test_get_answers_as_designed(app, client, session, make, world, endpoint, visitor, expected):
    _visit_as(visitor, client, session, make, world)
    url = _sample_url(app, endpoint, world)
    _assert_answer(client.get(url), expected, url)


@pytest.mark.parametrize(("endpoint", "visitor", "expected"), list(_cases("POST")))
def test_post_answers_as_designed(app, client, session, make, world, endpoint, visitor, expected):
    _visit_as(visitor, client, session, make, world)
    url = _sample_url(app, endpoint, world)
    token = client.csrf_token("/sign-in")
    _assert_answer(client.post(url, data={"csrf_token": token}), expected, url)


@pytest.mark.parametrize("endpoint", [e for e, r in EXPECTED.items() if "POST" in r.methods])
def test_post_without_csrf_token_is_refused_with_the_timed_out_page(app, client, world, endpoint):
    client.get("/sign-in")  # a session exists, so only the token is missing
    response = client.post(_sample_url(app, endpoint, world), data={})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Your page timed out" in body
    assert "Traceback" not in body


def test_post_with_a_forged_csrf_token_is_refused(client):
    client.get("/sign-in")
    response = client.post("/sign-out", data={"csrf_token": "forged-token"})
    assert response.status_code == 400
    assert "Your page timed out" in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# Object-level checks: a case someone may not see is "not found", never "forbidden".


def test_a_resident_cannot_see_another_residents_case(client, session, make, world):
    quick_sign_in(client, session, make.user(Role.RESIDENT))
    reference = world["case"].reference
    assert client.get(f"/cases/{reference}").status_code == 404
    assert client.get(f"/feedback/sent/{reference}").status_code == 404
    assert reference not in client.get("/cases").get_data(as_text=True)


def test_the_owner_sees_their_own_case(client, session, world):
    quick_sign_in(client, session, world["resident"])
    reference = world["case"].reference
    assert reference in client.get(f"/cases/{reference}").get_data(as_text=True)
    assert reference in client.get(f"/feedback/sent/{reference}").get_data(as_text=True)
    assert reference in client.get("/cases").get_data(as_text=True)


def test_a_responder_for_another_service_gets_not_found(client, session, make, world):
    other_service = make.service()
    quick_sign_in(client, session, make.user(Role.RESPONDER, service_id=other_service.id))
    assert client.get(f"/staff/cases/{world['case'].reference}").status_code == 404


def test_a_responder_without_a_service_gets_not_found(client, session, make, world):
    quick_sign_in(client, session, make.user(Role.RESPONDER))
    assert client.get(f"/staff/cases/{world['case'].reference}").status_code == 404


def test_an_admin_cannot_open_case_pages(client, session, make, world):
    quick_sign_in(client, session, make.user(Role.ADMIN))
    assert client.get(f"/staff/cases/{world['case'].reference}").status_code == 403
    assert client.get("/staff/find?reference=" + world["case"].reference).status_code == 403
    assert client.get(f"/cases/{world['case'].reference}").status_code == 403


@pytest.mark.parametrize("visitor", [RESIDENT, AGENT, OFFICER, RESPONDER, MANAGER])
def test_an_unknown_reference_is_not_found(client, session, make, world, visitor):
    _visit_as(visitor, client, session, make, world)
    unknown = "RDR-0000-0000"
    assert unknown != world["case"].reference
    if visitor == RESIDENT:
        assert client.get(f"/cases/{unknown}").status_code == 404
        assert client.get(f"/feedback/sent/{unknown}").status_code == 404
    else:
        assert client.get(f"/staff/cases/{unknown}").status_code == 404


def test_staff_find_goes_to_the_case_from_a_loosely_typed_reference(client, session, make, world):
    quick_sign_in(client, session, make.user(Role.OFFICER))
    reference = world["case"].reference
    typed = reference.lower().replace("-", " ")
    response = client.get("/staff/find", query_string={"reference": typed})
    assert response.status_code == 302
    assert urlsplit(response.location).path == f"/staff/cases/{reference}"


def test_staff_find_without_a_search_shows_no_error(client, session, make):
    """Opening the find page is not a failed search."""
    quick_sign_in(client, session, make.user(Role.OFFICER))
    page = client.get("/staff/find").get_data(as_text=True)
    assert "There is a problem" not in page
    assert "<title>Error:" not in page


def test_staff_find_with_an_empty_search_shows_the_error(client, session, make):
    quick_sign_in(client, session, make.user(Role.OFFICER))
    page = client.get("/staff/find?reference=").get_data(as_text=True)
    assert "There is a problem" in page and "Enter a case reference" in page


def test_signed_out_visitors_go_back_where_they_were_after_signing_in(client, world):
    reference = world["case"].reference
    response = client.get(f"/cases/{reference}")
    next_url = parse_qs(urlsplit(response.location).query)["next"][0]
    signed_in = client.submit(f"/sign-in?next={next_url}", {"email": world["resident"].email, "password": PASSWORD})
    assert urlsplit(signed_in.location).path == f"/cases/{reference}"
