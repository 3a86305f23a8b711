"""The audit log: what is recorded (sign-ins, failures, sign-outs, refusals, staff views, exports),
that refusals survive their request's rollback, that the database refuses to change or delete a
row, and the admins' search and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from shared.clock import utcnow
from shared.db import db
from shared.domain import audit_actions
from shared.domain.enums import Role
from shared.models import AuditEvent, UserSession
from shared.services import audit, audit_search
from unit_tests.factories import PASSWORD, sign_in
from unit_tests.test_route_access import quick_sign_in


def _events(session, action: str | None = None) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    client.person = make.user(Role.ADMIN, full_name="Alex Admin", email="alex.admin@example.gov.uk")
    quick_sign_in(client, session, client.person)
    return client


# --- signing in and out --------------------------------------------------------------------------------


def test_a_password_sign_in_and_sign_out_are_recorded(client, session, make):
    officer = make.user(Role.OFFICER, full_name="Olu Officer")
    sign_in(client, officer, staff=True)
    client.submit("/staff/sign-out", {}, form_url="/staff/")
    signed_in, = _events(session, "user.signed_in")
    signed_out, = _events(session, "session.ended")
    assert (signed_in.actor_id, signed_in.person_id, signed_in.details) == (officer.id, officer.id, {"method": "password", "second_factor": None})
    assert (signed_out.actor_id, signed_out.details) == (officer.id, {"how": "signed_out"})


@pytest.mark.parametrize("side", ["portal", "staff"])
def test_a_wrong_password_is_recorded_without_the_password(client, session, make, side):
    person = make.user(Role.RESIDENT if side == "portal" else Role.OFFICER)
    url = "/sign-in" if side == "portal" else "/staff/sign-in"
    response = client.submit(url, {"email": person.email, "password": "not-the-password-1234"})
    assert response.status_code in (200, 400) and "There is a problem" in response.get_data(as_text=True)
    failed, = _events(session, "user.sign_in_failed")
    assert (failed.actor_id, failed.subject_type, failed.subject_id, failed.person_id) == (None, "session", person.id, person.id)
    assert failed.details == {"reason": "wrong_password", "method": "password"}
    assert "not-the-password" not in str(failed.details)


def test_an_unknown_address_is_recorded_as_a_key_that_the_search_finds(client, admin, session):
    client.submit("/staff/sign-in", {"email": "Nobody@Example.org", "password": "guess-guess-guess"})
    failed, = _events(session, "user.sign_in_failed")
    assert failed.person_id is None and failed.details["reason"] == "unknown_account"
    assert "nobody" not in str(failed.details).lower()  # a keyed hash, not the address
    assert re.fullmatch(r"[0-9a-f]{32}", failed.details["email_key"])
    page = admin.get("/staff/admin/audit?person=nobody@example.org").get_data(as_text=True)
    assert f'id="audit-{failed.id}"' in page and "no account with that email address" in page


def test_a_disabled_account_and_the_wrong_side_are_failures_with_their_reason(client, session, make):
    disabled = make.user(Role.OFFICER, disabled_at=utcnow())
    resident = make.user(Role.RESIDENT)
    client.submit("/staff/sign-in", {"email": disabled.email, "password": PASSWORD})
    client.submit("/staff/sign-in", {"email": resident.email, "password": PASSWORD})
    assert [(e.person_id, e.details["reason"]) for e in _events(session, "user.sign_in_failed")] == [
        (disabled.id, "disabled"), (resident.id, "wrong_side")]


# --- refused access ------------------------------------------------------------------------------------------


def test_a_403_is_recorded_with_the_route(app, session, make):
    client = app.test_client()
    agent = make.user(Role.AGENT)
    quick_sign_in(client, session, agent)
    assert client.get("/staff/admin/users").status_code == 403
    refused, = _events(session, "access.refused")
    assert (refused.actor_id, refused.person_id, refused.subject_type) == (agent.id, agent.id, "route")
    assert refused.details == {"status": 403, "method": "GET", "route": "/staff/admin/users", "asked": {}}


def test_someone_elses_case_is_a_404_recorded_although_the_request_is_rolled_back(app, session, make):
    """The request's own writes (the session's last-seen time) are rolled back with the 404; the
    refusal, written after the rollback in a transaction of its own, stays."""
    owner, other = make.user(), make.user()
    case = make.case(owner, make.service())
    client = app.test_client()
    quick_sign_in(client, session, other)
    a_while_ago = utcnow() - timedelta(minutes=10)  # long enough to be touched, within the idle limit
    session.execute(update(UserSession).where(UserSession.user_id == other.id).values(last_seen_at=a_while_ago))
    session.commit()
    assert client.get(f"/cases/{case.reference}").status_code == 404
    refused, = _events(session, "access.refused")
    assert (refused.actor_id, refused.subject_type, refused.subject_id, refused.person_id) == (other.id, "case", case.id, owner.id)
    assert refused.details["route"] == "/cases/<reference>" and refused.details["status"] == 404
    assert refused.details["asked"] == {"reference": case.reference}
    seen = session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == other.id))
    assert seen == a_while_ago  # the request's own transaction was rolled back


def test_a_reference_that_does_not_exist_is_recorded_by_its_reference(app, session, make):
    resident = make.user()
    client = app.test_client()
    quick_sign_in(client, session, resident)
    assert client.get("/cases/RDR-NOPE-NOPE").status_code == 404
    refused, = _events(session, "access.refused")
    assert refused.subject_id is None and refused.details["reference"] == "RDR-NOPE-NOPE"


def test_a_staff_member_outside_the_cases_service_is_recorded(app, session, make):
    responder = make.user(Role.RESPONDER, service_id=make.service("roads", name="Roads").id)
    case = make.case(make.user(), make.service())
    client = app.test_client()
    quick_sign_in(client, session, responder)
    assert client.get(f"/staff/cases/{case.reference}").status_code == 404
    refused, = _events(session, "access.refused")
    assert (refused.actor_id, refused.subject_id) == (responder.id, case.id)


def test_a_link_token_is_never_recorded(app):
    with app.test_request_context("/invitation/secret-token-value"):
        from flask import request

        request.view_args = {"token": "secret-token-value", "reference": "RDR-1"}
        assert audit._asked() == {"reference": "RDR-1"}


# --- staff views ------------------------------------------------------------------------------------------


def test_the_staff_case_page_records_the_view_within_the_page_budget(app, session, make):
    resident = make.user(full_name="Pat Resident")
    case = make.case(resident, make.service())
    officer = make.user(Role.OFFICER, full_name="Jane Smith")
    client = app.test_client()
    quick_sign_in(client, session, officer)
    response = client.get(f"/staff/cases/{case.reference}")  # the strict client holds it to 10 queries
    assert response.status_code == 200
    viewed, = _events(session, "case.viewed")
    assert (viewed.actor_id, viewed.subject_type, viewed.subject_id, viewed.person_id) == (officer.id, "case", case.id, resident.id)


def test_downloading_a_file_records_which(app, session, make):
    case = make.case(make.user(), make.service())
    _message_id, (file_id,) = make.message(app, case, attachments=[("note.txt", b"hello")])
    officer = make.user(Role.OFFICER)
    client = app.test_client()
    quick_sign_in(client, session, officer)
    assert client.get(f"/staff/cases/{case.reference}/files/{file_id}").status_code == 200
    downloaded, = _events(session, "file.downloaded")
    assert (downloaded.actor_id, downloaded.subject_id, downloaded.details) == (officer.id, case.id, {"file_id": file_id})


def test_the_adjustments_register_view_is_recorded(app, session, make):
    resident = make.user()
    case = make.case(resident, make.service())
    officer = make.user(Role.OFFICER)
    client = app.test_client()
    quick_sign_in(client, session, officer)
    assert client.get(f"/staff/cases/{case.reference}/adjustments").status_code == 200
    viewed, = _events(session, "adjustments.viewed")
    assert (viewed.actor_id, viewed.person_id) == (officer.id, resident.id)


# --- append-only --------------------------------------------------------------------------------------------


def _one_event(app) -> int:
    with app.app_context():
        event = audit.record("case.viewed", actor=None, subject_type="case", subject_id=1)
        db.session.commit()
        return event.id


@pytest.mark.parametrize("statement", [
    lambda event_id: update(AuditEvent).where(AuditEvent.id == event_id).values(action="changed"),
    lambda event_id: delete(AuditEvent).where(AuditEvent.id == event_id),
])
def test_the_application_cannot_change_or_delete_a_row(app, statement):
    event_id = _one_event(app)
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(statement(event_id))
        db.session.rollback()
        assert db.session.get(AuditEvent, event_id).action == "case.viewed"


def test_the_orm_cannot_change_or_delete_a_row_either(app):
    event_id = _one_event(app)
    with app.app_context():
        event = db.session.get(AuditEvent, event_id)
        event.details = {"rewritten": True}
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, event_id))
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.flush()
        db.session.rollback()


def test_emptying_the_whole_table_is_refused(app, engine):
    """PostgreSQL's TRUNCATE skips row triggers (a statement trigger refuses it); SQLite's whole-table
    DELETE, its nearest, is refused by the row trigger (which also turns off its truncate shortcut)."""
    _one_event(app)
    emptying = "TRUNCATE audit_events" if engine.dialect.name == "postgresql" else "DELETE FROM audit_events"
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(emptying))
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 1


# --- the admins' search --------------------------------------------------------------------------------


def _record(session, action, *, actor=None, person=None, subject_type="case", subject_id=None, at=None, **details):
    event = AuditEvent(at=at or utcnow(), actor_id=actor.id if actor else None, action=action, subject_type=subject_type,
                       subject_id=subject_id, person_id=person.id if person else None, details=details)
    session.add(event)
    session.commit()
    return event


def _shown(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'id="audit-(\d+)"', page)]


def test_a_row_reads_who_did_what_to_which_case(admin, session, make):
    resident = make.user(full_name="Pat Resident")
    case = make.case(resident, make.service())
    jane = make.user(Role.OFFICER, full_name="Jane Smith")
    event = _record(session, "case.viewed", actor=jane, person=resident, subject_id=case.id)
    page = admin.get("/staff/admin/audit").get_data(as_text=True)
    row = page[page.index(f'id="audit-{event.id}"'):]
    row = row[:row.index("</tr>")]
    assert "Jane Smith" in row and "Viewed a case" in row and case.reference in row and "Pat Resident" in row


def test_filters_by_who_about_whom_what_subject_and_date(admin, session, make):
    jane, omar = make.user(Role.OFFICER, full_name="Jane Smith"), make.user(Role.OFFICER, full_name="Omar Khan")
    pat = make.user(full_name="Pat Resident", email="pat@example.com")
    case = make.case(pat, make.service())
    old = _record(session, "case.viewed", actor=jane, person=pat, subject_id=case.id, at=utcnow() - timedelta(days=40))
    viewed = _record(session, "case.viewed", actor=jane, person=pat, subject_id=case.id)
    exported = _record(session, "cases.exported", actor=omar, subject_type="case_list")
    signed_in = _record(session, "user.signed_in", actor=omar, person=omar, subject_type="session", subject_id=omar.id)
    assert _shown(admin.get("/staff/admin/audit?actor=jane").get_data(as_text=True)) == [viewed.id, old.id]
    assert _shown(admin.get("/staff/admin/audit?person=PAT@example.com").get_data(as_text=True)) == [viewed.id, old.id]
    assert _shown(admin.get("/staff/admin/audit?action=group:exports").get_data(as_text=True)) == [exported.id]
    assert _shown(admin.get("/staff/admin/audit?action=user.signed_in&actor=omar").get_data(as_text=True)) == [signed_in.id]
    assert _shown(admin.get(f"/staff/admin/audit?subject={case.reference.lower()}").get_data(as_text=True)) == [viewed.id, old.id]
    today = utcnow().date()
    since = f"start={today.day}&start={today.month}&start={today.year}"
    assert _shown(admin.get(f"/staff/admin/audit?actor=jane&{since}").get_data(as_text=True)) == [viewed.id]


def _link(page: str, rel: str) -> str:
    """The pagination's link (the language links carry the page's own address too)."""
    return re.search(rf'href="([^"]*)" rel="{rel}"', page).group(1).replace("&amp;", "&")


def test_pages_go_older_and_back_newer_by_keyset(admin, session, make, monkeypatch):
    monkeypatch.setattr(audit_search, "PAGE_SIZE", 2)
    jane = make.user(Role.OFFICER, full_name="Jane Smith")
    start = utcnow() - timedelta(hours=1)
    ids = [_record(session, "case.viewed", actor=jane, subject_id=n, at=start + timedelta(minutes=n)).id for n in range(5)]
    ids.reverse()  # newest first
    first = admin.get("/staff/admin/audit?actor=jane").get_data(as_text=True)
    assert _shown(first) == ids[:2] and "Newer" not in first
    older = _link(first, "next")
    second = admin.get(older).get_data(as_text=True)
    assert _shown(second) == ids[2:4] and "jane" not in older.lower()  # the search goes on sealed (ASVS 14.2.1)
    newer = _link(second, "prev")
    assert _shown(admin.get(newer).get_data(as_text=True)) == ids[:2]
    last = _link(second, "next")
    third = admin.get(last).get_data(as_text=True)
    assert _shown(third) == ids[4:] and "Older" not in third


def test_a_wrong_date_is_an_error_that_keeps_what_was_typed(admin):
    response = admin.get("/staff/admin/audit?actor=jane&start=31&start=2&start=2026")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "The date must be a real date" in page
    assert 'value="jane"' in page and 'value="31"' in page


def test_an_unknown_action_choice_is_an_error(admin):
    response = admin.get("/staff/admin/audit?action=anything.else")
    assert response.status_code == 400 and "Choose what happened from the list" in response.get_data(as_text=True)


def test_the_csv_holds_the_search_and_is_itself_recorded(admin, session, make):
    jane = make.user(Role.OFFICER, full_name="Jane Smith")
    case = make.case(make.user(full_name="Pat Resident"), make.service())
    viewed = _record(session, "case.viewed", actor=jane, subject_id=case.id)
    _record(session, "cases.exported", actor=jane, subject_type="case_list")
    response = admin.get("/staff/admin/audit.csv?action=case.viewed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["id"], r["actor"], r["action_name"], r["subject"]) for r in rows] == [
        (str(viewed.id), "Jane Smith", "Viewed a case", case.reference)]
    exported, = _events(session, "audit.exported")
    assert exported.actor_id == admin.person.id and exported.details["filters"]["action"] == "case.viewed"


def test_the_search_keeps_a_typed_name_out_of_its_own_record(admin, session):
    admin.get("/staff/admin/audit.csv?person=pat@example.com")
    exported, = _events(session, "audit.exported")
    assert "pat" not in str(exported.details) and exported.details["filters"]["person_key"]


def test_the_search_page_is_one_query_for_its_rows(admin, session, make):
    jane = make.user(Role.OFFICER, full_name="Jane Smith")
    for n in range(30):
        _record(session, "case.viewed", actor=jane, person=jane, subject_id=n)
    response = admin.get("/staff/admin/audit")
    assert int(response.headers["X-Redress-Queries"]) <= 4  # the session, the council, the rows


# --- the catalogue -----------------------------------------------------------------------------------------


def test_every_action_the_code_records_has_a_name():
    root = Path(__file__).resolve().parents[1]
    source = "\n".join(p.read_text() for folder in ("shared", "staff", "portal") for p in (root / folder).rglob("*.py"))
    recorded = set(re.findall(r'audit\.(?:record|record_regardless)\(\s*"([a-z_]+\.[a-z_]+)"', source))
    recorded |= set(re.findall(r'_audit\("([a-z_]+\.[a-z_]+)"', source))
    recorded |= {f"adjustment.{a}" for a in re.findall(r'_audit\("([a-z]+)", ', source)}
    recorded |= {"report.viewed", "report.downloaded", "access.refused"}
    named = {action for group in audit_actions.GROUPS for action in group.actions}
    assert len(recorded) > 40 and recorded <= named, recorded - named


def test_every_application_logger_is_in_the_inventory():
    """ASVS 16.1.1: docs/audit.md lists every logger the code writes through, and what it holds."""
    root = Path(__file__).resolve().parents[1]
    source = "\n".join(p.read_text() for folder in ("shared", "staff", "portal") for p in (root / folder).rglob("*.py"))
    loggers = set(re.findall(r'logging\.getLogger\(\s*(["\'][^"\']+["\']|__name__)', source))
    assert "__name__" not in loggers, "name the logger, so the inventory can list it"
    loggers = {name.strip("\"'") for name in loggers}
    if re.search(r"\b(?:current_app|app)\.logger\.", source):
        loggers.add("shared")  # Flask's app.logger takes the app's import name
    inventory = (root / "docs" / "audit.md").read_text().split("## The application's own log", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_.]+)`", inventory, flags=re.MULTILINE))
    assert len(loggers) >= 7 and loggers <= listed, loggers - listed


def test_an_action_the_catalogue_does_not_know_shows_its_code(admin, session):
    event = _record(session, "example.not_in_the_catalogue", subject_type="user")
    assert "example.not_in_the_catalogue" in admin.get("/staff/admin/audit").get_data(as_text=True)
    assert audit_actions.label("example.not_in_the_catalogue") == "example.not_in_the_catalogue" and event.id
    assert session.scalar(select(func.count()).select_from(AuditEvent)) >= 1


# --- refused requests (ASVS 16.3.3): forged forms, rate limits, case actions the rules refuse ---------


def test_a_form_without_its_csrf_token_is_recorded(app, session, make):
    resident = make.user()
    client = app.test_client()
    quick_sign_in(client, session, resident)
    assert client.post("/your-details/password", data={"current_password": "x"}).status_code == 400
    refused, = _events(session, "access.refused")
    assert refused.actor_id == resident.id and refused.details["status"] == 400
    assert refused.details["reason"] == "csrf" and refused.details["route"] == "/your-details/password"


def test_an_attempt_over_a_rate_limit_is_recorded(app, client, session, make):
    from shared.web import ratelimits

    user = make.user(email="limited@example.com")
    allowed = next(rule for rule in ratelimits.SIGN_IN if rule.scope == "sign-in-account").item.amount
    for _ in range(allowed):
        client.submit("/sign-in", {"email": user.email, "password": "not-the-password"})
    assert client.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 429
    refused, = _events(session, "access.refused")
    assert refused.details["status"] == 429 and refused.details["reason"] == "rate_limit"
    assert refused.details["limit"] == "sign-in-account" and refused.actor_id is None


def test_a_case_action_the_rules_refuse_is_recorded(app, session, make):
    from shared.domain.enums import CaseStatus

    officer = make.user(Role.OFFICER)
    case = make.case(make.user(), make.service(), status=CaseStatus.WITH_TEAM, officer_id=officer.id)
    client = app.test_client()
    quick_sign_in(client, session, officer)
    url = f"/staff/cases/{case.reference}/acknowledge"
    answer = client.post(url, data={"csrf_token": client.csrf_token(f"/staff/cases/{case.reference}")})
    assert answer.status_code == 409
    refused, = _events(session, "access.refused")
    assert refused.actor_id == officer.id and refused.details["status"] == 409
    assert refused.details["reason"] == "case_rules" and refused.details["asked"] == {"reference": case.reference}
