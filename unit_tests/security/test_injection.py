"""SQL meta-characters in every GET endpoint's query parameters (search, filters, sort, paging):
never a 500, never a changed meaning. A search for "%" or "_" finds those characters, not every
row, and an unknown sort key is ignored rather than put into ORDER BY."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from shared.domain.enums import Role
from unit_tests.security.support import allowed_visitor, endpoints, plain_client
from unit_tests.test_route_access import _sample_url, _visit_as, quick_sign_in

# Every query parameter a page reads (grep request.args, and the search forms' fields).
PARAMETERS = ("q", "sort", "order", "page", "status", "state", "stage", "procedure", "service", "officer", "kind",
              "due", "vulnerable", "role", "template", "day", "period", "case", "field", "reference", "change",
              "new", "seen", "responses", "messages", "year", "large", "sent", "view", "start-day", "start-month",
              "start-year", "end-day", "end-month", "end-year", "format", "lang")
PAYLOADS = {
    "quote": "'",
    "double-quote-comment": '"; DROP TABLE cases;--',
    "wildcards": "%_\\",
    "tautology": "' OR '1'='1",
    "nul": "a\x00b",
    "huge-number": "99999999999999999999999",
    "unicode": "\u202e\ufeffŻółć",
    "superscript-digit": "²",
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_no_get_endpoint_fails_on_meta_characters_in_its_parameters(app, session, make, world, payload):
    clients: dict[str, object] = {}
    failures = []
    for endpoint in endpoints("GET"):
        visitor = allowed_visitor(endpoint, "GET")
        if visitor not in clients:
            clients[visitor] = plain_client(app)
            _visit_as(visitor, clients[visitor], session, make, world)
        url = _sample_url(app, endpoint, world)
        query = urlencode({name: payload for name in PARAMETERS})
        response = clients[visitor].get(f"{url}?{query}")
        body = response.get_data(as_text=True) if response.mimetype.startswith("text") else ""
        if response.status_code >= 500 or "Traceback" in body or "sqlalchemy" in body.lower():
            failures.append(f"{endpoint} as {visitor}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.fixture
def officer_client(app, session, make):
    client = plain_client(app)
    quick_sign_in(client, session, make.user(Role.OFFICER))
    return client


@pytest.mark.parametrize("typed", ["50%", "a_b", "back\\slash"])
def test_case_search_takes_wildcards_literally(officer_client, make, typed):
    service = make.service()
    wanted = make.case(make.user(), service, what_happened=f"They charged me {typed} more.")
    other = make.case(make.user(), service, what_happened="They charged me 50 pounds more, a-b.")
    page = officer_client.get("/staff/cases", query_string={"q": typed}).get_data(as_text=True)
    assert wanted.reference in page
    assert other.reference not in page


@pytest.mark.parametrize("typed", ["%", "_", "\\"])
def test_customer_search_takes_wildcards_literally(officer_client, make, typed):
    literal = make.user(full_name=f"Ann {typed} Smith")
    other = make.user(full_name="Bob Jones")
    page = officer_client.get("/staff/customers", query_string={"q": typed}).get_data(as_text=True)
    assert literal.full_name in page or f"Ann {typed} Smith".replace("\\", "&#92;") in page
    assert other.full_name not in page


@pytest.mark.parametrize("typed", ["%", "_"])
def test_user_search_takes_wildcards_literally(app, session, make, typed):
    client = plain_client(app)
    quick_sign_in(client, session, make.user(Role.ADMIN))
    literal = make.user(Role.OFFICER, full_name=f"Olly {typed} Officer")
    other = make.user(Role.OFFICER, full_name="Mo Manager")
    page = client.get("/staff/admin/users", query_string={"q": typed}).get_data(as_text=True)
    assert literal.full_name in page
    assert other.full_name not in page


def test_sort_keys_are_an_allowlist(officer_client, make):
    """An unknown sort or order is dropped: the list comes back in its usual order, not an error,
    and nothing typed reaches ORDER BY."""
    from shared.services import search

    service = make.service()
    cases = [make.case(make.user(), service) for _ in range(3)]
    usual = officer_client.get("/staff/cases").get_data(as_text=True)
    order = sorted(cases, key=lambda c: usual.index(c.reference))
    for sort in ("id; DROP TABLE cases", "resident_id", "what_happened", "(SELECT 1)", "received desc"):
        response = officer_client.get("/staff/cases", query_string={"sort": sort, "order": "sideways"})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert sorted(cases, key=lambda c: body.index(c.reference)) == order
    assert set(search.SORTS) == {"received", "due", "reference", "status"}


@pytest.mark.parametrize(("typed", "number"), [("7", 7), ("007", 7), ("", None), ("²", None), ("٣", None), ("-1", None),
                                               ("1e3", None), (str(2**31 - 1), 2**31 - 1), (str(2**31), None),
                                               ("9" * 400, None), (None, None)])
def test_whole_numbers_are_ascii_digits_that_fit_the_database(typed, number):
    from shared.web.numbers import whole_number

    assert whole_number(typed) == number


@pytest.mark.parametrize(("typed", "page"), [("3", 3), ("0", 1), ("x", 1), ("99999999999999999999999", 1), ("10000", 10_000),
                                             ("10001", 1)])
def test_page_numbers_stay_within_what_offset_can_take(typed, page):
    from shared.web.numbers import page_number

    assert page_number({"page": typed}) == page


def test_a_nul_character_anywhere_is_a_bad_request_before_any_query(officer_client):
    """PostgreSQL cannot hold NUL in text, and nobody types one: refused as 400 with the error page,
    whether in a page's query, a streamed CSV's or a posted form's, and nothing is saved."""
    for url in ("/staff/cases?q=a%00b", "/staff/cases.csv?q=a%00b", "/staff/customers?q=%00"):
        response = officer_client.get(url)
        assert response.status_code == 400 and "text/html" in response.content_type, url
    page = officer_client.get("/staff/customers/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = officer_client.post("/staff/customers/new", data={"csrf_token": token, "full_name": "Ann\x00 Example",
                                                                 "email": "ann@example.com"})
    assert response.status_code == 400
    assert officer_client.get("/staff/cases?q=ab").status_code == 200  # the same search without it
