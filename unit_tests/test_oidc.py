"""OpenID Connect sign-in end to end against a real provider (npm oidc-provider on loopback):
residents through private_key_jwt, staff through client_secret_basic; accounts keyed on
(issuer, subject); every refusal a clear page and no session."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from shared.auth import oidc
from shared.domain.enums import Role
from shared.models import AuditEvent, User, UserIdentity, UserSession
from unit_tests import oidc_support


def _sessions(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(UserSession))


def _user(session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def _refused(response, status: int, heading: str, session) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:2000]
    assert f">{heading}</h1>" in body
    assert _sessions(session) == 0
    return body


# --- residents (private_key_jwt) ----------------------------------------------------------------


def test_a_resident_signs_in_for_the_first_time_and_gets_an_account(client, session, configured):
    configured.next_login("alice")
    response = oidc_support.through_provider(client, "/sign-in/oidc?next=/profile")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location == "/profile"
    user = _user(session, "alice@example.org")
    assert user.full_name == "Alice Example" and user.role is Role.RESIDENT
    assert user.password_hash is None and user.has_account and user.email_confirmed_at is not None
    identity = session.scalar(select(UserIdentity).where(UserIdentity.user_id == user.id))
    assert (identity.issuer, identity.subject) == (configured.issuer, "alice")
    assert client.get("/cases").status_code == 200
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.person_id == user.id)).all()
    assert sorted(actions) == ["account.created_by_sign_in", "user.signed_in"]


def test_signing_in_again_uses_the_same_account(client, session, configured):
    configured.next_login("alice")
    assert oidc_support.through_provider(client, "/sign-in/oidc").location == "/cases"
    other = client.application.test_client()
    assert oidc_support.through_provider(other, "/sign-in/oidc").location == "/cases"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "alice@example.org")) == 1
    assert session.scalar(select(func.count()).select_from(UserIdentity)) == 1
    assert _sessions(session) == 2


def test_an_email_already_on_our_records_is_not_taken_over(client, session, make, configured):
    existing = make.user(email="taken@example.org")
    configured.next_login("clash")
    body = _refused(oidc_support.through_provider(client, "/sign-in/oidc"), 403,
                    "An account already uses this email address", session)
    assert "taken@example.org" in body and "If it is yours, sign in with your email address and password" in body
    assert "“Sign in with Example ID next time”" in body  # how to link them: unit_tests/test_oidc_linking.py
    assert session.scalar(select(func.count()).select_from(UserIdentity)) == 0
    assert _user(session, "taken@example.org").id == existing.id


def test_an_unverified_email_makes_no_account(client, session, configured):
    configured.next_login("una")
    _refused(oidc_support.through_provider(client, "/sign-in/oidc"), 403, "Your email address is not confirmed", session)
    assert _user(session, "una@example.org") is None


def test_refusing_at_the_provider_signs_nobody_in(client, session, configured):
    configured.next_login(error="access_denied")
    body = _refused(oidc_support.through_provider(client, "/sign-in/oidc"), 400, "You did not finish signing in", session)
    assert "Example ID did not sign you in" in body


def test_a_callback_used_twice_is_refused_the_second_time(client, session, configured):
    configured.next_login("alice")
    start = client.get("/sign-in/oidc")
    callback = oidc_support.callback_url(start.headers["Location"])[len(oidc_support.APP_ORIGIN):]
    other = client.application.test_client()
    with client.session_transaction() as cookie:
        pending = dict(cookie)
    with other.session_transaction() as cookie:
        cookie.update(pending)  # an attacker holding a copy of the browser's cookie from before
    assert client.get(callback).status_code == 302
    # The same browser, its pending sign-in used up:
    _refused_twice = client.get(callback)
    assert _refused_twice.status_code == 400
    assert ">Your sign-in has expired</h1>" in _refused_twice.get_data(as_text=True)
    # The copied cookie still names the state, but the provider's code is spent.
    assert other.get(callback).status_code == 400
    assert _sessions(session) == 1


def test_a_callback_without_state_is_refused(client, session, configured):
    client.get("/sign-in/oidc")
    _refused(client.get("/sign-in/oidc/callback?code=abc"), 400, "Your sign-in has expired", session)
    _refused(client.get("/sign-in/oidc/callback?code=abc&state=made-up"), 400, "Your sign-in has expired", session)


def test_a_closed_account_cannot_sign_in(client, session, configured):
    configured.next_login("alice")
    oidc_support.through_provider(client, "/sign-in/oidc")
    user = _user(session, "alice@example.org")
    user.disabled_at = user.created_at
    session.query(UserSession).delete()
    session.commit()
    other = client.application.test_client()
    _refused(oidc_support.through_provider(other, "/sign-in/oidc"), 403, "This account cannot be used", session)


def test_a_response_naming_another_issuer_is_refused(client, session, configured):
    configured.next_login("alice")
    start = client.get("/sign-in/oidc")
    callback = oidc_support.callback_url(start.headers["Location"])[len(oidc_support.APP_ORIGIN):]
    forged = callback.replace("iss=", "iss=https%3A%2F%2Fevil.example&was=")
    _refused(client.get(forged), 400, "Sorry, we could not sign you in", session)


# --- GOV.UK One Login's vectors of trust (vtr asked, vot checked) ---------------------------------


def test_vectors_of_trust_are_asked_for_and_the_answer_checked(app, client, session, configured, monkeypatch):
    one_login = replace(configured.residents, vtr=("Cl.Cm",))
    monkeypatch.setitem(app.config, "OIDC", {"residents": one_login, "staff": configured.staff})
    configured.next_login("alice", vot="Cl.Cm")
    response = oidc_support.through_provider(client, "/sign-in/oidc")
    assert response.status_code == 302 and response.location == "/cases"  # signed in
    assert configured.last_request()["vtr"] == '["Cl.Cm"]'
    assert _user(session, "alice@example.org") is not None


@pytest.mark.parametrize("vot", ["Cl", None], ids=["a-lower-level", "none-said"])
def test_a_sign_in_below_the_vector_of_trust_asked_for_is_refused(app, client, session, configured, monkeypatch, vot):
    one_login = replace(configured.residents, vtr=("Cl.Cm",))
    monkeypatch.setitem(app.config, "OIDC", {"residents": one_login, "staff": configured.staff})
    configured.next_login("alice", vot=vot)
    _refused(oidc_support.through_provider(client, "/sign-in/oidc"), 400, "Sorry, we could not sign you in", session)
    assert _user(session, "alice@example.org") is None


def test_without_vectors_of_trust_none_are_asked_for(client, session, configured):
    configured.next_login("alice")
    assert oidc_support.through_provider(client, "/sign-in/oidc").status_code == 302
    assert "vtr" not in configured.last_request()


# --- staff (client_secret_basic, ES256 ID tokens, groups → roles) ---------------------------------


def test_a_staff_member_in_a_mapped_group_gets_that_role(client, session, configured):
    configured.next_login("olu")
    response = oidc_support.through_provider(client, "/staff/sign-in/oidc")
    assert response.status_code == 302 and response.location == "/staff/"
    user = _user(session, "olu@council.example")
    assert user.role is Role.OFFICER and user.signs_in_elsewhere
    assert client.get("/staff/").status_code == 200


def test_several_groups_give_the_most_powerful_mapped_role(client, session, configured):
    configured.next_login("max")
    assert oidc_support.through_provider(client, "/staff/sign-in/oidc").status_code == 302
    assert _user(session, "max@council.example").role is Role.MANAGER


def test_a_staff_member_in_no_mapped_group_is_refused(client, session, configured):
    configured.next_login("fin")
    body = _refused(oidc_support.through_provider(client, "/staff/sign-in/oidc"), 403,
                    "You do not have access to the back office", session)
    assert "Council Login" in body
    assert _user(session, "fin@council.example") is None


def test_the_role_follows_the_groups_at_each_sign_in(app, client, session, configured, monkeypatch):
    configured.next_login("olu")
    oidc_support.through_provider(client, "/staff/sign-in/oidc")
    user_id = _user(session, "olu@council.example").id
    agents = replace(configured.staff, role_map=(("complaints-officers", "agent"),))
    monkeypatch.setitem(app.config, "OIDC", {"residents": configured.residents, "staff": agents})
    configured.next_login("olu")
    assert oidc_support.through_provider(app.test_client(), "/staff/sign-in/oidc").status_code == 302
    assert _user(session, "olu@council.example").role is Role.AGENT
    change = session.scalar(select(AuditEvent).where(AuditEvent.person_id == user_id,
                                                     AuditEvent.action == "user.role_changed"))
    assert change.details["old"] == "officer" and change.details["new"] == "agent"


def test_a_responder_group_gives_a_responder_for_its_service(app, client, session, make, configured, monkeypatch):
    """REDRESS_OIDC_STAFF_RESPONDERS: a group names the service its members answer for."""
    repairs, waste = make.service(slug="repairs"), make.service(slug="waste", name="Waste")
    configured.next_login("rita")
    response = oidc_support.through_provider(client, "/staff/sign-in/oidc")
    assert response.status_code == 302 and response.location == "/staff/"
    rita = _user(session, "rita@council.example")
    assert rita.role is Role.RESPONDER and rita.service_id == repairs.id
    # Moved to another service in the directory: the next sign-in follows, and says so in the log.
    moved = replace(configured.staff, responder_map=(("repairs-responders", "waste"),))
    monkeypatch.setitem(app.config, "OIDC", {"residents": configured.residents, "staff": moved})
    configured.next_login("rita")
    assert oidc_support.through_provider(app.test_client(), "/staff/sign-in/oidc").status_code == 302
    session.expire_all()
    assert _user(session, "rita@council.example").service_id == waste.id
    change = session.scalar(select(AuditEvent).where(AuditEvent.person_id == rita.id,
                                                     AuditEvent.action == "user.role_changed"))
    assert change.details["old_service"] == repairs.id and change.details["new_service"] == waste.id


def test_a_role_group_outranks_a_responder_group(app, client, session, make, configured, monkeypatch):
    make.service(slug="repairs")
    both = replace(configured.staff, responder_map=(("complaints-officers", "repairs"),))
    monkeypatch.setitem(app.config, "OIDC", {"residents": configured.residents, "staff": both})
    configured.next_login("olu")
    assert oidc_support.through_provider(client, "/staff/sign-in/oidc").status_code == 302
    olu = _user(session, "olu@council.example")
    assert olu.role is Role.OFFICER and olu.service_id is None


def test_a_responder_group_for_a_service_we_do_not_have_is_refused(client, session, configured):
    configured.next_login("rita")  # no "repairs" service in this council
    _refused(oidc_support.through_provider(client, "/staff/sign-in/oidc"), 403,
             "You do not have access to the back office", session)
    assert _user(session, "rita@council.example") is None


def test_a_staff_identity_cannot_sign_in_to_the_portal(client, session, configured):
    configured.next_login("olu")
    oidc_support.through_provider(client, "/staff/sign-in/oidc")
    session.query(UserSession).delete()
    session.commit()
    configured.next_login("olu")
    body = _refused(oidc_support.through_provider(client.application.test_client(), "/sign-in/oidc"), 403,
                    "This account cannot sign in here", session)
    assert "Sign in to the back office" in body


def test_a_wrong_client_secret_is_refused_at_the_token_endpoint(app, client, session, configured, monkeypatch):
    wrong = replace(configured.staff, client_secret="not-the-secret")
    monkeypatch.setitem(app.config, "OIDC", {"residents": configured.residents, "staff": wrong})
    configured.next_login("olu")
    _refused(oidc_support.through_provider(client, "/staff/sign-in/oidc"), 400, "Sorry, we could not sign you in", session)


# --- the sign-in pages ------------------------------------------------------------------------


def test_the_sign_in_pages_offer_the_provider(client, configured):
    portal = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with Example ID" in portal and 'href="/sign-in/oidc"' in portal
    assert "Or sign in with your email address and password" in portal
    staff = client.get("/staff/sign-in?next=/staff/cases").get_data(as_text=True)
    assert "Sign in with Council Login" in staff and "/staff/sign-in/oidc?next=/staff/cases" in staff


def test_the_pages_are_in_welsh(client, configured):
    page = client.get("/sign-in?lang=cy").get_data(as_text=True)
    assert "Mewngofnodi gyda Example ID" in page


def test_without_a_provider_there_is_no_button_and_no_route(client):
    assert "Sign in with" not in client.get("/sign-in").get_data(as_text=True).replace("Sign in with your", "")
    assert client.get("/sign-in/oidc").status_code == 404
    assert client.get("/staff/sign-in/oidc/callback").status_code == 404


def test_local_passwords_can_be_switched_off(app, client, session, make, configured, monkeypatch):
    resident = make.user(email="local@example.org")
    session.commit()
    token = client.csrf_token("/sign-in")  # taken while the form is still shown
    monkeypatch.setitem(app.config, "LOCAL_PASSWORDS", {"residents": False, "staff": False})
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'type="password"' not in page and "makes one for you" in page
    assert client.get("/register").status_code == 404
    assert client.get("/forgotten-password").status_code == 404
    response = client.post("/sign-in", data={"csrf_token": token, "email": resident.email,
                                             "password": "correct horse battery staple"})
    assert response.status_code == 200 and _sessions(session) == 0
    assert 'type="password"' not in client.get("/staff/sign-in").get_data(as_text=True)


# --- "confirm it's you" for staff signed in through the provider (prompt=login, max_age=0) ----------


def _signed_in_at_the_provider_a_while_ago(client, configured, monkeypatch):
    """Olu signed in through the provider over a second ago; no clock leeway, so a reused provider
    session (auth_time then) is told apart from a fresh sign-in (auth_time now)."""
    import time

    import requests

    monkeypatch.setattr(oidc, "LEEWAY_SECONDS", 0)
    browser = requests.Session()  # the provider's own session cookie is kept between the two visits
    configured.next_login("olu")
    assert oidc_support.through_provider(client, "/staff/sign-in/oidc", browser=browser).status_code == 302
    time.sleep(1.1)
    return browser


def test_confirming_its_you_makes_the_provider_sign_the_person_in_afresh(app, client, session, configured,
                                                                        monkeypatch):
    from urllib.parse import parse_qs, urlsplit

    browser = _signed_in_at_the_provider_a_while_ago(client, configured, monkeypatch)
    page = client.get("/staff/confirm-its-you?next=/staff/cases").get_data(as_text=True)
    assert 'href="/staff/sign-in/oidc?next=/staff/cases&amp;reauth=1"' in page
    started = client.get("/staff/sign-in/oidc?next=/staff/cases&reauth=1")
    asked = parse_qs(urlsplit(started.location).query)
    assert asked["prompt"] == ["login"] and asked["max_age"] == ["0"]
    configured.next_login("olu")
    back = oidc_support.follow_to_app(client, started.location, browser=browser)
    assert back.status_code == 302 and back.location == "/staff/cases"
    user = _user(session, "olu@council.example")
    confirmed = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.identity_confirmed",
                                                         AuditEvent.actor_id == user.id)).all()
    assert len(confirmed) == 1 and confirmed[0].details["method"] == "oidc"
    assert client.get("/staff/cases").status_code == 200


def test_a_provider_that_reuses_its_session_does_not_confirm_anything(client, session, configured, monkeypatch):
    """The same return, had the provider not been asked to sign them in again (its own session
    reused, auth_time from before): refused, and no new session."""
    from dataclasses import replace as changed

    browser = _signed_in_at_the_provider_a_while_ago(client, configured, monkeypatch)
    begin = oidc.begin
    monkeypatch.setattr(oidc, "begin", lambda *args, reauth=False, **kwargs: (
        lambda url, pending: (url, changed(pending, reauth=reauth)))(*begin(*args, **kwargs)))
    before = _sessions(session)
    started = client.get("/staff/sign-in/oidc?next=/staff/cases&reauth=1")
    back = oidc_support.follow_to_app(client, started.location, browser=browser)
    assert back.status_code == 400 and "Sorry, we could not sign you in" in back.get_data(as_text=True)
    assert _sessions(session) == before
    assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "user.identity_confirmed")).all()


def test_an_ordinary_sign_in_asks_the_provider_for_nothing_more(client, configured):
    from urllib.parse import parse_qs, urlsplit

    asked = parse_qs(urlsplit(client.get("/staff/sign-in/oidc").location).query)
    assert "prompt" not in asked and "max_age" not in asked


@pytest.mark.parametrize(("claims", "refused"), [
    ({}, "does not say when"),
    ({"auth_time": "1700000000"}, "does not say when"),
    ({"auth_time": True}, "does not say when"),
    ({"auth_time": 1_000_000 - 61}, "did not sign the person in again"),
    ({"auth_time": 1_000_000 - 59}, None),  # within the clock leeway
    ({"auth_time": 1_000_100}, None),
])
def test_a_re_authentication_needs_a_fresh_auth_time(claims, refused):
    if refused is None:
        oidc.check_signed_in_since(claims, 1_000_000)
    else:
        with pytest.raises(oidc.OidcError, match=refused):
            oidc.check_signed_in_since(claims, 1_000_000)
