"""Builders for test data. Passwords share one argon2 hash so tests stay fast."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.auth.passwords import hash_password
from shared.clock import utcnow
from shared.domain.enums import CareKind, CaseKind, CaseStatus, Channel, ContactMethod, EventType, Role
from shared.domain.references import new_reference
from shared.models import Case, CaseEvent, CaseStage, Organisation, Procedure, Service, User

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)
_counter = itertools.count(1)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def service(self, slug: str | None = None, name: str = "Housing repairs", care_kind: CareKind | None = None) -> Service:
        n = next(_counter)
        service = Service(
            slug=slug or f"service-{n}",
            name=name,
            name_cy=f"{name} (cy)",
            description=f"About {name.lower()}",
            description_cy=f"Ynglŷn â {name.lower()}",
            active=True,
            care_kind=care_kind,
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
            password_hash=fields.pop("password_hash", _HASH),
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
    session factory is put back: at once when the other app shares the test's engine, else afterwards.
    """
    from shared.app import create_app
    from shared.db import db
    from unit_tests.strict_client import StrictClient

    saved_kw, saved_engine = dict(db.session_factory.kw), db.engine
    try:
        other = create_app(settings, engine=engine)
        if engine is not None and engine is saved_engine:
            # The test's own engine: the other app's requests join the test's transaction too, so
            # what they write (an audit row, an account) is rolled back with it, not left for later tests.
            db.session_factory.configure(**saved_kw)
        other.test_client_class = StrictClient
        other.config["SERVER_NAME"] = "localhost"
        yield other
    finally:
        if db.engine is not None and db.engine is not saved_engine:
            db.engine.dispose()
        db.session_factory.configure(**saved_kw)
        db.engine = saved_engine


def _feedback_draft(self, user: User | None = None, *, kind=None, answers: dict | None = None,
                    guest_key: str | None = None, updated_at=None):
    """A resident's draft (`user`), or a guest's (`guest_key`, as kept in their session cookie)."""
    import hashlib

    from shared.models import FeedbackDraft

    now = updated_at or utcnow()
    draft = FeedbackDraft(
        user_id=user.id if user else None,
        guest_key_hash=hashlib.sha256(guest_key.encode()).hexdigest() if guest_key else None,
        kind=kind or CaseKind.COMPLAINT,
        answers=dict(answers or {}),
        created_at=now,
        updated_at=now,
    )
    self.session.add(draft)
    self.session.commit()
    return draft


# Appended rather than written into the class, so that concurrent additions do not collide.
Factory.feedback_draft = _feedback_draft


def _case_with_response(self, resident: User | None, service: Service, *, officer: User | None = None, stage: int = 1,
                        procedure: str = "corporate", escalation_ends=None, window_days: int = 20,
                        body: str = "We looked into your complaint and we are sorry.", **fields) -> Case:
    """A case whose stage `stage` response was sent yesterday (status RESPONSE_SENT), as the engine
    leaves it: the response stored as sent, the stage row with its escalation window (None: none)."""
    from shared.clock import to_london
    from shared.models import CaseResponse

    officer = officer or self.user(Role.OFFICER)
    sent_at = utcnow() - timedelta(days=1)
    case = self.case(
        resident, service, status=fields.pop("status", CaseStatus.RESPONSE_SENT), stage=stage, procedure=procedure, officer_id=officer.id,
        received_at=fields.pop("received_at", utcnow() - timedelta(days=30)),
        definition={"points": [{"id": "1", "text": "The bin was not collected."}], "outcome": "Collect it."}, **fields,
    )
    row = self.session.scalar(select(CaseStage).where(CaseStage.case_id == case.id, CaseStage.number == stage))
    row.responded_at = sent_at
    if escalation_ends is None and window_days:
        escalation_ends = to_london(utcnow()).date() + timedelta(days=window_days)
    row.escalation_ends = escalation_ends or None
    self.session.add(CaseResponse(case_id=case.id, stage=stage, author_id=officer.id, body=body,
                                  findings={"1": {"finding": "upheld", "reason": "We should have collected it."}},
                                  remedies=[], actions=[], created_at=sent_at, updated_at=sent_at, sent_at=sent_at))
    self.session.commit()
    return case


