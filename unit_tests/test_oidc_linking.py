"""Linking an account of ours (signed in with a password) to the council's identity provider, and
unlinking it, against the real npm oidc-provider on loopback: a fresh "confirm it's you" at both
ends, (issuer, subject) attached only to the account that asked, audited; the person never left
without a way to sign in; an admin sees and can unlink them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from shared.domain.enums import Role
from shared.models import AuditEvent, User, UserIdentity, UserSession
from unit_tests import oidc_support
from unit_tests.factories import PASSWORD, sign_in


def _identities(session, user_id: int) -> list[tuple[str, str]]:
    session.expire_all()
    return [(row.issuer, row.subject) for row in
            session.scalars(select(UserIdentity).where(UserIdentity.user_id == user_id))]


def _audited(session, action: str, user_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                         AuditEvent.subject_id == user_id)))


def _link_resident(client, configured, account: str, password: str = PASSWORD):
    """From "Your details": confirm with the password, then sign in at the provider as `account`."""
    started = oidc_support.leaving_for_provider(
        client.submit("/your-details/sign-in-with-provider", {"password": password}))
    asked = parse_qs(urlsplit(started).query)
    # The provider must sign them in afresh, not wave through a session it already had.
    assert asked["prompt"] == ["login"] and asked["max_age"] == ["0"]
    configured.next_login(account)
    return oidc_support.follow_to_app(client, started)


def test_an_email_already_on_record_can_sign_in_with_its_password_and_link_the_provider(client, session, make,
                                                                                      configured):
    resident = make.user(email="taken@example.org")
    session.commit()
    # At first, the provider's account (with the same email) is refused, and told how to link.
    configured.next_login("clash")
    refused = oidc_support.through_provider(client, "/sign-in/oidc")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 403 and ">An account already uses this email address</h1>" in body
    assert "choose “Sign in with Example ID next time” to link the two" in body
    assert 'href="/forgotten-password"' in body

    sign_in(client, resident)
    details = client.get("/your-details").get_data(as_text=True)
    assert 'href="/your-details/sign-in-with-provider"' in details and "Sign in with Example ID next time" in details
    page = client.get("/your-details/sign-in-with-provider")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.get_data(as_text=True)

    back = _link_resident(client, configured, "clash")
    assert back.status_code == 302 and back.location == "/your-details"
    assert _identities(session, resident.id) == [(configured.issuer, "clash")]
    linked = _audited(session, "identity.linked", resident.id)
    assert len(linked) == 1 and linked[0].actor_id == resident.id
    assert linked[0].details["changes"] == {"identity": [None, f"{configured.issuer} · clash"]}
    details = client.get("/your-details").get_data(as_text=True)
    assert "Your account is linked to your Example ID account" in details and "Unlink" in details
    assert "Sign in with Example ID next time" not in details

    # Next time, the provider signs them in to their own account.
    configured.next_login("clash")
    other = client.application.test_client()
    assert oidc_support.through_provider(other, "/sign-in/oidc").location == "/cases"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "taken@example.org")) == 1


def test_a_wrong_password_sends_nobody_to_the_provider(client, session, make, configured):
    resident = make.user(email="res@example.org")
    session.commit()
    sign_in(client, resident)
    response = client.submit("/your-details/sign-in-with-provider", {"password": "not my password at all"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "The password you entered is not correct" in body
    assert 'class="govuk-error-summary"' in body
    assert _identities(session, resident.id) == []


def test_an_identity_that_signs_in_to_someone_else_is_not_linked(client, session, make, configured):
    configured.next_login("alice")
    assert oidc_support.through_provider(client.application.test_client(), "/sign-in/oidc").status_code == 302
    alice = session.scalar(select(User).where(User.email == "alice@example.org"))
    resident = make.user(email="res@example.org")
    session.commit()
    sign_in(client, resident)
    back = _link_resident(client, configured, "alice")
    body = back.get_data(as_text=True)
    assert back.status_code == 403, body[:2000]
    assert ">That Example ID account is linked to someone else’s account</h1>" in body
    assert 'href="/your-details"' in body
    assert _identities(session, resident.id) == [] and _identities(session, alice.id) == [(configured.issuer, "alice")]
    assert _audited(session, "identity.linked", resident.id) == []
    assert client.get("/your-details").status_code == 200  # still signed in, as themselves


def test_a_resident_unlinks_and_keeps_their_password(client, session, make, configured):
    resident = make.user(email="taken@example.org")
    session.commit()
    sign_in(client, resident)
    _link_resident(client, configured, "clash")
    # Signed in through the provider elsewhere too: unlinking ends that session, not this one.
    configured.next_login("clash")
    elsewhere = client.application.test_client()
    assert oidc_support.through_provider(elsewhere, "/sign-in/oidc").status_code == 302
    identity_id = session.scalar(select(UserIdentity.id).where(UserIdentity.user_id == resident.id))
    response = client.submit(f"/your-details/sign-in-with-provider/{identity_id}/unlink", form_url="/your-details")
    assert response.status_code == 302 and response.location == "/your-details"
    assert _identities(session, resident.id) == []
    unlinked = _audited(session, "identity.unlinked", resident.id)
    assert len(unlinked) == 1 and unlinked[0].details["changes"] == {"identity": [f"{configured.issuer} · clash", None]}
    assert unlinked[0].details["sessions_ended"] == 1
    assert elsewhere.get("/cases").status_code == 302  # signed out
    assert client.get("/cases").status_code == 200
    assert "Sign in with Example ID next time" in client.get("/your-details").get_data(as_text=True)


def test_someone_who_signs_in_only_through_the_provider_cannot_unlink(client, session, configured):
    configured.next_login("alice")
    oidc_support.through_provider(client, "/sign-in/oidc")
    alice = session.scalar(select(User).where(User.email == "alice@example.org"))
    identity_id = session.scalar(select(UserIdentity.id).where(UserIdentity.user_id == alice.id))
    details = client.get("/your-details").get_data(as_text=True)
    assert "You sign in with Example ID." in details and "Unlink" not in details
    assert client.get("/your-details/sign-in-with-provider").status_code == 404  # no password to confirm with
    response = client.submit(f"/your-details/sign-in-with-provider/{identity_id}/unlink", form_url="/your-details")
    assert response.status_code == 404
    assert _identities(session, alice.id) == [(configured.issuer, "alice")]


def test_nobody_can_unlink_someone_elses_identity(client, session, make, configured):
    configured.next_login("alice")
    oidc_support.through_provider(client.application.test_client(), "/sign-in/oidc")
    alice_identity = session.scalar(select(UserIdentity.id))
    resident = make.user(email="res@example.org")
    session.commit()
    sign_in(client, resident)
    response = client.submit(f"/your-details/sign-in-with-provider/{alice_identity}/unlink", form_url="/your-details")
    assert response.status_code == 404
    assert session.scalar(select(func.count()).select_from(UserIdentity)) == 1


# --- staff --------------------------------------------------------------------------------------


def _start_staff_link(client) -> str:
    page = client.submit("/staff/account/sign-in-with-provider", form_url="/staff/account")
    assert ">Taking you to Council Login</h1>" in page.get_data(as_text=True)
    return oidc_support.leaving_for_provider(page)


def test_an_officer_links_from_their_account_after_confirming_its_them(client, session, make, configured):
    officer = make.user(Role.OFFICER, email="olu@council.example")
    session.commit()
    sign_in(client, officer, staff=True)
    page = client.get("/staff/account").get_data(as_text=True)
    assert 'action="/staff/account/sign-in-with-provider"' in page and "Sign in with Council Login next time" in page
    # A sign-in of more than REDRESS_REAUTH_MINUTES ago: "confirm it's you" first.
    row = session.scalar(select(UserSession).where(UserSession.user_id == officer.id))
    row.authenticated_at = row.authenticated_at.replace(year=row.authenticated_at.year - 1)
    session.commit()
    stale = client.submit("/staff/account/sign-in-with-provider", form_url="/staff/account")
    assert stale.status_code == 302 and stale.location.startswith("/staff/confirm-its-you")
    confirmed = client.submit(stale.location, {"password": PASSWORD})
    assert confirmed.status_code == 302
    started = _start_staff_link(client)
    assert parse_qs(urlsplit(started).query)["prompt"] == ["login"]
    configured.next_login("olu")
    back = oidc_support.follow_to_app(client, started)
    assert back.status_code == 302 and back.location == "/staff/account"
    assert _identities(session, officer.id) == [(configured.issuer, "olu")]
    assert len(_audited(session, "identity.linked", officer.id)) == 1
    page = client.get("/staff/account").get_data(as_text=True)
    assert "Your account is linked to your Council Login account" in page


def test_a_staff_identity_in_no_mapped_group_is_not_linked(client, session, make, configured):
    officer = make.user(Role.OFFICER, email="someone@council.example")
    session.commit()
    sign_in(client, officer, staff=True)
    started = _start_staff_link(client)
    configured.next_login("fin")
    back = oidc_support.follow_to_app(client, started)
    assert back.status_code == 403 and ">You do not have access to the back office</h1>" in back.get_data(as_text=True)
    assert _identities(session, officer.id) == []


def test_responders_are_not_offered_linking(client, session, make, configured):
    responder = make.user(Role.RESPONDER, email="resp@council.example", service_id=make.service().id)
    session.commit()
    sign_in(client, responder, staff=True)
    assert "next time" not in client.get("/staff/account").get_data(as_text=True)
    assert client.submit("/staff/account/sign-in-with-provider", form_url="/staff/account").status_code == 404


def test_an_admin_sees_someones_linked_identity_and_unlinks_it(client, session, make, configured):
    officer = make.user(Role.OFFICER, email="olu@council.example")
    admin = make.user(Role.ADMIN, email="admin@council.example")
    session.commit()
    officer_browser = client.application.test_client()
    sign_in(officer_browser, officer, staff=True)
    started = _start_staff_link(officer_browser)
    configured.next_login("olu")
    assert oidc_support.follow_to_app(officer_browser, started).status_code == 302
    identity_id = session.scalar(select(UserIdentity.id).where(UserIdentity.user_id == officer.id))

    sign_in(client, admin, staff=True)
    page = client.get(f"/staff/admin/users/{officer.id}").get_data(as_text=True)
    assert ">Signs in with</h2>" in page and "Council Login" in page and ">olu</td>" in page
    assert "Identity provider account linked" in page  # in the account's history
    response = client.submit(f"/staff/admin/users/{officer.id}/identities/{identity_id}/unlink",
                             form_url=f"/staff/admin/users/{officer.id}")
    assert response.status_code == 302 and response.location == f"/staff/admin/users/{officer.id}"
    assert _identities(session, officer.id) == []
    unlinked = _audited(session, "identity.unlinked", officer.id)
    assert len(unlinked) == 1 and unlinked[0].actor_id == admin.id
    page = client.get(f"/staff/admin/users/{officer.id}").get_data(as_text=True)
    assert f"{configured.issuer} · olu → (empty)" in page.replace("&#183;", "·")


def test_an_admin_cannot_unlink_the_only_way_someone_signs_in(client, session, make, configured):
    configured.next_login("olu")
    oidc_support.through_provider(client.application.test_client(), "/staff/sign-in/oidc")
    olu = session.scalar(select(User).where(User.email == "olu@council.example"))
    identity_id = session.scalar(select(UserIdentity.id).where(UserIdentity.user_id == olu.id))
    admin = make.user(Role.ADMIN, email="admin@council.example")
    session.commit()
    sign_in(client, admin, staff=True)
    page = client.get(f"/staff/admin/users/{olu.id}").get_data(as_text=True)
    assert "The only way they sign in" in page and f"unlink-{identity_id}" not in page
    response = client.submit(f"/staff/admin/users/{olu.id}/identities/{identity_id}/unlink",
                             form_url=f"/staff/admin/users/{olu.id}")
    assert response.status_code == 302
    assert "signs in only through Council Login" in client.get(response.location).get_data(as_text=True)
    assert _identities(session, olu.id) == [(configured.issuer, "olu")]
    assert _audited(session, "identity.unlinked", olu.id) == []
