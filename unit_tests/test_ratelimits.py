"""Rate limits (shared/web/ratelimits.py): per account and per client, per person for signed-in staff,
the form again with what was typed and a 429 with Retry-After, client addresses behind trusted proxies
only, and Redis storage shared by two apps."""

from __future__ import annotations

import os

import pytest
import redis
from sqlalchemy import func, select

from shared.config import ConfigError, load_settings
from shared.domain.enums import Role
from shared.models import Case, OutboxMessage, User, UserSession
from shared.web import ratelimits
from staff.forms_assisted import CheckForm
from unit_tests import strict_client
from unit_tests.factories import PASSWORD, separate_app, sign_in
from unit_tests.test_assisted import CONTACT, DETAILS, NO_ADJUSTMENTS, world  # noqa: F401 - a fixture
from unit_tests.test_route_access import quick_sign_in

REDIS_URL = os.environ.get("REDRESS_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _settings(tmp_path, **extra: str):
    return load_settings({
        "REDRESS_ENV": "testing",
        "REDRESS_INSTANCE_PATH": str(tmp_path),
        "REDRESS_SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "REDRESS_BASE_URL": "http://localhost",
        **extra,
    })


def _amount(rules, scope: str) -> int:
    [rule] = [rule for rule in rules if rule.scope == scope]
    return rule.item.amount


def _signed_in(client) -> bool:
    return client.get("/cases").status_code == 200


# --- per account and per client ---------------------------------------------------------------------


def test_sign_in_is_limited_per_account_even_from_many_addresses_and_keeps_what_was_typed(client, session, make):
    user = make.user(email="jane@example.com")
    allowed = _amount(ratelimits.SIGN_IN, "sign-in-account")
    for number in range(allowed):
        wrong = client.submit("/sign-in", {"email": "Jane@Example.com ", "password": "not-the-password"},
                              headers={"X-Forwarded-For": f"203.0.113.{number}"})
        assert wrong.status_code == 200
    refused = client.submit("/sign-in", {"email": user.email, "password": PASSWORD},
                            headers={"X-Forwarded-For": "198.51.100.1"})
    assert refused.status_code == 429
    assert 890 < int(refused.headers["Retry-After"]) <= 900  # 15 minutes after the first attempt
    page = refused.get_data(as_text=True)
    assert "You have tried too many times. Wait 15 minutes, then try again." in page
    assert 'value="jane@example.com"' in page  # the email as typed; a password is never sent back
    assert "<title>Error:" in page
    assert not _signed_in(client)
    assert session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)) == 0


def test_signing_in_correctly_costs_no_attempt(app, make):
    """Only failures count: a council office signing in every morning from one address is never held."""
    user = make.user(email="jane@example.com")
    for _ in range(_amount(ratelimits.SIGN_IN, "sign-in-account") + 2):
        browser = app.test_client()
        assert browser.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302


def test_staff_sign_in_is_limited_too(client, make):
    officer = make.user(Role.OFFICER)
    for _ in range(_amount(ratelimits.SIGN_IN, "sign-in-account")):
        assert client.submit("/staff/sign-in", {"email": officer.email, "password": "wrong"}).status_code == 200
    refused = client.submit("/staff/sign-in", {"email": officer.email, "password": PASSWORD})
    assert refused.status_code == 429 and "Wait 15 minutes" in refused.get_data(as_text=True)


def test_another_account_from_the_same_address_is_not_held_up_by_one_being_limited(client, make):
    make.user(email="jane@example.com")
    other = make.user(email="omar@example.com")
    for _ in range(_amount(ratelimits.SIGN_IN, "sign-in-account") + 1):
        client.submit("/sign-in", {"email": "jane@example.com", "password": "not-the-password"})
    assert client.submit("/sign-in", {"email": other.email, "password": PASSWORD}).status_code == 302


def test_a_mistake_in_the_form_costs_no_attempt(client):
    for _ in range(_amount(ratelimits.REGISTER, "register") + 2):
        assert client.submit("/register", {"email": "not an email"}).status_code == 200


