"""A demo council: services, a person for every role, and cases in every state so no screen is empty."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from shared import clock
from shared.auth.passwords import hash_password
from shared.clock import LONDON, to_london, utcnow
from shared.db import db
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import (
    CareKind,
    CaseKind,
    Channel,
    ClosureCode,
    ContactMethod,
    EventType,
    Finding,
    RemedyKind,
    Role,
)
from shared.models import ComplaintReason, Organisation, ResponseTemplate, Service, Team, User
from shared.services import demo_translations, engine, reason_admin, responses
from shared.services.demo_support import load_support_services

DEMO_PASSWORD = "demo-password-2026"  # nosec B105  # the demo's published password (README)

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

# The services that are social care, whose residents are offered advocacy in the journey.
CARE_KINDS = {"adult-social-care": CareKind.ADULTS, "childrens-services": CareKind.CHILDREN}

STAFF = [
    ("officer@example.gov.uk", "Priya Shah", Role.OFFICER, None),
    ("officer2@example.gov.uk", "Tom Evans", Role.OFFICER, None),
    ("manager@example.gov.uk", "Helen Morgan", Role.MANAGER, None),
    ("agent@example.gov.uk", "Sam Okafor", Role.AGENT, None),
    ("responder@example.gov.uk", "Gareth Lewis", Role.RESPONDER, "housing-repairs"),
    ("admin@example.gov.uk", "Alex Kowalski", Role.ADMIN, None),
]
# Two teams, so allocation and "My team" show what teams do; the other services have none.
DEMO_TEAMS = [
    ("Housing complaints", "Cwynion tai", ["housing-repairs"], ["officer@example.gov.uk", "responder@example.gov.uk"]),
    ("Street scene complaints", "Cwynion golwg stryd", ["waste-recycling", "highways", "parks"], ["officer2@example.gov.uk"]),
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

# Where triage signposts people: (name, Welsh name, what they help with, how to contact, website).
ORGANISATIONS = [
    ("Citizens Advice", "Cyngor ar Bopeth",
     "Free, confidential advice on debt, benefits, housing, employment and consumer problems.",
     "Adviceline (England) 0800 144 8848, Advicelink (Wales) 0800 702 2020, Monday to Friday 9am to 5pm.",
     "https://www.citizensadvice.org.uk"),
    ("Local Government and Social Care Ombudsman", None,
     "Complaints about councils and adult social care providers, once the council's own complaints procedure is finished.",
     "0300 061 0614, Monday to Friday 10am to 4pm, or complain online.",
     "https://www.lgo.org.uk"),
    ("Housing Ombudsman", "Yr Ombwdsmon Tai",
     "Complaints about social landlords (council and housing association homes) once the landlord's complaints procedure is finished.",
     "0300 111 3000, Monday to Friday 9:15am to 5pm.",
     "https://www.housing-ombudsman.org.uk"),
    ("POhWER", None,
     "Independent advocacy, including NHS complaints advocacy and Care Act advocacy, for people who need help to make a complaint.",
     "0300 456 2370, or text 'pohwer' with your name and number to 81025.",
     "https://www.pohwer.net"),
    ("Age UK", None,
     "Information and advice for older people and their families on care, money, housing and staying well.",
     "Age UK Advice Line 0800 678 1602, every day 8am to 7pm.",
     "https://www.ageuk.org.uk"),
    ("NSPCC", None,
     "Concerns about a child's safety or wellbeing. In an emergency, call 999.",
     "Helpline 0808 800 5000; Childline for children and young people 0800 1111.",
     "https://www.nspcc.org.uk"),
    ("Shelter", None,
     "Housing advice for people who are homeless or at risk of losing their home, and for private tenants.",
     "Emergency helpline 0808 800 4444.",
     "https://www.shelter.org.uk"),
]

# How far along the engine each demo case has gone (weights); each path is a list of actions.
E = EventType
TO_TEAM = [E.TRIAGED_COMPLAINT, E.ACKNOWLEDGED, E.ALLOCATED, E.INVESTIGATION_STARTED]
TO_RESPONSE = [*TO_TEAM, E.RESPONSE_DRAFTED, E.SUBMITTED_FOR_CHECK, E.RESPONSE_SENT]
SCENARIOS = [
    ([], 18),
    ([E.TRIAGED_COMPLAINT], 6),
    ([E.TRIAGED_COMPLAINT, E.ACKNOWLEDGED, E.ALLOCATED], 8),
    (TO_TEAM, 10),
    ([E.TRIAGED_COMPLAINT, E.ACKNOWLEDGED, E.ALLOCATED, E.PASSED_TO_SERVICE], 6),
    ([*TO_TEAM, E.EXTENDED], 3),
    ([*TO_TEAM, E.RESPONSE_DRAFTED, E.SUBMITTED_FOR_CHECK], 6),
    (TO_RESPONSE, 10),
    ([*TO_RESPONSE, E.CLOSED], 20),
    ([*TO_RESPONSE, E.ESCALATION_REQUESTED, E.ESCALATED, E.ACKNOWLEDGED, E.ALLOCATED, E.INVESTIGATION_STARTED], 4),
    ([E.TRIAGED_SERVICE_REQUEST], 5),
    ([E.TRIAGED_FEEDBACK], 4),
    ([E.TRIAGED_COMPLAINT, E.WITHDRAWN], 3),
]
# (name, locale, stage, body): council wording, one row per language.
RESPONSE_TEMPLATES = [
    ("Stage 1 response", "en", 1, """Dear {{ resident_name }}

