"""Fixtures: one migrated database per run (SQLite or REDRESS_TEST_DATABASE_URL), each test in a
transaction that is rolled back, CSRF on, and a strict client that checks every page."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from shared import clock, migrate
from shared.app import create_app
from shared.config import load_settings
from shared.db import db, make_engine
from shared.services import message_templates
from shared.web import ratelimits
from unit_tests import factories
from unit_tests.strict_client import StrictClient


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("REDRESS_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app(engine: Engine, tmp_path_factory):
    settings = load_settings(
        {
            "REDRESS_ENV": "testing",
            "REDRESS_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
            "REDRESS_SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "REDRESS_BASE_URL": "http://localhost",
            "REDRESS_MAX_CONTENT_LENGTH": str(1024 * 1024),
            # Staff sign in with a password alone here; test_mfa*.py switch it to required, as in production.
            "REDRESS_STAFF_MFA": "optional",
        }
    )
    app = create_app(settings, engine=engine)
    app.test_client_class = StrictClient
    app.config["SERVER_NAME"] = "localhost"
    with app.app_context():
        message_templates.warm()
    return app


@pytest.fixture(autouse=True)
def _transaction(app, engine: Engine) -> Iterator[None]:
    """Every test runs inside one outer transaction; each request's commit is only a savepoint."""
    connection = engine.connect()
    outer = connection.begin()
    db.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session_factory.configure(bind=engine, join_transaction_mode="conservative_savepoint")
        outer.rollback()
        connection.close()
        clock.set_now(None)
        with app.app_context():
            ratelimits.limiter().reset()  # memory storage outlives the test: each starts with no attempts
            if not message_templates.is_pristine():  # a test saved wording: its rollback undid the rows
                message_templates.warm()


@pytest.fixture
def client(app) -> StrictClient:
    return app.test_client()


@pytest.fixture
def session(_transaction):
    """A session on the test's connection for arranging and inspecting data, outside any request.

    It holds no application context, so each request in the test gets its own, as in production.
    """
    session = db.session_factory()
    yield session
    session.close()


@pytest.fixture
def make(app, session):
    return factories.Factory(session)


# --- a real OpenID Connect provider, for the tests that sign in through it --------------------------


@pytest.fixture(scope="module")
def provider():
    """The real oidc-provider on loopback, one per test module."""
    from unit_tests import oidc_support

    running = oidc_support.start_provider()
    yield running
    oidc_support.stop_provider(running)


@pytest.fixture
def configured(app, provider, monkeypatch):
    """The app pointed at `provider` for both sides; the discovery and key caches forgotten after."""
    from shared.auth import oidc

    monkeypatch.setitem(app.config, "OIDC", {"residents": provider.residents, "staff": provider.staff})
    yield provider
    oidc.forget_cached()
