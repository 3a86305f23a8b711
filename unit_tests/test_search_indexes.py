"""PostgreSQL's expression indexes (migration c7e2a94b1d58) serve the case list's own SQL.

An index on an expression is only used for that expression, word for word, so these EXPLAIN the
statements find_cases really sends (sequential scans — and, for the order, sorts — off, as a
200,000-case council's planner would choose) and look for each index: with sorting off, an index
that could not give the order would leave a Sort in the plan. SQLite has none of them: there the same statements must run and
find the same cases, which test_case_list.py checks.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, inspect, select, text

from shared.db import EXPRESSION_INDEXES, db
from shared.domain.enums import CaseKind, Role
from shared.models import User
from shared.services import search

TODAY = search.DueThresholds(today=date(2027, 3, 10), soon_before=date(2027, 3, 13))


def _plans(app, filters: search.CaseFilters, *costly: str) -> tuple[str, list[str]]:
    """The database's name, and find_cases' statements for these filters (on PostgreSQL their EXPLAIN)."""
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with app.test_request_context():
        connection = db.session.connection()
        officer = db.session.scalar(select(User).where(User.role == Role.OFFICER).limit(1))
        event.listen(connection, "before_cursor_execute", capture)
        try:
            search.find_cases(officer, filters, TODAY)
        finally:
            event.remove(connection, "before_cursor_execute", capture)
        if connection.dialect.name != "postgresql":
            return connection.dialect.name, [statement for statement, _ in sent]
        for plan in ("seqscan", *costly):  # what a large table's planner would not choose
            connection.execute(text(f"SET LOCAL enable_{plan} = off"))
        return "postgresql", ["\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
                              for statement, parameters in sent]


@pytest.fixture
def data(make):
    service = make.service(name="Housing repairs")
    make.user(Role.OFFICER, full_name="Olive Officer")
    jane = make.user(Role.RESIDENT, full_name="Jane Whitfield", email="jane@example.com", phone="07700 900123")
    make.case(jane, service, what_happened="The boiler broke.")
    if make.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, whatever ran before: the plans below must not depend on the order of tests.
        for table in ("users", "cases", "case_stages", "case_events"):
            make.session.execute(text(f"ANALYZE {table}"))


def test_the_expression_indexes_exist_on_postgresql_only(engine):
    with engine.connect() as connection:
        names = {index["name"] for table in ("cases", "users", "case_events")
                 for index in inspect(connection).get_indexes(table) if index["name"] in EXPRESSION_INDEXES}
        expected = EXPRESSION_INDEXES if connection.dialect.name == "postgresql" else set()
    assert names == expected


@pytest.mark.parametrize("q", ["whitfield", "jane boiler", "07700 900 123"])
def test_a_search_reads_the_trigram_indexes(app, data, q):
    # Plain index scans and nested loops off too: on tables this small, once ANALYZE has run (other
    # tests' bulk loads do, and a table's size it records outlives their rollback), walking the
    # primary key or looking each resident up by id is cheapest, which says nothing about the
    # trigram indexes. A large council's tables are searched through them.
    database, statements = _plans(app, search.CaseFilters(q=q), "indexscan", "nestloop")
    assert len(statements) == 2  # the count and the page
    for statement in statements:
        if database == "postgresql":
            assert "ix_cases_search" in statement and "ix_users_search" in statement, statement
            assert "Seq Scan on cases" not in statement, statement
        else:
            assert "UNION SELECT cases.id" in statement


def test_the_due_sort_reads_the_next_date_index(app, data):
    database, (count, page) = _plans(app, search.CaseFilters(state="open", kind=CaseKind.COMPLAINT,
                                                                sort="due", order="asc"), "sort", "bitmapscan")
    if database == "postgresql":
        assert "Index Scan using ix_cases_next_date" in page and "Sort" not in page, page
    else:
        assert "ORDER BY CASE WHEN" in page


def test_finding_a_person_by_email_reads_its_index(app, data):
    """Sign-in, registration and a guest's send look a person up by lower(email) (accounts.find_by_email)."""
    from shared.services import accounts

    sent: list[tuple[str, object]] = []
    with app.test_request_context():
        connection = db.session.connection()
        event.listen(connection, "before_cursor_execute",
                     lambda conn, cursor, statement, parameters, context, many: sent.append((statement, parameters)))
        assert accounts.find_by_email("JANE@example.com").full_name == "Jane Whitfield"
        if connection.dialect.name != "postgresql":
            return
        statement, parameters = sent[-1]
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
    assert "ix_users_email_lower" in plan, plan


def test_the_complaint_reports_read_their_indexes(app, data):
    """Whether a stage counts as a complaint asks for a 'triaged_complaint' event (figures.is_counted_stage):
    on PostgreSQL a partial index answers it, rather than reading every event; and the stages' cases
    are read from a covering index, not the whole table."""
    from shared.domain.reporting import Period
    from shared.services.reports import Filters, figures

    sent: list[tuple[str, object]] = []
    with app.test_request_context():
        connection = db.session.connection()
        event.listen(connection, "before_cursor_execute",
                     lambda conn, cursor, statement, parameters, context, many: sent.append((statement, parameters)))
        period = Period(date(2020, 1, 1), date(2030, 12, 31))
        figures.stages_by_day(Filters(period=period), period)
        if connection.dialect.name != "postgresql":
            return
        statement, parameters = sent[-1]
        # As in the trigram test: off too are the plans only tiny tables choose (walking cases'
        # primary key for each stage), which a large council's planner would not.
        for plan in ("seqscan", "indexscan", "nestloop"):
            connection.execute(text(f"SET LOCAL enable_{plan} = off"))
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
    assert "ix_case_events_triaged_complaint" in plan, plan
    assert "Index Only Scan using ix_cases_reporting" in plan, plan  # the cases' columns, without the table