Your complaint {{ reference }} about {{ service }}

Thank you for telling us about your complaint, which we received on {{ received_date }}. I have looked into what happened and this letter explains what I found.

[Say what you found for each point, and why.]

[Say what we will do to put things right, and by when.]

If you are not satisfied with this response, you can ask us to look at your complaint again at stage 2. Please tell us by {{ escalation_deadline }} and say why you are not satisfied. You can reply to this letter, use our website or phone us, and quote {{ reference }}.

Yours sincerely

{{ officer_name }}
{{ council_name }}
"""),
    ("Ymateb cam 1", "cy", 1, """Annwyl {{ resident_name }}

Eich cwyn {{ reference }} am {{ service }}

Diolch am roi gwybod i ni am eich cwyn, a ddaeth i law ar {{ received_date }}. Rwyf wedi edrych ar yr hyn a ddigwyddodd ac mae'r llythyr hwn yn esbonio'r hyn a ganfûm.

[Dywedwch beth a ganfuwyd ar gyfer pob pwynt, a pham.]

[Dywedwch beth y byddwn yn ei wneud i unioni pethau, ac erbyn pryd.]

Os nad ydych yn fodlon â'r ymateb hwn, gallwch ofyn i ni edrych ar eich cwyn eto yng ngham 2. Rhowch wybod i ni erbyn {{ escalation_deadline }} a dywedwch pam nad ydych yn fodlon. Gallwch ateb y llythyr hwn, defnyddio ein gwefan neu ein ffonio, gan ddyfynnu {{ reference }}.

Yn gywir

{{ officer_name }}
{{ council_name }}
"""),
    ("Stage 2 final response", "en", 2, """Dear {{ resident_name }}

Your complaint {{ reference }} about {{ service }}: our final response

You asked us to look at your complaint again. I was not involved at stage 1, and I have reviewed the complaint and how it was handled.

[Say what you found for each point, and why.]

[Say what we will do to put things right, and by when.]

This is the council's final response. If you are not satisfied, you can ask the {{ ombudsman_name }} to look at your complaint. The {{ ombudsman_name }} is independent and free to use. You should usually contact them within 12 months, and quote {{ reference }}.

Yours sincerely

{{ officer_name }}
{{ council_name }}
"""),
    ("Ymateb terfynol cam 2", "cy", 2, """Annwyl {{ resident_name }}

Eich cwyn {{ reference }} am {{ service }}: ein hymateb terfynol

Gofynnoch i ni edrych ar eich cwyn eto. Nid oeddwn yn rhan o gam 1, ac rwyf wedi adolygu'r gwyn a sut yr ymdriniwyd â hi.

[Dywedwch beth a ganfuwyd ar gyfer pob pwynt, a pham.]

[Dywedwch beth y byddwn yn ei wneud i unioni pethau, ac erbyn pryd.]

