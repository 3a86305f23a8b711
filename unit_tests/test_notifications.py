"""Messages people get when things happen: queued with the change, in their language, by their
channel, without complaint text; end to end through the worker to a real SMTP server; staff digests;
the staff outbox page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from shared import clock
from shared.clock import utcnow
from shared.db import db
from shared.domain import feedback
from shared.domain.enums import (
    CaseKind,
    CaseStatus,
    ClosureCode,
    ContactMethod,
    EventType,
    LearningStatus,
    MessageChannel,
    MessageFormat,
    MessageStatus,
    Ombudsman,
    OmbudsmanDecision,
    RepresentativeKind,
    Role,
)
from shared.models import (
    Case,
    CaseStage,
    InformationRequest,
    LearningAction,
    OmbudsmanRecommendation,
    OmbudsmanReferral,
    OutboxMessage,
    User,
)
from shared.notify import worker
from shared.notify.smtp import SmtpProvider
from shared.services import casework, intake, notifications, triage
from unit_tests.mail_servers import SmtpSink
from unit_tests.test_route_access import quick_sign_in

MONDAY = "2026-12-14T10:00"
SECRET_TEXT = "my neighbour's medical condition"


def messages(session, template: str | None = None, **where) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        query = query.where(OutboxMessage.template == template)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(session.scalars(query))


def send_all(app, sink: SmtpSink, session=None) -> worker.Totals:
    if session is not None:
        session.commit()  # what the test arranged is visible to the worker's own session
    provider = SmtpProvider("127.0.0.1", sink.port, sender="complaints@example.gov.uk", timeout=5)
    with app.app_context():
        return worker.run(provider, worker.Policy(), once=True)


@pytest.fixture
def people(app, make):
    clock.set_now(MONDAY)
    service = make.service("bins", "Waste and recycling")
    return {
        "service": service,
        "officer": make.user(Role.OFFICER, full_name="Olive Officer"),
        "manager": make.user(Role.MANAGER, full_name="Mo Manager"),
        "manager2": make.user(Role.MANAGER, full_name="Meg Manager"),
        "admin": make.user(Role.ADMIN),
        "agent": make.user(Role.AGENT),
        "responder": make.user(Role.RESPONDER, service_id=service.id, full_name="Rita Responder"),
        "councillor": make.user(Role.COUNCILLOR, full_name="Cllr Carys"),
    }


def in_service(app, fn):
    """Run a service call as a request would, committing what it queued."""
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def load(case_id: int) -> Case:
    return db.session.get(Case, case_id)


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def acknowledged_case(app, make, people, **resident_fields) -> Case:
    resident = make.user(Role.RESIDENT, full_name="Jane Williams", **resident_fields)
    case = make.case(resident, people["service"], status=CaseStatus.TRIAGED, what_happened=SECRET_TEXT)
    return case


# --- end to end --------------------------------------------------------------------------------------


def test_submit_then_the_worker_delivers_the_acknowledgement_in_welsh_with_its_dates(app, make, people, session):
    resident = make.user(Role.RESIDENT, full_name="Siân Jones", locale="cy")

    def submit():
        draft = intake.start_draft(CaseKind.COMPLAINT, user=user(resident.id))
        intake.save_answers(draft, {
            "service": "bins", "what_happened": SECRET_TEXT, "happened_on": "2026-12-01",
            "outcome_wanted": "Collect it.", "asked_before": feedback.YES, "someone_else": feedback.NO,
            "support": feedback.NO, "contact_method": ContactMethod.EMAIL.value, "files_done": "yes"})
        return intake.submit(draft, user=user(resident.id), locale="cy").id

    case_id = in_service(app, submit)
    case = session.get(Case, case_id)
    with SmtpSink() as sink:
        assert send_all(app, sink, session).sent == 1
    [received] = sink.received
    [queued] = messages(session, case_id=case_id)
    assert received["X-Redress-Reference"] == queued.reference and queued.status is MessageStatus.SENT
    assert received["To"].addresses[0].addr_spec == resident.email
    assert received["Subject"] == f"Rydym wedi cael eich cwyn {case.reference}"
    body = received.get_content()
    assert format_date(case.acknowledge_by, "d MMMM y", locale="cy") in body
    assert SECRET_TEXT not in body and "/cases/" + case.reference in body

    # The officer acknowledges: the resident hears the response date, by the same route.
    officer_id = people["officer"].id  # read here: inside the request it would refresh through the test's session
    session.execute(Case.__table__.update().where(Case.id == case_id).values(status=CaseStatus.TRIAGED))
    session.commit()
    in_service(app, lambda: casework.acknowledge(load(case_id), user(officer_id), None))
    with SmtpSink() as sink:
        assert send_all(app, sink, session).sent == 1
    [ack] = sink.received
    session.expire_all()
    respond_by = session.get(Case, case_id).respond_by
    assert respond_by is not None
    assert format_date(respond_by, "d MMMM y", locale="cy") in ack.get_content()
    assert SECRET_TEXT not in ack.get_content()


# --- each message, queued with its change -----------------------------------------------------------


def test_acknowledgement_by_email_with_the_response_date(app, make, people, session):
    case = acknowledged_case(app, make, people)
    in_service(app, lambda: casework.acknowledge(load(case.id), user(people["officer"].id), None))
    [message] = messages(session, "case_acknowledged")
    respond_by = session.get(Case, case.id).respond_by
    assert message.channel is MessageChannel.EMAIL and message.case_id == case.id
    assert case.reference in message.subject and format_date(respond_by, "d MMMM y", locale="en") in message.body
    assert SECRET_TEXT not in message.body and f"/cases/{case.reference}" in message.body


def test_a_resident_who_chose_texts_gets_a_text_and_one_who_chose_post_a_letter(app, make, people, session):
    texter = make.user(Role.RESIDENT, phone="07700900982")
    texted = make.case(texter, people["service"], status=CaseStatus.TRIAGED)
    writer = make.user(Role.RESIDENT, address="1 High Street\nRedbury\nRB1 1AA")
    posted = make.case(writer, people["service"], status=CaseStatus.TRIAGED, contact_address="2 Low Road\nRedbury\nRB2 2BB")
    session.execute(Case.__table__.update().where(Case.id == texted.id).values(contact_method=ContactMethod.TEXT))
    session.execute(Case.__table__.update().where(Case.id == posted.id).values(contact_method=ContactMethod.POST))
    session.commit()
    for case in (texted, posted):
        in_service(app, lambda case=case: casework.acknowledge(load(case.id), user(people["officer"].id), None))
    sms = messages(session, "case_acknowledged", case_id=texted.id)[0]
    letter = messages(session, "case_acknowledged", case_id=posted.id)[0]
    assert (sms.channel, sms.recipient) == (MessageChannel.SMS, "07700900982")
    assert (letter.channel, letter.recipient) == (MessageChannel.LETTER, "2 Low Road\nRedbury\nRB2 2BB")


def test_nobody_to_write_to_and_inactive_residents_get_nothing(app, make, people, session):
    gone = make.user(Role.RESIDENT, closed_at=utcnow())
    case = make.case(gone, people["service"], status=CaseStatus.TRIAGED)
    in_service(app, lambda: casework.acknowledge(load(case.id), user(people["officer"].id), None))
    assert messages(session, "case_acknowledged") == []


def test_extension_tells_the_new_date_the_reason_and_the_ombudsman(app, make, people, session):
    case = acknowledged_case(app, make, people)
    in_service(app, lambda: casework.acknowledge(load(case.id), user(people["officer"].id), None))
    session.expire_all()
    stage = session.scalar(select(CaseStage).where(CaseStage.case_id == case.id))
    new_date = stage.respond_by + timedelta(days=14)
    in_service(app, lambda: casework.extend(load(case.id), user(people["officer"].id), None, new_date,
                                            "We are waiting for the contractor's report."))
    [message] = messages(session, "case_extended")
    assert format_date(new_date, "d MMMM y", locale="en") in message.body
    assert "We are waiting for the contractor's report." in message.body
    assert str(Ombudsman.LGSCO.label) in message.body or "Ombudsman" in message.body


def test_escalation_tells_the_next_stage_dates(app, make, people, session):
    resident = make.user(Role.RESIDENT)
    case = make.case(resident, people["service"], status=CaseStatus.RESPONSE_SENT)
    in_service(app, lambda: casework.confirm(load(case.id), EventType.ESCALATED, user(people["manager"].id), None))
    [message] = messages(session, "escalation_received")
    stage = session.get(Case, case.id)
    assert stage.stage == 2 and "stage 2" in message.body
    assert format_date(stage.acknowledge_by, "d MMMM y", locale="en") in message.body


def test_closing_and_withdrawing_tell_the_resident(app, make, people, session):
    resident = make.user(Role.RESIDENT)
    withdrawn = make.case(resident, people["service"], status=CaseStatus.ACKNOWLEDGED)
    closed = make.case(resident, people["service"], status=CaseStatus.RECEIVED)
    in_service(app, lambda: casework.withdraw(load(withdrawn.id), user(people["officer"].id), None, "Sorted now."))
    in_service(app, lambda: casework.close(load(closed.id), user(people["officer"].id), None,
                                           ClosureCode.NOT_A_COMPLAINT, "Not a complaint.", None))
    assert [m.case_id for m in messages(session, "withdrawal_confirmed")] == [withdrawn.id]
    assert [m.case_id for m in messages(session, "case_closed")] == [closed.id]
    assert all("Sorted now." not in m.body for m in messages(session))


def _raised_by_councillor(make, people, session, **representation) -> Case:
    """A case a councillor raised, as member enquiries record it: entered by them and naming them."""
    resident = make.user(Role.RESIDENT)
    case = make.case(resident, people["service"], status=CaseStatus.TRIAGED, what_happened=SECRET_TEXT)
    session.execute(Case.__table__.update().where(Case.id == case.id).values(entered_by_id=people["councillor"].id))
    session.commit()
    make.representative(case, people["councillor"], kind=RepresentativeKind.COUNCILLOR, **representation)
    return case


def test_a_councillor_who_raised_a_case_hears_the_same_updates(app, make, people, session):
    case = _raised_by_councillor(make, people, session)
    in_service(app, lambda: casework.acknowledge(load(case.id), user(people["officer"].id), None))
    [update] = messages(session, "case_update_representative")
    assert update.recipient == people["councillor"].email and update.case_id == case.id
    assert "Acknowledged" in update.body and SECRET_TEXT not in update.body
    assert f"/councillor/enquiries/{case.reference}" in update.body
    assert len(messages(session, "case_acknowledged")) == 1


def test_a_councillor_whose_consent_was_withdrawn_hears_nothing(app, make, people, session):
    """Who entered the case does not matter: only standing representation does (the gap of issue 8)."""
    withdrawn = _raised_by_councillor(make, people, session, withdrawn=True)
    in_service(app, lambda: casework.acknowledge(load(withdrawn.id), user(people["officer"].id), None))
    assert messages(session, "case_update_representative") == []
    assert len(messages(session, "case_acknowledged")) == 1


def test_a_councillor_who_is_no_longer_one_hears_nothing_as_a_councillor(app, make, people, session):
    standing = _raised_by_councillor(make, people, session)
    session.execute(User.__table__.update().where(User.id == people["councillor"].id)
                    .values(role=Role.RESIDENT.value))  # lost their seat
    session.commit()
    in_service(app, lambda: casework.acknowledge(load(standing.id), user(people["officer"].id), None))
    assert messages(session, "case_update_representative") == []


def test_allocation_tells_the_handler_but_not_someone_taking_it_themselves(app, make, people, session):
    resident = make.user(Role.RESIDENT)
    case = make.case(resident, people["service"], status=CaseStatus.ACKNOWLEDGED)
    mine = make.case(resident, people["service"], status=CaseStatus.ACKNOWLEDGED)
    in_service(app, lambda: triage.allocate(load(case.id), user(people["manager"].id), version=None,
                                            handler_id=people["officer"].id))
    in_service(app, lambda: triage.allocate(load(mine.id), user(people["officer"].id), version=None,
                                            handler_id=people["officer"].id))
    [message] = messages(session, "case_assigned")
    assert message.recipient == people["officer"].email and message.case_id == case.id
    assert f"http://localhost/staff/cases/{case.reference}" in message.body


def test_a_response_sent_for_checking_tells_the_other_managers(app, make, people, session):
    resident = make.user(Role.RESIDENT)
    case = make.case(resident, people["service"], status=CaseStatus.RESPONSE_DRAFTED,
                     definition={"points": [{"id": "1", "text": "Missed bin"}], "outcome": "Collect it"})
    session.execute(CaseStage.__table__.update().where(CaseStage.case_id == case.id).values(findings={"1": "upheld"}))
    session.commit()
    in_service(app, lambda: casework.confirm(load(case.id), EventType.SUBMITTED_FOR_CHECK, user(people["manager"].id),
                                             None))
    assert [m.recipient for m in messages(session, "quality_check_waiting")] == [people["manager2"].email]


def test_contact_for_prefers_the_case_choice_then_the_person_then_what_there_is(people, make):
    person = User(email="", full_name="P", role=Role.RESIDENT, phone="0770", address="1 A St\nB\nC1 1CC",
                  preferred_contact=ContactMethod.TEXT)
    assert notifications.contact_for(person) == (MessageChannel.SMS, "0770")
    person.preferred_contact = ContactMethod.EMAIL
    assert notifications.contact_for(person) == (MessageChannel.LETTER, "1 A St\nB\nC1 1CC")  # no email: post
    person.email = "p@example.com"
    assert notifications.contact_for(person) == (MessageChannel.EMAIL, "p@example.com")
    person.preferred_contact = ContactMethod.POST
    assert notifications.contact_for(person)[0] is MessageChannel.LETTER


# --- the daily digest ---------------------------------------------------------------------------------


def remind(app) -> str:
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_daily_digest_once_a_day_per_person_with_cases_tasks_learning_and_recommendations(app, make, people,
                                                                                              session):
    officer, manager, responder = people["officer"], people["manager"], people["responder"]
    resident = make.user(Role.RESIDENT)
    overdue = make.case(resident, people["service"], status=CaseStatus.WITH_TEAM, officer_id=officer.id,
                        what_happened=SECRET_TEXT)
    session.execute(Case.__table__.update().where(Case.id == overdue.id).values(respond_by=date(2026, 12, 10)))
    soon = make.case(resident, people["service"], status=CaseStatus.WITH_TEAM, officer_id=officer.id)
    session.execute(Case.__table__.update().where(Case.id == soon.id).values(respond_by=date(2026, 12, 16)))
    later = make.case(resident, people["service"], status=CaseStatus.WITH_TEAM, officer_id=officer.id)
    session.execute(Case.__table__.update().where(Case.id == later.id).values(respond_by=date(2027, 2, 1)))
    session.add(InformationRequest(case_id=soon.id, stage=1, service_id=people["service"].id, responder_id=None,
                                   requested_by_id=officer.id, question=SECRET_TEXT, due_on=date(2026, 12, 11),
                                   requested_at=utcnow()))
    session.add(LearningAction(title="Retrain the crews", description="", service_id=people["service"].id,
                               owner_id=officer.id, due_on=date(2026, 12, 1), status=LearningStatus.IN_PROGRESS,
                               created_at=utcnow()))
    referral = OmbudsmanReferral(case_id=overdue.id, ombudsman=Ombudsman.LGSCO, their_reference="LG-1",
                                 received_on=date(2026, 11, 1), decision=OmbudsmanDecision.FAULT_INJUSTICE,
                                 created_at=utcnow())
    session.add(referral)
    session.flush()
    session.add(OmbudsmanRecommendation(referral_id=referral.id, text="Pay £100", due_on=date(2026, 12, 15)))
    session.commit()

    output = remind(app)
    assert "Queued 4 daily digests (0 already sent today)." in output  # both managers hear about the team
    digests = {m.user_id: m for m in messages(session, "staff_digest")}
    assert set(digests) == {officer.id, manager.id, people["manager2"].id, responder.id}
    mine = digests[officer.id]
    assert mine.reference == f"digest-{officer.id}-20261214"
    assert overdue.reference in mine.body.split("Your cases due")[0]  # under "overdue"
    assert soon.reference in mine.body and later.reference not in mine.body
    assert "Retrain the crews" in mine.body and "Ombudsman recommendations due" in mine.body
    assert SECRET_TEXT not in mine.body and "Pay £100" not in mine.body
    assert "Requests for information" in digests[responder.id].body
    assert "Across the team:" in digests[manager.id].body and "1 overdue case\n- 1 officer has overdue cases" in digests[manager.id].body
    assert "Across the team:" not in mine.body

    # Again the same day: nothing new.
    clock.set_now("2026-12-14T17:00")
    assert "Queued 0 daily digests (4 already sent today)." in remind(app)
    assert len(messages(session, "staff_digest")) == 4
    # The next day, new digests.
    clock.set_now("2026-12-15T07:00")
    assert "Queued 4 daily digests" in remind(app)


def test_nobody_with_nothing_due_gets_a_digest(app, people, session):
    assert "Queued 0 daily digests" in remind(app)
    assert messages(session, "staff_digest") == []


# --- the staff outbox page -----------------------------------------------------------------------------


@pytest.fixture
def outbox_rows(app, people, session):
    def add(status: MessageStatus, channel=MessageChannel.EMAIL, recipient="jane.williams@example.com", **fields):
        message = OutboxMessage(reference=f"msg-{status.value}-{channel.value}", template="reset_password",
                                channel=channel, recipient=recipient, recipient_name="Jane Williams", locale="en",
                                subject="Change your password",
                                body="Use this link: http://localhost/reset-password/SECRET-TOKEN\nThanks",
                                created_at=utcnow(), queued_at=utcnow(), status=status, attempts=fields.pop("attempts", 1),
                                **fields)
        session.add(message)
        session.commit()
        return message

    return {
        "sent": add(MessageStatus.SENT, sent_at=utcnow()),
        "given_up": add(MessageStatus.GIVEN_UP, last_error="SMTP 550 No such user", given_up_at=utcnow(), attempts=3),
        "to_print": add(MessageStatus.TO_PRINT, MessageChannel.LETTER, recipient="1 High Street\nRedbury\nRB1 1AA"),
        "queued": add(MessageStatus.QUEUED, next_attempt_at=utcnow(), attempts=0),
    }


def signed_in(client, session, person):
    quick_sign_in(client, session, person)
    return client


def test_managers_see_the_outbox_with_recipients_officers_masked_others_refused(app, client, session, people,
                                                                                outbox_rows):
    page = signed_in(client, session, people["manager"]).get("/staff/outbox").get_data(as_text=True)
    assert "4 messages" in page and "jane.williams@example.com" in page and "SMTP 550 No such user" in page
    for row in outbox_rows.values():
        assert row.reference in page
    filtered = client.get("/staff/outbox?status=given_up").get_data(as_text=True)
    assert "1 message" in filtered and outbox_rows["given_up"].reference in filtered
    assert outbox_rows["sent"].reference not in filtered
    assert "0 messages" in client.get("/staff/outbox?day=2026-12-13").get_data(as_text=True)
    assert "4 messages" in client.get("/staff/outbox?day=2026-12-14&template=reset_password").get_data(as_text=True)

    officer = app.test_client()
    page = signed_in(officer, session, people["officer"]).get("/staff/outbox").get_data(as_text=True)
    assert "jane.williams@example.com" not in page and "j…@example.com" in page
    detail = officer.get(f"/staff/outbox/{outbox_rows['given_up'].id}").get_data(as_text=True)
    assert "Try again now" not in detail and "jane.williams@example.com" not in detail

    for role in ("agent", "responder"):
        other = app.test_client()
        assert signed_in(other, session, people[role]).get("/staff/outbox").status_code == 403
    resident = app.test_client()
    assert signed_in(resident, session, make_resident(session)).get("/staff/outbox").status_code == 403


def make_resident(session):
    person = User(email="someone@example.com", full_name="Someone", role=Role.RESIDENT)
    session.add(person)
    session.commit()
    return person


def test_message_page_hides_links_that_carry_secrets(client, session, people, outbox_rows):
    page = signed_in(client, session, people["admin"]).get(f"/staff/outbox/{outbox_rows['sent'].id}")
    text = page.get_data(as_text=True)
    assert "SECRET-TOKEN" not in text and "[link removed]" in text and "jane.williams@example.com" in text
    letter = client.get(f"/staff/outbox/{outbox_rows['to_print'].id}").get_data(as_text=True)
    assert "1 High Street" in letter and "Record as posted" in letter


def test_the_outbox_shows_which_letters_to_print_in_large_print(client, session, people, outbox_rows):
    letter = outbox_rows["to_print"]
    signed_in(client, session, people["manager"])
    assert "Large print" not in client.get("/staff/outbox").get_data(as_text=True)
    detail = client.get(f"/staff/outbox/{letter.id}").get_data(as_text=True)
    assert "Format" in detail and "Standard" in detail
    letter.format = MessageFormat.LARGE_PRINT
    session.commit()
    listing = client.get("/staff/outbox").get_data(as_text=True)
    assert listing.count("Large print") == 1
    detail = client.get(f"/staff/outbox/{letter.id}").get_data(as_text=True)
    assert "Large print" in detail and "Change your password" in detail
    email = client.get(f"/staff/outbox/{outbox_rows['sent'].id}").get_data(as_text=True)
    assert "Format" not in email


def test_retry_puts_a_given_up_message_back_in_the_queue(app, client, session, people, outbox_rows):
    message = outbox_rows["given_up"]
    signed_in(client, session, people["manager"])
    token = client.csrf_token(f"/staff/outbox/{message.id}")
    response = client.post(f"/staff/outbox/{message.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    session.expire_all()
    retried = session.get(OutboxMessage, message.id)
    assert retried.status is MessageStatus.QUEUED and retried.attempts == 0 and retried.given_up_at is None
    assert retried.next_attempt_at == utcnow()
    # Only a given-up message can be retried.
    again = client.post(f"/staff/outbox/{message.id}/retry", data={"csrf_token": token})
    assert again.status_code == 409
    with SmtpSink() as sink:
        send_all(app, sink, session)
    assert message.reference in sink.references()


def test_letters_are_recorded_as_posted_and_given_up_ones_as_dealt_with(client, session, people, outbox_rows):
    signed_in(client, session, people["admin"])
    token = client.csrf_token(f"/staff/outbox/{outbox_rows['to_print'].id}")
    for key, status in (("to_print", MessageStatus.SENT), ("given_up", MessageStatus.HANDLED)):
        response = client.post(f"/staff/outbox/{outbox_rows[key].id}/done", data={"csrf_token": token})
        assert response.status_code == 302
        session.expire_all()
        done = session.get(OutboxMessage, outbox_rows[key].id)
        assert done.status is status and done.handled_by_id == people["admin"].id
    assert client.post(f"/staff/outbox/{outbox_rows['queued'].id}/done", data={"csrf_token": token}).status_code == 409


def test_officers_cannot_act_on_the_outbox(client, session, people, outbox_rows):
    signed_in(client, session, people["officer"])
    token = client.csrf_token("/staff/outbox")
    for action in ("retry", "done"):
        assert client.post(f"/staff/outbox/{outbox_rows['given_up'].id}/{action}",
                           data={"csrf_token": token}).status_code == 403
    session.expire_all()
    assert session.get(OutboxMessage, outbox_rows["given_up"].id).status is MessageStatus.GIVEN_UP


def test_the_tasks_page_counts_what_waits_for_a_person(client, session, people, outbox_rows):
    page = signed_in(client, session, people["manager"]).get("/staff/tasks").get_data(as_text=True)
    assert "1 message could not be delivered" in page and "1 letter to print and post" in page
    responder = signed_in(client, session, people["responder"]).get("/staff/tasks").get_data(as_text=True)
    assert "could not be delivered" not in responder


def test_the_outbox_names_messages_in_words_not_internal_template_names(client, session, people, outbox_rows):
    page = signed_in(client, session, people["manager"]).get("/staff/outbox").get_data(as_text=True)
    assert "Change your password" in page  # the catalogue's title for reset_password
    assert ">reset_password<" not in page
    detail = client.get(f"/staff/outbox/{outbox_rows['sent'].id}").get_data(as_text=True)
    assert "Change your password" in detail and "reset_password (" not in detail
