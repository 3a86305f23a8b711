"""Two app servers on one PostgreSQL database, over real HTTP: what they share lives in the database.

A session started on one server works on the other, signing out on one ends it on both, a rate
limit counts attempts made on either (in Redis, REDRESS_RATELIMIT_STORAGE_URL), and two outbox
workers send each queued message once.
The database is made for this test (on the server of REDRESS_TEST_DATABASE_URL, or the local
PostgreSQL at 127.0.0.1:5432), upgraded and given the demo council; it is dropped afterwards.
See docs/deployment.md.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import func, insert, select

from bench import servers
from shared.clock import utcnow
from shared.db import make_engine
from shared.domain.enums import MessageChannel, MessageStatus
from shared.models import OutboxMessage
from unit_tests.mail_servers import SmtpSink

pytestmark = pytest.mark.slow
REDIS_URL = os.environ.get("REDRESS_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
RESIDENT = "resident1@example.com"


@pytest.fixture(scope="module")
def deployment():
    server = servers.admin_url()
    unreachable = servers.postgres_answers(server)
    if unreachable:
        pytest.skip(f"no PostgreSQL answers at {server.rsplit('@', 1)[-1]} ({unreachable}); these servers need one")
    url = servers.create_database(server)
    with tempfile.TemporaryDirectory(prefix="redress-servers-") as folder:
        env = servers.app_env(url, Path(folder), **_ratelimit_storage())
        first = second = None
        try:
            servers.redress(["db", "upgrade"], env)
            servers.redress(["demo-data"], env)
            first = servers.Gunicorn(env, workers=1).start()
            second = servers.Gunicorn(env, workers=1).start()
            yield env, first.url, second.url
        finally:
            for app_server in (first, second):
                if app_server is not None:
                    app_server.stop()
            servers.drop_database(url)


def _ratelimit_storage() -> dict[str, str]:
    """Redis for the servers' rate limits, emptied first, when one answers (db 7 of the local one)."""
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.flushdb()
    except redis.ConnectionError:
        return {}
    finally:
        store.close()
    return {"REDRESS_RATELIMIT_STORAGE_URL": REDIS_URL}


def _signed_in(response: requests.Response) -> bool:
    """GET /cases answers 200 to a signed-in resident and redirects anyone else to sign in."""
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"], response.status_code
    return False


def test_a_session_from_one_server_works_on_the_other_and_signing_out_on_one_ends_it_on_both(deployment):
    _env, a, b = deployment
    browser = servers.Browser()
    assert not _signed_in(browser.get("cases", f"{b}/cases"))
    assert browser.sign_in(a, RESIDENT).status_code == 302
    assert _signed_in(browser.get("cases", f"{b}/cases"))
    assert _signed_in(browser.get("cases", f"{a}/cases"))
    stolen = dict(browser.http.cookies)  # the cookie as it was while signed in, as someone could have copied it

    assert browser.sign_out(a).status_code == 302
    assert not _signed_in(browser.get("cases", f"{b}/cases"))
    replay = requests.Session()
    replay.cookies.update(stolen)
    # The signed cookie is still valid on both servers; its session row is revoked, so neither accepts it.
    for base in (a, b):
        assert not _signed_in(replay.get(f"{base}/cases", allow_redirects=False, timeout=30)), base


def test_a_rate_limit_counts_attempts_on_either_server(deployment):
    env, a, b = deployment
    if "REDRESS_RATELIMIT_STORAGE_URL" not in env:
        pytest.skip(f"no Redis answers at {REDIS_URL}; limits shared by several servers need one")
    browser = servers.Browser()
    form = {"reference": "RDR-NONE-0000", "email": "someone@example.com"}
    # Three new links an hour for one email address (ratelimits.GUEST_LINK), whichever server asks.
    for base in (a, b, a):
        response = browser.post_form("follow", f"{base}/follow-a-case", form)
        assert response.status_code == 302, (base, response.status_code)
    for base in (b, a):
        response = browser.post_form("follow", f"{base}/follow-a-case", form)
        assert response.status_code == 429, (base, response.status_code)
        assert "You have tried too many times. Wait 60 minutes, then try again." in response.text
        assert 'value="someone@example.com"' in response.text
        assert 3500 < int(response.headers["Retry-After"]) <= 3600


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([servers.REDRESS, "worker", "--once", "--batch", "5"], env=env, cwd=servers.REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_workers_send_each_queued_message_once(deployment):
    env, _a, _b = deployment
    engine = make_engine(env["REDRESS_DATABASE_URL"])
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(insert(OutboxMessage), [
            {"reference": f"servers-{n:04d}", "template": "case_assigned", "channel": "email",
             "recipient": f"person{n}@example.com", "recipient_name": f"Person {n}", "locale": "en",
             "subject": f"Message {n}", "body": "A short message.\n", "created_at": now, "queued_at": now,
             "status": "queued", "attempts": 0, "next_attempt_at": now}
            for n in range(200)])
        emails = set(connection.scalars(select(OutboxMessage.reference).where(
            OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.channel == MessageChannel.EMAIL)))
    assert len(emails) >= 200
    with SmtpSink() as sink:
        smtp = {**env, "REDRESS_MAIL_BACKEND": "smtp", "REDRESS_SMTP_HOST": "127.0.0.1", "REDRESS_SMTP_PORT": str(sink.port)}
        workers = [_worker(smtp), _worker(smtp)]
        outputs = [worker.communicate(timeout=90)[0] for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0], outputs
        received = Counter(sink.references())
    assert set(received) == emails, "every queued email arrived"
    assert [ref for ref, times in received.items() if times > 1] == [], "no message arrived twice"
    with engine.connect() as connection:
        statuses = dict(connection.execute(select(OutboxMessage.status, func.count()).where(
            OutboxMessage.reference.in_(emails)).group_by(OutboxMessage.status)).all())
    engine.dispose()
    assert statuses == {MessageStatus.SENT: len(emails)}