Dyma ymateb terfynol y cyngor. Os nad ydych yn fodlon, gallwch ofyn i {{ ombudsman_name }} edrych ar eich cwyn. Mae'r Ombwdsmon yn annibynnol ac am ddim. Fel arfer dylech gysylltu â nhw o fewn 12 mis, gan ddyfynnu {{ reference }}.

Yn gywir

{{ officer_name }}
{{ council_name }}
"""),
]


def has_data() -> bool:
    return bool(db.session.scalar(select(func.count(User.id))))


# Case notes officers write as they investigate (the generator's lifecycles carry some).
CASE_NOTES = [
    "Phoned the resident to talk through the complaint; they confirmed the points as recorded.",
    "Asked the service for its records of the visits and the calls the resident made.",
    "The service has sent its records. Two of the three appointments were missed without notice.",
    "Left a voicemail for the resident asking for a good time to call back.",
    "Spoke to the team leader, who agreed the letter should have gone out sooner.",
    "Checked the council's policy: the resident was given the wrong timescale.",
    "The resident sent photographs by email; saved to the case.",
    "Site visit booked with the resident for next week.",
]
# Actions after which an officer often writes a note.
_NOTE_AFTER = {E.ALLOCATED, E.INVESTIGATION_STARTED, E.PASSED_TO_SERVICE, E.RETURNED_FROM_SERVICE, E.ACKNOWLEDGED}


def _walk(case, path, rng, now, moment, resident, officers, calendar, *, notes: float = 0.0, reasons=()) -> None:
    """Take a case along `path` through the engine, a few working hours or days apart; with
    `notes`, the chance of a case note after each investigating step; with `reasons` (the council's
    complaint reasons), triage records one offered for the case's service."""
    author, checker = rng.sample(officers, 2)
    for action in path:
        moment = moment + timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 8))
        if moment > now:
            return
        actor, payload = author, {}
        if action is EventType.TRIAGED_COMPLAINT:
            payload = {"points": [case.what_happened.split(".")[0] + ".", "How my earlier reports were handled."],
                       "outcome": case.outcome_wanted}
            offered = [r for r in reasons if r.service_id in {None, case.service_id}]
            if offered:  # chosen by the case's id, so the demo's random sequence stays as it was
                payload["reason_detail"] = offered[case.id % len(offered)]
        elif action is EventType.ALLOCATED:
            payload = {"handler": author if case.stage == 1 else checker}
            actor = checker
        elif action is EventType.RESPONSE_DRAFTED:
            payload = {"findings": {"1": rng.choice(list(Finding)).value, "2": rng.choice(list(Finding)).value}}
            actor = author if case.stage == 1 else checker
        elif action in {EventType.RESPONSE_SENT, EventType.RETURNED_FOR_CHANGES}:
            actor = checker if case.stage == 1 else author
            if action is EventType.RETURNED_FOR_CHANGES:
                payload = {"reason": "Answer the second point as well, and say when the repair will be done."}
        elif action is EventType.EXTENDED:
            current = case.respond_by
            payload = {"new_date": calendar.add(current, rng.randint(3, 10)), "reason": "We are waiting for a report from the service."}
        elif action is EventType.TRIAGED_FEEDBACK:
            payload = {"kind": rng.choice([CaseKind.COMPLIMENT, CaseKind.COMMENT])}
        elif action is EventType.CLOSED:
            payload = {"code": ClosureCode.RESPONDED}
        elif action in {EventType.ESCALATION_REQUESTED, EventType.WITHDRAWN}:
            actor = resident
        if action is EventType.RESPONSE_DRAFTED:
            # Through the responses service, so the words exist for checking, the letter and the portal.
            _at(moment, responses.save_draft, case, actor, None, _demo_draft(case, payload["findings"], rng))
        elif action is EventType.RESPONSE_SENT:
            _at(moment, responses.approve_and_send, case, actor, None)
        else:
            engine.perform(case, action, actor, at=moment, **payload)
        if notes and action in _NOTE_AFTER and rng.random() < notes:
            moment = moment + timedelta(hours=rng.randint(1, 5))
            if moment <= now:
                engine.perform(case, EventType.NOTE_ADDED, author, at=moment, text=rng.choice(CASE_NOTES))


def _at(moment, function, *args):
    """Run a service as if it were `moment` (demo history), then put the clock back."""
    before = clock.fixed_now()
    clock.set_now(moment)
    try:
        return function(*args)
    finally:
        clock.set_now(before)


