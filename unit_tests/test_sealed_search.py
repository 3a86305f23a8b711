"""Staff searches keep what was typed out of URLs (ASVS 14.2.1): the forms post, the answer is a
redirect with the typed fields sealed in one opaque parameter, and every link the results page
builds (pages, sorting, filters, the CSV) carries them sealed too."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest

from shared import clock
from shared.clock import utcnow
from shared.domain.enums import Role
from shared.web import sealed_search
from unit_tests.test_route_access import quick_sign_in

NAME = "Quistorff"
EMAIL = "zeb.quistorff@example.com"

# path, who searches, what they type, what else the form sends
SEARCHES = {
    "cases": ("/staff/cases", Role.OFFICER, {"q": NAME}, {"state": "open"}),
    "customers": ("/staff/customers", Role.AGENT, {"q": NAME}, {}),
    "users": ("/staff/admin/users", Role.ADMIN, {"q": NAME}, {"role": "officer"}),
    "audit log": ("/staff/admin/audit", Role.ADMIN, {"actor": NAME, "person": EMAIL, "subject": "CMP"},
                  {"start": ["", "", ""]}),
}


@pytest.fixture
def world(make):
    service = make.service(name="Housing repairs")
    resident = make.user(full_name=f"Zeb {NAME}", email=EMAIL)
    resident.cases_reference = make.case(resident, service).reference
    make.user(Role.OFFICER, full_name=f"Olive {NAME}")  # a member of staff the users search finds
    return resident


def _signed_in(app, session, make, role):
    client = app.test_client()
    user = make.user(role, full_name=f"Searching {role.value}")
    quick_sign_in(client, session, user)
    return client, user


def _no_typed_text(url: str, typed: dict) -> None:
    # The seal itself is random base64, which may spell anything: look at the rest of the URL.
    url = re.sub(rf"([?&]){sealed_search.PARAM}=[A-Za-z0-9_\-=]+", r"\1", url)
    for value in typed.values():
        for form in (value, value.lower(), quote_plus(value), quote_plus(value).lower()):
            assert form not in url.lower(), f"{value!r} is in {url}"


def _hrefs(page: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'(?:href|action|hx-get)="([^"]*)"', page)]


@pytest.mark.parametrize("search", SEARCHES)
def test_what_is_typed_goes_on_sealed_and_never_in_a_url(app, session, make, world, search):
    path, role, typed, rest = SEARCHES[search]
    client, _user = _signed_in(app, session, make, role)
    token = client.csrf_token(path)
    sent = client.post(path, data={"csrf_token": token, **typed, **rest})
    assert sent.status_code == 303
    location = urlsplit(sent.location)
    assert location.path == path
    _no_typed_text(sent.location, typed)
    query = parse_qs(location.query)
    assert set(query) <= {sealed_search.PARAM, *rest} and len(query[sealed_search.PARAM]) == 1
    assert "csrf_token" not in query and "start" not in query  # blanks and the token are left behind

    page = client.get(sent.location)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for value in typed.values():
        assert f'value="{value}"' in body  # the search box shows what was typed
    for href in _hrefs(body):
        _no_typed_text(href, typed)


@pytest.mark.parametrize("search", ["cases", "customers", "users"])
def test_the_sealed_search_finds_what_was_typed(app, session, make, world, search):
    path, role, typed, rest = SEARCHES[search]
    client, _user = _signed_in(app, session, make, role)
    shown = {"cases": world.cases_reference, "customers": f"Zeb {NAME}", "users": f"Olive {NAME}"}[search]
    sent = client.post(path, data={"csrf_token": client.csrf_token(path), "q": "nobody-is-called-this"})
    assert shown not in client.get(sent.location).get_data(as_text=True)
    sent = client.post(path, data={"csrf_token": client.csrf_token(path), **typed, **rest})
    assert shown in client.get(sent.location).get_data(as_text=True)


def test_the_case_list_keeps_its_search_through_pages_sorting_and_the_csv(app, session, make, world):
    client, _user = _signed_in(app, session, make, Role.OFFICER)
    sent = client.post("/staff/cases", data={"csrf_token": client.csrf_token("/staff/cases"), "q": NAME})
    page = client.get(sent.location).get_data(as_text=True)
    sort = next(href for href in _hrefs(page) if "sort=" in href)
    assert NAME in client.get(sort).get_data(as_text=True) and sealed_search.PARAM + "=" in sort
    csv_link = next(href for href in _hrefs(page) if href.startswith("/staff/cases.csv"))
    rows = client.get(csv_link).get_data(as_text=True).splitlines()
    assert len(rows) == 2  # the header and the one matching case: the search held


def test_someone_elses_or_an_old_or_altered_seal_opens_the_list_unsearched(app, session, make, world):
    client, _user = _signed_in(app, session, make, Role.AGENT)
    sent = client.post("/staff/customers", data={"csrf_token": client.csrf_token("/staff/customers"), "q": NAME})
    assert f'value="{NAME}"' in client.get(sent.location).get_data(as_text=True)

    colleague, _other = _signed_in(app, session, make, Role.AGENT)
    assert f'value="{NAME}"' not in colleague.get(sent.location).get_data(as_text=True)

    token = parse_qs(urlsplit(sent.location).query)[sealed_search.PARAM][0]
    altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    assert f'value="{NAME}"' not in client.get(f"/staff/customers?s={altered}").get_data(as_text=True)
    assert client.get("/staff/customers?s=not-a-token%FF").status_code == 200

    clock.set_now(utcnow() + sealed_search.LIFETIME + timedelta(minutes=1))
    assert f'value="{NAME}"' not in client.get(sent.location).get_data(as_text=True)


def test_an_older_link_with_the_text_in_it_still_works(app, session, make, world):
    client, _user = _signed_in(app, session, make, Role.OFFICER)
    page = client.get("/staff/cases", query_string={"q": NAME}).get_data(as_text=True)
    assert f'value="{NAME}"' in page
    for href in _hrefs(page):  # and what the page builds from it is sealed
        _no_typed_text(href, {"q": NAME})
