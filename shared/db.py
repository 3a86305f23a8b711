"""Database engine, the per-request session and the declarative base."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# PostgreSQL's own indexes (on expressions, partial, covering), made by hand in migrations c7e2a94b1d58, e3f9a1c7b2d4 and f5a2c8e1d9b7 and not
# declared on the models (SQLAlchemy cannot declare them for one database only, and SQLite's
# reflection skips them, so a table rebuilt by batch_alter_table would lose them there): schema
# comparisons leave them out, and unit_tests/test_search_indexes.py checks on PostgreSQL that they
# exist and serve their queries.
EXPRESSION_INDEXES = frozenset({"ix_cases_next_date", "ix_cases_search", "ix_users_search", "ix_users_email_lower",
                                "ix_case_events_triaged_complaint", "ix_cases_reporting"})


def include_in_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: everything but the hand-made expression indexes."""
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


LIKE_ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its `%`, `_` and backslash taken literally
    (use with `escape=LIKE_ESCAPE`): a search for "50%" finds "50%", not every row."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def enum_column(cls: type, length: int = 30) -> Enum:
    """A string enum stored by value (not name) in a plain VARCHAR: portable, and new members need no migration."""
    return Enum(cls, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members])


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


# Seconds to wait for PostgreSQL to accept a connection. libpq's default is to wait for ever (in
# practice the kernel's TCP timeout, minutes) when the server's host does not answer, which would
# hold every app process; with it, a request gets the 503 page within a few seconds (docs/deployment.md).
CONNECT_TIMEOUT = 5


def make_engine(url: str, *, busy_timeout_ms: int = 5000, connect_timeout: int = CONNECT_TIMEOUT,
                **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql"):
        # No JIT: the reports' aggregates look costly to the planner, which then spends longer
        # compiling them (about 400 ms at 200,000 cases, bench/reports.py) than running them.
        options = kwargs.pop("connect_args", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
        options.setdefault("connect_timeout", connect_timeout)
        kwargs["connect_args"] = options
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL;
    # hand transaction control to SQLAlchemy (documented SQLAlchemy recipe).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


class Database:
    """Owns the engine and hands each request (or CLI command) one session."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session_factory = sessionmaker(expire_on_commit=False, autoflush=True)

    def init_app(self, app: Flask, engine: Engine) -> None:
        self.engine = engine
        self.session_factory.configure(bind=engine)
        app.extensions["redress_db"] = self
        app.teardown_appcontext(self._remove)

    @property
    def session(self) -> Session:
        if not has_app_context():
            raise RuntimeError("the database session needs an application context")
        if "db_session" not in g:
            g.db_session = self.session_factory()
        return g.db_session

    def _remove(self, _exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()
