"""Finding a customer, their page and its audit, records without an account, and invitations."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shared.db import db
from shared.domain.enums import CaseStatus, ContactMethod, MessageChannel, Role
from shared.models import AuditEvent, Case, OutboxMessage, User
from shared.services import accounts, casework, customers, guest_access
from shared.services.customers import mask_email, mask_phone
from unit_tests.test_route_access import quick_sign_in


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def people(make):
    housing, bins = make.service(name="Housing repairs"), make.service(name="Waste and recycling")
    ada = make.user(Role.RESIDENT, email="ada.lovelace@example.com", full_name="Ada Lovelace",
                    phone="07700 900 982", address="12 Analytical Row\nRedbury\nRB1 4AA")
    other = make.user(Role.RESIDENT, email="charles@example.com", full_name="Charles Babbage", phone="01632 960 001",
                      address="1 Engine Street\nRedbury\nRB9 9ZZ")
    cases = [make.case(ada, housing), make.case(ada, bins, what_happened="Missed bin, third week.")]
    make.case(other, housing)
    return {"ada": ada, "other": other, "cases": cases, "housing": housing, "bins": bins}


@pytest.fixture
def agent(client, session, make):
    user = make.user(Role.AGENT, full_name="Sam Okafor")
    quick_sign_in(client, session, user)
    return user


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Ada", "lovelace", "ada.lovelace@example", "07700900982", "+44 7700 900982",
                                   "rb1 4aa", "RB14AA"])
def test_search_finds_by_name_email_phone_and_postcode(client, agent, people, query):
    body = page(client.get("/staff/customers", query_string={"q": query}))
    assert "Ada Lovelace" in body
    assert "Charles Babbage" not in body
    assert "1 customer found" in body


def test_search_by_case_reference_finds_the_cases_person(client, agent, people):
    reference = people["cases"][1].reference
    body = page(client.get("/staff/customers", query_string={"q": reference.lower()}))
    assert "Ada Lovelace" in body and "Charles Babbage" not in body


def test_results_mask_contact_details_and_count_cases(client, agent, people):
    body = page(client.get("/staff/customers", query_string={"q": "Ada"}))
    assert "ada.lovelace@example.com" not in body and "07700 900 982" not in body
    assert mask_email("ada.lovelace@example.com") in body
    assert mask_phone("07700 900 982") in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in body


def test_staff_are_never_customers(client, agent, make):
    make.user(Role.OFFICER, full_name="Ada Officer")
    body = page(client.get("/staff/customers", query_string={"q": "Ada Officer"}))
    assert "0 customers found" in body and "Ada Officer</a>" not in body


def test_an_empty_search_shows_the_error_and_opening_the_page_does_not(client, agent):
    assert "There is a problem" not in page(client.get("/staff/customers"))
    response = client.get("/staff/customers?q=")
    assert "Enter a name, email address, phone number, postcode or case reference" in page(response)


def test_results_are_paginated_within_the_query_budget(client, agent, make):
    for n in range(30):
        make.user(Role.RESIDENT, full_name=f"Pat Smith {n:02d}")
    first = page(client.get("/staff/customers", query_string={"q": "Pat Smith"}))  # the strict client counts queries
    assert "30 customers found" in first and "Pat Smith 00" in first and "Pat Smith 29" not in first
    second = page(client.get("/staff/customers", query_string={"q": "Pat Smith", "page": 2}))
    assert "Pat Smith 29" in second and "Pat Smith 00" not in second


# --- the customer page -------------------------------------------------------------------------------


def test_customer_page_shows_details_and_history_across_services_and_is_audited(client, session, agent, people):
    ada = people["ada"]
    body = page(client.get(f"/staff/customers/{ada.id}"))
    assert "ada.lovelace@example.com" in body and "07700 900 982" in body and "RB1 4AA" in body
    for case in people["cases"]:
        assert case.reference in body
    assert "Housing repairs" in body and "Waste and recycling" in body
    assert "Who has looked at or changed this record" not in body  # managers only
    audits = session.scalars(select(AuditEvent).where(AuditEvent.person_id == ada.id)).all()
    assert [(a.action, a.actor_id, a.subject_id) for a in audits] == [("customer.viewed", agent.id, ada.id)]


def test_each_view_is_audited_and_managers_see_the_trail(client, session, make, people):
    ada = people["ada"]
    viewer = make.user(Role.AGENT, full_name="Nosey Agent")
    quick_sign_in(client, session, viewer)
    client.get(f"/staff/customers/{ada.id}")
    client.get(f"/staff/customers/{ada.id}")
    manager = make.user(Role.MANAGER, full_name="Helen Morgan")
    quick_sign_in(client, session, manager)
    body = page(client.get(f"/staff/customers/{ada.id}"))
    assert "Who has looked at or changed this record" in body
    assert body.count("Nosey Agent") == 2 and "Helen Morgan" in body
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.person_id == ada.id).limit(1)) is not None
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.viewed",
                                                        AuditEvent.person_id == ada.id)).all()) == 3


@pytest.mark.parametrize("role", [Role.OFFICER, Role.AGENT, Role.ADMIN, Role.COUNCILLOR])
def test_someone_who_is_not_a_resident_has_no_customer_page(client, agent, make, role):
    assert client.get(f"/staff/customers/{make.user(role).id}").status_code == 404


@pytest.mark.parametrize("role", [Role.RESPONDER, Role.ADMIN])
def test_staff_who_do_not_take_calls_are_refused(client, session, make, people, role):
    quick_sign_in(client, session, make.user(role))
    assert client.get("/staff/customers?q=Ada").status_code == 403
    assert client.get(f"/staff/customers/{people['ada'].id}").status_code == 403
    assert session.scalars(select(AuditEvent).where(AuditEvent.person_id == people["ada"].id)).all() == []


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER])
def test_officers_and_managers_may_find_customers(client, session, make, people, role):
    quick_sign_in(client, session, make.user(role))
    assert "Ada Lovelace" in page(client.get("/staff/customers?q=Ada"))


# --- records without an account ----------------------------------------------------------------------


def test_create_a_record_without_an_email_address(client, session, agent):
    response = client.submit("/staff/customers/new", {
        "full_name": "Edna Jones", "email": "", "phone": "01632 960 123", "address": "3 Mill Lane\nRB2 5CD",
        "preferred_contact": "post", "locale": "cy"})
    assert response.status_code == 302
    person = session.scalar(select(User).where(User.full_name == "Edna Jones"))
    assert person.role is Role.RESIDENT and person.password_hash is None and not person.has_account
    assert person.email is None
    assert person.preferred_contact is ContactMethod.POST and person.locale == "cy" and person.phone == "01632 960 123"
    assert response.location.endswith(f"/staff/customers/{person.id}")
    audit = session.scalars(select(AuditEvent).where(AuditEvent.person_id == person.id)).all()
    assert [a.action for a in audit] == ["customer.created"]
    body = page(client.get(f"/staff/customers/{person.id}"))
    assert "None given" in body and "Invite to the portal" not in body and "no-email" not in body


def _record_without_email(client, session, **given) -> User:
    fields = {"full_name": "Edna Jones", "email": "", "phone": "01632 960 123", "address": "3 Mill Lane\nRB2 5CD",
              "preferred_contact": "post", "locale": "en", **given}
    assert client.submit("/staff/customers/new", fields).status_code == 302
    return session.scalar(select(User).where(User.full_name == fields["full_name"]))


def test_records_without_email_are_many_and_found_by_name_and_phone(client, session, agent):
    edna = _record_without_email(client, session)
    fred = _record_without_email(client, session, full_name="Fred Jones", phone="01632 960 456")
    assert edna.email is None and fred.email is None  # NULLs never collide in the unique column
    for query in ("Edna", "01632 960 123", "01632960123"):
        body = page(client.get("/staff/customers", query_string={"q": query}))
        assert "Edna Jones" in body and "1 customer found" in body, query
    both = page(client.get("/staff/customers", query_string={"q": "Jones"}))
    assert "2 customers found" in both and "@" not in both.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def test_a_record_without_email_is_never_invited(app, client, session, agent):
    edna = _record_without_email(client, session)
    response = client.submit(f"/staff/customers/{edna.id}/invite", form_url="/staff/customers/new")
    assert response.status_code == 409
    with app.test_request_context():
        person = db.session.get(User, edna.id)
        for send in (lambda: customers.invite(person, db.session.get(User, agent.id)),
                     lambda: accounts.send_finish_account(person, "en")):
            with pytest.raises(ValueError):
                send()
    assert session.scalars(select(OutboxMessage)).all() == []


def _acknowledge(app, session, make, person: User) -> list[OutboxMessage]:
    officer = make.user(Role.OFFICER)
    case = make.case(person, make.service(), status=CaseStatus.TRIAGED)
    with app.test_request_context():
        casework.acknowledge(db.session.get(Case, case.id), db.session.get(User, officer.id), None)
        db.session.commit()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)))


def test_a_case_update_for_someone_without_email_goes_by_letter(app, client, session, make, agent):
    edna = _record_without_email(client, session, preferred_contact="phone")  # phone calls are not messages
    [letter] = _acknowledge(app, session, make, edna)
    assert (letter.channel, letter.recipient, letter.template) == (
        MessageChannel.LETTER, "3 Mill Lane\nRB2 5CD", "case_acknowledged")


def test_a_case_update_for_someone_we_cannot_write_to_is_not_sent(app, session, make):
    nobody = User(email=None, full_name="No Contact", role=Role.RESIDENT, preferred_contact=ContactMethod.PHONE)
    session.add(nobody)
    session.commit()
    assert _acknowledge(app, session, make, nobody) == []


def test_asking_for_a_new_link_to_a_case_of_someone_without_email_sends_nothing(app, client, session, make, agent):
    edna = _record_without_email(client, session)
    case = make.case(edna, make.service())
    with app.test_request_context():
        guest_access.re_request(case.reference, "edna@example.com", locale="en")
    assert session.scalars(select(OutboxMessage)).all() == []


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, session, agent):
    response = client.submit("/staff/customers/new", {"full_name": "Edna Jones", "email": "", "phone": "",
                                                      "address": "", "preferred_contact": "phone", "locale": "en"})
    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body and "Enter their phone number, or choose another way to contact them" in body
    assert 'value="Edna Jones"' in body
    assert session.scalar(select(User).where(User.full_name == "Edna Jones")) is None
    empty = client.submit("/staff/customers/new", {})
    assert "Enter their full name" in page(empty) and "Select how they would like us to contact them" in page(empty)


def test_an_email_already_on_record_is_refused(client, session, agent, people):
    response = client.submit("/staff/customers/new", {"full_name": "Ada Again", "email": "Ada.Lovelace@example.com",
                                                      "preferred_contact": "email", "locale": "en"})
    assert response.status_code == 400
    assert "There is already a customer with this email address" in page(response)
    assert session.scalar(select(User).where(User.full_name == "Ada Again")) is None


def test_invite_sends_the_finish_account_link_and_is_audited(client, session, agent):
    client.submit("/staff/customers/new", {"full_name": "Edna Jones", "email": "edna@example.com",
                                           "preferred_contact": "email", "locale": "en"})
    person = session.scalar(select(User).where(User.email == "edna@example.com"))
    body = page(client.get(f"/staff/customers/{person.id}"))
    assert "Invite to the portal" in body
    response = client.submit(f"/staff/customers/{person.id}/invite", form_url=f"/staff/customers/{person.id}")
    assert response.status_code == 302
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "edna@example.com"))
    assert message is not None and message.template == "finish_account"
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.person_id == person.id)
                              .order_by(AuditEvent.id)).all()
    assert actions[0] == "customer.created" and "customer.invited" in actions


def test_someone_with_an_account_cannot_be_invited(client, session, agent, people):
    token = client.csrf_token("/staff/customers/new")
    response = client.post(f"/staff/customers/{people['ada'].id}/invite", data={"csrf_token": token})
    assert response.status_code == 409
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.template == "finish_account")) is None


# --- changing a record's details ---------------------------------------------------------------------


def _edit(client, person, **changes):
    data = {"full_name": person.full_name, "email": person.email or "", "phone": person.phone or "",
            "address": person.address or "", "preferred_contact": (person.preferred_contact or ContactMethod.POST).value,
            "locale": person.locale or "en", **changes}
    return client.submit(f"/staff/customers/{person.id}/edit", data)


def test_the_edit_form_starts_from_the_record(client, session, agent):
    edna = _record_without_email(client, session, locale="cy")
    body = page(client.get(f"/staff/customers/{edna.id}"))
    assert f'href="/staff/customers/{edna.id}/edit"' in body
    form = page(client.get(f"/staff/customers/{edna.id}/edit"))
    assert 'value="Edna Jones"' in form and 'value="01632 960 123"' in form and "3 Mill Lane" in form
    assert 'value="post" checked' in form and 'value="cy" checked' in form


def test_an_agent_changes_a_records_details_and_it_is_audited(client, session, agent):
    edna = _record_without_email(client, session)
    response = _edit(client, edna, full_name="Edna Price", email="Edna@Example.com", phone="07700 900 111",
                     address="4 New Road\nRB3 1AA", preferred_contact="email", locale="cy")
    assert response.status_code == 302 and response.location.endswith(f"/staff/customers/{edna.id}")
    session.expire_all()
    person = session.get(User, edna.id)
    assert (person.full_name, person.email, person.phone, person.address, person.preferred_contact, person.locale) == (
        "Edna Price", "edna@example.com", "07700 900 111", "4 New Road\nRB3 1AA", ContactMethod.EMAIL, "cy")
    [changed] = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.updated")).all()
    assert (changed.actor_id, changed.person_id) == (agent.id, edna.id)
    assert changed.details == {"fields": ["full_name", "email", "phone", "address", "preferred_contact", "locale"]}
    assert "3 Mill Lane" not in str(changed.details)  # which fields, not what they held
    assert "Details changed for Edna Price" in page(client.get(f"/staff/customers/{edna.id}"))
    assert "Invite to the portal" in page(client.get(f"/staff/customers/{edna.id}"))  # now they have an address


def test_saving_without_changes_audits_nothing(client, session, agent):
    edna = _record_without_email(client, session)
    assert _edit(client, edna).status_code == 302
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.updated")).all() == []
    assert "Nothing was changed" in page(client.get(f"/staff/customers/{edna.id}"))


def test_errors_keep_what_was_typed_and_change_nothing(client, session, agent, people):
    edna = _record_without_email(client, session)
    response = _edit(client, edna, full_name="", phone="Not a number", address="9 Typed Street")
    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body and "Enter their full name" in body and "Enter a phone number" in body
    assert 'value="Not a number"' in body and "9 Typed Street" in body
    taken = _edit(client, edna, email="ada.lovelace@example.com")
    assert taken.status_code == 400 and "already someone else" in page(taken)
    assert 'value="ada.lovelace@example.com"' in page(taken)
    emptied = _edit(client, edna, address="", preferred_contact="post")
    assert "Enter their postal address, or choose another way to contact them" in page(emptied)
    session.expire_all()
    assert session.get(User, edna.id).address == "3 Mill Lane\nRB2 5CD"
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.updated")).all() == []


def test_the_email_of_someone_with_an_account_is_theirs_to_change(client, session, agent, people):
    ada = people["ada"]
    form = page(client.get(f"/staff/customers/{ada.id}/edit"))
    assert 'name="email"' not in form and "only they can change it" in form and "ada.lovelace@example.com" in form
    assert _edit(client, ada, email="thief@example.com", phone="01632 960 999").status_code == 302
    session.expire_all()
    person = session.get(User, ada.id)
    assert person.email == "ada.lovelace@example.com" and person.phone == "01632 960 999"
    refused = _edit(client, ada, preferred_contact="email")  # their email still counts for the contact check
    assert refused.status_code == 302


def test_a_manager_sees_the_change_in_the_trail_and_others_may_not_edit(client, session, make, agent, people):
    assert _edit(client, people["ada"], phone="01632 960 999").status_code == 302
    quick_sign_in(client, session, make.user(Role.MANAGER))
    assert "Changed their details" in page(client.get(f"/staff/customers/{people['ada'].id}"))
    for role in (Role.RESPONDER, Role.ADMIN):
        quick_sign_in(client, session, make.user(role))
        assert client.get(f"/staff/customers/{people['ada'].id}/edit").status_code == 403
    quick_sign_in(client, session, agent)
    officer = make.user(Role.OFFICER)
    assert client.get(f"/staff/customers/{officer.id}/edit").status_code == 404  # staff are not customers


@pytest.mark.parametrize(("locale", "shown"), [("en", "English"), ("cy", "Welsh"), ("pl", "Polish"), ("ur", "Urdu"), (None, "English")])
def test_the_customer_page_names_the_persons_language(client, agent, make, locale, shown):
    person = make.user(full_name="Lena Example", locale=locale)
    body = page(client.get(f"/staff/customers/{person.id}"))
    row = re.search(r">\s*Language\s*</dt>\s*<dd[^>]*>\s*([^<]*?)\s*</dd>", body)
    assert row and row.group(1) == shown