def _message(self, app, case: Case, *, direction=None, body: str = "Here is a photo of the bin.",
             author: User | None = None, attachments: tuple = ()):
    """A message on the case through the messages service (its files written to the upload folder).

    `attachments` are (name, bytes) pairs, stored as plain text files. Returns the message's id
    and its files' ids.
    """
    from shared.db import db
    from shared.domain.enums import MessageDirection
    from shared.services import files, messages

    checked = [files.CheckedFile(name, files.TXT, data) for name, data in attachments]
    with app.app_context():
        message = messages.post(case, author=author, direction=direction or MessageDirection.OUT, body=body,
                                attachments=checked)
        ids = (message.id, [f.id for f in files.for_case(case.id) if f.message_id == message.id])
        db.session.commit()
    return ids


Factory.case_with_response = _case_with_response
Factory.message = _message


def _adjustment(self, person: User, kind=None, *, detail: str | None = None, review_on=None, recorded_at=None,
                recorded_by: User | None = None, ended: bool = False):
    """A reasonable adjustment in `person`'s register (large print unless `kind` says otherwise)."""
    from shared.domain.enums import AdjustmentKind
    from shared.models import Adjustment

    recorded_at = recorded_at or utcnow()
    adjustment = Adjustment(person_id=person.id, kind=kind or AdjustmentKind.LARGE_PRINT, detail=detail,
                            recorded_by_id=(recorded_by or person).id, recorded_at=recorded_at,
                            review_on=review_on or (recorded_at + timedelta(days=365)).date(),
                            ended_at=utcnow() if ended else None)
    self.session.add(adjustment)
    self.session.commit()
    return adjustment


def _support_service(self, name: str = "POhWER", *, topics=("advocacy",), active: bool = True, **fields):
    """An entry in the advocacy and support directory; `topics` are SupportTopic values."""
    from shared.models import SupportService

    service = SupportService(
        name=name, name_cy=fields.pop("name_cy", None),
        helps_with=fields.pop("helps_with", f"{name} helps people speak up."),
        who_for=fields.pop("who_for", "Adults"), contact=fields.pop("contact", "See the website"),
        website=fields.pop("website", "https://www.example.org.uk"), areas=fields.pop("areas", "England"),
        languages=fields.pop("languages", "English"), topics=[str(t) for t in topics], active=active, **fields,
    )
    self.session.add(service)
    self.session.commit()
    return service


Factory.adjustment = _adjustment
Factory.support_service = _support_service


def _ward(self, name: str | None = None, **fields):
    """An electoral ward (issue 6)."""
    from shared.models import Ward

    ward = Ward(name=name or f"Ward {next(_counter)}", name_cy=fields.pop("name_cy", None), **fields)
    self.session.add(ward)
    self.session.commit()
    return ward


def _representative(self, case: Case, person: User, *, kind=None, consent=None, recorded_by: User | None = None,
                    withdrawn: bool = False):
    """`person` named on `case` to act for its resident (a relative with written consent unless told)."""
    from shared.domain.enums import ConsentMethod, RepresentativeKind
    from shared.models import CaseRepresentative

    row = CaseRepresentative(case_id=case.id, representative_id=person.id, kind=kind or RepresentativeKind.RELATIVE,
                             consent=consent or ConsentMethod.WRITTEN, recorded_by_id=(recorded_by or person).id,
                             recorded_at=utcnow(), withdrawn_at=utcnow() if withdrawn else None)
    self.session.add(row)
    self.session.commit()
    return row


Factory.ward = _ward
Factory.representative = _representative
