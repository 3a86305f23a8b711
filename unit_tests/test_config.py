"""Settings from the environment: refuse unsafe production settings, sensible development defaults."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import text

from shared.config import ConfigError, load_settings
from shared.db import db, make_engine
from unit_tests.factories import separate_app

STRONG_KEY = "k3y-" + "x7Qp2" * 8


@pytest.fixture
def base(tmp_path) -> dict[str, str]:
    return {"REDRESS_INSTANCE_PATH": str(tmp_path / "instance")}


@pytest.mark.parametrize(
    "key", [None, "", "changeme", "secret", "password", "short-but-random-Xy7", "x" * 31, " " * 40],
)
def test_production_refuses_a_missing_weak_or_short_secret_key(base, key):
    env = {**base, "REDRESS_ENV": "production"}
    if key is not None:
        env["REDRESS_SECRET_KEY"] = key
    with pytest.raises(ConfigError, match="REDRESS_SECRET_KEY"):
        load_settings(env)


def test_production_accepts_a_long_random_key_and_writes_no_key_file(base, tmp_path):
    settings = load_settings({**base, "REDRESS_ENV": "production", "REDRESS_SECRET_KEY": STRONG_KEY,
                              "REDRESS_MAIL_BACKEND": "smtp"})
    assert settings.production and settings.secret_key == STRONG_KEY and settings.debug is False
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize("backend", ["", "log", " LOG "])
def test_production_refuses_the_log_mail_backend(base, backend):
    """The log backend writes each message whole (address, case, reply) to stderr: never in production."""
    env = {**base, "REDRESS_ENV": "production", "REDRESS_SECRET_KEY": STRONG_KEY}
    if backend:
        env["REDRESS_MAIL_BACKEND"] = backend
    with pytest.raises(ConfigError, match="REDRESS_MAIL_BACKEND must be smtp or notify in production"):
        load_settings(env)
    assert load_settings({**env, "REDRESS_MAIL_BACKEND": "smtp"}).mail_backend == "smtp"


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "TRUE"])
def test_production_refuses_debug(base, value):
    with pytest.raises(ConfigError, match="REDRESS_DEBUG"):
        load_settings({**base, "REDRESS_ENV": "production", "REDRESS_SECRET_KEY": STRONG_KEY, "REDRESS_DEBUG": value})


def test_development_generates_a_key_once_and_reuses_it(base, tmp_path):
    first = load_settings(base)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text().strip() == first.secret_key
    assert len(first.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings(base).secret_key == first.secret_key


def test_development_keys_differ_between_instances(tmp_path):
    one = load_settings({"REDRESS_INSTANCE_PATH": str(tmp_path / "a")})
    two = load_settings({"REDRESS_INSTANCE_PATH": str(tmp_path / "b")})
    assert one.secret_key != two.secret_key


def test_a_given_development_key_is_used_and_nothing_written(base, tmp_path):
    settings = load_settings({**base, "REDRESS_SECRET_KEY": "dev"})
    assert settings.secret_key == "dev"
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REDRESS_ENV", "staging", "REDRESS_ENV"),
        ("REDRESS_NATION", "france", "REDRESS_NATION"),
        ("REDRESS_NATION", "", "REDRESS_NATION"),
        ("REDRESS_BRAND_COLOUR", "blue", "REDRESS_BRAND_COLOUR"),
        ("REDRESS_BRAND_COLOUR", "#12345", "REDRESS_BRAND_COLOUR"),
        ("REDRESS_BRAND_COLOUR", "#1234567", "REDRESS_BRAND_COLOUR"),
        ("REDRESS_BRAND_COLOUR", "#12345g", "REDRESS_BRAND_COLOUR"),
        ("REDRESS_BRAND_COLOUR", "#123456;}", "REDRESS_BRAND_COLOUR"),  # goes into an inline <style>
        ("REDRESS_MAIL_BACKEND", "carrier-pigeon", "REDRESS_MAIL_BACKEND"),
    ],
)
def test_invalid_values_are_refused(base, name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({**base, name: value})


@pytest.mark.parametrize("nation", ["england", "wales", "scotland", "northern-ireland", " Wales "])
def test_every_nation_is_accepted(base, nation):
    assert load_settings({**base, "REDRESS_NATION": nation}).nation == nation.strip().lower()


def test_brand_colour_is_normalised(base):
    assert load_settings({**base, "REDRESS_BRAND_COLOUR": " #AABBCC "}).brand_colour == "#aabbcc"


def test_defaults(base, tmp_path):
    settings = load_settings(base)
    instance = (tmp_path / "instance").resolve()
    assert settings.env == "development" and not settings.production
    assert settings.instance_path == instance
    assert settings.database_url == f"sqlite:///{instance / 'redress.sqlite3'}"
    assert settings.nation == "england"
    assert settings.mail_backend == "log"
    assert settings.debug is False


def test_a_database_url_is_used_as_given(base):
    url = "postgresql://redress@db.internal/redress"
    assert load_settings({**base, "REDRESS_DATABASE_URL": url}).database_url == url


def test_create_app_on_sqlite_uses_wal_and_a_busy_timeout(base, tmp_path):
    database = tmp_path / "pragma.sqlite3"
    settings = load_settings(
        {**base, "REDRESS_ENV": "testing", "REDRESS_SECRET_KEY": STRONG_KEY,
         "REDRESS_DATABASE_URL": f"sqlite:///{database}", "REDRESS_SQLITE_BUSY_TIMEOUT_MS": "1234"}
    )
    with separate_app(settings), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 1234
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert database.exists()


def test_sqlite_in_memory_keeps_its_default_journal(tmp_path):
    engine = make_engine("sqlite://", busy_timeout_ms=250)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "memory"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 250
    engine.dispose()


def test_production_app_uses_secure_cookies_and_hsts(base):
    settings = load_settings({**base, "REDRESS_ENV": "production", "REDRESS_SECRET_KEY": STRONG_KEY,
                              "REDRESS_MAIL_BACKEND": "smtp"})
    with separate_app(settings, make_engine("sqlite://")) as production:
        assert production.config["SESSION_COOKIE_SECURE"] is True
        assert production.config["SESSION_COOKIE_NAME"] == "__Host-redress"
        assert production.config["DEBUG"] is False and production.config["TESTING"] is False
        response = production.test_client().get("/", base_url="https://localhost")
        assert response.status_code == 200
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "X-Redress-Queries" not in response.headers


# --- single sign-on ---------------------------------------------------------------------------

def _sso(**env):
    return load_settings({"REDRESS_ENV": "testing", "REDRESS_SECRET_KEY": "x" * 40, **env})


def test_no_provider_by_default_and_passwords_on():
    settings = _sso()
    assert settings.oidc == {} and settings.local_passwords == {"residents": True, "staff": True}


def test_a_staff_provider_with_a_secret_and_role_mapping(tmp_path):
    settings = _sso(REDRESS_OIDC_STAFF_ISSUER="https://login.example/tenant/", REDRESS_OIDC_STAFF_CLIENT_ID="abc",
                    REDRESS_OIDC_STAFF_CLIENT_SECRET="s", REDRESS_OIDC_STAFF_NAME="Council Login",
                    REDRESS_OIDC_STAFF_ROLES="g-officers=officer, g=admins=admin",
                    REDRESS_STAFF_LOCAL_PASSWORDS="off")
    staff = settings.oidc["staff"]
    assert staff.issuer == "https://login.example/tenant" and staff.auth_method == "client_secret_basic"
    assert staff.role_map == (("g-officers", "officer"), ("g=admins", "admin"))
    assert settings.local_passwords == {"residents": True, "staff": False}


def test_one_login_vectors_of_trust(tmp_path):
    settings = _sso(REDRESS_OIDC_RESIDENTS_ISSUER="https://oidc.account.gov.uk", REDRESS_OIDC_RESIDENTS_CLIENT_ID="r",
                    REDRESS_OIDC_RESIDENTS_CLIENT_SECRET="s", REDRESS_OIDC_RESIDENTS_VTR="Cl.Cm, P2.Cl.Cm")
    assert settings.oidc["residents"].vtr == ("Cl.Cm", "P2.Cl.Cm")


def test_responder_groups_name_services_and_may_stand_alone(tmp_path):
    settings = _sso(REDRESS_OIDC_STAFF_ISSUER="https://login.example", REDRESS_OIDC_STAFF_CLIENT_ID="abc",
                    REDRESS_OIDC_STAFF_CLIENT_SECRET="s", REDRESS_OIDC_STAFF_RESPONDERS="g-repairs=repairs, g-waste=waste")
    staff = settings.oidc["staff"]
    assert staff.role_map == () and staff.responder_map == (("g-repairs", "repairs"), ("g-waste", "waste"))


def test_a_resident_provider_with_a_private_key(tmp_path):
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\n")
    settings = _sso(REDRESS_OIDC_RESIDENTS_ISSUER="https://id.example", REDRESS_OIDC_RESIDENTS_CLIENT_ID="r",
                    REDRESS_OIDC_RESIDENTS_PRIVATE_KEY_FILE=str(key))
    residents = settings.oidc["residents"]
    assert residents.auth_method == "private_key_jwt" and residents.name == "id.example"
    assert residents.scopes == ("openid", "email", "profile")


@pytest.mark.parametrize(("env", "message"), [
    ({"REDRESS_OIDC_RESIDENTS_ISSUER": "https://id.example"}, "CLIENT_ID"),
    ({"REDRESS_OIDC_RESIDENTS_ISSUER": "https://id.example", "REDRESS_OIDC_RESIDENTS_CLIENT_ID": "r"},
     "one of REDRESS_OIDC_RESIDENTS_CLIENT_SECRET"),
    ({"REDRESS_OIDC_RESIDENTS_ISSUER": "https://id.example", "REDRESS_OIDC_RESIDENTS_CLIENT_ID": "r",
      "REDRESS_OIDC_RESIDENTS_CLIENT_SECRET": "s", "REDRESS_OIDC_RESIDENTS_SCOPES": "email"}, "openid"),
    ({"REDRESS_OIDC_STAFF_ISSUER": "https://id.example", "REDRESS_OIDC_STAFF_CLIENT_ID": "r",
      "REDRESS_OIDC_STAFF_CLIENT_SECRET": "s"}, "ROLES must map"),
    ({"REDRESS_OIDC_STAFF_ISSUER": "https://id.example", "REDRESS_OIDC_STAFF_CLIENT_ID": "r",
      "REDRESS_OIDC_STAFF_CLIENT_SECRET": "s", "REDRESS_OIDC_STAFF_ROLES": "g=responder"}, "claim-value=role"),
    ({"REDRESS_OIDC_STAFF_ISSUER": "https://id.example", "REDRESS_OIDC_STAFF_CLIENT_ID": "r",
      "REDRESS_OIDC_STAFF_CLIENT_SECRET": "s", "REDRESS_OIDC_STAFF_RESPONDERS": "g=Not A Slug"}, "claim-value=service-slug"),
    ({"REDRESS_OIDC_RESIDENTS_ISSUER": "https://id.example", "REDRESS_OIDC_RESIDENTS_CLIENT_ID": "r",
      "REDRESS_OIDC_RESIDENTS_CLIENT_SECRET": "s", "REDRESS_OIDC_RESIDENTS_VTR": "Cl.Cm, high"}, "vectors of trust"),
    ({"REDRESS_RESIDENTS_LOCAL_PASSWORDS": "off"}, "can only be off"),
    ({"REDRESS_ENV": "production", "REDRESS_MAIL_BACKEND": "smtp", "REDRESS_OIDC_RESIDENTS_ISSUER": "http://id.example"},
     "https://"),
])
def test_bad_sso_settings_are_refused(env, message):
    with pytest.raises(ConfigError, match=message):
        _sso(**env)
