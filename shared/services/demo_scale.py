"""A large council's ten years of cases, fast: `redress demo-data --cases N` (issue 11).

The normal demo (shared/services/demo.py) walks a few hundred cases through the real engine. This
adds a few dozen more engine-walked lifecycles the demo lacks (stage 2 responses and closures,
duplicates), then clones those template cases N times with SQLAlchemy Core bulk inserts: each clone
keeps its template's whole consistent history (events, stages with outcomes, responses, messages,
representatives) shifted back by whole weeks (so working-day deadlines stay on working days), with a
new reference, resident and ward. Closed lifecycles spread over ten years; open ones stay recent.
On top: residents with several cases (some with 20+), adjustments, Ombudsman referrals with
decisions and recommendations, and learning actions. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, text

from shared.clock import utcnow
from shared.db import Base, db
from shared.domain.calendar import WorkingCalendar
from shared.domain.enums import (
    AdjustmentKind,
    CaseKind,
    CaseStatus,
    Channel,
    ContactMethod,
    LearningStatus,
    Ombudsman,
    OmbudsmanDecision,
    RefusalGround,
    Role,
)
from shared.domain.enums import EventType as E
from shared.domain.references import ALPHABET
from shared.models import Case, Service, User
from shared.services import demo, engine

BATCH = 2000  # cases per round of inserts
YEARS = 10
# Tables cloned with each case (in foreign-key order). Access links and the outbox are not: a
# clone must not carry a live link or send anything.
SKIP = {"case_access_links", "outbox_messages"}
STAGE_TWO_CLOSED = [*demo.TO_RESPONSE, E.ESCALATION_REQUESTED, E.ESCALATED, E.ACKNOWLEDGED, E.ALLOCATED,
                    E.INVESTIGATION_STARTED, E.RESPONSE_DRAFTED, E.SUBMITTED_FOR_CHECK, E.RESPONSE_SENT, E.CLOSED]
STAGE_TWO_SENT = STAGE_TWO_CLOSED[:-1]
# Stage 1 lifecycles with the investigating steps real complaints have: passed to the service and
# back, extended; each with case notes along the way.
STAGE_ONE_CLOSED = [
    [*demo.TO_RESPONSE, E.CLOSED],
    [*demo.TO_TEAM, E.PASSED_TO_SERVICE, E.RETURNED_FROM_SERVICE, E.RESPONSE_DRAFTED, E.SUBMITTED_FOR_CHECK,
     E.RESPONSE_SENT, E.CLOSED],
    [*demo.TO_TEAM, E.EXTENDED, E.RESPONSE_DRAFTED, E.SUBMITTED_FOR_CHECK, E.RESPONSE_SENT, E.CLOSED],
    [*demo.TO_TEAM, E.RESPONSE_DRAFTED, E.SUBMITTED_FOR_CHECK, E.RETURNED_FOR_CHANGES, E.RESPONSE_DRAFTED,
     E.SUBMITTED_FOR_CHECK, E.RESPONSE_SENT, E.CLOSED],
]
# Complaints not taken forward at triage, one ground each (the reason the person is told).
REFUSALS = [
    (RefusalGround.TOO_LATE, "You first raised this with us in 2019, more than 12 months ago, and nothing has "
                             "stopped you complaining sooner."),
    (RefusalGround.LEGAL_PROCEEDINGS, "You have started a claim in the county court about this, so the court "
                                      "will decide it."),
    (RefusalGround.ALREADY_CONSIDERED, "We answered this complaint at both stages last year; you can ask the "
                                       "Ombudsman to look at it."),
    (RefusalGround.OTHER_ROUTE, "A penalty charge notice is challenged through the appeal on the notice, not "
                                "the complaints procedure."),
    (RefusalGround.NOT_THE_COUNCIL, "The bus service is run by the transport company, not the council; we have "
                                    "given you their details."),
]


def _tables():
    tables = [t for t in Base.metadata.sorted_tables
              if "case_id" in t.c and t.name not in SKIP and t.name != "cases"]
    return tables


def _extra_templates(rng: random.Random, nation: str, count: int = 40) -> None:
    """Engine-walked lifecycles the small demo lacks: stage 2 responded and closed, duplicates."""
    calendar = WorkingCalendar(nation)
    now = utcnow()
    services = list(db.session.scalars(select(Service).order_by(Service.id)))
    officers = list(db.session.scalars(select(User).where(User.role == Role.OFFICER).order_by(User.id)))
    residents = list(db.session.scalars(select(User).where(User.role == Role.RESIDENT).order_by(User.id).limit(20)))
    agent = db.session.scalar(select(User).where(User.role == Role.AGENT).limit(1))
    for index in range(count):
        service = services[index % len(services)]
        resident = rng.choice(residents)
        path = STAGE_TWO_CLOSED if index % 4 else STAGE_TWO_SENT
        what, outcome = rng.choice(demo.STORIES[service.slug])
        received_at = now - timedelta(days=rng.randint(120, 400), hours=rng.randint(0, 8))
        channel = rng.choice([Channel.ONLINE, Channel.PHONE, Channel.EMAIL])
        case = engine.receive(
            kind=CaseKind.COMPLAINT, service=service, resident=resident,
            entered_by=resident if channel is Channel.ONLINE else agent,
            on_behalf_of=None if channel is Channel.ONLINE else resident, channel=channel,
            what_happened=what, happened_on=(received_at - timedelta(days=9)).date(), outcome_wanted=outcome,
            contact_method=ContactMethod.EMAIL, contact_phone=None, contact_address=None,
            procedure_slug="housing" if service.slug == "housing-repairs" else None, at=received_at,
        )
        demo._walk(case, path, rng, now, received_at, resident, officers, calendar, notes=0.9)
    db.session.flush()
    for index in range(count * 2):
        service = services[index % len(services)]
        _walked(rng, now, service, residents, agent, officers, calendar, STAGE_ONE_CLOSED[index % len(STAGE_ONE_CLOSED)],
                days=(60, 400), notes=0.9)
    for index in range(count // 2):
        case = _walked(rng, now, services[index % len(services)], residents, agent, officers, calendar, [],
                       days=(30, 400))
        ground, reason = REFUSALS[index % len(REFUSALS)]
        engine.perform(case, E.REFUSED, officers[index % len(officers)], at=case.received_at + timedelta(days=2),
                       ground=ground, reason=reason, ombudsman_right_given=True)
    db.session.flush()
    # A few duplicates of earlier cases, through the engine.
    originals = list(db.session.scalars(select(Case).where(Case.resident_id.isnot(None)).order_by(Case.id).limit(8)))
    for original in originals:
        resident = db.session.get(User, original.resident_id)
        service = db.session.get(Service, original.service_id)
        at = original.received_at + timedelta(days=1)
        case = engine.receive(
            kind=CaseKind.COMPLAINT, service=service, resident=resident, entered_by=resident, on_behalf_of=None,
            channel=Channel.ONLINE, what_happened=original.what_happened, happened_on=None,
            outcome_wanted=original.outcome_wanted, contact_method=ContactMethod.EMAIL, contact_phone=None,
            contact_address=None, procedure_slug=None, at=at,
        )
        engine.perform(case, E.MARKED_DUPLICATE, officers[0], at=at + timedelta(hours=2), duplicate_of=original)
    db.session.flush()


def _walked(rng, now, service, residents, agent, officers, calendar, path, *, days, notes=0.0) -> Case:
    """A complaint received `days` (a range) ago, taken along `path` through the engine."""
    resident = rng.choice(residents)
    what, outcome = rng.choice(demo.STORIES[service.slug])
    received_at = now - timedelta(days=rng.randint(*days), hours=rng.randint(0, 8))
    channel = rng.choice([Channel.ONLINE, Channel.ONLINE, Channel.PHONE, Channel.EMAIL])
    case = engine.receive(
        kind=CaseKind.COMPLAINT, service=service, resident=resident,
        entered_by=resident if channel is Channel.ONLINE else agent,
        on_behalf_of=None if channel is Channel.ONLINE else resident, channel=channel,
        what_happened=what, happened_on=(received_at - timedelta(days=9)).date(), outcome_wanted=outcome,
        contact_method=ContactMethod.EMAIL, contact_phone=None, contact_address=None,
        procedure_slug="housing" if service.slug == "housing-repairs" else None, at=received_at,
    )
    demo._walk(case, path, rng, now, received_at, resident, officers, calendar, notes=notes)
    return case


def _reference(rng: random.Random, taken: set[str]) -> str:
    while True:
        body = "".join(rng.choice(ALPHABET) for _ in range(8))
        reference = f"RDR-{body[:4]}-{body[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


def _next_id(table) -> int:
    if "id" not in table.c:
        return 0
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def _shifted(row: dict, shift: timedelta) -> dict:
    for key, value in row.items():
        if isinstance(value, datetime | date):
            row[key] = value + shift
    return row


def load(*, cases: int, seed: int = 2026, nation: str = "england") -> str:
    rng = random.Random(seed)  # noqa: S311  # nosec B311  # demo data, not secrets
    now = utcnow()
    _extra_templates(rng, nation)
    db.session.flush()
    meta = Base.metadata.tables
    cases_t, users_t = meta["cases"], meta["users"]
    children = _tables()

    templates = [dict(r._mapping) for r in db.session.execute(select(cases_t).order_by(cases_t.c.id))]
    template_ids = [t["id"] for t in templates]
    # Mostly closed lifecycles; refusals are a few per cent of complaints.
    weights = [(8 if t["status"] == CaseStatus.REFUSED else 40) if t["closed_at"] is not None else 1
               for t in templates]
    rows_by_table = {}
    for table in children:
        grouped: dict[int, list[dict]] = {}
        for r in db.session.execute(select(table).where(table.c.case_id.in_(template_ids)).order_by(*table.primary_key.columns)):
            grouped.setdefault(r.case_id, []).append(dict(r._mapping))
        rows_by_table[table.name] = grouped
    recommendations_t = meta["ombudsman_recommendations"]
    recommendations: dict[int, list[dict]] = {}
    for r in db.session.execute(select(recommendations_t)):
        recommendations.setdefault(r.referral_id, []).append(dict(r._mapping))

    # Residents: about one per four cases; a frequent few get many (20+ at 200k).
    resident_count = max(20, cases // 4)
    first_user = _next_id(users_t)
    password_hash = db.session.scalar(select(users_t.c.password_hash).where(users_t.c.role == Role.RESIDENT).limit(1))
    confirmed = now - timedelta(days=400)
    wards = list(db.session.scalars(select(meta["wards"].c.id).order_by(meta["wards"].c.id))) or [None]
    user_rows = []
    for index in range(resident_count):
        user_rows.append({
            "id": first_user + index, "email": f"resident{first_user + index}@bulk.example.com",
            "full_name": f"{rng.choice(demo.FIRST)} {rng.choice(demo.LAST)}", "role": Role.RESIDENT,
            "password_hash": password_hash, "email_confirmed_at": confirmed, "created_at": confirmed,
            "locale": rng.choice(["en", "en", "en", "cy"]), "ward_id": rng.choice(wards),
        })
    for start in range(0, len(user_rows), 5000):
        db.session.execute(insert(users_t), user_rows[start:start + 5000])
    frequent = max(1, resident_count // 100)

    # Adjustments for about 3 % of the new residents.
    officer_id = db.session.scalar(select(users_t.c.id).where(users_t.c.role == Role.OFFICER).limit(1))
    kinds = list(AdjustmentKind)
    adjustment_rows = [{"person_id": first_user + i, "kind": rng.choice(kinds), "detail": None,
                        "recorded_by_id": officer_id, "recorded_at": now - timedelta(days=rng.randint(1, 900)),
                        "review_on": (now + timedelta(days=rng.randint(10, 300))).date()}
                       for i in range(resident_count) if rng.random() < 0.03]
    if adjustment_rows:
        db.session.execute(insert(meta["adjustments"]), adjustment_rows)

    taken = set(db.session.scalars(select(cases_t.c.reference)))
    next_ids = {t.name: _next_id(t) for t in [cases_t, *children, recommendations_t]}
    oldest = now - timedelta(days=365 * YEARS)
    referral_rows, recommendation_rows, closed_stage_two = [], [], []
    made = 0
    while made < cases:
        batch = {name: [] for name in next_ids}
        for _ in range(min(BATCH, cases - made)):
            # Ten years of a council are mostly closed cases: open lifecycles are the recent few per cent.
            template = rng.choices(templates, weights)[0]
            if template["closed_at"] is not None:
                span = max(0, (template["received_at"] - oldest).days // 7)
                shift = -timedelta(weeks=rng.randint(0, span))
            else:
                shift = -timedelta(weeks=rng.randint(0, 1))
            case_id = next_ids["cases"]
            next_ids["cases"] += 1
            old_resident = template["resident_id"]
            pick = rng.random()
            resident = first_user + (rng.randrange(frequent) if pick < 0.1 else rng.randrange(resident_count))

            def person(value, old_resident=old_resident, resident=resident):
                return resident if value is not None and value == old_resident else value

            row = _shifted(dict(template), shift)
            row.update(id=case_id, reference=_reference(rng, taken), resident_id=person(template["resident_id"]),
                       entered_by_id=person(template["entered_by_id"]),
                       draft_author_id=person(template["draft_author_id"]), ward_id=rng.choice(wards),
                       split_from_id=None)
            batch["cases"].append(row)
            message_map: dict[int, int] = {}
            for table in children:
                for child in rows_by_table[table.name].get(template["id"], ()):
                    new = _shifted(dict(child), shift)
                    if "id" in table.c:
                        new["id"] = next_ids[table.name]
                        next_ids[table.name] += 1
                    new["case_id"] = case_id
                    for column in ("actor_id", "on_behalf_of_id", "author_id", "person_id"):
                        if column in new:
                            new[column] = person(new[column])
                    if table.name == "case_messages":
                        message_map[child["id"]] = new["id"]
                    if table.name == "stored_files":
                        new["stored_name"] = f"bulk-{case_id}-{new['id']}"
                        new["message_id"] = message_map.get(child["message_id"]) if child["message_id"] else None
                        new["draft_id"] = None
                    if table.name in {"signposts"}:
                        new["draft_id"] = None
                    if table.name == "restrictions":
                        new["letter_message_id"] = None
                    if table.name == "ombudsman_referrals":
                        for rec in recommendations.get(child["id"], ()):
                            rec_new = _shifted(dict(rec), shift)
                            rec_new.update(id=next_ids[recommendations_t.name], referral_id=new["id"])
                            next_ids[recommendations_t.name] += 1
                            batch[recommendations_t.name].append(rec_new)
                    batch[table.name].append(new)
            if row["stage"] == 2 and row["closed_at"] is not None:
                closed_stage_two.append((case_id, row["closed_at"], row["service_id"]))
        for table in [cases_t, *children, recommendations_t]:
            if batch[table.name]:
                db.session.execute(insert(table), batch[table.name])
        made += len(batch["cases"])

    # Ombudsman referrals: about a fifth of cases closed at stage 2, with decisions and recommendations.
    ombudsman = {"wales": Ombudsman.PSOW, "scotland": Ombudsman.SPSO}.get(nation, Ombudsman.LGSCO)
    decisions = [OmbudsmanDecision.PENDING, OmbudsmanDecision.NOT_INVESTIGATED, OmbudsmanDecision.NO_FAULT,
                 OmbudsmanDecision.FAULT_NO_INJUSTICE, OmbudsmanDecision.FAULT_INJUSTICE]
    referral_id = next_ids["ombudsman_referrals"]
    rec_id = next_ids[recommendations_t.name]
    for case_id, closed_at, _service in closed_stage_two:
        if rng.random() >= 0.2:
            continue
        received = (closed_at + timedelta(days=rng.randint(20, 120))).date()
        if received > now.date():
            continue
        decision = rng.choices(decisions, [10, 35, 25, 10, 20])[0]
        decided = None if decision is OmbudsmanDecision.PENDING else min(now.date(), received + timedelta(days=rng.randint(30, 200)))
        referral_rows.append({
            "id": referral_id, "case_id": case_id, "ombudsman": ombudsman, "their_reference": f"{24 + referral_id % 3}{referral_id:06d}",
            "received_on": received, "information_due_on": received + timedelta(days=28),
            "information_sent_on": received + timedelta(days=rng.randint(5, 27)), "decision": decision,
            "decided_on": decided, "created_at": datetime.combine(received, datetime.min.time(), closed_at.tzinfo),
            "created_by_id": officer_id,
        })
        if decision is OmbudsmanDecision.FAULT_INJUSTICE:
            for text_ in ("Apologise in writing.", "Pay £250 for the time and trouble caused."):
                due = decided + timedelta(days=30)
                recommendation_rows.append({"id": rec_id, "referral_id": referral_id, "text": text_, "due_on": due,
                                            "complied_on": due - timedelta(days=rng.randint(0, 20)) if due < now.date() else None,
                                            "evidence": None})
                rec_id += 1
        referral_id += 1
    if referral_rows:
        db.session.execute(insert(meta["ombudsman_referrals"]), referral_rows)
    if recommendation_rows:
        db.session.execute(insert(recommendations_t), recommendation_rows)

    # Learning actions: a few a year per service, each linked to some upheld cases of its service.
    services = list(db.session.execute(select(meta["services"].c.id)).scalars())
    learning_t, links_t = meta["learning_actions"], meta["learning_action_cases"]
    action_id = _next_id(learning_t)
    actions, links = [], []
    link_columns = {c.name for c in links_t.c}
    for service_id in services:
        sample = list(db.session.scalars(
            select(cases_t.c.id).where(cases_t.c.service_id == service_id, cases_t.c.closed_at.isnot(None)).order_by(cases_t.c.id).limit(max(3, cases // 200))))
        for _ in range(max(1, cases // 2000)):
            status = rng.choice(list(LearningStatus))
            created = now - timedelta(days=rng.randint(10, 365 * YEARS))
            actions.append({"id": action_id, "title": "Review how we keep people updated", "description": "",
                            "service_id": service_id, "owner_id": officer_id, "status": status,
                            "due_on": (created + timedelta(days=90)).date(), "published": status is LearningStatus.DONE,
                            "you_said": "You were not kept updated." if status is LearningStatus.DONE else None,
                            "we_did": "We now send an update every ten working days." if status is LearningStatus.DONE else None,
                            "created_at": created, "created_by_id": officer_id,
                            "completed_at": created + timedelta(days=60) if status is LearningStatus.DONE else None})
            for linked in rng.sample(sample, min(3, len(sample))):
                link = {"learning_action_id": action_id, "case_id": linked}
                if "id" in link_columns:
                    link["id"] = None
                links.append({k: v for k, v in link.items() if v is not None})
            action_id += 1
    if actions:
        db.session.execute(insert(learning_t), actions)
    if links:
        db.session.execute(insert(links_t).prefix_with("OR IGNORE") if db.engine.dialect.name == "sqlite"
                           else insert(links_t), _unique(links))

    _reset_sequences([users_t, cases_t, *children, recommendations_t, learning_t, meta["adjustments"]])
    events = sum(len(v) for k, g in rows_by_table.items() if k == "case_events" for v in g.values())
    return (f"Generated {cases} cases for {resident_count} residents ({len(adjustment_rows)} adjustments, "
            f"{len(referral_rows)} Ombudsman referrals, {len(actions)} learning actions) from "
            f"{len(templates)} engine-made templates ({events} template events).")


def _unique(links: list[dict]) -> list[dict]:
    seen, out = set(), []
    for link in links:
        key = (link["learning_action_id"], link["case_id"])
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


def vacuum() -> None:
    """After the bulk load is committed, on PostgreSQL: VACUUM (ANALYZE) every table, as autovacuum
    would for a council's ten years of data, so index-only scans need no heap fetches and the
    planner has the statistics a real database would (VACUUM cannot run inside a transaction)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # SKIP_LOCKED: a table another transaction holds (one still open on it) is left to autovacuum,
        # rather than waiting for it; a test's own open transaction would wait forever.
        connection.execute(text("VACUUM (ANALYZE, SKIP_LOCKED)"))


def _reset_sequences(tables) -> None:
    if db.engine.dialect.name != "postgresql":
        db.session.execute(text("ANALYZE"))  # SQLite's planner statistics, after a bulk load
        return
    for table in tables:
        if "id" not in table.c:
            continue
        # Table names from the models' metadata, never from input.
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608  # nosec B608  # names from the models
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 1))"))
        db.session.execute(text(f"ANALYZE {table.name}"))  # planner statistics after a bulk load
