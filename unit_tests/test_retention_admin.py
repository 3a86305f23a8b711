"""Admins set, per procedure, how many years a closed case is kept (1 to 20, 6 by default) in
/staff/admin/retention; the privacy notice, the close-your-account pages and the account-closed
email quote what they set. Every change audited and shown as who, when, from → to."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared.domain.enums import Role
from shared.models import AuditEvent, OutboxMessage, RetentionPeriod
from shared.services import retention
from unit_tests.factories import PASSWORD, sign_in
from unit_tests.test_route_access import quick_sign_in

SLUGS = ("adults", "children", "corporate", "feedback", "housing", "local-policy", "member-enquiry",
         "member-enquiry-complex")


def _all(years: int | str, **overrides) -> dict[str, str]:
    values = {f"years_{slug}": str(years) for slug in SLUGS}
    values.update({f"years_{slug.replace('_', '-')}": str(value) for slug, value in overrides.items()})
    return values


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    person = make.user(Role.ADMIN, full_name="Alex Admin")
    quick_sign_in(client, session, person)
    client.person = person
    return client


def test_every_procedure_keeps_cases_six_years_until_an_admin_says_otherwise(app, client):
    with app.test_request_context():
        found = retention.periods()
        assert {p.slug for p in found} == set(SLUGS)
        assert {p.years for p in found} == {6} and not any(p.saved for p in found)
        assert retention.years_for("corporate") == 6
        assert retention.summary().years_text == "6"
    assert "for 6 years after the case closes" in client.get("/privacy").get_data(as_text=True)


def test_an_admin_changes_one_period_and_residents_are_told_per_kind_of_case(app, admin, session, client):
    page = admin.get("/staff/admin/retention").get_data(as_text=True)
    assert 'name="years_corporate"' in page and 'value="6"' in page
    response = admin.submit("/staff/admin/retention", _all(6, corporate=10))
    assert response.status_code == 302
    assert session.get(RetentionPeriod, "corporate").years == 10
    assert session.get(RetentionPeriod, "housing") is None  # unchanged: still the default, no row
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.changed")).one()
    assert event.actor_id == admin.person.id and event.details["changes"] == {"corporate": [6, 10]}
    with app.test_request_context():
        assert retention.years_for("corporate") == 10 and retention.summary().years_text == "6 to 10"

    privacy = client.get("/privacy").get_data(as_text=True)
    assert "How long depends on the kind of case" in privacy
    assert "Corporate complaints (Complaint Handling Code): 10 years" in privacy
    assert "Adults&#39; social care complaints, Children&#39;s social care complaints" in privacy
    assert "for 6 to 10 years after it closes" in client.get("/account-closed").get_data(as_text=True)

    history = admin.get("/staff/admin/retention").get_data(as_text=True)
    assert "Alex Admin" in history
    assert ("Corporate complaints (Complaint Handling Code)</span>: <span class=\"redress-pre-line\" dir=\"auto\">6</span> → "
            "<span class=\"redress-pre-line\" dir=\"auto\">10") in history
    # the same figures again: nothing recorded
    admin.submit("/staff/admin/retention", _all(6, corporate=10))
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.subject_type == "retention")) == 1


def test_closing_an_account_quotes_the_configured_period_on_the_pages_and_in_the_email(app, admin, session, make):
    admin.submit("/staff/admin/retention", _all(7))
    resident = make.user(Role.RESIDENT, email="jane@example.com", full_name="Jane Williams", locale="en")
    session.commit()
    client = app.test_client()
    sign_in(client, resident)
    assert "We keep each case for 7 years after it closes" in client.get("/close-account").get_data(as_text=True)
    assert client.submit("/close-account", {"password": PASSWORD}).status_code == 302
    assert "for 7 years after it closes" in client.get("/account-closed").get_data(as_text=True)
    email = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "account_closed")).one()
    assert "we keep each case for 7 years after it closes" in email.body
    assert "for 7 years after the case closes" in client.get("/privacy").get_data(as_text=True)


@pytest.mark.parametrize("bad", ["0", "21", "six", "", "2.5", "-3", "٣"])
def test_a_period_outside_1_to_20_whole_years_is_refused_with_everything_kept(admin, session, bad):
    response = admin.submit("/staff/admin/retention", _all(8, housing=bad))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body
    assert "Enter a whole number of years from 1 to 20 for Housing complaints (Complaint Handling Code)" in body
    assert body.count('value="8"') == len(SLUGS) - 1  # the others as typed
    assert session.scalar(select(func.count()).select_from(RetentionPeriod)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_service_refuses_unknown_procedures_and_figures_out_of_range(app, make):
    with app.test_request_context():
        actor = make.user(Role.ADMIN)
        with pytest.raises(LookupError):
            retention.save(actor, {"no-such-procedure": 5})
        with pytest.raises(retention.OutOfRange):
            retention.save(actor, {"corporate": 21})
        assert retention.save(actor, {"corporate": 6}) == {}  # the default already
        assert retention.save(actor, {"corporate": 20, "housing": 1}) == {"corporate": [6, 20], "housing": [6, 1]}
        assert retention.summary().years_text == "1 to 20"


def test_the_welsh_pages_give_the_range_in_welsh(app, admin, client):
    admin.submit("/staff/admin/retention", _all(6, corporate=10))
    assert "6 i 10" in client.get("/account-closed?lang=cy").get_data(as_text=True)
