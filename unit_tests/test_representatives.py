"""Representatives: staff name one on a case (found or made by email, consent, audit, invitation);
the representative sees and acts on exactly that case, marked as acting for the person's first name;
withdrawing consent (staff, or the resident) ends their access on the next request."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from shared import clock
from shared.domain.enums import CaseStatus, ConsentMethod, EventType, MessageDirection, RepresentativeKind, Role
from shared.domain.policy import can_view_case, may_act_as_resident
from shared.domain.transitions import RoleNotAllowed
from shared.models import AuditEvent, Case, CaseEvent, CaseMessage, CaseRepresentative, OutboxMessage, User
from shared.services import engine
from unit_tests.test_route_access import quick_sign_in

NOW = "2027-01-13T10:00:00"


@pytest.fixture(autouse=True)
def _fixed_time():
    clock.set_now(NOW)


@pytest.fixture
def people(make):
    service = make.service(name="Adult social care")
    resident = make.user(Role.RESIDENT, full_name="Jane Williams", phone="07700 900 123", address="9 Secret Road")
    case = make.case(resident, service, what_happened="Carers did not come on Tuesday.")
    other = make.case(resident, service, what_happened="Private matter: my mental health assessment.")
    return {"service": service, "resident": resident, "case": case, "other": other,
            "officer": make.user(Role.OFFICER), "agent": make.user(Role.AGENT)}


def _add(client, case, **changes):
    data = {"full_name": "Sam Advocate", "email": "sam@advocacy.example", "kind": RepresentativeKind.ADVOCATE.value,
            "consent": ConsentMethod.WRITTEN.value, "note": "Signed form on file."}
    data.update(changes)
    return client.submit(f"/staff/cases/{case.reference}/representatives/new", data)


# --- staff name a representative -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.MANAGER])
def test_staff_name_a_new_representative_with_consent_audit_and_an_invitation(client, session, make, people, role):
    quick_sign_in(client, session, make.user(role))
    response = _add(client, people["case"])
    assert response.status_code == 302 and response.location.endswith(f"/staff/cases/{people['case'].reference}#representatives")
    person = session.scalar(select(User).where(User.email == "sam@advocacy.example"))
    assert person.role is Role.RESIDENT and not person.has_account and person.full_name == "Sam Advocate"
    row = session.scalar(select(CaseRepresentative).where(CaseRepresentative.case_id == people["case"].id))
    assert (row.representative_id, row.kind, row.consent, row.consent_note) == (
        person.id, RepresentativeKind.ADVOCATE, ConsentMethod.WRITTEN, "Signed form on file.")
    audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "representative.added"))
    assert audit.subject_id == people["case"].id and audit.person_id == people["resident"].id
    invite = session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == person.id))
    assert invite.template == "representative_invited"
    assert invite.subject == f"You have been named as a representative on case {people['case'].reference}"
    assert "first choose a password" in invite.body and "/reset-password/" in invite.body
    assert "Jane" not in invite.body and "Carers did not come" not in invite.body  # nothing of the person's
    page = client.get(f"/staff/cases/{people['case'].reference}").get_data(as_text=True)
    assert "Sam Advocate" in page and "Withdraw consent" in page


def test_an_existing_account_is_used_as_it_is_and_told_they_can_see_the_case(client, session, make, people):
    relative = make.user(Role.RESIDENT, email="rel@example.com", full_name="Rhian Relative")
    quick_sign_in(client, session, people["officer"])
    assert _add(client, people["case"], email="REL@example.com", full_name="Typed Other Name",
                kind=RepresentativeKind.RELATIVE.value).status_code == 302
    session.expire_all()
    assert session.get(User, relative.id).full_name == "Rhian Relative"
    invite = session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == relative.id))
    assert invite.template == "representative_invited" and people["case"].reference in invite.body
    assert "Sign in to see the case" in invite.body and "password" not in invite.body
    assert f"/cases/{people['case'].reference}" in invite.body


def test_the_invitation_is_in_the_representatives_language_and_its_link_finishes_the_account(app, client, session,
                                                                                          make, people):
    quick_sign_in(client, session, people["officer"])
    assert _add(client, people["case"]).status_code == 302
    person = session.scalar(select(User).where(User.email == "sam@advocacy.example"))
    link = re.search(r"http://localhost(/reset-password/\S+)", session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.user_id == person.id))).group(1)
    browser = app.test_client()  # the representative's own browser
    assert "Create your password" in browser.get(link).get_data(as_text=True)

    welsh = make.user(Role.RESIDENT, email="cymraeg@example.com", locale="cy")
    quick_sign_in(client, session, people["officer"])
    assert _add(client, people["case"], email="cymraeg@example.com").status_code == 302
    invite = session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == welsh.id))
    assert invite.locale == "cy" and people["case"].reference in invite.subject
    assert not invite.subject.startswith("You have been named")


@pytest.mark.parametrize(("changes", "message"), [
    ({"email": ""}, "Enter the representative's email address"),
    ({"full_name": ""}, "Enter the representative's full name"),
    ({"kind": ""}, "Select who the representative is"),
    ({"consent": ""}, "Select how the person agreed"),
    ({"email": "officer-x@example.gov.uk"}, "belongs to a council staff account"),
    ({"kind": RepresentativeKind.COUNCILLOR.value}, "does not have a councillor"),
])
def test_bad_input_shows_the_form_again_and_saves_nothing(client, session, make, people, changes, message):
    make.user(Role.OFFICER, email="officer-x@example.gov.uk")
    quick_sign_in(client, session, people["officer"])
    users = session.scalar(select(func.count(User.id)))
    response = _add(client, people["case"], **changes)
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "There is a problem" in body and message in body
    assert session.scalar(select(func.count(CaseRepresentative.id))) == 0
    assert session.scalar(select(func.count(User.id))) == users
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_person_themselves_or_someone_already_named_is_refused(client, session, make, people):
    quick_sign_in(client, session, people["officer"])
    own = _add(client, people["case"], email=people["resident"].email)
    assert own.status_code == 400 and "This is the person the case is about" in own.get_data(as_text=True)
    assert _add(client, people["case"]).status_code == 302
    again = _add(client, people["case"])
    assert again.status_code == 400 and "already a representative" in again.get_data(as_text=True)


def test_a_councillor_can_be_named_as_a_councillor(client, session, make, people):
    councillor = make.user(Role.COUNCILLOR, email="cllr@example.gov.uk")
    quick_sign_in(client, session, people["officer"])
    assert _add(client, people["case"], email=councillor.email, kind=RepresentativeKind.COUNCILLOR.value).status_code == 302
    quick_sign_in(client, session, councillor)
    assert people["case"].reference in client.get("/councillor").get_data(as_text=True)
    assert client.get(f"/councillor/enquiries/{people['case'].reference}").status_code == 200
    assert client.get(f"/councillor/enquiries/{people['other'].reference}").status_code == 404


def test_a_responder_or_admin_cannot_name_representatives(client, session, make, people):
    quick_sign_in(client, session, make.user(Role.RESPONDER, service_id=people["service"].id))
    assert client.get(f"/staff/cases/{people['case'].reference}/representatives/new").status_code == 403
    page = client.get(f"/staff/cases/{people['case'].reference}").get_data(as_text=True)
    assert "Representatives" in page and "Add a representative" not in page


# --- the representative's view -------------------------------------------------------------------------------


@pytest.fixture
def represented(make, people):
    representative = make.user(Role.RESIDENT, full_name="Sam Advocate")
    row = make.representative(people["case"], representative, kind=RepresentativeKind.ADVOCATE,
                              recorded_by=people["officer"])
    return representative, row


def test_a_representative_sees_exactly_the_represented_case_marked_with_the_first_name(client, session, people,
                                                                                         represented):
    representative, _ = represented
    quick_sign_in(client, session, representative)
    cases = client.get("/cases").get_data(as_text=True)
    assert people["case"].reference in cases and "You are acting for Jane" in cases
    assert people["other"].reference not in cases and "Williams" not in cases
    page = client.get(f"/cases/{people['case'].reference}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and int(page.headers["X-Redress-Queries"]) <= 10
    assert "You are acting for Jane on this case" in body and "Carers did not come" in body
    for private in ("Williams", "07700 900 123", "9 Secret Road", "mental health"):
        assert private not in body
    assert client.get(f"/cases/{people['other'].reference}").status_code == 404
    data = client.get("/your-data/download")
    assert people["case"].reference not in data.get_data(as_text=True)


def test_a_representative_replies_escalates_and_withdraws_on_behalf_of_the_resident(client, session, make, people,
                                                                                     represented):
    representative, _ = represented
    case = make.case_with_response(people["resident"], people["service"])
    make.representative(case, representative)
    quick_sign_in(client, session, representative)

    reply = client.submit(f"/cases/{case.reference}/reply", {"body": "Jane asked me to add this."})
    assert reply.status_code == 302
    message = session.scalar(select(CaseMessage).where(CaseMessage.case_id == case.id))
    assert message.author_id == representative.id and message.direction is MessageDirection.IN

    escalate = client.submit(f"/cases/{case.reference}/escalate", {"version": str(case.version), "reason": ""})
    assert escalate.status_code == 302, escalate.get_data(as_text=True)[:500]
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.type == EventType.ESCALATION_REQUESTED))
    assert event.actor_id == representative.id and event.on_behalf_of_id == people["resident"].id

    session.expire_all()
    version = session.get(Case, case.id).version
    withdraw = client.submit(f"/cases/{case.reference}/withdraw", {"version": str(version), "reason": ""})
    assert withdraw.status_code == 302
    session.expire_all()
    assert session.get(Case, case.id).status is CaseStatus.WITHDRAWN
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.type == EventType.WITHDRAWN))
    assert event.actor_id == representative.id and event.on_behalf_of_id == people["resident"].id


def test_the_engine_lets_an_active_representative_act_and_no_other_resident(app, session, make, people, represented):
    representative, row = represented
    stranger = make.user(Role.RESIDENT)
    with app.test_request_context():
        from shared.db import db

        case = db.session.get(Case, people["case"].id)
        with pytest.raises(RoleNotAllowed):
            engine.perform(case, EventType.WITHDRAWN, db.session.get(User, stranger.id))
        db.session.execute(CaseRepresentative.__table__.update().where(CaseRepresentative.id == row.id)
                           .values(withdrawn_at=clock.utcnow()))
        with pytest.raises(RoleNotAllowed):
            engine.perform(case, EventType.WITHDRAWN, db.session.get(User, representative.id))
        db.session.execute(CaseRepresentative.__table__.update().where(CaseRepresentative.id == row.id)
                           .values(withdrawn_at=None))
        event = engine.perform(case, EventType.WITHDRAWN, db.session.get(User, representative.id),
                               on_behalf_of=db.session.get(User, people["resident"].id))
        assert event.actor_id == representative.id and event.on_behalf_of_id == people["resident"].id
        db.session.rollback()


class _Who:
    def __init__(self, role, id=1, service_id=None):
        self.role, self.id, self.service_id = role, id, service_id


class _CaseLike:
    resident_id = 10
    service_id = 3


@pytest.mark.parametrize(("role", "represents", "sees", "acts"), [
    (Role.RESIDENT, False, False, False),
    (Role.RESIDENT, True, True, True),
    (Role.COUNCILLOR, False, False, False),
    (Role.COUNCILLOR, True, True, False),  # councillors chase by message only
    (Role.ADMIN, True, False, False),  # never through representation
])
def test_policy_for_representatives(role, represents, sees, acts):
    assert can_view_case(_Who(role), _CaseLike(), represents=represents) is sees
    assert may_act_as_resident(_Who(role), _CaseLike(), represents=represents) is acts


# --- consent withdrawn ---------------------------------------------------------------------------------------


def test_staff_withdrawing_consent_ends_access_on_the_next_request(app, client, session, make, people, represented):
    representative, row = represented
    browser = app.test_client()
    quick_sign_in(browser, session, representative)
    assert browser.get(f"/cases/{people['case'].reference}").status_code == 200

    quick_sign_in(client, session, people["agent"])
    response = client.submit(f"/staff/cases/{people['case'].reference}/representatives/{row.id}/withdraw", {},
                             form_url=f"/staff/cases/{people['case'].reference}")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(CaseRepresentative, row.id).withdrawn_by_id == people["agent"].id
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "representative.withdrawn")) is not None

    assert browser.get(f"/cases/{people['case'].reference}").status_code == 404
    assert people["case"].reference not in browser.get("/cases").get_data(as_text=True)
    reply = browser.post(f"/cases/{people['case'].reference}/reply", data={"body": "x", "csrf_token": "x"})
    assert reply.status_code in (400, 404)


def test_the_resident_stops_a_representative_from_their_case_page(app, client, session, people, represented):
    representative, row = represented
    quick_sign_in(client, session, people["resident"])
    page = client.get(f"/cases/{people['case'].reference}").get_data(as_text=True)
    assert "People acting for you" in page and "Stop Sam Advocate acting for you" in page
    response = client.submit(f"/cases/{people['case'].reference}/representatives/{row.id}/remove", {},
                             form_url=f"/cases/{people['case'].reference}")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(CaseRepresentative, row.id).withdrawn_by_id == people["resident"].id
    browser = app.test_client()
    quick_sign_in(browser, session, representative)
    assert browser.get(f"/cases/{people['case'].reference}").status_code == 404


def test_a_representative_cannot_remove_anyone_and_another_resident_gets_not_found(app, client, session, make, people,
                                                                                     represented):
    representative, row = represented
    quick_sign_in(client, session, representative)
    assert "People acting for you" not in client.get(f"/cases/{people['case'].reference}").get_data(as_text=True)
    url = f"/cases/{people['case'].reference}/representatives/{row.id}/remove"
    assert client.post(url, data={"csrf_token": client.csrf_token("/cases")}).status_code == 404
    stranger = app.test_client()
    quick_sign_in(stranger, session, make.user(Role.RESIDENT))
    assert stranger.post(url, data={"csrf_token": stranger.csrf_token("/cases")}).status_code == 404
    session.expire_all()
    assert session.get(CaseRepresentative, row.id).withdrawn_at is None


# --- updates to representatives ----------------------------------------------------------------------------


def _acknowledge(client, session, case):
    """Staff acknowledge the case through the strict client (≤10 queries for the POST)."""
    session.expire_all()
    version = session.get(Case, case.id).version
    token = client.csrf_token(f"/staff/cases/{case.reference}")
    return client.post(f"/staff/cases/{case.reference}/acknowledge", data={"csrf_token": token, "version": version})


def test_representatives_hear_of_an_update_by_a_link_and_a_withdrawn_one_hears_nothing(client, session, make,
                                                                                      people, represented):
    representative, _row = represented
    former = make.user(Role.RESIDENT, full_name="Fran Former", email="fran@example.com")
    # Email only: the adjustments register is not read, so the POST's ten queries include the
    # representatives' (loaded with the case) and the update's INSERT.
    resident = make.user(Role.RESIDENT, full_name="Jane Williams")
    case = make.case(resident, people["service"], status=CaseStatus.TRIAGED, officer_id=people["officer"].id,
                     what_happened="Carers did not come on Tuesday.")
    make.representative(case, representative, kind=RepresentativeKind.ADVOCATE)
    make.representative(case, former, withdrawn=True)
    quick_sign_in(client, session, people["officer"])

    response = _acknowledge(client, session, case)

    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    updates = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "case_update_representative",
                                                          OutboxMessage.case_id == case.id)).all()
    assert [m.recipient for m in updates] == [representative.email]
    [update] = updates
    assert f"/cases/{case.reference}" in update.body and case.reference in update.subject
    for private in ("Carers did not come", "Williams"):
        assert private not in update.body and private not in update.subject
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.user_id == former.id)) == 0
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.template == "case_acknowledged", OutboxMessage.case_id == case.id)) == 1


def test_consent_withdrawn_from_the_case_page_stops_the_next_update(app, client, session, make, people, represented):
    representative, row = represented
    session.execute(Case.__table__.update().where(Case.id == people["case"].id)
                    .values(status=CaseStatus.TRIAGED, officer_id=people["officer"].id))
    session.commit()
    quick_sign_in(client, session, people["resident"])
    removed = client.submit(f"/cases/{people['case'].reference}/representatives/{row.id}/remove", {},
                            form_url=f"/cases/{people['case'].reference}")
    assert removed.status_code == 302
    staff = app.test_client()
    quick_sign_in(staff, session, people["officer"])
    assert _acknowledge(staff, session, people["case"]).status_code == 302
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.user_id == representative.id, OutboxMessage.case_id == people["case"].id)) == 0
