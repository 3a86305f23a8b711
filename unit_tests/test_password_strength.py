"""Passwords an attacker would try early are refused wherever one is chosen (OWASP ASVS 6.2.4:
common passwords; 6.2.11: the person's own details and the service's name), with a GOV.UK error
that keeps everything else typed; strong passphrases of any kind pass."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.auth.passwords import too_easy_to_guess, verify_password
from shared.domain.enums import Role
from shared.models import User
from shared.services import council
from unit_tests.factories import PASSWORD, sign_in
from unit_tests.test_accounts import _reset_link
from unit_tests.test_users_admin import NEW, _invitation_link

REFUSED = "Choose a password that is harder to guess"


@pytest.mark.parametrize("password", [
    "password1234", "qwertyuiop", "1234567890", "aaaaaaaaaa", "abcdefghij", "iloveyou12", "Password1!",
    "letmein1234", "1qaz2wsx3edc", "trustno1trustno1", "football99", "Summer2026!", "Passw0rd2026",
])
def test_common_passwords_and_patterns_are_too_easy(password):
    assert too_easy_to_guess(password, [])


@pytest.mark.parametrize("password", [
    PASSWORD, "demo-password-2026", "a brand new passphrase", "Tr0ub4dor&3x", "tallsnowbridge",
    "my dog is called Rex", "Mae’r gath ar y to", "Zażółć gęślą jaźń", "میرا پاس ورڈ محفوظ ہے",
])
def test_passphrases_and_other_languages_pass(password):
    assert not too_easy_to_guess(password, [])


def test_the_persons_name_email_and_the_council_count_against_a_password():
    context = ["Hannah Green", "hannah.green@example.com", "Gwynedd Council"]
    for password in ("HannahGreen2026", "hannah.green2026", "Gwynedd Council 1"):
        assert not too_easy_to_guess(password, []), password  # strong enough for anyone else
        assert too_easy_to_guess(password, context), password


def test_only_the_start_of_a_very_long_password_is_judged():
    assert not too_easy_to_guess("a long and private passphrase " * 6, [])  # no error for its length
    assert too_easy_to_guess("a" * 200, [])


def test_registering_with_a_common_password_says_why_and_keeps_the_rest(client, session):
    data = {"full_name": "Hannah Green", "email": "hannah.green@example.com",
            "password": "password1234", "confirm_password": "password1234"}
    page = client.submit("/register", data).get_data(as_text=True)
    assert "There is a problem" in page and REFUSED in page
    assert 'value="Hannah Green"' in page and 'value="hannah.green@example.com"' in page
    assert "password1234" not in page
    assert session.scalar(select(User).where(User.email == "hannah.green@example.com")) is None


def test_registering_with_your_own_name_is_refused(client, session):
    data = {"full_name": "Hannah Green", "email": "hg@example.com",
            "password": "HannahGreen2026", "confirm_password": "HannahGreen2026"}
    assert REFUSED in client.submit("/register", data).get_data(as_text=True)
    assert session.scalar(select(User).where(User.email == "hg@example.com")) is None


def test_a_password_made_of_the_councils_name_is_refused(app, client, session):
    with app.app_context():
        name = council.council().name
    weak = f"{name}1"
    assert len(weak) >= 10
    data = {"full_name": "Sam Jones", "email": "sam@example.com", "password": weak, "confirm_password": weak}
    assert REFUSED in client.submit("/register", data).get_data(as_text=True)


def test_changing_to_a_password_made_of_your_own_email_is_refused(client, session, make):
    resident = make.user(Role.RESIDENT, email="morgan.price@example.com", full_name="Morgan Price")
    sign_in(client, resident)
    weak = "morgan.price1"
    page = client.submit("/your-details/password", {"current_password": PASSWORD, "password": weak,
                                                    "confirm_password": weak}).get_data(as_text=True)
    assert REFUSED in page
    session.expire_all()
    assert verify_password(session.get(User, resident.id).password_hash, PASSWORD)


def test_a_reset_to_a_common_password_is_refused_and_the_link_still_works(client, session, make):
    user = make.user(Role.RESIDENT)
    link = _reset_link(client, session, user)
    page = client.submit(link, {"password": "qwertyuiop123", "confirm_password": "qwertyuiop123"}).get_data(as_text=True)
    assert REFUSED in page
    assert client.get(link).status_code == 200


def test_an_invited_officer_cannot_choose_a_common_password(app, client, session, make):
    admin = make.user(Role.ADMIN)
    sign_in(client, admin, staff=True)
    client.submit("/staff/admin/users/invite", NEW)
    link = _invitation_link(session, NEW["email"])
    invited = app.test_client()  # the strict client, as every test's
    page = invited.submit(link, {"password": "password12345", "confirm_password": "password12345"})
    assert REFUSED in page.get_data(as_text=True)
    assert invited.submit(link, {"password": PASSWORD, "confirm_password": PASSWORD}).status_code == 302
