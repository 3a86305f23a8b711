"""Your data: everything held about a person, as JSON and as a page, and nothing about anyone else."""

from __future__ import annotations

import json
import secrets

import pytest

from shared.clock import utcnow
from shared.domain.enums import CaseKind, CaseStatus, EventType, MessageDirection, Role
from shared.models import CaseEvent, CaseMessage, CaseResponse, FeedbackDraft, StoredFile
from unit_tests.factories import sign_in

INTERNAL_NOTE = "Internal: resident has called four times, seems upset"


def _file(session, name: str, size: int, **links) -> StoredFile:
    stored = StoredFile(original_name=name, stored_name=secrets.token_hex(16), content_type="application/pdf",
                        size=size, sha256="0" * 64, created_at=utcnow(), **links)
    session.add(stored)
    return stored


def _full_case(session, make, resident, service, officer):
    """A case with a bit of everything: public and internal events, messages both ways with a file,
    a sent and an unsent response."""
    case = make.case(resident, service, status=CaseStatus.ACKNOWLEDGED,
                     what_happened="The bin men left rubbish all over the pavement.",
                     outcome_wanted="Clean it up", definition={"points": [{"id": "p1", "text": "Rubbish left behind"}]})
    now = utcnow()
    session.add_all([
        CaseEvent(case_id=case.id, type=EventType.ACKNOWLEDGED, at=now, actor_id=officer.id,
                  from_status=CaseStatus.RECEIVED, to_status=CaseStatus.ACKNOWLEDGED, public=True, details={}),
        CaseEvent(case_id=case.id, type=EventType.NOTE_ADDED, at=now, actor_id=officer.id,
                  from_status=CaseStatus.ACKNOWLEDGED, to_status=CaseStatus.ACKNOWLEDGED, public=False,
                  details={"note": INTERNAL_NOTE}),
    ])
    incoming = CaseMessage(case_id=case.id, direction=MessageDirection.IN, author_id=resident.id,
                           body="Here is a photo of the mess.", created_at=now)
    outgoing = CaseMessage(case_id=case.id, direction=MessageDirection.OUT, author_id=officer.id,
                           body="Thank you, we are looking into it.", created_at=now)
    session.add_all([incoming, outgoing])
    session.flush()
    _file(session, "pavement.pdf", 20480, case_id=case.id, message_id=incoming.id)
    session.add_all([
        CaseResponse(case_id=case.id, stage=1, author_id=officer.id, body="We are sorry. The crew will return.",
                     findings={"p1": {"finding": "upheld", "reason": "The crew did not tidy up."}},
                     remedies=[{"kind": "apology", "detail": "Sorry", "amount_pence": None}], actions=[],
                     created_at=now, updated_at=now, sent_at=now),
        CaseResponse(case_id=case.id, stage=2, author_id=officer.id, body="DRAFT not yet sent to anyone",
                     findings={}, remedies=[], actions=[], created_at=now, updated_at=now, sent_at=None),
    ])
    session.commit()
    return case


@pytest.fixture
def world(session, make):
    service = make.service(name="Waste and recycling")
    officer = make.user(Role.OFFICER, full_name="Olive Officer")
    resident = make.user(Role.RESIDENT, email="jane@example.com", full_name="Jane Williams", phone="01632 960 001")
    case = _full_case(session, make, resident, service, officer)
    draft = FeedbackDraft(user_id=resident.id, kind=CaseKind.COMPLIMENT, answers={"what_happened": "Lovely park"},
                          created_at=utcnow(), updated_at=utcnow())
    session.add(draft)
    session.flush()
    _file(session, "park.pdf", 1000, draft_id=draft.id)
    other = make.user(Role.RESIDENT, email="other@example.com", full_name="Other Person")
    other_case = make.case(other, service, what_happened="Someone else's secret complaint")
    session.add(FeedbackDraft(user_id=other.id, kind=CaseKind.COMMENT, answers={"what_happened": "Other draft"},
                              created_at=utcnow(), updated_at=utcnow()))
    session.commit()
    return {"resident": resident, "case": case, "other_case": other_case, "officer": officer}


def _download(client) -> tuple[object, dict]:
    response = client.get("/your-data/download")
    return response, json.loads(response.get_data(as_text=True))


