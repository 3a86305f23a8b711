"""A demo council: services, a person for every role, and cases in every state so no screen is empty."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from shared.auth.passwords import hash_password
from shared.clock import LONDON, to_london, utcnow
from shared.db import db
from shared.domain import deadlines
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import CaseKind, CaseStatus, Channel, ContactMethod, EventType, Role
from shared.domain.references import new_reference
from shared.domain.transitions import next_status
from shared.models import Case, CaseEvent, Service, User

DEMO_PASSWORD = "demo-password-2026"

SERVICES = [
    ("housing-repairs", "Housing repairs", "Atgyweirio tai",
     "Repairs to council homes: damp and mould, heating, leaks, doors and windows.",
     "Atgyweirio cartrefi'r cyngor: lleithder a llwydni, gwresogi, gollyngiadau, drysau a ffenestri."),
    ("council-tax-benefits", "Council Tax and benefits", "Treth Gyngor a budd-daliadau",
     "Council Tax bills, discounts and arrears, Housing Benefit and Council Tax Reduction.",
     "Biliau, gostyngiadau ac ôl-ddyledion Treth Gyngor, Budd-dal Tai a Gostyngiad Treth Gyngor."),
    ("waste-recycling", "Waste and recycling", "Gwastraff ac ailgylchu",
     "Bin collections, recycling, garden waste, bulky items and fly-tipping.",
     "Casgliadau biniau, ailgylchu, gwastraff gardd, eitemau swmpus a thipio anghyfreithlon."),
    ("highways", "Roads and pavements", "Ffyrdd a phalmentydd",
     "Potholes, pavements, street lights, gritting, parking and road works.",
     "Tyllau yn y ffordd, palmentydd, goleuadau stryd, graeanu, parcio a gwaith ffordd."),
    ("planning", "Planning and building control", "Cynllunio a rheoli adeiladu",
     "Planning applications and decisions, enforcement and building regulations.",
     "Ceisiadau a phenderfyniadau cynllunio, gorfodi a rheoliadau adeiladu."),
    ("parks", "Parks and open spaces", "Parciau a mannau agored",
     "Parks, playgrounds, trees, grass cutting and allotments.",
     "Parciau, meysydd chwarae, coed, torri gwair a rhandiroedd."),
    ("adult-social-care", "Adult social care", "Gofal cymdeithasol i oedolion",
     "Care assessments, home care, care homes and charges for care.",
     "Asesiadau gofal, gofal cartref, cartrefi gofal a thaliadau am ofal."),
    ("childrens-services", "Children's services", "Gwasanaethau plant",
     "Children's social care, fostering, early help and support for families.",
     "Gofal cymdeithasol plant, maethu, cymorth cynnar a chymorth i deuluoedd."),
    ("schools", "Schools and education", "Ysgolion ac addysg",
     "School admissions, school transport and special educational needs (SEND).",
     "Derbyn i ysgolion, cludiant i'r ysgol ac anghenion addysgol arbennig."),
]

STAFF = [
    ("officer@example.gov.uk", "Priya Shah", Role.OFFICER, None),
    ("officer2@example.gov.uk", "Tom Evans", Role.OFFICER, None),
    ("manager@example.gov.uk", "Helen Morgan", Role.MANAGER, None),
    ("agent@example.gov.uk", "Sam Okafor", Role.AGENT, None),
    ("responder@example.gov.uk", "Gareth Lewis", Role.RESPONDER, "housing-repairs"),
    ("admin@example.gov.uk", "Alex Kowalski", Role.ADMIN, None),
]
PORTAL_PEOPLE = [
    ("resident@example.com", "Jane Williams", Role.RESIDENT),
    ("councillor@example.gov.uk", "Cllr Rhys Jones", Role.COUNCILLOR),
]
FIRST = ["Aisha", "Ben", "Carys", "David", "Eilidh", "Farah", "George", "Hannah", "Imran", "Joanna", "Kwame",
         "Lowri", "Mohammed", "Niamh", "Olu", "Patrick", "Rosa", "Sian", "Tariq", "Una", "Wei", "Yusuf", "Zofia"]
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Edwards", "Fraser", "Green", "Hughes", "Iqbal", "Jenkins", "Khan",
        "Lewis", "Murphy", "Nowak", "Owen", "Patel", "Roberts", "Singh", "Thomas", "Walker", "Young"]

STORIES = {
    "housing-repairs": [
        ("I reported damp and black mould in my child's bedroom three times since March. Each time an operative came, "
         "looked, and nobody came back to fix the leak from the gutter.", "Fix the gutter, treat the mould and tell me when it will be done."),
        ("The boiler has broken twice this winter and I was without heating or hot water for nine days in December.",
         "Replace the boiler and compensate me for the days without heating."),
    ],
    "council-tax-benefits": [
        ("I was sent a summons for Council Tax arrears even though I set up a direct debit in April and it has been paid every month.",
         "Withdraw the summons, refund the costs and apologise."),
        ("My Council Tax Reduction claim has not been decided after eleven weeks and I keep being told it is in a queue.",
         "Decide my claim and backdate it."),
    ],
    "waste-recycling": [
        ("My recycling has been missed four weeks running. I have reported it online every time and nothing changes.",
         "Collect it reliably and tell me why it keeps being missed."),
        ("The crew left broken glass across the pavement outside my house after emptying the bin.",
         "Clean it up and make sure crews take care."),
    ],
    "highways": [
        ("A pothole on Mill Lane damaged my tyre. It was reported weeks before and marked as made safe but nothing was done.",
         "Repair the road and pay for my tyre."),
        ("The street light outside number 14 has been out for two months and the road is very dark for children walking home.",
         "Repair the light."),
    ],
    "planning": [
        ("My neighbour's extension was approved without anyone visiting, although it blocks light to my kitchen.",
         "Explain how the decision was made and review it."),
    ],
    "parks": [
        ("The play area in Victoria Park has had broken swings taped off since the summer.",
         "Repair the swings and tell us when."),
    ],
    "adult-social-care": [
        ("My father's carers often arrive over an hour late or not at all, and nobody rings to tell him.",
         "Make sure his visits happen on time and someone tells us when they cannot."),
    ],
    "childrens-services": [
        ("We were promised an early help worker in June and have heard nothing since, despite calling several times.",
         "Allocate a worker and explain the delay."),
    ],
    "schools": [
        ("The school transport for my son, who has an EHCP, was withdrawn with two days' notice.",
         "Reinstate the transport and give proper notice of any changes."),
    ],
}

# How the demo's cases are spread over states (weights).
STATE_MIX = [
    (CaseStatus.RECEIVED, 18),
    (CaseStatus.ACKNOWLEDGED, 14),
    (CaseStatus.INVESTIGATING, 22),
    (CaseStatus.RESPONDED, 14),
    (CaseStatus.CLOSED, 28),
    (CaseStatus.WITHDRAWN, 4),
]
PATH = [EventType.ACKNOWLEDGED, EventType.INVESTIGATION_STARTED, EventType.RESPONSE_SENT, EventType.CLOSED]
STEPS_FOR = {
    CaseStatus.RECEIVED: 0,
    CaseStatus.ACKNOWLEDGED: 1,
    CaseStatus.INVESTIGATING: 2,
    CaseStatus.RESPONDED: 3,
    CaseStatus.CLOSED: 4,
}


def has_data() -> bool:
    return bool(db.session.scalar(select(func.count(User.id))))


def load(*, cases: int = 300, seed: int = 2026, nation: str = "england") -> str:
    rng = random.Random(seed)
    calendar = WorkingCalendar(nation)
    now = utcnow()
    services = {}
    for slug, name, name_cy, description, description_cy in SERVICES:
        service = Service(slug=slug, name=name, name_cy=name_cy, description=description, description_cy=description_cy, active=True)
        db.session.add(service)
        services[slug] = service
    db.session.flush()

    shared_hash = hash_password(DEMO_PASSWORD)
    confirmed = now - timedelta(days=400)
    staff = {}
    for email, name, role, service_slug in STAFF:
        user = User(email=email, full_name=name, role=role, password_hash=shared_hash, email_confirmed_at=confirmed,
                    service_id=services[service_slug].id if service_slug else None)
        db.session.add(user)
        staff[email] = user
    residents = []
    for email, name, role in PORTAL_PEOPLE:
        user = User(email=email, full_name=name, role=role, password_hash=shared_hash, email_confirmed_at=confirmed)
        db.session.add(user)
        if role is Role.RESIDENT:
            residents.append(user)
    for index in range(max(20, cases // 5)):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        user = User(email=f"resident{index + 1}@example.com", full_name=name, role=Role.RESIDENT,
                    password_hash=shared_hash, email_confirmed_at=confirmed, locale=rng.choice(["en", "en", "en", "cy"]))
        db.session.add(user)
        residents.append(user)
    db.session.flush()

    officers = [staff["officer@example.gov.uk"], staff["officer2@example.gov.uk"]]
    slugs = list(services)
    states, weights = zip(*STATE_MIX, strict=True)
    for index in range(cases):
        # The main demo resident gets a handful of cases so "Your cases" is never empty.
        resident = residents[0] if index % 40 == 0 else rng.choice(residents)
        slug = rng.choice(slugs)
        what, outcome = rng.choice(STORIES[slug])
        status = rng.choices(states, weights)[0]
        if status is CaseStatus.RECEIVED:
            received_at = now - timedelta(hours=rng.randint(1, 24 * 6))
        else:
            received_at = now - timedelta(days=rng.randint(8, 540), hours=rng.randint(0, 23))
        local = to_london(received_at)
        received_at = datetime.combine(local.date(), time(rng.randint(8, 19), rng.randint(0, 59)), LONDON).astimezone(received_at.tzinfo)
        received_at = min(received_at, now)
        channel = rng.choices([Channel.ONLINE, Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.FACE_TO_FACE], [55, 25, 12, 5, 3])[0]
        case = Case(
            reference=new_reference(),
            kind=CaseKind.COMPLAINT,
            status=next_status(None, EventType.RECEIVED),
            stage=1,
            channel=channel,
            service_id=services[slug].id,
            resident_id=resident.id,
            entered_by_id=resident.id if channel is Channel.ONLINE else staff["agent@example.gov.uk"].id,
            what_happened=what,
            happened_on=(received_at - timedelta(days=rng.randint(1, 60))).date(),
            outcome_wanted=outcome,
            contact_method=rng.choices(list(ContactMethod), [70, 20, 10])[0],
            received_at=received_at,
            acknowledge_by=calendar.due(received_at, deadlines.ACKNOWLEDGE_WITHIN),
        )
        if case.contact_method is ContactMethod.PHONE:
            case.contact_phone = f"07700 900 {rng.randint(0, 999):03d}"
        elif case.contact_method is ContactMethod.POST:
            case.contact_address = f"{rng.randint(1, 120)} High Street\nRedbury\nRB1 {rng.randint(1, 9)}AA"
        db.session.add(case)
        db.session.flush()
        events = [CaseEvent(case_id=case.id, type=EventType.RECEIVED, at=received_at,
                            actor_id=case.entered_by_id, from_status=None, to_status=case.status,
                            details={"channel": channel.value})]
        moment = received_at
        path = PATH[: STEPS_FOR.get(status, rng.randint(0, 2))]
        for event_type in path:
            moment = min(now, moment + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8)))
            officer = rng.choice(officers)
            before = case.status
            case.status = next_status(before, event_type)
            if event_type is EventType.ACKNOWLEDGED:
                case.officer_id = officer.id
                case.respond_by = calendar.due(moment, deadlines.STAGE_ONE_WITHIN)
            if event_type is EventType.CLOSED:
                case.closed_at = moment
            events.append(CaseEvent(case_id=case.id, type=event_type, at=moment, actor_id=case.officer_id or officer.id,
                                    from_status=before, to_status=case.status))
        if status is CaseStatus.WITHDRAWN:
            moment = min(now, moment + timedelta(days=2))
            before = case.status
            case.status = next_status(before, EventType.WITHDRAWN)
            case.closed_at = moment
            events.append(CaseEvent(case_id=case.id, type=EventType.WITHDRAWN, at=moment, actor_id=resident.id,
                                    from_status=before, to_status=case.status))
        db.session.add_all(events)
    db.session.flush()
    return (f"Loaded {len(SERVICES)} services, {len(STAFF) + len(PORTAL_PEOPLE)} demo sign-ins, "
            f"{len(residents)} residents and {cases} cases. Demo password: {DEMO_PASSWORD}")
