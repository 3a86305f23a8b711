"""Builders for test data. Passwords share one argon2 hash so tests stay fast."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.auth.passwords import hash_password
from shared.clock import utcnow
from shared.domain.enums import CaseKind, CaseStatus, Channel, ContactMethod, EventType, Role
from shared.domain.references import new_reference
from shared.models import Case, CaseEvent, CaseStage, Organisation, Procedure, Service, User

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)
_counter = itertools.count(1)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def service(self, slug: str | None = None, name: str = "Housing repairs") -> Service:
        n = next(_counter)
        service = Service(
            slug=slug or f"service-{n}",
            name=name,
            name_cy=f"{name} (cy)",
            description=f"About {name.lower()}",
            description_cy=f"Ynglŷn â {name.lower()}",
            active=True,
        )
        self.session.add(service)
        self.session.commit()
        return service

    def user(self, role: Role = Role.RESIDENT, *, email: str | None = None, confirmed: bool = True, **fields) -> User:
        n = next(_counter)
        user = User(
            email=email or f"{role.value}{n}@example.com",
            full_name=fields.pop("full_name", f"Person {n}"),
            role=role,
            password_hash=_HASH,
            email_confirmed_at=utcnow() if confirmed else None,
            **fields,
        )
        self.session.add(user)
        self.session.commit()
        return user

    def procedure_id(self, slug: str) -> int:
        return self.session.scalar(select(Procedure.id).where(Procedure.slug == slug, Procedure.is_current.is_(True)))

    def case(self, resident: User | None, service: Service, *, status: CaseStatus = CaseStatus.RECEIVED, **fields) -> Case:
        received_at = fields.pop("received_at", utcnow() - timedelta(hours=2))
        case = Case(
            reference=new_reference(),
            kind=fields.pop("kind", CaseKind.COMPLAINT),
            status=status,
            stage=fields.pop("stage", 1),
            channel=fields.pop("channel", Channel.ONLINE),
            service_id=service.id,
            resident_id=resident.id if resident else None,
            entered_by_id=resident.id if resident else None,
            what_happened=fields.pop("what_happened", "The bin was not collected."),
            outcome_wanted=fields.pop("outcome_wanted", "Collect it."),
            contact_method=ContactMethod.EMAIL,
            received_at=received_at,
            acknowledge_by=fields.pop("acknowledge_by", (received_at + timedelta(days=7)).date()),
            procedure_id=self.procedure_id(fields.pop("procedure", "corporate")),
            definition=fields.pop("definition", {}),
            **fields,
        )
        self.session.add(case)
        self.session.flush()
        self.session.add(CaseStage(case_id=case.id, number=case.stage, started_at=received_at, received_on=received_at.date(),
                                   acknowledge_by=case.acknowledge_by, findings={}))
        self.session.add(
            CaseEvent(case_id=case.id, type=EventType.RECEIVED, at=received_at, actor_id=case.resident_id,
                      from_status=None, to_status=status, details={"channel": case.channel.value})
        )
        self.session.commit()
        return case

    def organisation(self, name: str = "Citizens Advice", *, active: bool = True, **fields) -> Organisation:
        organisation = Organisation(
            name=name,
            name_cy=fields.pop("name_cy", None),
            helps_with=fields.pop("helps_with", "Free advice on debt, benefits, housing and consumer problems."),
            contact=fields.pop("contact", "Adviceline 0800 144 8848"),
            website=fields.pop("website", "https://www.citizensadvice.org.uk"),
            active=active,
        )
        self.session.add(organisation)
        self.session.commit()
        return organisation


def sign_in(client, user: User, *, staff: bool = False, password: str = PASSWORD):
    url = "/staff/sign-in" if staff else "/sign-in"
    response = client.submit(url, {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@contextmanager
def separate_app(settings, engine=None):
    """Another app instance (its own settings or engine) for one test.

    `shared.db.db` is process-wide and create_app() rebinds it, so the test's transaction-bound
    session factory is put back afterwards.
    """
    from shared.app import create_app
    from shared.db import db
    from unit_tests.strict_client import StrictClient

    saved_kw, saved_engine = dict(db.session_factory.kw), db.engine
    try:
        other = create_app(settings, engine=engine)
        other.test_client_class = StrictClient
        other.config["SERVER_NAME"] = "localhost"
        yield other
    finally:
        if db.engine is not None and db.engine is not saved_engine:
            db.engine.dispose()
        db.session_factory.configure(**saved_kw)
        db.engine = saved_engine
