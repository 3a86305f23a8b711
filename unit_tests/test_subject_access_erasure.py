"""A person's data for the complaints manager (issue 10): the subject-access download (everything,
files included, audited) and erasure where the law allows (refusals, confirmation, audited)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from shared.clock import utcnow
from shared.domain.enums import (
    CaseStatus,
    EventType,
    MessageDirection,
    OmbudsmanDecision,
    RestrictionCategory,
    RestrictionStatus,
    Role,
)
from shared.models import AuditEvent, Case, CaseEvent, OmbudsmanReferral, Restriction, Signpost, StoredFile, User
from unit_tests import strict_client
from unit_tests.test_route_access import quick_sign_in


@pytest.fixture
def person(app, make, session):
    """A resident with a closed case (message with a file), a case they represent someone on, an
    adjustment, a signpost, and an agent's look at their record."""
    resident = make.user(full_name="Dana Evans", phone="07700 900456")
    service = make.service()
    case = make.case_with_response(resident, service)
    case.status, case.closed_at = CaseStatus.CLOSED, utcnow()
    session.commit()
    make.message(app, case, direction=MessageDirection.IN, author=resident, body="The photo of the broken gate",
                 attachments=[("gate.txt", b"a broken gate")])
    other = make.case(make.user(full_name="Their Mother"), service, what_happened="Mum's care visits were missed",
                      status=CaseStatus.CLOSED, closed_at=utcnow())
    make.representative(other, resident)
    make.adjustment(resident, detail="Large print letters")
    support = make.support_service("Local Advocacy")
    session.add(Signpost(person_id=resident.id, context="support", service_ids=[support.id], at=utcnow()))
    session.add(AuditEvent(at=utcnow(), actor_id=make.user(Role.AGENT, full_name="Agent Smith").id,
                           action="customer.viewed", subject_type="customer", subject_id=resident.id,
                           person_id=resident.id, details={}))
    session.commit()
    return resident, case, other


def _manager(client, make, session):
    manager = make.user(Role.MANAGER, full_name="Mina Manager")
    quick_sign_in(client, session, manager)
    return manager