def test_registering_is_limited_per_client_and_the_form_comes_back_as_typed(client, session):
    for number in range(_amount(ratelimits.REGISTER, "register")):
        response = client.submit("/register", {"full_name": "Jo Bloggs", "email": f"jo{number}@example.com",
                                               "password": PASSWORD, "confirm_password": PASSWORD})
        assert response.status_code == 302
    refused = client.submit("/register", {"full_name": "Jo Bloggs", "email": "last@example.com",
                                          "password": PASSWORD, "confirm_password": PASSWORD})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    page = refused.get_data(as_text=True)
    assert 'value="Jo Bloggs"' in page and 'value="last@example.com"' in page
    assert "Wait 60 minutes, then try again." in page
    # Nothing half-done: no account and no email for the refused attempt.
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == "last@example.com")) == 0


def test_x_forwarded_for_from_an_untrusted_client_cannot_buy_more_attempts(client):
    for number in range(_amount(ratelimits.PASSWORD_RESET, "password-reset-client")):
        response = client.submit("/forgotten-password", {"email": f"person{number}@example.com"},
                                 headers={"X-Forwarded-For": f"203.0.113.{number}"})
        assert response.status_code == 302
    refused = client.submit("/forgotten-password", {"email": "someone.else@example.com"},
                            headers={"X-Forwarded-For": "192.0.2.200"})
    assert refused.status_code == 429


def test_password_reset_is_limited_per_account(client):
    for _ in range(_amount(ratelimits.PASSWORD_RESET, "password-reset-account")):
        assert client.submit("/forgotten-password", {"email": "jane@example.com"}).status_code == 302
    assert client.submit("/forgotten-password", {"email": "JANE@example.com"}).status_code == 429


# --- behind a proxy ---------------------------------------------------------------------------------


def test_with_one_trusted_proxy_the_right_most_address_is_the_client(tmp_path, engine):
    with separate_app(_settings(tmp_path, REDRESS_TRUSTED_PROXIES="1"), engine) as behind_proxy:
        client = behind_proxy.test_client()
        allowed = _amount(ratelimits.PASSWORD_RESET, "password-reset-client")
        # The client wrote the left part itself; the proxy appended the address it saw.
        for number in range(allowed):
            forwarded = f"10.9.9.{number}, 198.51.100.7"
            response = client.submit("/forgotten-password", {"email": f"person{number}@example.com"},
                                     headers={"X-Forwarded-For": forwarded})
            assert response.status_code == 302
        same_client = client.submit("/forgotten-password", {"email": "one.more@example.com"},
                                    headers={"X-Forwarded-For": "10.0.0.1, 198.51.100.7"})
        assert same_client.status_code == 429
        another_client = client.submit("/forgotten-password", {"email": "one.more@example.com"},
                                       headers={"X-Forwarded-For": "198.51.100.8"})
        assert another_client.status_code == 302


def test_without_trusted_proxies_the_connecting_address_is_the_client(app):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.1"},
                                  headers={"X-Forwarded-For": "198.51.100.7"}):
        assert ratelimits.client_address() == "192.0.2.1"


@pytest.mark.parametrize("value", ["-1", "one", ""])
def test_trusted_proxies_must_be_a_whole_number(tmp_path, value):
    with pytest.raises(ConfigError, match="REDRESS_TRUSTED_PROXIES"):
        _settings(tmp_path, REDRESS_TRUSTED_PROXIES=value)


def test_the_storage_must_be_redis(tmp_path):
    with pytest.raises(ConfigError, match="REDRESS_RATELIMIT_STORAGE_URL"):
        _settings(tmp_path, REDRESS_RATELIMIT_STORAGE_URL="memcached://127.0.0.1:11211")


# --- per person for signed-in staff -------------------------------------------------------------------


def _to_check(client, customer) -> str:
    url = client.submit(f"/staff/customers/{customer.id}/log", CONTACT).location
    for data in (DETAILS, {"contact_method": "post", "contact_address": "3 Mill Lane\nRedbury\nRB2 5CD"},
                 NO_ADJUSTMENTS, {}):
        url = client.submit(url, data).location
    assert url.endswith("/check")
    return url


