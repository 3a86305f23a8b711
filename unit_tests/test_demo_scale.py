"""The large-council generator (`redress demo-data --cases N`, issue 11) at small N: counts,
consistency, determinism, and that its cases' pages and every report open (the strict client checks
each page's HTML and query count)."""

from __future__ import annotations

import pytest
from sqlalchemy import exists, func, select

from shared.domain.enums import CaseStatus, EventType, RefusalGround, Role
from shared.models import Case, CaseEvent, CaseStage, OmbudsmanReferral, User
from shared.services import reports
from shared.services.reports import catalogue
from unit_tests.test_route_access import quick_sign_in

N = 300


@pytest.fixture
def generated(app, session):
    before = session.scalar(select(func.count(Case.id)))
    result = app.test_cli_runner().invoke(args=["demo-data", "--cases", str(N), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert f"Generated {N} cases" in result.output
    return before


def test_counts_and_lifecycles_are_consistent(generated, session):
    total = session.scalar(select(func.count(Case.id)))
    # The demo's engine-made cases, its extra stage 2 and duplicate templates, then N clones.
    assert total >= generated + N
    references = session.scalar(select(func.count(func.distinct(Case.reference))))
    assert references == total
    # Every case starts with its received event.
    no_receipt = ~exists().where(CaseEvent.case_id == Case.id, CaseEvent.type == EventType.RECEIVED)
    assert session.scalar(select(func.count(Case.id)).where(no_receipt)) == 0
    # The case's stage is its highest stage row; a case with a response sent has that stage's outcome.
    top = select(CaseStage.case_id, func.max(CaseStage.number).label("top")).group_by(CaseStage.case_id).subquery()
    mismatched = select(func.count()).select_from(Case).join(top, top.c.case_id == Case.id).where(top.c.top != Case.stage)
    assert session.scalar(mismatched) == 0
    sent_without_outcome = (
        select(func.count()).select_from(Case)
        .join(CaseStage, (CaseStage.case_id == Case.id) & (CaseStage.number == Case.stage))
        .where(Case.status == CaseStatus.RESPONSE_SENT, CaseStage.outcome.is_(None))
    )
    assert session.scalar(sent_without_outcome) == 0
    # Closed cases carry a closure code and time; open ones neither.
    closed = [s for s in CaseStatus if not s.is_open]
    assert session.scalar(select(func.count(Case.id)).where(Case.status.in_(closed), Case.closed_at.is_(None))) == 0
    assert session.scalar(select(func.count(Case.id)).where(Case.status.in_(closed), Case.closure_code.is_(None))) == 0
    assert session.scalar(select(func.count(Case.id)).where(Case.status.not_in(closed), Case.closed_at.isnot(None))) == 0
    # Stage 2 exists, closed and open; events after received are never before it.
    assert session.scalar(select(func.count(Case.id)).where(Case.stage == 2, Case.status == CaseStatus.CLOSED)) > 0
    early = (select(func.count()).select_from(CaseEvent).join(Case, Case.id == CaseEvent.case_id)
             .where(CaseEvent.at < Case.received_at))
    assert session.scalar(early) == 0
    # About ten events a case on average, over years, with residents who have many cases.
    events = session.scalar(select(func.count(CaseEvent.id)))
    # (At this N half the cases are the engine-made templates; at 200,000 it is 10.5 a case.)
    assert events / total > 8.5, events / total
    # Each event starts from the status the one before it left (notes included), in time order.
    previous = func.lag(CaseEvent.to_status).over(partition_by=CaseEvent.case_id,
                                                   order_by=(CaseEvent.at, CaseEvent.id))
    chain = select(CaseEvent.from_status, previous.label("previous")).subquery()
    broken = select(func.count()).select_from(chain).where(chain.c.previous.isnot(None),
                                                            chain.c.previous != chain.c.from_status)
    assert session.scalar(broken) == 0
    # A few per cent of complaints were not taken forward, each on a ground, with its reason.
    refused = session.scalar(select(func.count(Case.id)).where(Case.status == CaseStatus.REFUSED))
    assert 0 < refused < total * 0.06
    grounds = session.scalars(select(CaseEvent.details["ground"].as_string())
                              .where(CaseEvent.type == EventType.REFUSED)).all()
    assert len(grounds) == refused and set(grounds) <= {g.value for g in RefusalGround} and len(set(grounds)) >= 3
    years = session.scalar(select(func.min(Case.received_at)))
    assert (session.scalar(select(func.max(Case.received_at))) - years).days > 365 * 5
    per_resident = select(func.count(Case.id).label("n")).group_by(Case.resident_id).subquery()
    assert session.scalar(select(func.max(per_resident.c.n))) >= 20
    assert session.scalar(select(func.count(OmbudsmanReferral.id))) >= 0


def test_generated_case_pages_and_every_report_open(generated, app, session, client):
    manager = session.scalar(select(User).where(User.email == "manager@example.gov.uk"))
    assert manager is not None and manager.role is Role.MANAGER
    quick_sign_in(client, session, manager)
    # One generated case of each status.
    firsts = select(func.max(Case.id)).group_by(Case.status)
    for reference in session.scalars(select(Case.reference).where(Case.id.in_(firsts))):
        response = client.get(f"/staff/cases/{reference}")
        assert response.status_code == 200, reference
    for spec in reports.registry().values():
        with app.test_request_context():
            built = spec.build(reports.Filters(period=spec.default_period(catalogue.today())))
        assert built.tables
        if spec.own_page is None:
            assert client.get(f"/staff/reports/{spec.name}").status_code == 200
            assert client.get(f"/staff/reports/{spec.name}.csv").status_code == 200
