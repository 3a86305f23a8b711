"""The access matrix (docs/access.md) driven over the routes: distinctive text is seeded into one
person's cases (health details, an adjustment, a restriction's behaviour, a message, a file), and
every GET route, htmx partial, file download, export and search is visited as each kind of visitor.
Whatever a visitor may not see must never appear in anything they get back: pages, files, CSV,
search results, counts.

The route inventory (test_route_access.py) proves who reaches which route; this proves what each
one shows. Every GET endpoint in its table is visited here, so a new page is covered as it lands.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from shared import clock
from shared.domain.enums import (
    AdjustmentKind,
    CaseKind,
    Channel,
    MessageDirection,
    RepresentativeKind,
    RestrictionCategory,
    RestrictionStatus,
    Role,
)
from shared.models import Restriction
from unit_tests.test_guest_case_access import grant
from unit_tests.test_route_access import COUNCILLOR, EXPECTED, RESIDENT, RESPONDER, quick_sign_in

HEALTH = "SECRETHEALTH7731"  # in what_happened of the person's first case
MESSAGE = "SECRETMESSAGE2284"  # a message from the council on that case
FILE = "SECRETFILE3310"  # the content of a file the person sent on that case
OTHER_CASE = "SECRETOTHERCASE6650"  # their second case, in another service
ADJUSTMENT = "SECRETADJUST5521"  # a reasonable adjustment's detail (a person's, not a case's)
BEHAVIOUR = "SECRETBEHAVIOUR9043"  # an unreasonable-behaviour restriction's behaviour (complaints team only)
ENQUIRY = "SECRETENQUIRY4417"  # a councillor's enquiry for someone else
ALL = frozenset({HEALTH, MESSAGE, FILE, OTHER_CASE, ADJUSTMENT, BEHAVIOUR, ENQUIRY})

# What each visitor may see of the seeded text (docs/access.md): everything else must never appear.
MAY_SEE = {
    "anonymous": frozenset(),
    "guest": frozenset(),  # holds a link to a case of their own only
    "resident": frozenset(),  # another resident
    "person": frozenset({HEALTH, MESSAGE, FILE, OTHER_CASE, ADJUSTMENT}),  # the person themselves: never the behaviour text
    "representative": frozenset({HEALTH, MESSAGE, FILE}),  # the one case they are named on
    "councillor": frozenset({ENQUIRY}),  # their own enquiry only
    "other_councillor": frozenset(),
    "agent": frozenset({HEALTH, MESSAGE, FILE, OTHER_CASE, ADJUSTMENT, ENQUIRY}),
    "officer": ALL,
    "responder_a": frozenset({HEALTH, MESSAGE, FILE, ADJUSTMENT}),  # their service's case only
    "responder_b": frozenset({OTHER_CASE, ADJUSTMENT, ENQUIRY}),  # the enquiry is in their service too
    "manager": ALL,
    "admin": frozenset(),  # no case role
}
# Text each visitor must find somewhere on their way round, so the test cannot pass by showing nothing.
MUST_SEE = {
    "person": {HEALTH, MESSAGE, OTHER_CASE, ADJUSTMENT},
    "representative": {HEALTH, MESSAGE, FILE},
    "councillor": {ENQUIRY},
    "officer": {HEALTH, BEHAVIOUR, ADJUSTMENT, OTHER_CASE, ENQUIRY},
    "responder_a": {HEALTH},
    "responder_b": {OTHER_CASE},
}


@pytest.fixture(autouse=True)
def _fixed_time():
    clock.set_now("2027-01-13T10:00:00")


@pytest.fixture
def world(app, make, session):
    service_a = make.service(name="Adult social care")
    service_b = make.service(name="Housing repairs")
    ward = make.ward("Riverside")
    person = make.user(Role.RESIDENT, full_name="Vera Person")
    officer = make.user(Role.OFFICER)
    case = make.case(person, service_a, what_happened=f"My carer did not come. {HEALTH}: my diabetes and depression.",
                     officer_id=officer.id, ward_id=ward.id)
    other = make.case(person, service_b, what_happened=f"Damp in the flat. {OTHER_CASE}", ward_id=ward.id)
    message_id, _ = make.message(app, case, direction=MessageDirection.OUT, body=f"About your care. {MESSAGE}",
                                 author=officer)
    _, (file_id,) = make.message(app, case, direction=MessageDirection.IN, body="Here is my letter.", author=person,
                                 attachments=(("letter.txt", f"Letter text {FILE}".encode()),))
    adjustment = make.adjustment(person, AdjustmentKind.OTHER, detail=f"Needs {ADJUSTMENT} on Tuesdays")
    restriction = Restriction(person_id=person.id, status=RestrictionStatus.ACTIVE,
                              category=RestrictionCategory.PERSISTENT_CONTACT, types=[],
                              behaviour=f"Called 40 times a day. {BEHAVIOUR}", terms="Phone on Tuesdays only.",
                              proposed_by_id=officer.id, proposed_at=clock.utcnow() - timedelta(days=3),
                              decided_by_id=officer.id, decided_at=clock.utcnow() - timedelta(days=2),
                              starts_on=(clock.utcnow() - timedelta(days=2)).date(),
                              review_on=(clock.utcnow() + timedelta(days=90)).date())
    session.add(restriction)
    session.commit()
    representative = make.user(Role.RESIDENT, full_name="Rob Representative")
    make.representative(case, representative, kind=RepresentativeKind.ADVOCATE)
    councillor = make.user(Role.COUNCILLOR, ward_id=ward.id)
    constituent = make.user(Role.RESIDENT)
    enquiry = make.case(constituent, service_b, kind=CaseKind.MEMBER_ENQUIRY, channel=Channel.COUNCILLOR,
                        what_happened=f"Bins missed. {ENQUIRY}", procedure="member-enquiry", subject_name="Con Stituent")
    enquiry.entered_by_id = councillor.id
    session.commit()
    make.representative(enquiry, councillor, kind=RepresentativeKind.COUNCILLOR)
    guest_person = make.user(Role.RESIDENT, confirmed=False)
    guest_person.password_hash = None
    session.commit()
    guest_case = make.case(guest_person, service_a, what_happened="The guest's own case.")
    people = {
        "person": person, "representative": representative, "councillor": councillor, "officer": officer,
        "resident": make.user(Role.RESIDENT), "other_councillor": make.user(Role.COUNCILLOR, ward_id=ward.id),
        "agent": make.user(Role.AGENT), "responder_a": make.user(Role.RESPONDER, service_id=service_a.id),
        "responder_b": make.user(Role.RESPONDER, service_id=service_b.id), "manager": make.user(Role.MANAGER),
        "admin": make.user(Role.ADMIN),
    }
    return {"case": case, "other": other, "enquiry": enquiry, "guest_case": guest_case, "people": people,
            "ids": {"file_id": file_id, "message_id": message_id, "adjustment_id": adjustment.id,
                    "restriction_id": restriction.id, "customer_id": person.id, "representative_id": 0}}


def _plain_client(app) -> FlaskClient:
    """Not the strict client: this test is about what pages say, and visits pages with more data than
    the query-budget tests arrange."""
    return FlaskClient(app, app.response_class, use_cookies=True)


def _urls(app, world) -> list[str]:
    """Every GET endpoint, for each of the seeded cases where it takes a reference; plus searches,
    htmx sections, exports and downloads with the seeded text as the query."""
    samples = {"token": "not-a-valid-token", "slug": "service", "filename": "dist/portal.css", "day_id": 0,
               "detail": "name", "draft_id": 0, "decision": "complaint", "organisation_id": 0, "action_id": 0,
               "referral_id": 0, "recommendation_id": 0, "request_id": 0, "template_id": 0,
               "message_name": "case_acknowledged", "locale": "cy", "support_id": 0, "kind": "other",
               "step": "details", **world["ids"]}
    adapter = app.url_map.bind("localhost")
    urls: list[str] = []
    for endpoint, route in EXPECTED.items():
        if "GET" not in route.methods or endpoint == "static":
            continue
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        references = [world[k].reference for k in ("case", "other", "enquiry")] if "reference" in rule.arguments else [None]
        for reference in references:
            values = {name: samples.get(name, 0) for name in rule.arguments if name != "reference"}
            if reference:
                values["reference"] = reference
            urls.append(adapter.build(endpoint, values))
    # Words that find the seeded cases without being the seeded text (a search box echoes its query).
    for word in ("Vera", "diabetes", "Damp", "Bins", "Stituent"):
        urls += [f"/staff/cases?q={word}", f"/staff/find?reference={word}", f"/staff/customers?q={word}",
                 f"/staff/cases?q={word}&format=csv"]
    urls += ["/your-data/download", "/councillor/ward?period=365"]
    return urls


def _visitor(app, session, world, who: str) -> FlaskClient:
    client = _plain_client(app)
    if who == "guest":
        client.get("/")
        grant(client, world["guest_case"])
    elif who != "anonymous":
        quick_sign_in(client, session, world["people"][who])
    return client


@pytest.mark.parametrize("who", list(MAY_SEE))
def test_nothing_a_visitor_may_not_see_appears_in_any_response(app, session, world, who):
    client = _visitor(app, session, world, who)
    forbidden = ALL - MAY_SEE[who]
    seen: set[str] = set()
    failures = []
    for url in _urls(app, world):
        # htmx sections of the case pages (the progress section, the staff case page's sections).
        variants = ({}, {"HX-Request": "true"}) if re.search(r"/cases/[^/]+$", url.split("?")[0]) else ({},)
        for headers in variants:
            response = client.get(url, headers=headers)
            if response.status_code == 500:
                failures.append(f"{url}: 500")
                continue
            body = response.get_data(as_text=True) if response.mimetype.startswith("text") or \
                response.mimetype.endswith(("json", "csv")) else response.get_data().decode("utf-8", "replace")
            present = {secret for secret in ALL if secret in body}
            seen |= present
            leaked = present & forbidden
            if leaked:
                failures.append(f"{url}{' (htmx)' if headers else ''}: {sorted(leaked)}")
    assert not failures, f"{who} was shown what they may not see:\n" + "\n".join(failures)
    assert MUST_SEE.get(who, set()) <= seen, f"{who} never saw {MUST_SEE[who] - seen}: the matrix is not exercised"


def test_counts_and_statuses_do_not_depend_on_anyone_elses_cases(app, session, world, make):
    """What a councillor and a representative see counted is theirs alone: adding cases for the same
    person, by others, changes none of their numbers."""
    def numbers(who: str) -> list[str]:
        client = _visitor(app, session, world, who)
        pages = ["/councillor"] if who == "councillor" else ["/cases"]
        return [re.sub(r"\s+", " ", " ".join(re.findall(r"\b\d+ (?:case|enquir)\w*", client.get(p).get_data(as_text=True))))
                for p in pages]

    before = {who: numbers(who) for who in ("councillor", "representative")}
    for _ in range(3):
        make.case(world["people"]["person"], make.service(), what_happened="More.")
    after = {who: numbers(who) for who in ("councillor", "representative")}
    assert before == after


def test_withdrawn_consent_and_a_removed_role_take_effect_on_the_next_request(app, session, world):
    from shared.models import CaseRepresentative, User

    representative = _visitor(app, session, world, "representative")
    councillor = _visitor(app, session, world, "councillor")
    assert representative.get(f"/cases/{world['case'].reference}").status_code == 200
    assert councillor.get(f"/councillor/enquiries/{world['enquiry'].reference}").status_code == 200
    session.execute(CaseRepresentative.__table__.update()
                    .where(CaseRepresentative.representative_id == world["people"]["representative"].id)
                    .values(withdrawn_at=clock.utcnow()))
    session.execute(User.__table__.update().where(User.id == world["people"]["councillor"].id)
                    .values(role=Role.RESIDENT.value))
    session.commit()
    assert representative.get(f"/cases/{world['case'].reference}").status_code == 404
    assert HEALTH not in representative.get("/cases").get_data(as_text=True)
    assert councillor.get(f"/councillor/enquiries/{world['enquiry'].reference}").status_code == 403
    assert councillor.get(f"/cases/{world['enquiry'].reference}").status_code == 404


# ---------------------------------------------------------------------------------------------
# Object references (IDOR): every route with a reference or an id in its address, GET and POST,
# pointed at something of the person's by someone it is not for. Their role may reach the route
# (404: not found and not theirs look the same) or not (403, as the route inventory says).

# Who tries, the inventory visitor whose role they have, and which of the person's cases they aim at.
STRANGERS = {
    "resident": (RESIDENT, "case", "portal."),  # another resident: the person's case
    "representative": (RESIDENT, "other", "portal."),  # named on the person's first case only: their second
    "councillor": (COUNCILLOR, "case", "portal."),  # named on an enquiry for someone else: not on the person's case
    "other_councillor": (COUNCILLOR, "enquiry", "portal."),  # the same ward, not named on the enquiry
    "responder_b": (RESPONDER, "case", "staff."),  # another service's responder: the back office's case routes
}


def _object_urls(app, world, target: str, method: str, ids: dict, side: str) -> list[tuple[str, str]]:
    adapter = app.url_map.bind("localhost")
    found = []
    for endpoint, route in EXPECTED.items():
        if method not in route.methods or not endpoint.startswith(side):
            continue
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods)
        arguments = set(rule.arguments)
        if not arguments & ({"reference"} | set(ids)):
            continue
        values = {name: ids.get(name, {"token": "x", "slug": "name", "detail": "name", "kind": "other", "decision": "complaint",
                                      "step": "details", "provision": "6.2"}.get(name, 0))
                  for name in arguments if name != "reference"}
        if "reference" in arguments:
            values["reference"] = world[target].reference
        found.append((endpoint, adapter.build(endpoint, values)))
    return found


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("who", list(STRANGERS))
def test_someone_elses_reference_or_id_is_not_found(app, session, make, world, who, method):
    from shared.models import CaseRepresentative
    from unit_tests.security.support import post_form

    inventory_visitor, target, side = STRANGERS[who]
    person = world["people"]["person"]
    representative_id = session.scalar(select(CaseRepresentative.id).where(CaseRepresentative.case_id == world["case"].id))
    ids = {**world["ids"], "draft_id": make.feedback_draft(person).id, "representative_id": representative_id}
    client = _visitor(app, session, world, who)
    token = post_form(client.get("/sign-in").get_data(as_text=True), "/sign-in")["csrf_token"][0]
    failures = []
    urls = _object_urls(app, world, target, method, ids, side)
    assert len(urls) >= 8, urls  # the portal's case, file, reply, escalation, withdrawal, draft, adjustment… routes
    for endpoint, url in urls:
        route = EXPECTED[endpoint]
        refused_by_role = (route.get if method == "GET" else route.post)[inventory_visitor] == 403
        expected = 403 if refused_by_role else 404
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        if response.status_code != expected:
            failures.append(f"{endpoint} {url}: {response.status_code}, expected {expected}")
    assert not failures, f"{who}:\n" + "\n".join(failures)
