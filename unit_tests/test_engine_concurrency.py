"""Twenty people change the same case at once: exactly one wins, nineteen get a conflict.

Runs outside the per-test transaction, on real connections committing for real, then removes
what it made. On PostgreSQL the losers are caught by the version check; SQLite lets only one
writer in at a time, so there a loser may instead be told the database is busy.
"""

from __future__ import annotations

import threading

from flask import g
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from shared.db import make_engine
from shared.domain.enums import CaseKind, Channel, ContactMethod, EventType, Role
from shared.domain.transitions import StaleCase
from shared.models import Case, CaseEvent, CaseStage, OutboxMessage, Service, User
from shared.services import engine as case_engine
from unit_tests.factories import _HASH

WRITERS = 20


def test_concurrent_updates_of_one_case_version(app, database_url):
    # Its own engine, with a connection for every writer (the default pool would make them queue).
    engine = make_engine(database_url, pool_size=WRITERS + 2, max_overflow=0)
    with Session(engine) as setup:
        service = Service(slug="race", name="Race", name_cy="Ras", description="-", description_cy="-", active=True)
        officers = [User(email=f"racer{i}@example.gov.uk", full_name=f"Racer {i}", role=Role.OFFICER, password_hash=_HASH)
                    for i in range(WRITERS)]
        setup.add_all([service, *officers])
        setup.commit()
        officer_ids = [o.id for o in officers]
        service_id = service.id

    try:
        with app.test_request_context():
            g.db_session = Session(engine, expire_on_commit=False)
            case = case_engine.receive(
                kind=CaseKind.COMPLAINT, service=g.db_session.get(Service, service_id), resident=None, entered_by=None,
                channel=Channel.PHONE, what_happened="x", outcome_wanted="y", contact_method=ContactMethod.PHONE,
            )
            g.db_session.commit()
            case_id, start_version = case.id, case.version
            g.db_session.close()

        barrier = threading.Barrier(WRITERS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def writer(officer_id: int) -> None:
            with app.test_request_context():
                session = g.db_session = Session(engine, expire_on_commit=False)
                mine = session.get(Case, case_id)
                officer = session.get(User, officer_id)
                assert mine.version == start_version
                barrier.wait(timeout=30)
                try:
                    case_engine.perform(mine, EventType.NOTE_ADDED, officer, text=f"note from {officer_id}",
                                        expected_version=start_version)
                    session.commit()
                    result = "won"
                except StaleCase:
                    session.rollback()
                    result = "conflict"
                except OperationalError as error:
                    session.rollback()
                    assert engine.dialect.name == "sqlite" and "locked" in str(error), error
                    result = "conflict"
                finally:
                    session.close()
                with lock:
                    outcomes.append(result)

        threads = [threading.Thread(target=writer, args=(officer_id,)) for officer_id in officer_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert sorted(outcomes) == ["conflict"] * (WRITERS - 1) + ["won"]
        with Session(engine) as check:
            assert check.get(Case, case_id).version == start_version + 1
            notes = check.scalar(select(func.count()).select_from(CaseEvent)
                                 .where(CaseEvent.case_id == case_id, CaseEvent.type == EventType.NOTE_ADDED))
            assert notes == 1
    finally:
        with Session(engine) as cleanup:
            case_ids = select(Case.id).where(Case.service_id == service_id).scalar_subquery()
            cleanup.execute(delete(CaseEvent).where(CaseEvent.case_id.in_(case_ids)))
            cleanup.execute(delete(CaseStage).where(CaseStage.case_id.in_(case_ids)))
            cleanup.execute(delete(OutboxMessage).where(OutboxMessage.case_id.in_(case_ids)))
            cleanup.execute(delete(Case).where(Case.service_id == service_id))
            cleanup.execute(delete(User).where(User.id.in_(officer_ids)))
            cleanup.execute(delete(Service).where(Service.id == service_id))
            cleanup.commit()
        engine.dispose()
