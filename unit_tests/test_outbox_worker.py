"""The outbox worker: claim, send, record; retries with backoff and Retry-After; giving up; leases;
several workers at once. SMTP runs against a real aiosmtpd server, Notify against a fake on loopback."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shared import clock
from shared.clock import utcnow
from shared.db import make_engine
from shared.domain.enums import MessageChannel, MessageStatus, Role
from shared.models import OutboxMessage
from shared.notify import worker
from shared.notify.base import Outgoing
from shared.notify.govuk_notify import NotifyProvider
from shared.notify.smtp import SmtpProvider
from shared.services import outbox
from unit_tests.mail_servers import API_KEY, FakeNotify, SmtpSink

POLICY = worker.Policy(max_attempts=20, give_up_after=timedelta(hours=24), lease=timedelta(minutes=10),
                       backoff=30, backoff_max=3600)
START = "2026-12-14T09:00"


def queue_some(app, count: int, **fields) -> list[str]:
    with app.test_request_context():
        references = [
            outbox.queue("case_assigned", recipient=fields.get("recipient", f"person{n}@example.com"), locale="en",
                         channel=fields.get("channel", MessageChannel.EMAIL), name=f"Person {n}",
                         reference=f"RDR-TEST-{n:04d}", link="http://localhost/staff/cases/x").reference
            for n in range(count)
        ]
        from shared.db import db

        db.session.commit()
    return references


def run_worker(app, provider, *, policy=POLICY, name="worker-a", batch=50) -> worker.Totals:
    with app.app_context():
        return worker.run(provider, policy, once=True, batch=batch, worker=name)


def rows(session, references=None) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if references is not None:
        query = query.where(OutboxMessage.reference.in_(references))
    return list(session.scalars(query))


def smtp(sink: SmtpSink) -> SmtpProvider:
    return SmtpProvider("127.0.0.1", sink.port, sender="complaints@example.gov.uk", timeout=2)


# --- policy ---------------------------------------------------------------------------------------


def test_backoff_grows_exponentially_with_jitter_up_to_its_cap_and_honours_retry_after():
    rng = random.Random(7)
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (5, 480), (8, 3600), (30, 3600)]:
        for _ in range(20):
            assert ceiling / 2 <= POLICY.delay(attempts, rng=rng) <= ceiling
    assert POLICY.delay(1, retry_after=900, rng=rng) == 900
    assert len({round(POLICY.delay(4, rng=rng), 3) for _ in range(10)}) > 1  # jittered, not lock-step


def test_give_up_by_attempts_or_by_age():
    queued = utcnow()
    assert not POLICY.gives_up(19, queued, queued + timedelta(hours=23))
    assert POLICY.gives_up(20, queued, queued)
    assert POLICY.gives_up(2, queued, queued + timedelta(hours=24))


# --- the happy path and the CLI -------------------------------------------------------------------


def test_the_worker_command_sends_what_is_due_through_the_log_and_leaves_letters_to_print(app, session):
    clock.set_now(START)
    emails = queue_some(app, 2)
    letters = queue_some(app, 1, channel=MessageChannel.LETTER, recipient="1 High Street\nRedbury\nRB1 1AA")
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sent 2, to print 1, will retry 0, given up 0." in result.output
    sent = rows(session, emails)
    assert [m.status for m in sent] == [MessageStatus.SENT] * 2
    assert all(m.sent_at == utcnow() and m.attempts == 1 and m.provider_reference == f"log-{m.reference}" for m in sent)
    [letter] = rows(session, letters)
    assert letter.status is MessageStatus.TO_PRINT and letter.next_attempt_at is None
    # Nothing is due any more: a second run sends nothing.
    assert "Sent 0" in app.test_cli_runner().invoke(args=["worker", "--once"]).output


def test_a_message_queued_for_later_waits(app, session):
    clock.set_now(START)
    [reference] = queue_some(app, 1)
    session.execute(OutboxMessage.__table__.update().values(next_attempt_at=utcnow() + timedelta(minutes=5)))
    session.commit()
    with SmtpSink() as sink:
        assert run_worker(app, smtp(sink)).sent == 0
        clock.set_now(utcnow() + timedelta(minutes=5))
        assert run_worker(app, smtp(sink)).sent == 1
    assert sink.references() == [reference]


# --- faults ---------------------------------------------------------------------------------------


def test_provider_down_for_two_hours_then_back_delivers_every_message_exactly_once(app, session):
    clock.set_now(START)
    references = queue_some(app, 5)
    sink = SmtpSink()  # not started: the server is down
    for _ in range(24):  # two hours in five-minute steps, the worker running each time
        run_worker(app, smtp(sink))
        clock.set_now(utcnow() + timedelta(minutes=5))
    waiting = rows(session, references)
    assert {m.status for m in waiting} == {MessageStatus.RETRYING}
    assert all(m.attempts >= 5 and "cannot reach" in m.last_error for m in waiting)
    assert all(m.next_attempt_at > utcnow() - timedelta(minutes=5) for m in waiting)

    with sink:  # back up
        for _ in range(24):
            run_worker(app, smtp(sink))
            clock.set_now(utcnow() + timedelta(minutes=5))
    assert Counter(sink.references()) == Counter({reference: 1 for reference in references})
    assert {m.status for m in rows(session, references)} == {MessageStatus.SENT}


def test_a_worker_killed_mid_send_is_reclaimed_after_the_lease_and_the_duplicate_shares_the_reference(app, session):
    clock.set_now(START)
    [reference] = queue_some(app, 1)
    with SmtpSink() as sink:
        with app.app_context():
            [claimed] = worker.claim("doomed", 10, POLICY)
            smtp(sink).send(claimed)  # it reached the server, then the worker died before recording it
        [row] = rows(session, [reference])
        assert row.status is MessageStatus.SENDING and row.claimed_by == "doomed" and row.attempts == 1

        assert run_worker(app, smtp(sink), name="survivor").sent == 0  # still within the lease
        clock.set_now(utcnow() + POLICY.lease + timedelta(seconds=1))
        assert run_worker(app, smtp(sink), name="survivor").sent == 1

        # The dead worker's late write (if it woke up) changes nothing: the claim is no longer its own.
        with app.app_context():
            assert worker._record(claimed, "doomed", status=MessageStatus.RETRYING) is False
    assert sink.references() == [reference, reference]  # one duplicate, recognisable by its reference
    assert len({m["Message-ID"] for m in sink.received}) == 1
    [row] = rows(session, [reference])
    assert row.status is MessageStatus.SENT and row.claimed_by == "survivor" and row.attempts == 2


def test_a_clean_stop_hands_back_what_was_claimed(app, session):
    clock.set_now(START)
    references = queue_some(app, 3)
    with app.app_context():
        worker.claim("stopping", 10, POLICY)
        assert worker.release("stopping") == 3
    assert {(m.status, m.attempts, m.claimed_by) for m in rows(session, references)} == {(MessageStatus.QUEUED, 0, None)}


def test_notify_429_retry_after_is_honoured(app, session):
    clock.set_now(START)
    [reference] = queue_some(app, 1)
    with FakeNotify() as server:
        provider = NotifyProvider(API_KEY, server.url, email_template_id="email-template", timeout=5)
        server.script.append((429, {"Retry-After": "600"}, {"errors": [{"error": "RateLimitError"}]}))
        assert run_worker(app, provider).retrying == 1
        [row] = rows(session, [reference])
        assert row.status is MessageStatus.RETRYING and "429" in row.last_error
        assert row.next_attempt_at >= utcnow() + timedelta(seconds=600)

        clock.set_now(utcnow() + timedelta(seconds=300))  # backoff alone would have tried by now
        assert run_worker(app, provider).sent == 0
        clock.set_now(utcnow() + timedelta(seconds=301))
        assert run_worker(app, provider).sent == 1
    assert [m["reference"] for m in server.received] == [reference]
    [row] = rows(session, [reference])
    assert row.provider_reference == "notify-1" and row.attempts == 2


def test_a_permanent_failure_gives_up_at_once_and_becomes_a_staff_task(app, session, client, make):
    clock.set_now(START)
    [reference] = queue_some(app, 1)
    with SmtpSink() as sink:
        sink.refuse_with = "550 5.1.1 No such user"
        assert run_worker(app, smtp(sink)).given_up == 1
    [row] = rows(session, [reference])
    assert row.status is MessageStatus.GIVEN_UP and row.attempts == 1 and "550" in row.last_error
    assert row.given_up_at == utcnow() and row.next_attempt_at is None

    from unit_tests.test_route_access import quick_sign_in

    quick_sign_in(client, session, make.user(Role.OFFICER))
    tasks = client.get("/staff/tasks").get_data(as_text=True)
    assert "1 message could not be delivered: contact the person another way" in tasks
    assert "/staff/outbox?status=given_up" in tasks


def test_temporary_failures_give_up_after_the_attempt_limit(app, session):
    clock.set_now(START)
    [reference] = queue_some(app, 1)
    policy = worker.Policy(max_attempts=3, give_up_after=timedelta(hours=24), lease=timedelta(minutes=10),
                           backoff=1, backoff_max=1)
    with SmtpSink() as sink:
        sink.refuse_with = "421 4.7.0 Try again later"
        for _ in range(5):
            run_worker(app, smtp(sink), policy=policy)
            clock.set_now(utcnow() + timedelta(seconds=2))
    [row] = rows(session, [reference])
    assert row.status is MessageStatus.GIVEN_UP and row.attempts == 3 and "421" in row.last_error


def test_temporary_failures_give_up_by_age(app, session):
    clock.set_now(START)
    [reference] = queue_some(app, 1)
    policy = worker.Policy(max_attempts=100, give_up_after=timedelta(hours=1), lease=timedelta(minutes=10),
                           backoff=600, backoff_max=600)
    sink = SmtpSink()  # down
    for _ in range(8):
        run_worker(app, smtp(sink), policy=policy)
        clock.set_now(utcnow() + timedelta(minutes=10))
    [row] = rows(session, [reference])
    assert row.status is MessageStatus.GIVEN_UP and row.attempts < 10


def test_a_text_message_with_no_text_provider_is_given_up_for_staff(app, session):
    clock.set_now(START)
    [reference] = queue_some(app, 1, channel=MessageChannel.SMS, recipient="07700900982")
    with SmtpSink() as sink:
        assert run_worker(app, smtp(sink)).given_up == 1
    [row] = rows(session, [reference])
    assert row.status is MessageStatus.GIVEN_UP and row.last_error == "no sms provider"


class Recorder:
    """A provider that only counts what it is asked to send (thread-safe)."""

    name = "recorder"
    channels = frozenset(MessageChannel)

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, message: Outgoing) -> str:
        with self.lock:
            self.sent.append(message.reference)
        return message.reference

    def close(self) -> None:
        return None


def test_two_workers_on_separate_connections_send_each_message_exactly_once(app, database_url):
    """On PostgreSQL: 1,000 messages and SKIP LOCKED. On SQLite (one writer at a time) the same atomic
    claim is checked with 300 messages. Runs on real, committed connections and removes what it made."""
    postgres = database_url.startswith("postgresql")
    count = 1000 if postgres else 300
    engine = make_engine(database_url, pool_size=4, max_overflow=0) if postgres else make_engine(database_url)
    now = utcnow()
    with Session(engine) as setup:
        setup.add_all(OutboxMessage(reference=f"race-{n:05d}", template="case_assigned", recipient=f"r{n}@example.com",
                                    locale="en", subject="s", body="b", created_at=now, queued_at=now,
                                    status=MessageStatus.QUEUED, attempts=0, next_attempt_at=now)
                      for n in range(count))
        setup.commit()
    recorder = Recorder()
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(name: str) -> None:
        try:
            with app.app_context():
                g.db_session = Session(engine, expire_on_commit=False)
                barrier.wait(timeout=30)
                worker.run(recorder, POLICY, once=True, batch=25, worker=name)
                g.db_session.close()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    try:
        threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert failures == []
        counts = Counter(recorder.sent)
        assert len(counts) == count and set(counts.values()) == {1}
        with Session(engine) as check:
            statuses = dict(check.execute(
                select(OutboxMessage.status, func.count()).where(OutboxMessage.reference.like("race-%"))
                .group_by(OutboxMessage.status)).all())
            assert statuses == {MessageStatus.SENT: count}
            if postgres:  # both workers took part
                workers = check.scalars(select(OutboxMessage.claimed_by).where(OutboxMessage.reference.like("race-%"))
                                        .distinct()).all()
                assert set(workers) == {"one", "two"}
    finally:
        with Session(engine) as cleanup:
            cleanup.execute(delete(OutboxMessage).where(OutboxMessage.reference.like("race-%")))
            cleanup.commit()
        engine.dispose()


# --- queueing ---------------------------------------------------------------------------------------


def test_queue_neutralises_line_breaks_in_subject_and_name(app, session):
    with app.test_request_context():
        message = outbox.queue("case_assigned", recipient="jane@example.com\r\n", locale="en",
                               name="Jane\r\nBcc: victim@example.com\u2028", reference="RDR-1\u2028X-Evil: 1\u2029\x85",
                               link="http://localhost/")
        # A CR/LF in a value ends the subject line there: the rest can only ever be body text.
        broken = outbox.queue("case_assigned", recipient="jane@example.com", locale="en", name="Jane",
                              reference="RDR-2\r\nBcc: victim@example.com", link="http://localhost/")
    assert broken.subject == "Case RDR-2"
    assert message.subject == "Case RDR-1 X-Evil: 1 is yours"
    assert message.recipient_name == "Jane Bcc: victim@example.com"
    assert message.recipient == "jane@example.com"
    assert message.status is MessageStatus.QUEUED and message.next_attempt_at == message.created_at
    assert message.reference.startswith("msg-")


def test_queue_keeps_an_explicit_message_reference_unique(app, session):
    from sqlalchemy.exc import IntegrityError

    with app.test_request_context():
        outbox.queue("case_assigned", recipient="a@example.com", locale="en", message_reference="digest-1-20261214",
                     name="A", reference="RDR-1", link="x")
        with pytest.raises(IntegrityError):
            outbox.queue("case_assigned", recipient="a@example.com", locale="en", message_reference="digest-1-20261214",
                         name="A", reference="RDR-1", link="x")


def test_a_long_running_worker_does_its_idle_work_and_stops_cleanly(app, session):
    clock.set_now(START)
    references = queue_some(app, 2)
    stop = threading.Event()
    idle_calls = []

    def between_batches():
        idle_calls.append(True)
        stop.set()  # as SIGTERM would

    recorder = Recorder()
    with app.app_context():
        totals = worker.run(recorder, POLICY, idle_sleep=0.01, stop=stop, worker="long", between_batches=between_batches)
    assert totals.sent == 2 and idle_calls == [True] and sorted(recorder.sent) == sorted(references)