def test_the_manager_downloads_everything_about_the_person_in_one_zip(client, make, session, person):
    resident, case, other = person
    _manager(client, make, session)
    page = client.get(f"/staff/customers/{resident.id}")
    assert "Download everything we hold about them" in page.get_data(as_text=True)

    response = client.submit(f"/staff/customers/{resident.id}/subject-access", form_url=f"/staff/customers/{resident.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="subject-access-{resident.id}-')
    assert "no-store" in response.headers["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert {"data.json", "index.html"} <= set(names)
    (file_name,) = [n for n in names if n.startswith("files/")]
    assert file_name.endswith("-gate.txt") and archive.read(file_name) == b"a broken gate"

    data = json.loads(archive.read("data.json"))
    assert data["account"]["full_name"] == "Dana Evans"
    assert [c["reference"] for c in data["cases"]] == [case.reference]
    assert data["cases"][0]["messages"][0]["text"] == "The photo of the broken gate"
    assert [c["reference"] for c in data["cases_as_representative"]] == [other.reference]
    assert data["help_and_adjustments"][0]["detail"] == "Large print letters"
    assert data["signposts"][0]["shown"] == ["Local Advocacy"]
    assert {"by": "Agent Smith", "action": "customer.viewed"}.items() <= data["who_saw_or_changed_your_record"][0].items()
    assert data["files_included"][0]["in_this_download"] == file_name

    index = archive.read("index.html").decode()
    assert "Everything we hold about Dana Evans" in index and "Local Advocacy" in index and "<script" not in index

    (audited,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.subject_access")).all()
    assert (audited.person_id, audited.details) == (resident.id, {"cases": 2, "files": 1})


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.ADMIN])
def test_only_the_manager_may_download_or_erase(client, make, session, person, role):
    resident, _, _ = person
    quick_sign_in(client, session, make.user(role))
    assert client.get(f"/staff/customers/{resident.id}/erase").status_code == 403
    if role is not Role.ADMIN:
        assert "Download everything" not in client.get(f"/staff/customers/{resident.id}").get_data(as_text=True)


def test_erasure_asks_for_a_ground_and_a_note_and_keeps_what_was_typed(client, make, session, person):
    resident, _, _ = person
    _manager(client, make, session)
    response = client.submit(f"/staff/customers/{resident.id}/erase", {"note": "Asked by letter on 1 December"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Select why we are erasing their details" in body and "govuk-error-summary" in body
    assert "Asked by letter on 1 December" in body


def test_a_confirmed_erasure_anonymises_the_person_and_their_cases_and_is_audited(client, make, session, person,
                                                                                    monkeypatch):
    resident, case, other = person
    _manager(client, make, session)
    url = f"/staff/customers/{resident.id}/erase"
    answers = {"ground": "consent_withdrawn", "note": "Letter of 1 December, identity checked"}
    confirm = client.submit(url, answers)
    assert confirm.status_code == 200
    assert "Are you sure you want to erase Dana Evans" in confirm.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, resident.id).anonymised_at is None  # nothing done until confirmed

    # Erasing touches every table that holds something of the person, batch by batch.
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 60)
    done = client.submit(url, {**answers, "confirmed": "yes"}, follow_redirects=True)
    assert done.status_code == 200
    body = done.get_data(as_text=True)
    assert "Their details have been erased. Cases anonymised: 1. Files deleted: 1." in body
    session.expire_all()
    erased = session.get(User, resident.id)
    assert (erased.full_name, erased.phone, erased.anonymised_at is not None) == ("[anonymised]", None, True)
    anonymised = session.get(Case, case.id)
    assert (anonymised.resident_id, anonymised.what_happened, anonymised.anonymised_at is not None) == (None, "", True)
    assert session.scalars(select(StoredFile).where(StoredFile.case_id == case.id)).all() == []
    # The mother's case is hers: it stays, without her representative.
    assert session.get(Case, other.id).what_happened == "Mum's care visits were missed"
    (audited,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.erased")).all()
    assert audited.details == {"ground": "consent_withdrawn", "note": "Letter of 1 December, identity checked",
                               "cases": 1, "restrictions": 0, "files": 1}
    assert "Their details were removed on" in body


def test_erasure_is_refused_while_a_case_is_open_a_restriction_live_or_a_legal_hold_applies(client, make, session):
    _manager(client, make, session)
    service, officer = make.service(), make.user(Role.OFFICER)

    def refused(person, reason):
        response = client.get(f"/staff/customers/{person.id}/erase")
        assert response.status_code == 200
        assert reason in response.get_data(as_text=True)
        post = client.submit(f"/staff/customers/{person.id}/erase",
                             {"ground": "not_needed", "note": "x", "confirmed": "yes"})
        assert post.status_code == 409
        session.expire_all()
        assert session.get(User, person.id).anonymised_at is None

    with_open_case = make.user()
    make.case(with_open_case, service)
    refused(with_open_case, "They have a case that is still open")
    representing = make.user()  # acting for someone on an open case: consent is withdrawn first
    make.representative(make.case(make.user(), service), representing)
    refused(representing, "They have a case that is still open")

    restricted = make.user()
    session.add(Restriction(person_id=restricted.id, status=RestrictionStatus.ACTIVE, category=RestrictionCategory.ABUSIVE,
                            types=[], behaviour="b", proposed_by_id=officer.id, proposed_at=utcnow()))
    session.commit()
    refused(restricted, "A restriction on how they contact us is proposed or in place")

    with_ombudsman = make.user()
    closed = make.case(with_ombudsman, service, status=CaseStatus.CLOSED, closed_at=utcnow())
    session.add(OmbudsmanReferral(case_id=closed.id, ombudsman="lgsco", their_reference="1", received_on=utcnow().date(),
                                  decision=OmbudsmanDecision.PENDING, created_at=utcnow()))
    session.commit()
    refused(with_ombudsman, "held for a legal claim")

    in_court = make.user()
    refused_case = make.case(in_court, service, status=CaseStatus.REFUSED, closed_at=utcnow() - timedelta(days=1))
    session.add(CaseEvent(case_id=refused_case.id, type=EventType.REFUSED, at=utcnow(), to_status=CaseStatus.REFUSED,
                          details={"ground": "legal_proceedings", "reason": "In court"}))
    session.commit()
    refused(in_court, "held for a legal claim")


def test_erasure_is_refused_while_a_manager_holds_one_of_their_cases_and_the_page_names_the_hold(client, make,
                                                                                                  session, monkeypatch):
    manager = _manager(client, make, session)
    person = make.user(full_name="Lee Gal")
    service = make.service()
    held = make.case(person, service, status=CaseStatus.CLOSED, closed_at=utcnow())
    represented = make.case(make.user(), service, status=CaseStatus.CLOSED, closed_at=utcnow())
    make.representative(represented, person)
    client.submit(f"/staff/cases/{held.reference}/legal-hold", {"reason": "investigation", "note": "Police asked us"})

    page = client.get(f"/staff/customers/{person.id}/erase")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "A complaints manager has put one of their cases on legal hold" in body
    assert f'href="/staff/cases/{held.reference}"' in body
    assert "An investigation by the police or a regulator, placed by Mina Manager on" in body
    assert represented.reference not in body  # not held: not named
    post = client.submit(f"/staff/customers/{person.id}/erase", {"ground": "not_needed", "note": "x", "confirmed": "yes"})
    assert post.status_code == 409
    session.expire_all()
    assert session.get(User, person.id).anonymised_at is None and session.get(Case, held.id).anonymised_at is None

    # A hold on a case they act on as representative counts too.
    client.submit(f"/staff/cases/{held.reference}/legal-hold/lift", {"note": "Police closed it",
                                                                       "version": str(session.get(Case, held.id).version)})
    client.submit(f"/staff/cases/{represented.reference}/legal-hold", {"reason": "other", "note": "Their solicitor"})
    assert f'href="/staff/cases/{represented.reference}"' in client.get(f"/staff/customers/{person.id}/erase").get_data(
        as_text=True)
    session.expire_all()
    client.submit(f"/staff/cases/{represented.reference}/legal-hold/lift",
                  {"note": "Done", "version": str(session.get(Case, represented.id).version)})

    # Lifted: the erasure goes ahead (touching every table that holds something of the person).
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 60)
    erased = client.submit(f"/staff/customers/{person.id}/erase", {"ground": "not_needed", "note": "Asked on 1 May",
                                                                   "confirmed": "yes"})
    assert erased.status_code == 302
    session.expire_all()
    assert session.get(User, person.id).anonymised_at is not None and manager.id


def test_other_peoples_open_cases_do_not_stop_an_erasure(app, make, session):
    from shared.services import erasure

    service = make.service()
    make.representative(make.case(make.user(), service), make.user())  # someone else's open, represented case
    session.add(OmbudsmanReferral(case_id=make.case(make.user(), service, status=CaseStatus.CLOSED).id, ombudsman="lgsco",
                                  their_reference="2", received_on=utcnow().date(), decision=OmbudsmanDecision.PENDING,
                                  created_at=utcnow()))
    session.commit()
    with app.app_context():
        assert erasure.refusals(make.user()) == []


def test_staff_and_councillors_are_not_customers_here(client, make, session):
    """The person is named in the address: anyone who is not a resident's record is not found."""
    _manager(client, make, session)
    a_customer = f"/staff/customers/{make.user().id}"
    for other in (make.user(Role.OFFICER), make.user(Role.COUNCILLOR)):
        assert client.get(f"/staff/customers/{other.id}/erase").status_code == 404
        assert client.submit(f"/staff/customers/{other.id}/subject-access", form_url=a_customer).status_code == 404