def _demo_draft(case, findings: dict[str, str], rng) -> responses.Draft:
    reasons = {
        "upheld": "We agree this fell short of what we should provide.",
        "partly_upheld": "We got some of this right, but not all of it.",
        "not_upheld": "We looked at our records and found the service was provided as it should be.",
    }
    points = {point["id"]: point["text"] for point in case.definition.get("points", [])}
    body = (
        "Thank you for your complaint. We have looked into each point you raised.\n\n"
        + "\n".join(f"{points.get(pid, pid)} {reasons[finding]}" for pid, finding in findings.items())
        + "\n\nIf you are not satisfied with this response, you can ask us to look at it again at stage 2."
    )
    remedies = [responses.Remedy(RemedyKind.APOLOGY, "We are sorry for the trouble this caused.")]
    if "upheld" in findings.values() and rng.random() < 0.3:
        remedies.append(responses.Remedy(RemedyKind.PAYMENT, "For the time and trouble", rng.choice([5000, 10000, 25000])))
    return responses.Draft(
        findings={pid: (Finding(finding), reasons[finding]) for pid, finding in findings.items()},
        body=body,
        remedies=remedies,
    )


def load_standard_data() -> dict[str, Service]:
    """What every council starts from, demo or not (`redress init` loads it too): the usual services,
    organisations to signpost to, the support and advocacy directory and response templates.
    Returns the services by slug."""
    now = utcnow()
    services = {}
    for slug, name, name_cy, description, description_cy in SERVICES:
        service = Service(slug=slug, name=name, name_cy=name_cy, description=description, description_cy=description_cy,
                          active=True, care_kind=CARE_KINDS.get(slug))
        db.session.add(service)
        services[slug] = service
    db.session.flush()

    for name, name_cy, helps_with, contact, website in ORGANISATIONS:
        db.session.add(Organisation(name=name, name_cy=name_cy, helps_with=helps_with, contact=contact,
                                    website=website, active=True))

    load_support_services()  # the advocacy and support directory (issue 7)
    reason_admin.load_defaults(services)  # the council's own complaint reasons (issue 12)

    for name, locale, stage, body in RESPONSE_TEMPLATES:
        db.session.add(ResponseTemplate(name=name, locale=locale, stage=stage, body=body, active=True, updated_at=now))
    db.session.flush()
    return services


def load(*, cases: int = 300, seed: int = 2026, nation: str = "england") -> str:
    rng = random.Random(seed)  # nosec B311  # repeatable demo data, not secrets
    calendar = WorkingCalendar(nation)
    now = utcnow()
    services = load_standard_data()
    demo_translations.load(services)  # Polish and Urdu names, so those pages show them (issue 12)
    reasons = list(db.session.scalars(select(ComplaintReason).order_by(ComplaintReason.sort_order)))

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
    agent = staff["agent@example.gov.uk"]
    for name, name_cy, slugs, emails in DEMO_TEAMS:  # issue 12: who is offered first at allocation
        db.session.add(Team(name=name, name_cy=name_cy, active=True, services=[services[slug] for slug in slugs],
                            members=[staff[email] for email in emails]))
    slugs = list(services)
    paths, weights = zip(*SCENARIOS, strict=True)
    for index in range(cases):
        # The main demo resident gets a handful of cases so "Your cases" is never empty.
        resident = residents[0] if index % 40 == 0 else rng.choice(residents)
        slug = rng.choice(slugs)
        what, outcome = rng.choice(STORIES[slug])
        path = rng.choices(paths, weights)[0]
        if not path:
            received_at = now - timedelta(hours=rng.randint(1, 24 * 6))
        else:
            received_at = now - timedelta(days=rng.randint(12 * len(path), 540), hours=rng.randint(0, 23))
        local = to_london(received_at).date()
        received_at = min(now, datetime.combine(local, time(rng.randint(8, 19), rng.randint(0, 59)), LONDON).astimezone(received_at.tzinfo))
        channel = rng.choices([Channel.ONLINE, Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.FACE_TO_FACE], [55, 25, 12, 5, 3])[0]
        method = rng.choices(list(ContactMethod), [65, 15, 10, 10])[0]
        case = engine.receive(
            kind=CaseKind.COMPLAINT,
            service=services[slug],
            resident=resident,
            entered_by=resident if channel is Channel.ONLINE else agent,
            on_behalf_of=None if channel is Channel.ONLINE else resident,
            channel=channel,
            what_happened=what,
            happened_on=(received_at - timedelta(days=rng.randint(1, 60))).date(),
            outcome_wanted=outcome,
            contact_method=method,
            contact_phone=f"07700 900 {rng.randint(0, 999):03d}" if method in {ContactMethod.PHONE, ContactMethod.TEXT} else None,
            contact_address=f"{rng.randint(1, 120)} High Street\nRedbury\nRB1 {rng.randint(1, 9)}AA" if method is ContactMethod.POST else None,
            procedure_slug="housing" if slug == "housing-repairs" else None,
            at=received_at,
        )
        _walk(case, path, rng, now, received_at, resident, officers, calendar, reasons=reasons)
    db.session.flush()
    _load_representation(rng, residents[0], services, staff, shared_hash, confirmed)
    return (f"Loaded {len(SERVICES)} services, {len(STAFF) + len(PORTAL_PEOPLE)} demo sign-ins, "
            f"{len(residents)} residents and {cases} cases. Demo password: {DEMO_PASSWORD}")