def test_agents_sharing_one_address_are_limited_each_on_their_own(app, client, session, make, world, monkeypatch):  # noqa: F811
    """A contact centre's agents all come from one address: each has their own allowance."""
    assert ratelimits.FEEDBACK[0].key is ratelimits.by_actor
    monkeypatch.setattr(CheckForm, "rate_limits", (ratelimits.Rule("feedback", "1 per hour", ratelimits.by_actor),))
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 40)  # logging a case writes it, its stage, event and letter
    first, second = make.user(Role.AGENT, full_name="Sam Okafor"), make.user(Role.AGENT, full_name="Ava Lee")
    other_client = app.test_client()
    quick_sign_in(client, session, first)
    quick_sign_in(other_client, session, second)

    assert client.submit(_to_check(client, world["customer"]), {}).status_code == 302
    check = _to_check(client, world["customer"])
    refused = client.submit(check, {})
    assert refused.status_code == 429
    assert "You have tried too many times" in refused.get_data(as_text=True)
    assert other_client.submit(_to_check(other_client, world["customer"]), {}).status_code == 302
    assert session.scalar(select(func.count()).select_from(Case).where(Case.resident_id == world["customer"].id)) == 2


# --- storage shared by several processes ------------------------------------------------------------


@pytest.fixture
def redis_storage():
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.ConnectionError as error:
        pytest.skip(f"no Redis answers at {REDIS_URL} ({error}); the shared-storage test needs one")
    store.flushdb()
    yield REDIS_URL
    store.flushdb()
    store.close()


def test_with_redis_two_apps_count_the_same_attempts(tmp_path, engine, redis_storage):
    settings = _settings(tmp_path, REDRESS_RATELIMIT_STORAGE_URL=redis_storage)
    allowed = _amount(ratelimits.PASSWORD_RESET, "password-reset-account")
    with separate_app(settings, engine) as first, separate_app(settings, engine) as second:
        clients = [first.test_client(), second.test_client()]
        for number in range(allowed):
            assert clients[number % 2].submit("/forgotten-password", {"email": "jane@example.com"}).status_code == 302
        for refused_by in clients:
            assert refused_by.submit("/forgotten-password", {"email": "jane@example.com"}).status_code == 429
    keys = redis.Redis.from_url(redis_storage).keys("LIMITS:LIMITER/redress/password-reset-account/*")
    assert len(keys) == 1 and b"jane@example.com" not in keys[0]  # the address is kept only as a hash


def test_the_refusal_is_in_the_persons_language(client):
    for _ in range(_amount(ratelimits.PASSWORD_RESET, "password-reset-account") + 1):
        response = client.submit("/forgotten-password?lang=cy", {"email": "jane@example.com"})
    assert response.status_code == 429
    assert "Arhoswch 60 munud, yna rhowch gynnig arall arni." in response.get_data(as_text=True)


def test_when_redis_does_not_answer_each_process_still_counts(tmp_path, engine, caplog):
    settings = _settings(tmp_path, REDRESS_RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/7")  # nothing listens there
    with separate_app(settings, engine) as cut_off:
        client = cut_off.test_client()
        for _ in range(_amount(ratelimits.PASSWORD_RESET, "password-reset-account")):
            assert client.submit("/forgotten-password", {"email": "jane@example.com"}).status_code == 302
        assert client.submit("/forgotten-password", {"email": "jane@example.com"}).status_code == 429
    assert "rate-limit storage unavailable, counting in memory" in caplog.text


def test_guessing_the_current_password_in_a_signed_in_session_is_limited_across_its_forms(client, session, make):
    """Changing the password or email address, or closing the account, each ask for the current
    password: wrong answers count together, per person, and past the limit even the right one waits."""
    user = make.user(Role.RESIDENT)
    sign_in(client, user)
    allowed = _amount(ratelimits.CURRENT_PASSWORD, "current-password")
    forms = [("/your-details/password", {"current_password": "guess", "password": "a brand new passphrase",
                                         "confirm_password": "a brand new passphrase"}),
             ("/your-details/email", {"email": "new.address@example.com", "password": "guess"}),
             ("/close-account", {"password": "guess"})]
    for number in range(allowed):
        url, fields = forms[number % len(forms)]
        wrong = client.submit(url, fields)
        assert wrong.status_code == 200 and "The password you entered is not correct" in wrong.get_data(as_text=True)
    refused = client.submit("/close-account", {"password": PASSWORD})
    assert refused.status_code == 429 and "You have tried too many times." in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, user.id).closed_at is None
    assert _signed_in(client)
