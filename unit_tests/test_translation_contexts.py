"""One English word, two meanings: a context (pgettext) lets each language translate them apart."""

from __future__ import annotations

import re

import pytest

from shared.domain.enums import Role
from unit_tests.test_route_access import quick_sign_in


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    quick_sign_in(client, session, make.user(Role.ADMIN, full_name="Alex Admin"))
    return client


def _label(page: str, field: str) -> str:
    match = re.search(rf'<label[^>]*for="{field}"[^>]*>\s*(.*?)\s*</label>', page, re.S)
    assert match, f"no label for {field}"
    return match.group(1)


def test_a_thing_s_name_and_a_person_s_name_are_two_polish_words(admin):
    form = admin.get("/staff/admin/support-services/new?lang=pl").get_data(as_text=True)
    assert _label(form, "name") == "Nazwa"
    assert "Dodaj usługę wsparcia" in form  # the directory's "Add a service", not a council department's
    users = admin.get("/staff/admin/users").get_data(as_text=True)  # still Polish: the choice is kept
    assert re.search(r'<th scope="col" class="govuk-table__header">Imię i nazwisko</th>', users)
    assert "Dodaj dział" in admin.get("/staff/admin/services/new").get_data(as_text=True)  # a council department


def _legend(page: str, described_by: str) -> str:
    match = re.search(rf'aria-describedby="{described_by}">\s*<legend[^>]*>\s*(.*?)\s*</legend>', page, re.S)
    assert match, f"no legend described by {described_by}"
    return match.group(1)


def test_the_end_of_a_date_range_is_not_the_recipient_of_a_message(admin):
    audit = admin.get("/staff/admin/audit?lang=ur").get_data(as_text=True)
    assert _legend(audit, "end-hint") == "تا تاریخ"  # "to" a date; "بنام" (addressed to) is a message's recipient
    assert _legend(audit, "start-hint") == "از تاریخ"
    assert "بنام" not in audit
    welsh = admin.get("/staff/admin/audit?lang=cy").get_data(as_text=True)
    assert _legend(welsh, "end-hint") == "I"
