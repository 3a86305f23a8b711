"""The resident's own area: their details one question a page, email, password, closing the account."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shared import clock
from shared.auth.passwords import verify_password
from shared.domain.enums import ContactMethod, Role
from shared.models import Case, OutboxMessage, User, UserSession
from unit_tests.factories import PASSWORD, sign_in

NEW_PASSWORD = "a brand new passphrase"


def _messages(session, recipient: str, template: str | None = None) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.recipient == recipient)
    if template:
        query = query.where(OutboxMessage.template == template)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def _link(message: OutboxMessage, path: str) -> str:
    match = re.search(rf"http://localhost({re.escape(path)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _fresh(session, user: User) -> User:
    session.expire_all()
    return session.get(User, user.id)


def _path(response) -> str:
    return urlsplit(response.location).path


def _live_sessions(session, user: User) -> list[UserSession]:
    session.expire_all()
    return list(session.scalars(select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))))


@pytest.fixture
def resident(make):
    return make.user(Role.RESIDENT, email="jane@example.com", full_name="Jane Williams", phone="01632 960 001",
                     address="1 High Street\nRedtown RT1 1AA", preferred_contact=ContactMethod.EMAIL, locale="en")


# --- your details -----------------------------------------------------------------------------


def test_your_details_lists_every_detail_with_a_change_link(client, resident):
    sign_in(client, resident)
    page = client.get("/your-details").get_data(as_text=True)
    for text in ("Jane Williams", "jane@example.com", "01632 960 001", "1 High Street", "Email", "English"):
        assert text in page
    for href in ("/your-details/name", "/your-details/email", "/your-details/phone", "/your-details/address",
                 "/your-details/contact-method", "/your-details/language", "/your-details/password",
                 "/your-data", "/close-account"):
        assert f'href="{href}"' in page
    assert "reasonable adjustments" not in page.lower()


def test_the_header_links_to_your_details_and_your_data_for_residents(client, resident):
    sign_in(client, resident)
    page = client.get("/cases").get_data(as_text=True)
    nav = page[page.index('aria-label="Menu"'):page.index("</nav>", page.index('aria-label="Menu"'))]
    assert 'href="/your-details"' in nav and 'href="/your-data"' in nav


def test_your_details_asks_visitors_to_sign_in(client):
    response = client.get("/your-details")
    assert response.status_code == 302 and _path(response) == "/sign-in"


def test_an_unknown_detail_is_not_found(client, resident):
    sign_in(client, resident)
    assert client.get("/your-details/date-of-birth").status_code == 404
    assert client.submit("/your-details/role", {"role": "admin"}, form_url="/your-details/name").status_code == 404


def test_a_detail_page_is_prefilled_and_saves(client, session, resident):
    sign_in(client, resident)
    page = client.get("/your-details/name").get_data(as_text=True)
    assert 'value="Jane Williams"' in page
    assert re.search(r'<h1 class="govuk-label-wrapper">\s*<label class="govuk-label govuk-label--l" for="full_name">', page)

    response = client.submit("/your-details/name", {"full_name": "  Jane Morgan  "})
    assert response.status_code == 302 and _path(response) == "/your-details"
    assert _fresh(session, resident).full_name == "Jane Morgan"
    assert "Your details have been saved." in client.get("/your-details").get_data(as_text=True)


@pytest.mark.parametrize(
    ("detail", "fields", "message", "kept"),
    [
        ("name", {"full_name": ""}, "Enter your full name", None),
        ("name", {"full_name": "x" * 201}, "Full name must be 200 characters or fewer", "x" * 201),
        ("phone", {"phone": "call me maybe"}, "Enter a phone number, like 01632 960 001 or 07700 900 982", "call me maybe"),
        ("address", {"address": "Flat 2\n" + "y" * 500}, "Postal address must be 500 characters or fewer", "y" * 500),
        ("contact-method", {}, "Select how you would like us to contact you", None),
        ("contact-method", {"preferred_contact": "pigeon"}, "Select how you would like us to contact you", None),
        ("language", {"locale": "fr"}, "Select the language you would like us to use", None),
    ],
)
def test_bad_answers_are_refused_and_what_was_typed_is_kept(client, session, resident, detail, fields, message, kept):
    sign_in(client, resident)
    response = client.submit(f"/your-details/{detail}", fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "<title>Error:" in page
    if kept:
        assert kept in page
    unchanged = _fresh(session, resident)
    assert (unchanged.full_name, unchanged.phone, unchanged.locale) == ("Jane Williams", "01632 960 001", "en")


def test_phone_and_address_may_be_emptied(client, session, make):
    user = make.user(Role.RESIDENT, phone="01632 960 001", address="1 High Street")
    sign_in(client, user)
    client.submit("/your-details/phone", {"phone": ""})
    client.submit("/your-details/address", {"address": "   "})
    fresh = _fresh(session, user)
    assert fresh.phone is None and fresh.address is None
    assert client.get("/your-details").get_data(as_text=True).count("Not given") == 2


def test_contact_method_needs_somewhere_to_reach_the_person(client, session, make):
    user = make.user(Role.RESIDENT)  # no phone, no address
    sign_in(client, user)
    for method, message in (("phone", "Add your phone number before choosing phone or text message"),
                            ("text", "Add your phone number before choosing phone or text message"),
                            ("post", "Add your postal address before choosing post")):
        page = client.submit("/your-details/contact-method", {"preferred_contact": method}).get_data(as_text=True)
        assert message in page
    assert _fresh(session, user).preferred_contact is None

    client.submit("/your-details/address", {"address": "1 High Street"})
    response = client.submit("/your-details/contact-method", {"preferred_contact": "post"})
    assert response.status_code == 302
    assert _fresh(session, user).preferred_contact is ContactMethod.POST
    assert "Post" in client.get("/your-details").get_data(as_text=True)


def _lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def test_the_saved_language_is_used_when_signed_in_until_switched_on_the_page(client, session, resident):
    sign_in(client, resident)
    response = client.submit("/your-details/language", {"locale": "cy"})
    assert response.status_code == 302
    assert _fresh(session, resident).locale == "cy"

    # the saved choice wins over the browser's language
    page = client.get("/your-details", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert _lang(page) == "cy"
    # the page's own switch wins, and is saved for next time
    assert _lang(client.get("/your-details?lang=en").get_data(as_text=True)) == "en"
    assert _fresh(session, resident).locale == "en"


# --- changing the email address ---------------------------------------------------------------


def test_changing_the_email_address_tells_both_addresses(client, session, resident):
    sign_in(client, resident)
    response = client.submit("/your-details/email", {"email": "Jane.New@Example.com", "password": PASSWORD})
    assert response.status_code == 302 and _path(response) == "/your-details"
    banner = client.get("/your-details").get_data(as_text=True)
    assert "We have sent a link to jane.new@example.com" in banner
    assert _fresh(session, resident).email == "jane@example.com"  # not until the link is followed

    [notice] = _messages(session, "jane@example.com", "email_change_requested")
    assert "/confirm-new-email/" not in notice.body  # nothing to act on at the old address
    assert "/forgotten-password" in notice.body
    [confirm] = _messages(session, "jane.new@example.com", "confirm_new_email")
    link = _link(confirm, "/confirm-new-email/")

    followed = client.get(link)
    assert followed.status_code == 302 and _path(followed) == "/your-details"
    assert _fresh(session, resident).email == "jane.new@example.com"
    assert "Your email address has been changed to jane.new@example.com" in client.get("/your-details").get_data(as_text=True)
    for address in ("jane@example.com", "jane.new@example.com"):
        [told] = _messages(session, address, "email_changed")
        assert "jane@example.com" in told.body and "jane.new@example.com" in told.body

    # single use
    again = client.get(link)
    assert again.status_code == 404
    assert "This link has expired or has already been used" in again.get_data(as_text=True)

    # the new address signs in; the old one does not
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/your-details")})
    assert client.submit("/sign-in", {"email": "jane@example.com", "password": PASSWORD}).status_code == 200
    assert client.submit("/sign-in", {"email": "jane.new@example.com", "password": PASSWORD}).status_code == 302


def test_an_email_change_link_followed_while_signed_out_leads_to_sign_in(app, client, session, resident):
    sign_in(client, resident)
    client.submit("/your-details/email", {"email": "elsewhere@example.com", "password": PASSWORD})
    link = _link(_messages(session, "elsewhere@example.com", "confirm_new_email")[0], "/confirm-new-email/")
    other_browser = app.test_client()
    response = other_browser.get(link)
    assert response.status_code == 302 and _path(response) == "/sign-in"
    assert _fresh(session, resident).email == "elsewhere@example.com"


def test_an_email_change_link_expires_after_a_day(client, session, resident):
    sign_in(client, resident)
    clock.set_now(clock.utcnow() - timedelta(hours=24, seconds=1))
    client.submit("/your-details/email", {"email": "late@example.com", "password": PASSWORD})
    clock.set_now(None)
    link = _link(_messages(session, "late@example.com", "confirm_new_email")[0], "/confirm-new-email/")
    response = client.get(link)
    assert response.status_code == 404
    assert "Your email address has not changed" in response.get_data(as_text=True)
    assert _fresh(session, resident).email == "jane@example.com"


def test_a_tampered_email_change_link_is_refused(client, session, resident):
    sign_in(client, resident)
    client.submit("/your-details/email", {"email": "tamper@example.com", "password": PASSWORD})
    link = _link(_messages(session, "tamper@example.com", "confirm_new_email")[0], "/confirm-new-email/")
    assert client.get(link[:-3] + "abc").status_code == 404
    assert _fresh(session, resident).email == "jane@example.com"


def test_an_address_already_in_use_gets_the_same_answer_and_no_link(client, session, make, resident):
    make.user(Role.RESIDENT, email="taken@example.com")
    sign_in(client, resident)
    free = client.submit("/your-details/email", {"email": "free@example.com", "password": PASSWORD})
    taken = client.submit("/your-details/email", {"email": "taken@example.com", "password": PASSWORD})
    assert free.status_code == taken.status_code == 302 and free.location == taken.location

    assert [m.template for m in _messages(session, "taken@example.com")] == ["email_in_use"]
    assert "/confirm-new-email/" not in _messages(session, "taken@example.com")[0].body
    assert [m.template for m in _messages(session, "jane@example.com")] == ["email_change_requested"] * 2
    assert _fresh(session, resident).email == "jane@example.com"


def test_a_link_is_refused_if_the_address_was_taken_since(client, session, make, resident):
    sign_in(client, resident)
    client.submit("/your-details/email", {"email": "race@example.com", "password": PASSWORD})
    link = _link(_messages(session, "race@example.com", "confirm_new_email")[0], "/confirm-new-email/")
    make.user(Role.RESIDENT, email="race@example.com")
    assert client.get(link).status_code == 404
    assert _fresh(session, resident).email == "jane@example.com"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "new@example.com", "password": "not my password"}, "The password you entered is not correct"),
        ({"email": "new@example.com", "password": ""}, "Enter your current password"),
        ({"email": "not-an-email", "password": PASSWORD}, "Enter an email address in the correct format"),
        ({"email": "JANE@example.com", "password": PASSWORD}, "Enter a different email address from the one you use now"),
    ],
)
def test_email_change_errors_keep_the_address_and_send_nothing(client, session, resident, fields, message):
    sign_in(client, resident)
    response = client.submit("/your-details/email", fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert f'value="{fields["email"]}"' in page
    assert PASSWORD not in page and "not my password" not in page
    assert _messages(session, "jane@example.com") == []
    assert _messages(session, fields["email"].lower()) == []


# --- changing the password --------------------------------------------------------------------


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, client, session, resident):
    other_browser = app.test_client()
    sign_in(other_browser, resident)
    sign_in(client, resident)

    response = client.submit("/your-details/password", {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302 and _path(response) == "/your-details"
    assert client.get("/your-details").status_code == 200  # still signed in here
    assert _path(other_browser.get("/your-details")) == "/sign-in"  # signed out there
    assert len(_live_sessions(session, resident)) == 1
    assert verify_password(_fresh(session, resident).password_hash, NEW_PASSWORD)
    assert [m.template for m in _messages(session, "jane@example.com")] == ["password_changed"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"current_password": "wrong password!", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
         "The password you entered is not correct"),
        ({"current_password": PASSWORD, "password": "short", "confirm_password": "short"},
         "Password must be 10 characters or more"),
        ({"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": "something else"},
         "Enter the same password in both fields"),
        ({"current_password": "", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
         "Enter your current password"),
    ],
)
def test_password_change_errors_change_nothing(client, session, resident, fields, message):
    sign_in(client, resident)
    response = client.submit("/your-details/password", fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert NEW_PASSWORD not in page and PASSWORD not in page
    assert verify_password(_fresh(session, resident).password_hash, PASSWORD)
    assert len(_live_sessions(session, resident)) == 1


# --- closing the account ----------------------------------------------------------------------


def test_the_close_page_says_what_happens(app, client, resident):
    sign_in(client, resident)
    page = client.get("/close-account").get_data(as_text=True)
    assert "signed out on every device" in page
    assert "We keep each case for 6 years after it closes" in page
    assert f"You can still phone us on {app.config['SETTINGS'].contact_phone}" in page
    assert "download your data" in page


def test_closing_the_account_signs_out_everywhere_and_keeps_the_cases(app, client, session, make, resident):
    case = make.case(resident, make.service())
    other_browser = app.test_client()
    sign_in(other_browser, resident)
    sign_in(client, resident)

    response = client.submit("/close-account", {"password": PASSWORD})
    assert response.status_code == 302 and _path(response) == "/account-closed"
    page = client.get("/account-closed").get_data(as_text=True)
    assert "Your account is closed" in page and "6 years" in page
    assert "Sign out" not in page  # signed out here

    closed = _fresh(session, resident)
    assert closed.closed_at is not None and closed.password_hash is None
    assert _live_sessions(session, resident) == []
    assert _path(other_browser.get("/your-details")) == "/sign-in"
    assert session.get(Case, case.id).resident_id == resident.id
    [message] = _messages(session, "jane@example.com", "account_closed")
    assert "6 years" in message.body


def test_a_closed_account_gets_the_usual_wrong_password_answer(client, make, resident):
    sign_in(client, resident)
    client.submit("/close-account", {"password": PASSWORD})
    unknown = client.submit("/sign-in", {"email": "nobody@example.com", "password": PASSWORD}).get_data(as_text=True)
    closed = client.submit("/sign-in", {"email": "jane@example.com", "password": PASSWORD}).get_data(as_text=True)
    assert "Enter the email address and password for your account" in closed
    strip = re.compile(r'(value|nonce|content)="[^"]*"|"X-CSRFToken": "[^"]*"|[\w.]+@example\.com')
    assert strip.sub("", closed) == strip.sub("", unknown)


def test_a_wrong_password_does_not_close_the_account(client, session, resident):
    sign_in(client, resident)
    response = client.submit("/close-account", {"password": "not my password"})
    assert response.status_code == 200
    assert "The password you entered is not correct" in response.get_data(as_text=True)
    assert _fresh(session, resident).closed_at is None
    assert client.get("/your-details").status_code == 200


def test_the_close_page_needs_the_password(client, session, resident):
    sign_in(client, resident)
    page = client.submit("/close-account", {"password": ""}).get_data(as_text=True)
    assert "Enter your password" in page
    assert _fresh(session, resident).closed_at is None


@pytest.mark.parametrize("role", [Role.COUNCILLOR])
def test_councillors_have_no_resident_area(client, make, role):
    sign_in(client, make.user(role))
    for url in ("/your-details", "/your-details/name", "/your-data", "/your-data/download", "/close-account"):
        assert client.get(url).status_code == 403


def test_the_way_to_reach_someone_cannot_be_removed_while_it_is_their_preference(client, session, make):
    user = make.user(Role.RESIDENT, phone="07700 900 982", address="1 High Street", preferred_contact=ContactMethod.TEXT)
    sign_in(client, user)
    page = client.submit("/your-details/phone", {"phone": ""}).get_data(as_text=True)
    assert "Choose another way for us to contact you before removing your phone number" in page
    client.submit("/your-details/contact-method", {"preferred_contact": "post"})
    page = client.submit("/your-details/address", {"address": ""}).get_data(as_text=True)
    assert "Choose another way for us to contact you before removing your address" in page
    assert client.submit("/your-details/phone", {"phone": ""}).status_code == 302  # no longer needed
    fresh = _fresh(session, user)
    assert (fresh.phone, fresh.address, fresh.preferred_contact) == (None, "1 High Street", ContactMethod.POST)