# --- councillors' wards and representatives (issue 6) -------------------------------------------------

WARDS = [("Riverside", "Glan yr Afon", "E05000001"), ("Castle", "Castell", "E05000002"),
         ("Hillside", "Ochr y Bryn", "E05000003")]
DEMO_REPRESENTATIVE = ("advocate@example.com", "Dafydd Price")


def _load_representation(rng, main_resident: User, services: dict, staff: dict, password_hash: str, confirmed) -> None:
    """Wards on every case, the demo councillor's ward and one enquiry of theirs, and an advocate
    named on the main resident's newest case (they sign in and see that case only)."""
    from shared.domain.enums import ConsentMethod, RepresentativeKind
    from shared.models import Case, CaseRepresentative, Ward

    wards = [Ward(name=name, name_cy=name_cy, code=code) for name, name_cy, code in WARDS]
    db.session.add_all(wards)
    db.session.flush()
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        case.ward_id = rng.choice(wards).id
    councillor = db.session.scalar(select(User).where(User.role == Role.COUNCILLOR))
    if councillor is not None:
        councillor.ward_id = wards[0].id
        constituent = User(email="constituent@example.com", full_name="Megan Hughes", role=Role.RESIDENT,
                           password_hash=None)
        db.session.add(constituent)
        db.session.flush()
        enquiry = engine.receive(
            kind=CaseKind.MEMBER_ENQUIRY, service=services["waste-recycling"], resident=constituent, entered_by=councillor, on_behalf_of=constituent,
            channel=Channel.COUNCILLOR, what_happened="My constituent's bins on Mill Lane have been missed three weeks running.",
            outcome_wanted="Collect them and say why they were missed.", contact_method=ContactMethod.EMAIL,
            procedure_slug="member-enquiry", for_someone_else=True, subject_name="Megan Hughes",
            consent=ConsentMethod.WRITTEN)
        enquiry.ward_id = wards[0].id
        db.session.add(CaseRepresentative(case_id=enquiry.id, representative_id=councillor.id,
                                          kind=RepresentativeKind.COUNCILLOR, consent=ConsentMethod.WRITTEN,
                                          recorded_by_id=councillor.id, recorded_at=utcnow()))
    email, name = DEMO_REPRESENTATIVE
    advocate = User(email=email, full_name=name, role=Role.RESIDENT, password_hash=password_hash,
                    email_confirmed_at=confirmed)
    db.session.add(advocate)
    db.session.flush()
    represented = db.session.scalar(select(Case).where(Case.resident_id == main_resident.id)
                                    .order_by(Case.received_at.desc(), Case.id.desc()).limit(1))
    if represented is not None:
        db.session.add(CaseRepresentative(case_id=represented.id, representative_id=advocate.id,
                                          kind=RepresentativeKind.ADVOCATE, consent=ConsentMethod.WRITTEN,
                                          consent_note="Signed consent form scanned to the case.",
                                          recorded_by_id=staff["agent@example.gov.uk"].id, recorded_at=utcnow()))
    db.session.flush()