def test_the_download_is_a_json_attachment_never_cached(client, world):
    sign_in(client, world["resident"])
    response, _ = _download(client)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="your-data-')
    assert response.headers["Content-Disposition"].endswith('.json"')
    assert response.headers["Cache-Control"] == "no-store"


def test_the_download_holds_the_account_cases_messages_responses_files_and_drafts(client, world):
    sign_in(client, world["resident"])
    _, data = _download(client)

    assert data["account"]["full_name"] == "Jane Williams"
    assert data["account"]["email"] == "jane@example.com"
    assert data["account"]["phone"] == "01632 960 001"
    assert "password_hash" not in json.dumps(data)

    [case] = data["cases"]
    assert case["reference"] == world["case"].reference
    assert case["service"] == "Waste and recycling"
    assert case["status"] == "acknowledged" and case["status_label"] == "Acknowledged"
    assert case["what_you_told_us"]["what_happened"] == "The bin men left rubbish all over the pavement."
    assert case["received_at"].startswith(str(world["case"].received_at.date()))
    assert [e["what"] for e in case["timeline"]] == ["received", "acknowledged"]
    assert [(m["direction"], m["text"]) for m in case["messages"]] == [
        ("in", "Here is a photo of the mess."), ("out", "Thank you, we are looking into it.")]
    assert case["messages"][0]["files"] == ["pavement.pdf"]
    assert case["files"][0]["name"] == "pavement.pdf" and case["files"][0]["size_bytes"] == 20480
    [response] = case["responses"]
    assert response["letter"] == "We are sorry. The crew will return."
    assert response["findings"] == [{"point": "Rubbish left behind", "finding": "upheld", "finding_label": "Upheld",
                                     "reason": "The crew did not tidy up."}]

    [draft] = data["feedback_drafts"]
    assert draft["kind"] == "compliment" and draft["answers"] == {"what_happened": "Lovely park"}
    assert draft["files"][0]["name"] == "park.pdf"
    assert len(data["sign_ins"]) == 1 and data["sign_ins"][0]["ended_at"] is None


def test_the_download_leaves_out_internal_notes_unsent_drafts_staff_and_other_people(client, world):
    sign_in(client, world["resident"])
    _, data = _download(client)
    text = json.dumps(data)
    assert INTERNAL_NOTE not in text and "note_added" not in text
    assert "DRAFT not yet sent" not in text
    assert "Olive Officer" not in text and world["officer"].email not in text
    assert world["other_case"].reference not in text
    assert "Someone else's secret complaint" not in text and "Other draft" not in text
    assert "other@example.com" not in text


def test_the_page_shows_the_same_data_readably(client, world):
    sign_in(client, world["resident"])
    response = client.get("/your-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Jane Williams", world["case"].reference, "The bin men left rubbish all over the pavement.",
                 "Here is a photo of the mess.", "Thank you, we are looking into it.", "We are sorry. The crew will return.",
                 "pavement.pdf (20.5 kB", "Lovely park", "park.pdf", 'href="/your-data/download"'):
        assert text in page, text
    for text in (INTERNAL_NOTE, "DRAFT not yet sent", "Olive Officer", world["other_case"].reference, "Other draft"):
        assert text not in page, text


def test_a_person_with_nothing_yet_gets_an_empty_but_complete_export(client, make):
    sign_in(client, make.user(Role.RESIDENT))
    _, data = _download(client)
    assert data["cases"] == [] and data["feedback_drafts"] == []
    assert "We have no cases under your name." in client.get("/your-data").get_data(as_text=True)


def test_the_query_count_does_not_grow_with_the_number_of_cases(client, session, make, world):
    sign_in(client, world["resident"])
    one = int(client.get("/your-data/download").headers["X-Redress-Queries"])
    service = make.service()
    for _ in range(12):
        _full_case(session, make, world["resident"], service, world["officer"])
    response = client.get("/your-data/download")
    many = int(response.headers["X-Redress-Queries"])
    assert len(json.loads(response.get_data(as_text=True))["cases"]) == 13
    assert many == one <= 10
    assert int(client.get("/your-data").headers["X-Redress-Queries"]) <= 10  # the strict client checks it too
