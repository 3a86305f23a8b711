"""Closure days: the service and the administrators' pages that add and remove them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import Role
from shared.models import ClosureDay
from unit_tests.test_route_access import quick_sign_in

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def admin(client, session, make):
    clock.set_now(NOW)
    user = make.user(Role.ADMIN)
    quick_sign_in(client, session, user)
    return user


def _closure(session, admin, day: date, reason: str = "Christmas closure") -> ClosureDay:
    closure = ClosureDay(day=day, reason=reason, created_by_id=admin.id, created_at=NOW)
    session.add(closure)
    session.commit()
    return closure


def _form(day: str = "29", month: str = "12", year: str = "2026", reason: str = "Christmas closure") -> dict:
    return {"closure_date": [day, month, year], "reason": reason}


def test_the_list_shows_this_year_and_next(client, session, admin):
    _closure(session, admin, date(2026, 12, 29))
    _closure(session, admin, date(2027, 12, 29), "Christmas closure next year")
    _closure(session, admin, date(2025, 12, 29), "Long ago")
    page = client.get("/staff/admin/closure-days").get_data(as_text=True)
    assert "Closure days in 2026" in page and "Closure days in 2027" in page
    assert "29 December 2026" in page and "Christmas closure next year" in page
    assert "Long ago" not in page


def test_the_list_says_when_a_year_has_none(client, admin):
    page = client.get("/staff/admin/closure-days").get_data(as_text=True)
    assert "There are no closure days in 2026." in page
    assert "There are no closure days in 2027." in page


def test_an_admin_adds_a_closure_day(client, session, admin):
    response = client.submit("/staff/admin/closure-days/new", _form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/staff/admin/closure-days"
    assert "29 December 2026 is now a closure day." in page
    closure = session.scalar(select(ClosureDay))
    assert (closure.day, closure.reason, closure.created_by_id) == (date(2026, 12, 29), "Christmas closure", admin.id)


def test_a_new_closure_day_moves_deadlines_in_the_same_request_and_after(app, client, session, admin):
    from shared.services.calendar import council_calendar

    client.submit("/staff/admin/closure-days/new", _form())
    with app.test_request_context():
        assert council_calendar().add(date(2026, 12, 21), 10) == date(2027, 1, 8)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (_form("", "", ""), "Enter the date"),
        (_form("", "12", "2026"), "Date must include a day"),
        (_form("29", "", "2026"), "Date must include a month"),
        (_form("29", "12", ""), "Date must include a year"),
        (_form("30", "2", "2027"), "Date must be a real date"),
        (_form("29", "12", "26"), "Date must be a real date"),
        (_form("29", "December", "2026"), "Date must be a real date"),
        (_form(reason=""), "Enter the reason for the closure"),
        (_form(reason="   "), "Enter the reason for the closure"),
        (_form(reason="x" * 201), "Reason must be 200 characters or fewer"),
    ],
)
def test_errors_keep_what_was_typed(client, session, admin, form, message):
    response = client.submit("/staff/admin/closure-days/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in page and "There is a problem" in page
    assert page.count(message) == 2  # in the summary and by the field
    day, month, year = form["closure_date"]
    for part, value in (("day", day), ("month", month), ("year", year)):
        if value:
            assert f'id="closure_date-{part}" name="closure_date" type="text" value="{value}"' in page
    if form["reason"].strip():
        assert f'id="reason" name="reason" type="text" value="{form["reason"]}"' in page
    assert session.scalar(select(ClosureDay)) is None


def test_a_date_error_links_to_the_first_box_to_fix(client, admin):
    page = client.submit("/staff/admin/closure-days/new", _form("29", "", "2026")).get_data(as_text=True)
    assert 'href="#closure_date-month"' in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (_form("25", "12", "2026"), "25 December 2026 is already a non-working day: it is a bank holiday"),
        (_form("28", "12", "2026"), "28 December 2026 is already a non-working day: it is a bank holiday"),
        (_form("31", "8", "2026"), "31 August 2026 is already a non-working day: it is a bank holiday"),
        (_form("26", "12", "2026"), "26 December 2026 is already a non-working day: it is a Saturday or Sunday"),
        (_form("27", "12", "2026"), "27 December 2026 is already a non-working day: it is a Saturday or Sunday"),
    ],
)
def test_a_day_that_is_already_non_working_is_refused(client, session, admin, form, message):
    page = client.submit("/staff/admin/closure-days/new", form).get_data(as_text=True)
    assert page.count(message) == 2
    assert 'value="Christmas closure"' in page
    assert session.scalar(select(ClosureDay)) is None


def test_the_same_day_twice_is_refused(client, session, admin):
    _closure(session, admin, date(2026, 12, 29))
    page = client.submit("/staff/admin/closure-days/new", _form(reason="Again")).get_data(as_text=True)
    assert page.count("29 December 2026 is already a non-working day: it is a closure day") == 2
    assert 'value="Again"' in page
    assert len(session.scalars(select(ClosureDay)).all()) == 1


def test_a_scottish_holiday_is_refused_only_in_scotland(app, session, admin):
    from shared.services import calendar as service
    from shared.services import council

    with app.test_request_context():
        service.add_closure_day(date(2026, 11, 30), "St Andrew's Day", admin)  # a working day in England
        service._forget()
        app.config["SETTINGS"] = _with_nation(app.config["SETTINGS"], "scotland")
        council.forget()  # the nation is read once a request: read the configured one again
        try:
            with pytest.raises(service.AlreadyNonWorking) as refused:
                service.add_closure_day(date(2027, 11, 30), "St Andrew's Day", admin)
            assert refused.value.why == "bank-holiday"
        finally:
            app.config["SETTINGS"] = _with_nation(app.config["SETTINGS"], "england")


def _with_nation(settings, nation):
    from dataclasses import replace

    return replace(settings, nation=nation)


def test_an_admin_removes_a_closure_day(client, session, admin):
    closure = _closure(session, admin, date(2026, 12, 29))
    page = client.get("/staff/admin/closure-days").get_data(as_text=True)
    assert f'action="/staff/admin/closure-days/{closure.id}/remove"' in page
    assert "Remove<span class=\"govuk-visually-hidden\"> closure day on 29 December 2026</span>" in page
    response = client.submit(f"/staff/admin/closure-days/{closure.id}/remove", form_url="/staff/admin/closure-days",
                             follow_redirects=True)
    assert "29 December 2026 is no longer a closure day." in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(ClosureDay)) is None


def test_removing_a_day_that_is_gone_is_not_found(client, session, admin):
    closure = _closure(session, admin, date(2026, 12, 29))
    url = f"/staff/admin/closure-days/{closure.id}/remove"
    assert client.submit(url, form_url="/staff/admin/closure-days").status_code == 302
    assert client.submit(url, form_url="/staff/admin/closure-days").status_code == 404


def test_admins_find_closure_days_from_the_home_page_and_the_menu(client, admin):
    page = client.get("/staff/").get_data(as_text=True)
    assert page.count('href="/staff/admin/closure-days"') == 2
    assert "Administration" in page


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER])
def test_other_staff_cannot_manage_closure_days(client, session, make, role):
    closure = _closure(session, make.user(Role.ADMIN), date(2026, 12, 29))
    quick_sign_in(client, session, make.user(role))
    assert "/staff/admin/closure-days" not in client.get("/staff/").get_data(as_text=True)
    assert client.get("/staff/admin/closure-days").status_code == 403
    assert client.get("/staff/admin/closure-days/new").status_code == 403
    token = client.csrf_token("/staff/sign-in")
    assert client.post("/staff/admin/closure-days/new", data={**_form(), "csrf_token": token}).status_code == 403
    assert client.post(f"/staff/admin/closure-days/{closure.id}/remove", data={"csrf_token": token}).status_code == 403
    session.expire_all()
    assert len(session.scalars(select(ClosureDay)).all()) == 1


def test_the_triage_queue_counts_ages_with_closure_days(client, session, make):
    clock.set_now(datetime(2027, 1, 5, 10, 0, tzinfo=UTC))
    admin = make.user(Role.ADMIN)
    service = make.service()
    make.case(make.user(), service, received_at=datetime(2026, 12, 24, 10, 0, tzinfo=UTC))
    quick_sign_in(client, session, make.user(Role.OFFICER))
    # received Thursday 24 December: 29, 30, 31 December, 4 and 5 January
    assert "5 working days" in client.get("/staff/triage").get_data(as_text=True)
    for day in (29, 30, 31):
        _closure(session, admin, date(2026, 12, day))
    assert "2 working days" in client.get("/staff/triage").get_data(as_text=True)
