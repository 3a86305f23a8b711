"""Idle and absolute session limits, background requests, the warning's status and keep-alive answers,
"you were signed out", and typed text kept across an ended session — with the clock moved, not waited for."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import Role
from shared.domain.session_limits import EndReason, SessionLimits
from shared.models import KeptForm, UserSession
from unit_tests.factories import sign_in

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


# --- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "idle"), [(Role.RESIDENT, 30), (Role.COUNCILLOR, 30), (Role.OFFICER, 30),
                                            (Role.MANAGER, 30), (Role.ADMIN, 15)])
def test_a_session_ends_exactly_at_its_idle_limit(role: Role, idle: int) -> None:
    limits = SessionLimits()
    last_seen = START + timedelta(hours=1)
    just_before = last_seen + timedelta(minutes=idle) - timedelta(seconds=1)
    assert limits.ended_because(role, START, last_seen, just_before) is None
    assert limits.ended_because(role, START, last_seen, last_seen + timedelta(minutes=idle)) is EndReason.IDLE
    assert limits.expires_at(role, START, last_seen) == last_seen + timedelta(minutes=idle)


def test_the_absolute_limit_ends_a_busy_session_and_comes_first() -> None:
    limits = SessionLimits()
    busy = START + timedelta(hours=12) - MINUTE  # used a minute ago
    assert limits.ended_because(Role.RESIDENT, START, busy, START + timedelta(hours=12)) is EndReason.ABSOLUTE
    assert limits.expires_at(Role.RESIDENT, START, busy) == START + timedelta(hours=12)


# --- the server ends sessions -----------------------------------------------------------------------


def _at(moment: datetime) -> None:
    clock.set_now(moment)


def _session_row(session, user) -> UserSession:
    session.expire_all()
    return session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                           .order_by(UserSession.id.desc())).first()


@pytest.fixture
def resident(client, make):
    _at(START)
    user = make.user(Role.RESIDENT)
    sign_in(client, user)
    return user


def test_a_resident_idle_for_30_minutes_is_signed_out_and_told_why(client, session, resident) -> None:
    _at(START + timedelta(minutes=29))
    assert client.get("/cases").status_code == 200  # used: the idle limit starts again
    _at(START + timedelta(minutes=29 + 30))
    response = client.get("/cases")
    assert response.status_code == 302
    assert response.location == "/signed-out?reason=idle&next=/cases"
    row = _session_row(session, resident)
    assert row.revoked_at == START + timedelta(minutes=59) and row.ended_because == "idle"

    page = client.get(response.location).get_data(as_text=True)
    assert "You were signed out" in page
    assert "you had not done anything for 30 minutes" in page
    assert 'href="/sign-in?next=/cases"' in page
    # Said once: after that the browser is simply signed out.
    assert client.get("/cases").location == "/sign-in?next=/cases"


def test_an_admin_is_signed_out_after_15_minutes_and_an_officer_is_not(client, session, make) -> None:
    _at(START)
    admin, officer = make.user(Role.ADMIN), make.user(Role.OFFICER)
    admin_client = client.application.test_client()
    sign_in(admin_client, admin, staff=True)
    sign_in(client, officer, staff=True)
    _at(START + timedelta(minutes=15))
    assert client.get("/staff/").status_code == 200
    response = admin_client.get("/staff/")
    assert response.location == "/staff/signed-out?reason=idle&admin=1&next=/staff/"
    assert "you had not done anything for 15 minutes" in admin_client.get(response.location).get_data(as_text=True)


def test_a_busy_session_still_ends_12_hours_after_signing_in(client, session, resident) -> None:
    for minutes in range(20, 12 * 60, 20):
        _at(START + timedelta(minutes=minutes))
        assert client.get("/cases").status_code == 200, minutes
    _at(START + timedelta(hours=12))
    response = client.get("/cases")
    assert response.location == "/signed-out?reason=absolute&next=/cases"
    assert _session_row(session, resident).ended_because == "absolute"
    assert "you had been signed in for 12 hours" in client.get(response.location).get_data(as_text=True)


def test_a_session_signed_out_by_hand_is_not_called_timed_out(client, session, resident) -> None:
    client.submit("/sign-out", form_url="/cases")
    _at(START + timedelta(hours=1))
    assert client.get("/cases").location == "/sign-in?next=/cases"


def test_the_page_announces_the_deadline_the_server_keeps(client, session, resident) -> None:
    """last_seen_at is written at most once a minute; the page is told the stored deadline, and that is
    exactly when the session ends (never later than 30 minutes after the last request)."""
    _at(START + timedelta(seconds=40))  # within the minute: nothing written
    page = client.get("/cases").get_data(as_text=True)
    assert 'data-expires-in="1760"' in page
    assert _session_row(session, resident).last_seen_at == START
    _at(START + timedelta(seconds=40 + 1759))
    assert client.get("/session", headers={"X-Redress-Background": "1"}).json == {"signed_in": True, "expires_in": 1}
    _at(START + timedelta(seconds=40 + 1760))
    assert client.get("/cases").location.startswith("/signed-out?reason=idle")


def test_pages_say_how_long_a_session_lasts_without_javascript(client, make) -> None:
    _at(START)
    assert "we sign you out if you do nothing" not in client.get("/").get_data(as_text=True)
    resident, admin = make.user(Role.RESIDENT), make.user(Role.ADMIN)
    sign_in(client, resident)
    assert "we sign you out if you do nothing for 30 minutes" in client.get("/cases").get_data(as_text=True)
    admin_client = client.application.test_client()
    sign_in(admin_client, admin, staff=True)
    assert "we sign you out if you do nothing for 15 minutes" in admin_client.get("/staff/").get_data(as_text=True)


# --- background requests --------------------------------------------------------------------------


def test_the_triage_queue_refreshing_itself_does_not_keep_a_session_alive(client, session, make) -> None:
    _at(START)
    officer = make.user(Role.OFFICER)
    sign_in(client, officer, staff=True)
    refresh = {"HX-Request": "true", "X-Redress-Background": "1"}
    for minutes in (5, 10, 15, 20, 25, 29):
        _at(START + timedelta(minutes=minutes))
        assert client.get("/staff/triage", headers=refresh).status_code == 200
        assert _session_row(session, officer).last_seen_at == START, minutes
    _at(START + timedelta(minutes=30))
    response = client.get("/staff/triage", headers=refresh)
    # htmx is sent to the signed-out page as a whole page, not swapped into the queue.
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/staff/signed-out?reason=idle")


def test_a_section_the_person_asks_for_does_extend_it(client, session, make) -> None:
    _at(START)
    officer = make.user(Role.OFFICER)
    sign_in(client, officer, staff=True)
    _at(START + timedelta(minutes=10))
    response = client.get("/staff/triage", headers={"HX-Request": "true"})
    assert _session_row(session, officer).last_seen_at == START + timedelta(minutes=10)
    assert response.headers["X-Redress-Session-Expires-In"] == "1800"  # the page's warning follows


def test_asking_how_long_is_left_does_not_extend_the_session(client, session, resident) -> None:
    for minutes in (10, 20, 28):
        _at(START + timedelta(minutes=minutes))
        answer = client.get("/session").json
        assert answer == {"signed_in": True, "expires_in": (30 - minutes) * 60}
    assert _session_row(session, resident).last_seen_at == START
    _at(START + timedelta(minutes=30))
    answer = client.get("/session").json
    assert answer == {"signed_in": False, "signed_out_url": "/signed-out?reason=idle"}
    assert _session_row(session, resident).ended_because == "idle"


# --- stay signed in ---------------------------------------------------------------------------------


def _keep_alive(client, url: str = "/session/keep-alive", page: str = "/cases"):
    token = client.csrf_token(page)
    return client.post(url, headers={"X-CSRFToken": token, "X-Redress-Background": "1"})


def test_stay_signed_in_extends_the_session_on_the_server(client, session, resident) -> None:
    _at(START + timedelta(minutes=28, seconds=30))
    page = client.get("/cases").get_data(as_text=True)  # the page the warning is open on
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    _at(START + timedelta(minutes=28 + 29))
    response = client.post("/session/keep-alive", headers={"X-CSRFToken": token, "X-Redress-Background": "1"})
    assert response.status_code == 200
    assert response.json == {"signed_in": True, "expires_in": 1800}
    assert response.headers["Cache-Control"] == "no-store"
    assert _session_row(session, resident).last_seen_at == START + timedelta(minutes=57)
    _at(START + timedelta(minutes=57 + 29))
    assert client.get("/session").json["signed_in"] is True


def test_stay_signed_in_needs_the_csrf_token(client, session, resident) -> None:
    _at(START + timedelta(minutes=20))
    assert client.post("/session/keep-alive").status_code == 400
    assert _session_row(session, resident).last_seen_at == START


def test_stay_signed_in_after_the_end_says_signed_out(client, session, make) -> None:
    _at(START)
    officer = make.user(Role.OFFICER)
    sign_in(client, officer, staff=True)
    token = client.csrf_token("/staff/")
    _at(START + timedelta(minutes=31))
    response = client.post("/staff/session/keep-alive", headers={"X-CSRFToken": token})
    assert response.json == {"signed_in": False, "signed_out_url": "/staff/signed-out?reason=idle"}
    assert _session_row(session, officer).revoked_at is not None


def test_the_warning_is_on_signed_in_pages_only(client, make) -> None:
    _at(START)
    assert "session-timeout" not in client.get("/").get_data(as_text=True)
    sign_in(client, make.user(Role.RESIDENT))
    page = client.get("/cases").get_data(as_text=True)
    assert '<dialog class="redress-timeout" id="session-timeout"' in page
    assert 'data-warn-before="120"' in page and 'data-status-url="/session"' in page
    assert 'data-keep-alive-url="/session/keep-alive"' in page


# --- typed text kept --------------------------------------------------------------------------------


def _post_after_end(client, path: str, data: dict) -> object:
    token = client.csrf_token(path)
    _at(START + timedelta(minutes=45))
    return client.post(path, data={**data, "csrf_token": token}, headers={"Referer": f"http://localhost{path}"})


def test_typed_text_is_kept_and_given_back_to_the_same_person(client, session, resident) -> None:
    response = _post_after_end(client, "/your-details/name", {"full_name": "Ms Typed Carefully"})
    assert response.status_code == 302
    assert response.location == "/signed-out?reason=idle&kept=1&next=/your-details/name"
    cookie = client.get_cookie("redress-kept", path="/your-details/name")
    assert cookie is not None and cookie.http_only
    kept = session.scalars(select(KeptForm)).one()
    assert kept.user_id == resident.id and kept.fields == [["full_name", "Ms Typed Carefully"]]
    assert kept.expires_at == START + timedelta(minutes=45, hours=24)
    assert resident.full_name != "Ms Typed Carefully"  # nothing was saved
    assert "We have kept what you had typed" in client.get(response.location).get_data(as_text=True)

    signed_in = client.submit("/sign-in?next=/your-details/name", {"email": resident.email, "password": "correct horse battery staple"})
    assert signed_in.location == "/your-details/name"
    page = client.get("/your-details/name").get_data(as_text=True)
    assert 'value="Ms Typed Carefully"' in page
    assert "We have put back what you had typed" in page
    assert session.scalars(select(KeptForm)).first() is None  # given back once
    again = client.get("/your-details/name").get_data(as_text=True)
    assert "Ms Typed Carefully" not in again and "We have put back" not in again


def test_kept_text_is_never_given_to_someone_else(client, session, resident, make) -> None:
    _post_after_end(client, "/your-details/name", {"full_name": "Private Words"})
    other = make.user(Role.RESIDENT)
    sign_in(client, other)
    page = client.get("/your-details/name").get_data(as_text=True)
    assert "Private Words" not in page and "We have put back" not in page
    assert session.scalars(select(KeptForm.user_id)).one() == resident.id  # still the first person's


def test_passwords_and_the_csrf_token_are_never_kept(client, session, resident) -> None:
    response = _post_after_end(client, "/your-details/password", {
        "current_password": "correct horse battery staple", "new_password": "another long passphrase",
        "confirm_password": "another long passphrase"})
    assert response.location == "/signed-out?reason=idle&next=/your-details/password"  # nothing to keep
    assert session.scalars(select(KeptForm)).first() is None
    assert client.get_cookie("redress-kept", path="/your-details/password") is None


def test_a_post_without_its_csrf_token_keeps_nothing(client, session, resident) -> None:
    _at(START + timedelta(minutes=45))
    assert client.post("/your-details/name", data={"full_name": "Forged"}).status_code == 400
    assert session.scalars(select(KeptForm)).first() is None


def test_an_htmx_post_after_the_end_keeps_its_text_and_leaves_the_page(client, session, resident) -> None:
    token = client.csrf_token("/your-details/name")
    _at(START + timedelta(minutes=45))
    response = client.post("/your-details/name", data={"full_name": "Typed In Place", "csrf_token": token},
                           headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/your-details/name"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/signed-out?reason=idle&kept=1&next=/your-details/name"
    assert session.scalars(select(KeptForm.fields)).one() == [["full_name", "Typed In Place"]]


def test_housekeeping_forgets_kept_text_nobody_came_back_for(app, client, session, resident) -> None:
    _post_after_end(client, "/your-details/name", {"full_name": "Never Collected"})
    _at(START + timedelta(minutes=45, hours=24))
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert "1 uncollected kept forms" in result.output, result.output
    assert session.scalars(select(KeptForm)).first() is None


def test_the_status_answer_is_json_for_visitors_without_a_session(client) -> None:
    response = client.get("/staff/session")
    assert json.loads(response.get_data()) == {"signed_in": False, "signed_out_url": "/staff/signed-out"}
