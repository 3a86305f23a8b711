"""The staff case list: search, filters, saved views, sorting, pages, scope and the query budget."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from shared import clock
from shared.clock import utcnow
from shared.domain.enums import CaseKind, CaseStatus, Channel, ContactMethod, LegalHoldReason, Role
from shared.domain.references import new_reference
from shared.models import Case, CaseStage
from unit_tests.strict_client import MAX_QUERIES
from unit_tests.test_route_access import quick_sign_in

_LINK = re.compile(r'href="/staff/cases/(RDR-[0-9A-Z]{4}-[0-9A-Z]{4})"')
# A Wednesday: "due soon" is up to Friday, Monday is three working days away.
TODAY = "2027-03-10T12:00:00"


def listed(client, query: dict | str = "") -> list[str]:
    response = client.get("/staff/cases", query_string=query)
    assert response.status_code == 200
    return _LINK.findall(response.get_data(as_text=True))


@pytest.fixture
def service(make):
    return make.service(name="Housing repairs")


@pytest.fixture
def officer(client, session, make):
    user = make.user(Role.OFFICER, full_name="Olive Officer")
    quick_sign_in(client, session, user)
    return user


def bulk_cases(session, service, procedure_id: int, count: int, **fields) -> list[Case]:
    """Many cases in two INSERT batches (cases, then their stages) and one commit."""
    start = utcnow() - timedelta(days=count)
    cases = [
        Case(reference=new_reference(), kind=CaseKind.COMPLAINT, status=fields.get("status", CaseStatus.ACKNOWLEDGED),
             stage=1, channel=Channel.ONLINE, service_id=service.id, resident_id=fields.get("resident_id"),
             officer_id=fields.get("officer_id"), what_happened=f"Case number {n}", outcome_wanted="Fix it.",
             contact_method=ContactMethod.EMAIL, received_at=start + timedelta(days=n), procedure_id=procedure_id,
             respond_by=(start + timedelta(days=n + 14)).date(), definition={})
        for n in range(count)
    ]
    session.add_all(cases)
    session.flush()
    session.add_all(CaseStage(case_id=c.id, number=1, started_at=c.received_at, received_on=c.received_at.date(),
                              respond_by=c.respond_by, findings={}) for c in cases)
    session.commit()
    return cases


# ---------------------------------------------------------------------------------------------
# Search


@pytest.fixture
def people(make, service):
    jane = make.user(Role.RESIDENT, full_name="Jane Whitfield", email="jane.whitfield@example.com", phone="07700 900123")
    omar = make.user(Role.RESIDENT, full_name="Omar Bashir", email="omar@example.net", phone="01632 960001")
    jane_case = make.case(jane, service, what_happened="The boiler broke in January.",
                          contact_address="1 High Street\nSwansea\nSA1 1AA", contact_phone="07700 900555")
    omar_case = make.case(omar, service, what_happened="Fly-tipping 50% worse by the park.",
                          contact_address="9 Low Road\nCardiff\nCF10 3AT")
    return jane_case, omar_case


@pytest.mark.parametrize("q", [
    "whitfield", "JANE", "jane whitfield", "jane.whitfield@example", "900123", "07700 900123", "07700900123",
    "07700900555", "sa1 1aa", "SA11AA", "swansea", "BOILER", "broke in jan",
])
def test_search_finds_the_case_by_each_field_and_not_the_other(client, officer, people, q):
    jane_case, omar_case = people
    assert listed(client, {"q": q}) == [jane_case.reference]


def test_search_by_reference_however_it_is_typed(client, officer, people):
    jane_case, omar_case = people
    loose = jane_case.reference.lower().replace("-", " ")
    assert listed(client, {"q": loose}) == [jane_case.reference]
    assert listed(client, {"q": jane_case.reference[4:8]}) == [jane_case.reference]


def test_search_treats_like_wildcards_as_text(client, officer, people):
    jane_case, omar_case = people
    assert listed(client, {"q": "50%"}) == [omar_case.reference]
    assert listed(client, {"q": "%"}) == [omar_case.reference]
    assert listed(client, {"q": "_"}) == []


def test_a_search_matching_nothing_says_so(client, officer, people):
    page = client.get("/staff/cases", query_string={"q": "zebra crossing"}).get_data(as_text=True)
    assert "0 cases found" in page and "No cases match" in page


# ---------------------------------------------------------------------------------------------
# Filters


def test_filters_each_find_the_right_cases(client, session, make, officer, service):
    other_service = make.service(name="Waste")
    handler = make.user(Role.OFFICER, full_name="Harriet Handler")
    base = make.case(None, service, status=CaseStatus.ACKNOWLEDGED)
    received = make.case(None, service, status=CaseStatus.RECEIVED)
    closed = make.case(None, service, status=CaseStatus.CLOSED)
    stage2 = make.case(None, service, status=CaseStatus.ACKNOWLEDGED, stage=2)
    adults = make.case(None, service, status=CaseStatus.ACKNOWLEDGED, procedure="adults")
    waste = make.case(None, other_service, status=CaseStatus.ACKNOWLEDGED)
    handled = make.case(None, service, status=CaseStatus.WITH_TEAM, officer_id=handler.id)
    enquiry = make.case(None, service, status=CaseStatus.ACKNOWLEDGED, kind=CaseKind.MEMBER_ENQUIRY)
    vulnerable = make.case(None, service, status=CaseStatus.ACKNOWLEDGED, vulnerable=True)
    every = {c.reference for c in (base, received, closed, stage2, adults, waste, handled, enquiry, vulnerable)}

    def refs(query):
        return set(listed(client, query))

    assert refs({}) == every
    assert refs({"status": "received"}) == {received.reference}
    assert refs([("status", "received"), ("status", "closed")]) == {received.reference, closed.reference}
    assert refs({"state": "closed"}) == {closed.reference}
    assert refs({"state": "open"}) == every - {closed.reference}
    assert refs({"stage": "2"}) == {stage2.reference}
    assert refs({"procedure": "adults"}) == {adults.reference}
    assert refs({"service": str(other_service.id)}) == {waste.reference}
    assert refs({"officer": str(handler.id)}) == {handled.reference}
    assert refs({"officer": "none"}) == every - {handled.reference}
    assert refs({"kind": "member_enquiry"}) == {enquiry.reference}
    assert refs({"vulnerable": "y"}) == {vulnerable.reference}
    # filters combine
    assert refs({"service": str(service.id), "kind": "member_enquiry", "state": "open"}) == {enquiry.reference}
    assert refs({"service": str(service.id), "kind": "member_enquiry", "state": "closed"}) == set()


def test_due_soon_and_overdue_use_working_days(client, session, make, officer, service):
    clock.set_now(TODAY)
    quick_sign_in(client, session, officer)  # signed in today (a session from months ago has timed out)
    today = date(2027, 3, 10)
    overdue = make.case(None, service, status=CaseStatus.WITH_TEAM, respond_by=today - timedelta(days=1))
    due_today = make.case(None, service, status=CaseStatus.WITH_TEAM, respond_by=today)
    friday = make.case(None, service, status=CaseStatus.WITH_TEAM, respond_by=date(2027, 3, 12))
    monday = make.case(None, service, status=CaseStatus.WITH_TEAM, respond_by=date(2027, 3, 15))
    late_ack = make.case(None, service, status=CaseStatus.RECEIVED, acknowledge_by=date(2027, 3, 1))
    closed_late = make.case(None, service, status=CaseStatus.CLOSED, respond_by=date(2027, 1, 1))
    assert set(listed(client, {"due": "overdue"})) == {overdue.reference, late_ack.reference}
    assert set(listed(client, {"due": "soon"})) == {due_today.reference, friday.reference}
    assert monday.reference not in listed(client, {"due": "soon"})
    assert closed_late.reference not in listed(client, {"due": "overdue"})


def test_selected_filters_are_tags_that_remove_themselves(client, officer, make, service):
    make.case(None, service, status=CaseStatus.RECEIVED)
    page = client.get("/staff/cases", query_string=[("status", "received"), ("status", "closed"),
                                                     ("kind", "complaint")]).get_data(as_text=True)
    assert "Selected filters" in page
    tags = re.findall(r'<a class="moj-filter__tag" href="([^"]+)">', page)
    assert len(tags) == 3
    without_received = next(t for t in tags if "status=received" not in t)
    assert "status=closed" in without_received and "kind=complaint" in without_received


# ---------------------------------------------------------------------------------------------
# Who sees what


def test_responders_see_only_their_services_cases(client, session, make, service):
    other = make.service(name="Parking")
    mine = make.case(None, service, status=CaseStatus.WITH_SERVICE, what_happened="Leaking roof")
    theirs = make.case(None, other, status=CaseStatus.WITH_SERVICE, what_happened="Leaking roof too")
    quick_sign_in(client, session, make.user(Role.RESPONDER, service_id=service.id))
    assert listed(client) == [mine.reference]
    assert listed(client, {"q": "leaking"}) == [mine.reference]
    assert listed(client, {"q": theirs.reference}) == []
    assert listed(client, {"service": str(other.id)}) == [mine.reference]  # not offered: ignored
    page = client.get("/staff/cases", query_string={"q": theirs.reference}).get_data(as_text=True)
    assert "0 cases found" in page and "Leaking roof too" not in page


def test_a_responder_without_a_service_sees_nothing(client, session, make, service):
    make.case(None, service)
    quick_sign_in(client, session, make.user(Role.RESPONDER))
    assert listed(client) == []


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.MANAGER])
def test_the_complaints_team_sees_every_service(client, session, make, service, role):
    cases = {make.case(None, make.service()).reference for _ in range(3)}
    quick_sign_in(client, session, make.user(role))
    assert set(listed(client)) == cases


def test_admins_are_refused_and_have_no_cases_link(client, session, make):
    quick_sign_in(client, session, make.user(Role.ADMIN))
    assert client.get("/staff/cases").status_code == 403
    assert 'href="/staff/cases"' not in client.get("/staff/").get_data(as_text=True)


def test_case_readers_have_the_cases_link_and_a_search_on_home(client, officer):
    home = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/cases"' in home
    assert re.search(r'<form method="get" action="/staff/cases"', home)


# ---------------------------------------------------------------------------------------------
# Sorting and pages


def test_sorting_both_ways(client, session, make, officer, service):
    clock.set_now(TODAY)
    quick_sign_in(client, session, officer)  # signed in today (a session from months ago has timed out)
    now = utcnow()
    a = make.case(None, service, status=CaseStatus.WITH_TEAM, received_at=now - timedelta(days=3),
                  respond_by=date(2027, 3, 20))
    b = make.case(None, service, status=CaseStatus.RECEIVED, received_at=now - timedelta(days=1),
                  acknowledge_by=date(2027, 3, 11))
    c = make.case(None, service, status=CaseStatus.CLOSED, received_at=now - timedelta(days=2))
    assert listed(client) == [b.reference, c.reference, a.reference]  # newest first by default
    assert listed(client, {"sort": "received", "order": "asc"}) == [a.reference, c.reference, b.reference]
    by_ref = sorted([a.reference, b.reference, c.reference])
    assert listed(client, {"sort": "reference", "order": "asc"}) == by_ref
    assert listed(client, {"sort": "reference", "order": "desc"}) == by_ref[::-1]
    # statuses in their workflow order: received, being investigated, closed
    assert listed(client, {"sort": "status", "order": "asc"}) == [b.reference, a.reference, c.reference]
    assert listed(client, {"sort": "status", "order": "desc"}) == [c.reference, a.reference, b.reference]
    # undated (closed) cases last either way
    assert listed(client, {"sort": "due", "order": "asc"}) == [b.reference, a.reference, c.reference]
    assert listed(client, {"sort": "due", "order": "desc"}) == [a.reference, b.reference, c.reference]


def test_the_sorted_column_says_so_and_its_link_reverses_it(client, officer, make, service):
    make.case(None, service)
    page = client.get("/staff/cases", query_string={"sort": "reference", "order": "asc"}).get_data(as_text=True)
    header = re.search(r'<th scope="col" class="govuk-table__header" aria-sort="ascending"><a [^>]*href="([^"]+)">Reference', page)
    assert header and "order=desc" in header.group(1)
    assert page.count('aria-sort="none"') == 3


def test_pages_of_fifty_with_the_total(client, session, make, officer, service):
    bulk_cases(session, service, make.procedure_id("corporate"), 120)
    first = client.get("/staff/cases").get_data(as_text=True)
    assert "120 cases found" in first and "120 cases in total" in first
    assert len(_LINK.findall(first)) == 50
    assert len(listed(client, {"page": "3"})) == 20
    assert listed(client, {"page": "-1"}) == _LINK.findall(first)
    assert listed(client, {"page": "999"}) == listed(client, {"page": "3"})  # past the end: the last page
    # the page links keep the filters
    page = client.get("/staff/cases", query_string={"state": "open", "sort": "reference", "order": "asc"})
    assert re.search(r'href="/staff/cases\?[^"]*page=2[^"]*"', page.get_data(as_text=True))
    assert "state=open" in re.search(r'href="(/staff/cases\?[^"]*page=2[^"]*)"', page.get_data(as_text=True)).group(1)


def test_five_hundred_cases_within_the_query_budget(client, session, make, officer, service):
    resident = make.user(Role.RESIDENT, full_name="Bulk Person")
    bulk_cases(session, service, make.procedure_id("corporate"), 500, resident_id=resident.id, officer_id=officer.id)
    for query in ({}, {"q": "case number 4"}, {"q": "bulk", "state": "open", "due": "soon", "sort": "due"},
                  [("status", "acknowledged"), ("status", "with_team"), ("officer", str(officer.id)),
                   ("procedure", "corporate"), ("service", str(service.id)), ("page", "5")]):
        response = client.get("/staff/cases", query_string=query)
        assert response.status_code == 200
        assert int(response.headers["X-Redress-Queries"]) <= MAX_QUERIES


# ---------------------------------------------------------------------------------------------
# Saved views


def test_saved_views_are_presets_of_the_filters(client, session, make, officer, service):
    clock.set_now(TODAY)
    quick_sign_in(client, session, officer)  # signed in today (a session from months ago has timed out)
    mine = make.case(None, service, status=CaseStatus.WITH_TEAM, officer_id=officer.id, respond_by=date(2027, 4, 1))
    mine_closed = make.case(None, service, status=CaseStatus.CLOSED, officer_id=officer.id)
    someone_elses = make.case(None, service, status=CaseStatus.WITH_TEAM, officer_id=make.user(Role.OFFICER).id,
                              respond_by=date(2027, 4, 1))
    checking = make.case(None, service, status=CaseStatus.AWAITING_QUALITY_CHECK, respond_by=date(2027, 4, 1))
    late = make.case(None, service, status=CaseStatus.WITH_TEAM, respond_by=date(2027, 3, 1))
    new = make.case(None, service, status=CaseStatus.RECEIVED)
    held = make.case(None, service, status=CaseStatus.CLOSED, legal_hold_at=utcnow(), legal_hold_by_id=officer.id,
                     legal_hold_reason=LegalHoldReason.CLAIM, legal_hold_note="A claim")
    page = client.get("/staff/cases").get_data(as_text=True)
    views = dict((text, href.replace("&amp;", "&")) for href, text in
                 re.findall(r'class="moj-sub-navigation__link" href="([^"]+)"[^>]*>([^<]+)</a>', page))
    assert list(views) == ["My cases", "My team", "Awaiting check", "Overdue", "Triage", "Member enquiries",
                           "Legal holds"]
    assert listed(client, views["My cases"].split("?", 1)[1]) == [mine.reference]
    assert set(listed(client, views["My team"].split("?", 1)[1])) == {
        mine.reference, someone_elses.reference, checking.reference, late.reference, new.reference}
    assert mine_closed.reference not in listed(client, views["My team"].split("?", 1)[1])
    assert listed(client, views["Awaiting check"].split("?", 1)[1]) == [checking.reference]
    assert listed(client, views["Overdue"].split("?", 1)[1]) == [late.reference]
    assert listed(client, views["Triage"].split("?", 1)[1]) == [new.reference]
    assert listed(client, views["Legal holds"].split("?", 1)[1]) == [held.reference]
    current = client.get(views["Awaiting check"]).get_data(as_text=True)
    assert re.search(r'aria-current="page">Awaiting check<', current)
    assert not re.search(r'aria-current="page">My cases<', current)


def test_member_enquiries_have_their_own_queue_soonest_due_first(client, session, make, officer, service):
    clock.set_now(TODAY)
    quick_sign_in(client, session, officer)  # signed in today (a session from months ago has timed out)
    later = make.case(None, service, kind=CaseKind.MEMBER_ENQUIRY, status=CaseStatus.WITH_TEAM,
                      respond_by=date(2027, 4, 9))
    sooner = make.case(None, service, kind=CaseKind.MEMBER_ENQUIRY, status=CaseStatus.WITH_TEAM,
                       respond_by=date(2027, 4, 2))
    make.case(None, service, kind=CaseKind.MEMBER_ENQUIRY, status=CaseStatus.CLOSED)
    make.case(None, service, status=CaseStatus.WITH_TEAM, respond_by=date(2027, 4, 1))  # a complaint
    page = client.get("/staff/cases").get_data(as_text=True)
    views = dict((text, href.replace("&amp;", "&")) for href, text in
                 re.findall(r'class="moj-sub-navigation__link" href="([^"]+)"[^>]*>([^<]+)</a>', page))
    assert listed(client, views["Member enquiries"].split("?", 1)[1]) == [sooner.reference, later.reference]


def test_a_responders_team_view_is_their_service(client, session, make, service):
    mine = make.case(None, service, status=CaseStatus.WITH_SERVICE)
    make.case(None, make.service(), status=CaseStatus.WITH_SERVICE)
    quick_sign_in(client, session, make.user(Role.RESPONDER, service_id=service.id))
    page = client.get("/staff/cases", query_string={"state": "open"}).get_data(as_text=True)
    assert re.search(r'aria-current="page">My service<', page)
    assert _LINK.findall(page) == [mine.reference]


# ---------------------------------------------------------------------------------------------
# Bad input never breaks the page


@pytest.mark.parametrize("query", [
    {"status": "bogus"}, {"page": "-1"}, {"page": "abc"}, {"page": "99999999999999999999"}, {"sort": "nope"},
    {"order": "sideways"}, {"sort": "due", "order": "nope"}, {"stage": "9"}, {"stage": "x"}, {"officer": "abc"},
    {"officer": "-5"}, {"service": "999999"}, {"service": "x"}, {"kind": "spaceship"}, {"procedure": "nope"},
    {"due": "yesterday"}, {"state": "maybe"}, {"vulnerable": "nonsense"},
])
def test_bad_input_is_ignored(client, officer, make, service, query):
    case = make.case(None, service)
    response = client.get("/staff/cases", query_string=query)
    assert response.status_code == 200
    assert "There is a problem" not in response.get_data(as_text=True)
    assert case.reference in response.get_data(as_text=True)


def test_a_search_for_quotes_and_wildcards_is_only_text(client, officer, make, service):
    make.case(None, service)
    page = client.get("/staff/cases", query_string={"q": "%_\\'\" ; --"}).get_data(as_text=True)
    assert "0 cases found" in page and "There is a problem" not in page


def test_a_search_that_is_too_long_is_a_govuk_error(client, officer, make, service):
    case = make.case(None, service)
    response = client.get("/staff/cases", query_string={"q": "x" * 201})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "Search must be 200 characters or fewer" in page
    assert "<title>Error:" in page
    assert case.reference in page  # the list without the search


# ---------------------------------------------------------------------------------------------
# Search at scale (issue 11): the same answers from the UNION of id lists the indexes serve


@pytest.mark.parametrize("q", ["+44 7700 900123", "0044 7700 900123", "(07700) 900-123", "0770 0900 123"])
def test_search_finds_a_phone_number_however_it_is_typed(client, officer, people, q):
    jane_case, omar_case = people
    assert listed(client, {"q": q}) == [jane_case.reference]


def test_search_finds_a_phone_stored_with_dashes_and_brackets(client, officer, make, service, people):
    lee = make.user(Role.RESIDENT, full_name="Lee Parry", phone="(01632) 960-777")
    case = make.case(lee, service)
    assert listed(client, {"q": "01632960777"}) == [case.reference]


def test_search_words_may_be_in_the_person_and_in_the_case(client, officer, people):
    jane_case, omar_case = people
    assert listed(client, {"q": "jane boiler"}) == [jane_case.reference]
    assert listed(client, {"q": "boiler jane"}) == [jane_case.reference]
    # each word somewhere, but not all in one case or its person
    assert listed(client, {"q": "jane fly-tipping"}) == []
    assert listed(client, {"q": "omar boiler"}) == []


def test_search_lists_the_case_whose_reference_it_is_first(client, session, officer, make, service, people):
    jane_case, omar_case = people
    mention = make.case(None, service, what_happened=f"Follows on from {jane_case.reference}.",
                        received_at=utcnow())
    assert listed(client, {"q": jane_case.reference}) == [jane_case.reference, mention.reference]
    assert listed(client, {"q": jane_case.reference, "sort": "reference", "order": "desc"})[0] == jane_case.reference


def test_the_due_sort_puts_undated_cases_last_both_ways(client, officer, make, service):
    soon = make.case(None, service, status=CaseStatus.ACKNOWLEDGED, respond_by=date(2027, 3, 12))
    later = make.case(None, service, status=CaseStatus.ACKNOWLEDGED, respond_by=date(2027, 4, 12))
    closed = make.case(None, service, status=CaseStatus.CLOSED, respond_by=date(2027, 1, 12))
    assert listed(client, {"sort": "due", "order": "asc"}) == [soon.reference, later.reference, closed.reference]
    assert listed(client, {"sort": "due", "order": "desc"}) == [later.reference, soon.reference, closed.reference]
