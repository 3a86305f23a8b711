"""The reasonable adjustments register: rules, the resident's own pages, staff recording them from a
case, the case page and lists showing them, due reviews, correspondence, export and the digest."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain import adjustments as rules
from shared.domain.enums import AdjustmentKind, CaseStatus, ContactMethod, MessageChannel, MessageFormat, Role
from shared.domain.policy import can_record_adjustments, can_see_adjustments
from shared.models import Adjustment, AuditEvent, OutboxMessage
from unit_tests.test_route_access import quick_sign_in

MONDAY = "2026-12-14T10:00"


def page(response) -> str:
    return response.get_data(as_text=True)


def as_user(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


def audit_actions(session, person_id: int, subject_type: str = "adjustment") -> list[str]:
    """The audited changes to the person's adjustments (views of the register are audited as the case's)."""
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.person_id == person_id,
                                                                AuditEvent.subject_type == subject_type)
                                .order_by(AuditEvent.id)))


@pytest.fixture
def world(app, make):
    clock.set_now(MONDAY)
    service = make.service("housing", "Housing")
    resident = make.user(Role.RESIDENT, full_name="Ada Resident")
    return {
        "service": service,
        "resident": resident,
        "case": make.case(resident, service, status=CaseStatus.WITH_TEAM),
        "officer": make.user(Role.OFFICER, full_name="Olive Officer"),
        "manager": make.user(Role.MANAGER),
        "agent": make.user(Role.AGENT, full_name="Alex Agent"),
        "admin": make.user(Role.ADMIN),
        "councillor": make.user(Role.COUNCILLOR),
        "responder": make.user(Role.RESPONDER, service_id=service.id),
    }


# --- rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "review"), [
    (date(2026, 12, 14), date(2027, 12, 14)),
    (date(2028, 2, 29), date(2029, 2, 28)),  # no 29 February next year
    (date(2026, 1, 31), date(2027, 1, 31)),
])
def test_a_review_falls_due_a_year_later(today, review):
    assert rules.next_review(today) == review


def test_add_months_keeps_the_day_or_the_months_last():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_due_means_on_or_before_today():
    today = date(2026, 12, 14)
    assert rules.is_due(today, today) and rules.is_due(date(2026, 1, 1), today)
    assert not rules.is_due(date(2026, 12, 15), today) and not rules.is_due(None, today)


def test_which_kinds_need_a_detail():
    assert {k for k in AdjustmentKind if rules.needs_detail(k)} == {
        AdjustmentKind.OTHER, AdjustmentKind.FIXED_CALL_TIMES, AdjustmentKind.NAMED_CONTACT, AdjustmentKind.SOMEONE_TO_SPEAK}
    assert set(rules.DESCRIPTIONS) == set(AdjustmentKind)


def test_only_channel_and_format_kinds_change_correspondence():
    assert rules.correspondence_effects([AdjustmentKind.LARGE_PRINT, AdjustmentKind.EXTRA_TIME, "email_only"]) == {
        "large_print", "email_only"}


@pytest.mark.parametrize(("role", "sees", "records"), [
    (Role.AGENT, True, True), (Role.OFFICER, True, True), (Role.MANAGER, True, True),
    (Role.RESPONDER, True, False), (Role.COUNCILLOR, False, False), (Role.ADMIN, False, False),
])
def test_who_may_see_and_record_someones_adjustments(world, role, sees, records):
    viewer = next(u for u in world.values() if getattr(u, "role", None) is role)
    assert can_see_adjustments(viewer, world["resident"]) is sees
    assert can_record_adjustments(viewer, world["resident"]) is records


def test_a_resident_sees_and_records_only_their_own(world, make):
    other = make.user(Role.RESIDENT)
    assert can_see_adjustments(world["resident"], world["resident"]) and can_record_adjustments(world["resident"], world["resident"])
    assert not can_see_adjustments(other, world["resident"]) and not can_record_adjustments(other, world["resident"])


# --- the resident's own pages ------------------------------------------------------------------------


def test_your_details_links_to_help_and_adjustments(app, session, world):
    client = as_user(app, session, world["resident"])
    assert "/your-details/help-and-adjustments" in page(client.get("/your-details"))
    listing = page(client.get("/your-details/help-and-adjustments"))
    assert "You have not told us about any help or adjustments." in listing


def test_a_resident_adds_large_print_and_it_is_due_for_review_in_a_year(app, session, world):
    client = as_user(app, session, world["resident"])
    form = page(client.get("/your-details/help-and-adjustments/add"))
    assert "We send you letters in large print." in form  # plain-language descriptions
    response = client.submit("/your-details/help-and-adjustments/add", {"kind": "large_print"})
    assert response.status_code == 302 and response.location.endswith("/your-details/help-and-adjustments")
    added = session.scalars(select(Adjustment).where(Adjustment.person_id == world["resident"].id)).one()
    assert added.kind is AdjustmentKind.LARGE_PRINT and added.review_on == date(2027, 12, 14)
    assert added.recorded_by_id == world["resident"].id
    assert audit_actions(session, world["resident"].id) == ["adjustment.added"]
    listing = page(client.get("/your-details/help-and-adjustments"))
    assert "Large print" in listing and "added to your help and adjustments" in listing


def test_choosing_nothing_shows_the_error(app, session, world):
    client = as_user(app, session, world["resident"])
    response = client.submit("/your-details/help-and-adjustments/add", {})
    assert response.status_code == 400 and "Select the help or adjustment you need" in page(response)


def test_a_kind_with_a_detail_asks_for_it_on_its_own_page(app, session, world):
    client = as_user(app, session, world["resident"])
    response = client.submit("/your-details/help-and-adjustments/add", {"kind": "fixed_call_times"})
    assert response.location.endswith("/your-details/help-and-adjustments/add/fixed_call_times")
    assert session.scalar(select(Adjustment.id)) is None  # nothing half-saved
    question = page(client.get("/your-details/help-and-adjustments/add/fixed_call_times"))
    assert "When can we call you?" in question
    refused = client.submit("/your-details/help-and-adjustments/add/fixed_call_times", {"detail": "  "})
    assert refused.status_code == 400 and "Enter the details of the help you need" in page(refused)
    client.submit("/your-details/help-and-adjustments/add/fixed_call_times", {"detail": "Tuesdays after 2pm"})
    added = session.scalars(select(Adjustment)).one()
    assert added.kind is AdjustmentKind.FIXED_CALL_TIMES and added.detail == "Tuesdays after 2pm"


def test_a_kind_without_a_detail_has_no_detail_page(app, session, world):
    client = as_user(app, session, world["resident"])
    assert client.get("/your-details/help-and-adjustments/add/large_print").status_code == 404
    assert client.get("/your-details/help-and-adjustments/add/not-a-kind").status_code == 404


def test_a_resident_changes_and_stops_their_own(app, session, world, make):
    adjustment = make.adjustment(world["resident"], AdjustmentKind.NAMED_CONTACT, detail="Sam in housing")
    client = as_user(app, session, world["resident"])
    url = f"/your-details/help-and-adjustments/{adjustment.id}"
    assert "Sam in housing" in page(client.get(f"{url}/change"))
    client.submit(f"{url}/change", {"detail": "Priya in housing"})
    session.refresh(adjustment)
    assert adjustment.detail == "Priya in housing"
    assert "Do you want us to stop this?" in page(client.get(f"{url}/stop"))
    assert client.submit(f"{url}/stop", {}).status_code == 302
    session.refresh(adjustment)
    assert adjustment.ended_at is not None and adjustment.ended_by_id == world["resident"].id
    assert audit_actions(session, world["resident"].id) == ["adjustment.changed", "adjustment.ended"]
    assert client.get(f"{url}/change").status_code == 404  # ended: no longer theirs to change


def test_another_residents_adjustment_is_not_found(app, session, world, make):
    theirs = make.adjustment(make.user(Role.RESIDENT), AdjustmentKind.OTHER, detail="Private")
    client = as_user(app, session, world["resident"])
    for path in ("change", "stop"):
        assert client.get(f"/your-details/help-and-adjustments/{theirs.id}/{path}").status_code == 404
        assert client.submit(f"/your-details/help-and-adjustments/{theirs.id}/{path}",
                             {"detail": "x"}, form_url="/your-details/help-and-adjustments/add").status_code == 404
    session.refresh(theirs)
    assert theirs.detail == "Private" and theirs.ended_at is None


# --- staff: the case page and the register ------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "agent", "manager", "responder"])
def test_the_case_page_shows_active_adjustments_within_the_query_budget(app, session, world, make, role):
    make.adjustment(world["resident"], AdjustmentKind.LARGE_PRINT)
    make.adjustment(world["resident"], AdjustmentKind.SOMEONE_TO_SPEAK, detail="Their daughter, Jo")
    make.adjustment(world["resident"], AdjustmentKind.BRAILLE, ended=True)
    client = as_user(app, session, world[role])
    response = client.get(f"/staff/cases/{world['case'].reference}")
    body = page(response)
    assert "Reasonable adjustments" in body and "2 adjustments" in body
    assert "Large print" in body and "Their daughter, Jo" in body and "Braille" not in body
    assert int(response.headers["X-Redress-Queries"]) <= 10
    manage = f"/staff/cases/{world['case'].reference}/adjustments"
    assert (manage in body) is (role != "responder")


def test_the_case_page_says_when_there_are_none(app, session, world):
    body = page(as_user(app, session, world["officer"]).get(f"/staff/cases/{world['case'].reference}"))
    assert "None recorded." in body


def test_an_agent_records_an_adjustment_from_the_case(app, session, world):
    client = as_user(app, session, world["agent"])
    url = f"/staff/cases/{world['case'].reference}/adjustments"
    refused = client.submit(f"{url}/new", {"kind": "named_contact", "detail": ""})
    assert refused.status_code == 400 and "Enter the details of this adjustment" in page(refused)
    assert client.submit(f"{url}/new", {"kind": "named_contact", "detail": "Olive Officer"}).status_code == 302
    added = session.scalars(select(Adjustment)).one()
    assert added.person_id == world["resident"].id and added.recorded_by_id == world["agent"].id
    register = page(client.get(url))
    assert "Olive Officer" in register and "One named contact at the council added by Alex Agent." in register


def test_staff_end_and_review_with_history(app, session, world, make):
    adjustment = make.adjustment(world["resident"], AdjustmentKind.EXTRA_TIME, review_on=date(2026, 12, 1))
    client = as_user(app, session, world["officer"])
    url = f"/staff/cases/{world['case'].reference}/adjustments"
    assert "Review due" in page(client.get(url))
    client.submit(f"{url}/{adjustment.id}/review", {}, form_url=url)
    session.refresh(adjustment)
    assert adjustment.review_on == date(2027, 12, 14) and adjustment.reviewed_at is not None
    client.submit(f"{url}/{adjustment.id}/end", {}, form_url=url)
    session.refresh(adjustment)
    assert adjustment.ended_by_id == world["officer"].id
    history = page(client.get(url))
    assert "Extra time to reply reviewed by Olive Officer." in history and "Extra time to reply ended by Olive Officer." in history
    assert audit_actions(session, world["resident"].id) == ["adjustment.reviewed", "adjustment.ended"]
    assert "adjustments.viewed" in audit_actions(session, world["resident"].id, "case")


def test_another_persons_adjustment_is_not_found_through_this_case(app, session, world, make):
    theirs = make.adjustment(make.user(Role.RESIDENT))
    client = as_user(app, session, world["officer"])
    url = f"/staff/cases/{world['case'].reference}/adjustments"
    assert client.submit(f"{url}/{theirs.id}/end", {}, form_url=url).status_code == 404
    session.refresh(theirs)
    assert theirs.ended_at is None


def test_a_case_without_a_person_has_no_register(app, session, world, make):
    case = make.case(None, world["service"])
    assert as_user(app, session, world["officer"]).get(f"/staff/cases/{case.reference}/adjustments").status_code == 404


@pytest.mark.parametrize("role", ["responder", "admin", "councillor"])
def test_others_may_not_open_the_register(app, session, world, role):
    client = as_user(app, session, world[role])
    assert client.get(f"/staff/cases/{world['case'].reference}/adjustments").status_code == 403


# --- lists --------------------------------------------------------------------------------------------


def test_case_list_and_triage_flag_people_with_adjustments_without_a_query_a_row(app, session, world, make):
    others = [make.user(Role.RESIDENT) for _ in range(3)]
    for n in range(50):
        person = world["resident"] if n % 2 else others[n % 3]
        make.case(person, world["service"])  # received: in the triage queue
    make.adjustment(world["resident"])
    client = as_user(app, session, world["officer"])
    for url in ("/staff/cases", "/staff/triage"):
        response = client.get(url)
        assert int(response.headers["X-Redress-Queries"]) <= 10
        assert page(response).count(">Adjustments</strong>") >= 25, url


# --- reviews that are due ----------------------------------------------------------------------------


def test_due_reviews_oldest_first_and_mark_reviewed(app, session, world, make):
    later = make.adjustment(world["resident"], AdjustmentKind.AUDIO, review_on=date(2026, 12, 10))
    oldest = make.adjustment(make.user(Role.RESIDENT, full_name="Bea Older"), AdjustmentKind.BRAILLE,
                             review_on=date(2026, 6, 1))
    make.adjustment(world["resident"], AdjustmentKind.EASY_READ, review_on=date(2027, 1, 1))  # not yet due
    make.adjustment(world["resident"], AdjustmentKind.EXTRA_TIME, review_on=date(2026, 1, 1), ended=True)
    client = as_user(app, session, world["officer"])
    body = page(client.get("/staff/adjustments/reviews"))
    assert body.index("Bea Older") < body.index("Ada Resident")
    assert "Braille" in body and "Audio" in body and "Easy read" not in body and "Extra time" not in body
    assert f"/staff/cases/{world['case'].reference}/adjustments" in body  # the person's case, to open the register
    client.submit(f"/staff/adjustments/{oldest.id}/reviewed", {}, form_url="/staff/adjustments/reviews")
    session.refresh(oldest)
    assert oldest.review_on == date(2027, 12, 14)
    assert "Bea Older" not in page(client.get("/staff/adjustments/reviews"))
    assert later.review_on == date(2026, 12, 10)


def test_a_review_comes_due_as_time_passes(app, session, world, make):
    make.adjustment(world["resident"], review_on=date(2027, 3, 1))
    client = as_user(app, session, world["manager"])
    assert "No adjustments are due for review." in page(client.get("/staff/adjustments/reviews"))
    clock.set_now("2027-03-01T09:00")
    client = as_user(app, session, world["manager"])  # months later: a new session (the old one has timed out)
    assert "Ada Resident" in page(client.get("/staff/adjustments/reviews"))


def test_due_reviews_are_paginated(app, session, world, make):
    for n in range(27):
        make.adjustment(make.user(Role.RESIDENT), review_on=date(2026, 1, 1 + n))
    client = as_user(app, session, world["officer"])
    first = client.get("/staff/adjustments/reviews")
    assert "27 adjustments due for review" in page(first) and int(first.headers["X-Redress-Queries"]) <= 10
    second = client.get("/staff/adjustments/reviews?page=2")
    assert second.status_code == 200 and page(second).count("Mark reviewed") == 2


# --- correspondence, export, digest ----------------------------------------------------------------------


def test_notifications_honour_the_register(app, session, world, make):
    from shared.services import notifications

    resident = world["resident"]
    resident.address = "1 High Street\nTown"
    resident.phone = "07700 900 982"
    session.commit()
    with app.test_request_context():
        from shared.db import db

        person = db.session.get(type(resident), resident.id)
        assert notifications.adjustments_for(person) == frozenset()
        assert notifications.contact_for(person)[0] is MessageChannel.EMAIL
    make.adjustment(resident, AdjustmentKind.LARGE_PRINT)
    with app.test_request_context():
        person = db.session.get(type(resident), resident.id)
        assert notifications.contact_for(person) == (MessageChannel.LETTER, "1 High Street\nTown")
        case = db.session.get(type(world["case"]), world["case"].id)
        notifications.tell_resident(case, "case_closed", None)
        letter = db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
        assert letter.channel is MessageChannel.LETTER and letter.format is MessageFormat.LARGE_PRINT
        assert not letter.subject.startswith("Large print")
        db.session.rollback()
    make.adjustment(resident, AdjustmentKind.EMAIL_ONLY)
    with app.test_request_context():
        person = db.session.get(type(resident), resident.id)
        person.preferred_contact = ContactMethod.POST
        assert notifications.contact_for(person) == (MessageChannel.EMAIL, resident.email)
        db.session.rollback()


def test_the_persons_own_export_includes_their_adjustments(app, session, world, make):
    make.adjustment(world["resident"], AdjustmentKind.OTHER, detail="Quiet room for meetings")
    client = as_user(app, session, world["resident"])
    data = client.get("/your-data/download").get_json()
    assert [a["kind"] for a in data["help_and_adjustments"]] == ["other"]
    assert data["help_and_adjustments"][0]["detail"] == "Quiet room for meetings"
    assert "Quiet room for meetings" in page(client.get("/your-data"))


def test_managers_digest_counts_due_reviews(app, session, world, make):
    from shared.services import digests

    make.adjustment(world["resident"], review_on=date(2026, 12, 1))
    with app.test_request_context():
        built = digests.build(date(2026, 12, 14))
        assert built[world["manager"].id].team["adjustment_reviews"] == 1
        digests.send_digests(date(2026, 12, 14))
        from shared.db import db

        body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.user_id == world["manager"].id)).one()
        assert "1 reasonable adjustment due for review" in body and "/staff/adjustments/reviews" in body
        db.session.rollback()
