"""The first journey through the test client: complaint online → your cases → triage → case page."""

from __future__ import annotations

import re

from sqlalchemy import select

from shared.domain.enums import CaseStatus, Channel, EventType, Role
from shared.models import Case, CaseEvent, FeedbackDraft, OutboxMessage
from unit_tests.factories import sign_in


def test_resident_complains_and_officer_sees_it_in_triage(client, make, session, app):
    service = make.service("waste", "Waste and recycling")
    resident = make.user(Role.RESIDENT, full_name="Jane Williams")
    officer = make.user(Role.OFFICER)
    sign_in(client, resident)

    start = client.get("/complaint")
    assert start.status_code == 200
    assert client.submit("/complaint/service", {"service": "waste"}).headers["Location"].endswith("/complaint/what-happened")
    assert client.submit("/complaint/what-happened", {"what_happened": "My bin was missed\nthree weeks running."}).status_code == 302
    assert client.submit("/complaint/when", {"happened_on": ["3", "11", "2026"]}).status_code == 302
    assert client.submit("/complaint/put-it-right", {"outcome_wanted": "Collect my bin."}).status_code == 302
    response = client.submit("/complaint/contact", {"contact_method": "phone"})
    assert response.headers["Location"].endswith("/complaint/phone-number")
    response = client.submit("/complaint/phone-number", {"contact_phone": "07700 900 982"})
    assert response.headers["Location"].endswith("/complaint/check-your-answers")

    check = client.get("/complaint/check-your-answers").get_data(as_text=True)
    assert "Waste and recycling" in check and "07700 900 982" in check and "3 November 2026" in check
    assert "/complaint/when?change=1" in check

    sent = client.submit("/complaint/check-your-answers", follow_redirects=True)
    page = sent.get_data(as_text=True)
    assert sent.status_code == 200
    reference = re.search(r"RDR-[0-9A-Z]{4}-[0-9A-Z]{4}", page).group(0)
    case = session.scalar(select(Case).where(Case.reference == reference))
    assert case.status is CaseStatus.RECEIVED and case.resident_id == resident.id and case.service_id == service.id
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert [(e.type, e.channel, e.details) for e in events] == [
        (EventType.RECEIVED, Channel.ONLINE, {"channel": "online", "procedure": "corporate", "procedure_version": 1})
    ]
    assert session.scalar(select(FeedbackDraft).where(FeedbackDraft.user_id == resident.id)) is None
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).template == "complaint_received"

    assert reference in client.get("/cases").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/cases")})

    sign_in(client, officer, staff=True)
    queue = client.get("/staff/triage").get_data(as_text=True)
    assert reference in queue and "Jane Williams" in queue
    case_page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "Received (online)" in case_page
