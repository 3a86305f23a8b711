"""The rules and service functions behind the users admin pages: statuses, what each role needs, the
guards that keep the council an administrator, invitations (made, sent, used once, expiring, voided),
disabling with every session ended at once, and the audit rows each change leaves."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from shared import clock
from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import AccountStatus, Role
from shared.domain.user_admin import disable_problem, role_change_problem, role_problem, status_of
from shared.models import AuditEvent, OutboxMessage, User, UserSession
from shared.services import accounts, user_admin
from unit_tests.test_route_access import quick_sign_in

NOW = utcnow()


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _events(session, user_id: int) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "user",
                                                         AuditEvent.subject_id == user_id).order_by(AuditEvent.id)))


def _invitations(session, email: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email,
                                                            OutboxMessage.template == "user_invited")
                                .order_by(OutboxMessage.id)))


def _token(message: OutboxMessage) -> str:
    match = re.search(r"http://localhost/(?:staff/)?invitation/(\S+)", message.body)
    assert match, message.body
    return match.group(1)


# --- pure rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("disabled", "signed_in", "status"), [
    (None, None, AccountStatus.INVITED),
    (None, NOW, AccountStatus.ACTIVE),
    (NOW, None, AccountStatus.DISABLED),
    (NOW, NOW, AccountStatus.DISABLED),
])
def test_status_comes_from_disabling_and_signing_in(disabled, signed_in, status):
    assert status_of(disabled, signed_in) is status


@pytest.mark.parametrize(("role", "service", "ward", "field"), [
    (Role.RESPONDER, None, None, "service_id"),
    (Role.OFFICER, 3, None, "service_id"),
    (Role.COUNCILLOR, 3, None, "service_id"),
    (Role.MANAGER, None, 4, "ward_id"),
    (Role.RESIDENT, None, None, "role"),
    (Role.RESPONDER, 3, None, None),
    (Role.COUNCILLOR, None, 4, None),
    (Role.COUNCILLOR, None, None, None),  # an MP or their staff: no ward
    (Role.ADMIN, None, None, None),
])
def test_what_each_role_needs(role, service, ward, field):
    problem = role_problem(role, service, ward)
    assert (problem.field if problem else None) == field


def test_the_guards_keep_an_administrator():
    common = {"user_id": 7, "name": "Ada"}
    assert role_change_problem(actor_id=7, before=Role.ADMIN, after=Role.OFFICER, other_active_admins=3, **common)
    assert role_change_problem(actor_id=1, before=Role.ADMIN, after=Role.OFFICER, other_active_admins=0, **common)
    assert role_change_problem(actor_id=1, before=Role.ADMIN, after=Role.OFFICER, other_active_admins=1, **common) is None
    assert role_change_problem(actor_id=7, before=Role.OFFICER, after=Role.ADMIN, other_active_admins=0, **common) is None
    assert role_change_problem(actor_id=1, before=Role.OFFICER, after=Role.COUNCILLOR, other_active_admins=1, **common)
    assert disable_problem(actor_id=7, role=Role.OFFICER, other_active_admins=1, **common)  # yourself
    assert disable_problem(actor_id=1, role=Role.ADMIN, other_active_admins=0, **common)
    assert disable_problem(actor_id=1, role=Role.ADMIN, other_active_admins=1, **common) is None


# --- invitations ------------------------------------------------------------------------------------


def test_an_invitation_makes_the_account_without_a_password_and_emails_a_link(app, session, make):
    admin = make.user(Role.ADMIN, full_name="Ada Admin")
    service = make.service(name="Waste and recycling")
    with app.test_request_context():
        invited = user_admin.invite(_user(admin.id), full_name=" Rhian Jones ", email="Rhian.Jones@Example.gov.uk",
                                    role=Role.RESPONDER, service_id=service.id, locale="cy")
        db.session.commit()
        invited_id = invited.id
    person = session.get(User, invited_id)
    assert (person.email, person.full_name, person.password_hash, person.service_id, person.locale) == (
        "rhian.jones@example.gov.uk", "Rhian Jones", None, service.id, "cy")
    assert person.email_confirmed_at is None and person.last_sign_in_at is None
    [event] = _events(session, invited_id)
    assert (event.action, event.actor_id, event.person_id) == ("user.invited", admin.id, invited_id)
    assert event.details["changes"] == {"full_name": [None, "Rhian Jones"], "email": [None, "rhian.jones@example.gov.uk"],
                                        "role": [None, "responder"], "service": [None, "Waste and recycling"],
                                        "locale": [None, "cy"]}
    [message] = _invitations(session, "rhian.jones@example.gov.uk")
    assert message.locale == "cy" and message.user_id == invited_id
    assert message.body.startswith("Annwyl Rhian Jones,")  # in Welsh, as asked
    assert "Ymatebydd gwasanaeth" in message.body  # the role, in Welsh
    assert "http://localhost/staff/invitation/" in message.body and "http://localhost/staff/sign-in" in message.body


def test_a_councillor_is_invited_to_the_portal_with_their_ward(app, session, make):
    from shared.models import Ward

    ward = Ward(name="Castle", name_cy="Castell", code="W05000001")
    session.add(ward)
    session.commit()
    with app.test_request_context():
        invited = user_admin.invite(None, full_name="Cllr Ann Hughes", email="ann.hughes@example.gov.uk",
                                    role=Role.COUNCILLOR, ward_id=ward.id)
        db.session.commit()
        invited_id = invited.id
    assert session.get(User, invited_id).ward_id == ward.id
    [message] = _invitations(session, "ann.hughes@example.gov.uk")
    assert "http://localhost/invitation/" in message.body and "http://localhost/sign-in" in message.body
    assert "/staff/" not in message.body
    assert _events(session, invited_id)[0].details["changes"]["ward"] == [None, "Castle"]


@pytest.mark.parametrize("typed", ["taken@example.gov.uk", " TAKEN@example.gov.uk "])
def test_an_email_in_use_is_refused_whoever_has_it(app, session, make, typed):
    make.user(Role.OFFICER, email="taken@example.gov.uk", full_name="Olive Officer")
    make.user(Role.RESIDENT, email="jane@example.com")
    with app.test_request_context():
        with pytest.raises(user_admin.EmailInUse) as staff_holder:
            user_admin.invite(None, full_name="X", email=typed, role=Role.AGENT)
        with pytest.raises(user_admin.EmailInUse) as resident_holder:
            user_admin.invite(None, full_name="X", email="jane@example.com", role=Role.AGENT)
    assert staff_holder.value.holder == "Olive Officer"
    assert resident_holder.value.holder is None  # a resident's name is not the admin's to see
    assert session.scalar(select(User).where(User.full_name == "X")) is None


def test_a_responder_without_a_service_is_refused_and_nothing_is_made(app, session):
    with app.test_request_context(), pytest.raises(user_admin.Refused) as refused:
        user_admin.invite(None, full_name="Rob", email="rob@example.gov.uk", role=Role.RESPONDER)
    assert refused.value.field == "service_id"
    assert session.scalar(select(User).where(User.email == "rob@example.gov.uk")) is None


def _invite(app, session, **fields) -> tuple[int, str]:
    values = {"full_name": "Nia Officer", "email": "nia@example.gov.uk", "role": Role.OFFICER, **fields}
    with app.test_request_context():
        invited = user_admin.invite(None, **values)
        db.session.commit()
        invited_id = invited.id
    return invited_id, _token(_invitations(session, values["email"])[-1])


def test_an_invitation_link_works_once_and_only_on_its_own_side(app, session):
    invited_id, token = _invite(app, session)
    with app.test_request_context():
        assert accounts.user_for_invitation(token, staff=False) is None  # a staff link is not the portal's
        person = accounts.user_for_invitation(token, staff=True)
        assert person.id == invited_id
        accounts.accept_invitation(person, "a new long password")
        db.session.commit()
    with app.test_request_context():
        assert accounts.user_for_invitation(token, staff=True) is None  # used
        assert accounts.user_for_invitation(token[:-2] + "xx", staff=True) is None  # tampered
    person = session.get(User, invited_id)
    assert person.password_hash and person.email_confirmed_at is not None
    assert _events(session, invited_id)[-1].action == "user.invitation_accepted"


def test_an_invitation_link_lasts_seven_days(app, session):
    invited_id, token = _invite(app, session)
    clock.set_now(utcnow() + timedelta(days=7) - timedelta(minutes=1))
    with app.test_request_context():
        assert accounts.user_for_invitation(token, staff=True) is not None
    clock.set_now(utcnow() + timedelta(days=7, minutes=1))
    with app.test_request_context():
        assert accounts.user_for_invitation(token, staff=True) is None


def test_disabling_or_correcting_the_address_voids_the_link(app, session):
    invited_id, token = _invite(app, session)
    with app.test_request_context():
        person = _user(invited_id)
        user_admin.change(None, person, full_name=person.full_name, role=person.role, service_id=None, ward_id=None,
                          locale="en", email="nia.jones@example.gov.uk")
        db.session.commit()
    with app.test_request_context():
        assert accounts.user_for_invitation(token, staff=True) is None
    new_token = _token(_invitations(session, "nia.jones@example.gov.uk")[-1])  # sent to the corrected address
    with app.test_request_context():
        assert accounts.user_for_invitation(new_token, staff=True).id == invited_id
        user_admin.disable(None, _user(invited_id))
        assert accounts.user_for_invitation(new_token, staff=True) is None
    change = [e for e in _events(session, invited_id) if e.action == "user.changed"][0]
    assert change.details["changes"] == {"email": ["nia@example.gov.uk", "nia.jones@example.gov.uk"]}


def test_an_invitation_goes_again_only_to_someone_who_has_not_signed_in(app, session, make):
    invited_id, _token_ = _invite(app, session)
    active = make.user(Role.OFFICER, last_sign_in_at=utcnow())
    with app.test_request_context():
        user_admin.resend_invitation(None, _user(invited_id))
        with pytest.raises(user_admin.Refused):
            user_admin.resend_invitation(None, _user(active.id))
        db.session.commit()
    assert len(_invitations(session, "nia@example.gov.uk")) == 2
    assert _events(session, invited_id)[-1].action == "user.invitation_sent"


# --- changes and the guards -------------------------------------------------------------------------


def test_changing_a_role_and_service_is_audited_from_and_to(app, session, make):
    repairs, waste = make.service(name="Housing repairs"), make.service(name="Waste")
    admin = make.user(Role.ADMIN)
    person = make.user(Role.RESPONDER, service_id=repairs.id, full_name="Rita")
    with app.test_request_context():
        changes = user_admin.change(_user(admin.id), _user(person.id), full_name="Rita", role=Role.RESPONDER,
                                    service_id=waste.id, ward_id=None, locale="en")
        assert changes == {"service": ["Housing repairs", "Waste"]}
        changes = user_admin.change(_user(admin.id), _user(person.id), full_name="Rita Evans", role=Role.OFFICER,
                                    service_id=None, ward_id=None, locale="en")
        assert changes == {"service": ["Waste", None], "full_name": ["Rita", "Rita Evans"],
                           "role": ["responder", "officer"]}
        assert user_admin.change(_user(admin.id), _user(person.id), full_name="Rita Evans", role=Role.OFFICER,
                                 service_id=None, ward_id=None, locale="en") == {}  # nothing new: nothing recorded
        db.session.commit()
    assert [e.action for e in _events(session, person.id)] == ["user.changed", "user.changed"]


def test_the_last_active_administrator_is_kept(app, session, make):
    only = make.user(Role.ADMIN, full_name="Ada")
    make.user(Role.ADMIN, password_hash=None)  # invited, never chose a password: cannot sign in
    make.user(Role.ADMIN, disabled_at=utcnow())
    with app.test_request_context():
        with pytest.raises(user_admin.Refused, match="only active administrator"):
            user_admin.disable(None, _user(only.id))
        with pytest.raises(user_admin.Refused, match="only active administrator"):
            user_admin.change(None, _user(only.id), full_name="Ada", role=Role.MANAGER, service_id=None,
                              ward_id=None, locale="en")
    other = make.user(Role.ADMIN)
    with app.test_request_context():
        with pytest.raises(user_admin.Refused, match="your own"):
            user_admin.disable(_user(only.id), _user(only.id))
        with pytest.raises(user_admin.Refused, match="your own administrator role"):
            user_admin.change(_user(only.id), _user(only.id), full_name="Ada", role=Role.MANAGER, service_id=None,
                              ward_id=None, locale="en")
        user_admin.change(_user(other.id), _user(only.id), full_name="Ada", role=Role.MANAGER, service_id=None,
                          ward_id=None, locale="en")
        db.session.commit()
    session.expire_all()
    assert session.get(User, only.id).role is Role.MANAGER


def test_disabling_ends_every_session_at_once_and_enabling_lets_them_back(app, client, session, make):
    person = make.user(Role.OFFICER, last_sign_in_at=utcnow())
    for _ in range(3):
        quick_sign_in(client, session, person)
    with app.test_request_context():
        assert user_admin.account(person.id).active_sessions == 3
        assert user_admin.disable(None, _user(person.id)) == 3
        db.session.commit()
    session.expire_all()
    assert session.scalar(select(UserSession).where(UserSession.user_id == person.id,
                                                    UserSession.revoked_at.is_(None))) is None
    [event] = _events(session, person.id)
    assert event.details == {"changes": {"status": ["active", "disabled"]}, "sessions_ended": 3}
    with app.test_request_context():
        user_admin.enable(None, _user(person.id))
        db.session.commit()
    session.expire_all()
    assert session.get(User, person.id).disabled_at is None
    assert _events(session, person.id)[-1].details["changes"] == {"status": ["disabled", "active"]}


def test_the_list_finds_staff_and_councillors_by_role_status_and_words(app, make):
    make.user(Role.OFFICER, full_name="Olwen Price", email="olwen@example.gov.uk", last_sign_in_at=utcnow())
    make.user(Role.COUNCILLOR, full_name="Cllr Bryn Price", email="bryn@example.gov.uk")
    make.user(Role.AGENT, full_name="Percy Gone", disabled_at=utcnow())
    make.user(Role.RESIDENT, full_name="Rhodri Price")
    with app.test_request_context():
        def names(**filters):
            return [row.user.full_name for row in user_admin.find(user_admin.UserFilters(**filters)).items]

        assert names(q="price") == ["Cllr Bryn Price", "Olwen Price"]  # never the resident
        assert names(q="OLWEN@") == ["Olwen Price"]
        assert names(q="price", role=Role.COUNCILLOR) == ["Cllr Bryn Price"]
        assert names(q="price", status=AccountStatus.ACTIVE) == ["Olwen Price"]
        assert names(q="price", status=AccountStatus.INVITED) == ["Cllr Bryn Price"]
        assert names(status=AccountStatus.DISABLED) == ["Percy Gone"]
        assert names(q="100%") == []  # wildcards are literal
