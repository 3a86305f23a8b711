"""Settings read from REDRESS_* environment variables, with safe development defaults."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path

from shared.domain.session_limits import SessionLimits

NATIONS = ("england", "wales", "scotland", "northern-ireland")
MAIL_BACKENDS = ("log", "smtp", "notify")
MFA_MODES = ("required", "optional", "off")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CLAMD = re.compile(r"tcp://[^:/\s]+:\d{1,5}|unix:///\S+")
_HOURS_MINUTES = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_WEAK_KEYS = {"", "changeme", "secret", "dev", "development", "password"}


class ConfigError(RuntimeError):
    """Raised when the settings would make the service unsafe or unusable."""


AUDIENCES = ("residents", "staff")
# The back-office roles an identity provider's groups may grant, most powerful first (a person in
# several mapped groups gets the first). Responders belong to a service, which a group cannot say.
SSO_STAFF_ROLES = ("admin", "manager", "officer", "agent")


@dataclass(frozen=True)
class OidcSettings:
    """One audience's OpenID Connect provider (see docs/configuration.md, Signing in with OpenID Connect)."""

    audience: str
    name: str  # shown as "Sign in with <name>"
    issuer: str
    client_id: str
    client_secret: str = ""  # client_secret_basic, or…
    private_key: str = ""  # …private_key_jwt: the client's private key (PEM or JWK), read from a file
    private_key_alg: str = "RS256"
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    role_claim: str = "groups"
    role_map: tuple[tuple[str, str], ...] = ()  # (claim value, Role value), staff only
    # (claim value, service slug), staff only: a responder for that service, when no role above applies
    responder_map: tuple[tuple[str, str], ...] = ()
    # GOV.UK One Login's vectors of trust (`vtr`), e.g. ("Cl.Cm",): asked for at sign-in, and the ID
    # token's `vot` must be one of them. Empty for providers that do not use them.
    vtr: tuple[str, ...] = ()
    # Signing out of Redress also signs out at the provider (RP-initiated logout), where its
    # discovery document has an end_session_endpoint.
    logout: bool = True

    @property
    def auth_method(self) -> str:
        return "private_key_jwt" if self.private_key else "client_secret_basic"


@dataclass(frozen=True)
class Settings:
    env: str
    instance_path: Path
    database_url: str
    secret_key: str
    debug: bool
    council_name: str
    brand_colour: str
    nation: str
    base_url: str
    mail_backend: str
    mail_from: str
    smtp_host: str
    smtp_port: int
    contact_phone: str
    contact_email: str
    contact_address: str
    max_content_length: int
    sqlite_busy_timeout_ms: int
    upload_path: Path | None = None  # where uploaded files are kept; outside static/, never served directly
    extra: dict = field(default_factory=dict)
    receipt_cutoff: time | None = None  # London time; received at or after it counts from the next working day
    ratelimit_storage_url: str = ""  # Redis (redis://…) so limits hold across processes; memory when empty
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For may be believed
    # Delivery of the outbox (see docs/configuration.md): the provider's own settings, then the worker's.
    mail_from_name: str = ""
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout: float = 30.0
    notify_api_key: str = ""
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_email_template_id: str = ""
    notify_sms_template_id: str = ""
    notify_letter_template_id: str = ""
    notify_email_reply_to_id: str = ""
    outbox_max_attempts: int = 20
    outbox_give_up_hours: float = 24.0
    outbox_lease_seconds: int = 600
    outbox_backoff_seconds: float = 30.0
    outbox_backoff_max_seconds: float = 3600.0
    # Single sign-on per audience ("residents", "staff"), and whether local passwords still work there.
    oidc: dict = field(default_factory=dict)
    local_passwords: dict = field(default_factory=lambda: {"residents": True, "staff": True})
    # Virus scanning through clamd (REDRESS_CLAMD): "tcp://host:port" or "unix:///path"; empty: off.
    clamd: str = ""
    clamd_timeout: float = 60.0

    @property
    def scanning(self) -> bool:
        return bool(self.clamd)
    # Multi-factor for staff on local passwords (shared/auth/mfa.py), and how recent a sign-in admin actions need.
    staff_mfa: str = "required"
    reauth_minutes: int = 15

    # Sessions: the idle and absolute limits, the warning before them, and how long typed text is kept
    # for someone whose session ended (see docs/configuration.md, Sessions).
    session_limits: SessionLimits = field(default_factory=SessionLimits)
    kept_form_lifetime: timedelta = timedelta(hours=24)

    @property
    def production(self) -> bool:
        return self.env == "production"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    """Generate a key once per checkout and keep it, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        # Created readable by the owner only, and only once even if two processes start together.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


def _cutoff(value: str | None) -> time | None:
    if value is None or not value.strip():
        return None
    match = _HOURS_MINUTES.match(value.strip())
    if not match:
        raise ConfigError(f"REDRESS_RECEIPT_CUTOFF must be a time like 16:30, not {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def _number(env, name: str, default: str, kind=int, minimum: float = 0):
    raw = env.get(name, default).strip()
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return value


_VECTOR_OF_TRUST = re.compile(r"(P[0-4]\.)?C[lm](\.C[lmh])*")


def _vectors_of_trust(env, prefix: str) -> tuple[str, ...]:
    """REDRESS_OIDC_<SIDE>_VTR: GOV.UK One Login vectors of trust, comma-separated (e.g. "Cl.Cm")."""
    vectors = tuple(v.strip() for v in env.get(prefix + "VTR", "").split(",") if v.strip())
    for vector in vectors:
        if not _VECTOR_OF_TRUST.fullmatch(vector):
            raise ConfigError(f"{prefix}VTR must be vectors of trust like Cl.Cm or P2.Cl.Cm; not {vector!r}")
    return vectors


def _delivery_settings(env, mail_backend: str) -> dict:
    """The mail provider's settings and the outbox worker's retry policy."""
    values = {
        "mail_from_name": env.get("REDRESS_MAIL_FROM_NAME", "").strip(),
        "smtp_username": env.get("REDRESS_SMTP_USERNAME", ""),
        "smtp_password": env.get("REDRESS_SMTP_PASSWORD", ""),
        "smtp_starttls": _bool(env.get("REDRESS_SMTP_STARTTLS"), default=False),
        "smtp_timeout": _number(env, "REDRESS_SMTP_TIMEOUT", "30", float, 1),
        "notify_api_key": env.get("REDRESS_NOTIFY_API_KEY", "").strip(),
        "notify_base_url": env.get("REDRESS_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk").strip().rstrip("/"),
        "notify_email_template_id": env.get("REDRESS_NOTIFY_EMAIL_TEMPLATE_ID", "").strip(),
        "notify_sms_template_id": env.get("REDRESS_NOTIFY_SMS_TEMPLATE_ID", "").strip(),
        "notify_letter_template_id": env.get("REDRESS_NOTIFY_LETTER_TEMPLATE_ID", "").strip(),
        "notify_email_reply_to_id": env.get("REDRESS_NOTIFY_EMAIL_REPLY_TO_ID", "").strip(),
        "outbox_max_attempts": _number(env, "REDRESS_OUTBOX_MAX_ATTEMPTS", "20", int, 1),
        "outbox_give_up_hours": _number(env, "REDRESS_OUTBOX_GIVE_UP_HOURS", "24", float, 0.1),
        "outbox_lease_seconds": _number(env, "REDRESS_OUTBOX_LEASE_SECONDS", "600", int, 10),
        "outbox_backoff_seconds": _number(env, "REDRESS_OUTBOX_BACKOFF_SECONDS", "30", float, 0.1),
        "outbox_backoff_max_seconds": _number(env, "REDRESS_OUTBOX_BACKOFF_MAX_SECONDS", "3600", float, 1),
    }
    if mail_backend == "notify":
        # A Notify key is "name-<service id>-<secret>": 36 + 1 + 36 characters at least.
        if len(values["notify_api_key"]) < 73:
            raise ConfigError("REDRESS_NOTIFY_API_KEY must be set to a GOV.UK Notify API key when REDRESS_MAIL_BACKEND is notify")
        if not values["notify_email_template_id"]:
            raise ConfigError("REDRESS_NOTIFY_EMAIL_TEMPLATE_ID must be set when REDRESS_MAIL_BACKEND is notify")
    return values


def _scanning_settings(env) -> dict:
    clamd = env.get("REDRESS_CLAMD", "").strip()
    if clamd and not _CLAMD.fullmatch(clamd):
        raise ConfigError("REDRESS_CLAMD must be tcp://host:port or unix:///path/to/clamd.socket")
    return {"clamd": clamd, "clamd_timeout": _number(env, "REDRESS_CLAMD_TIMEOUT", "60", float, 1)}


def _oidc_settings(env, audience: str) -> OidcSettings | None:
    prefix = f"REDRESS_OIDC_{audience.upper()}_"
    issuer = env.get(prefix + "ISSUER", "").strip().rstrip("/")
    if not issuer:
        return None
    production = env.get("REDRESS_ENV", "").strip().lower() == "production"
    if not (issuer.startswith("https://") or (not production and issuer.startswith("http://"))):
        raise ConfigError(f"{prefix}ISSUER must be an https:// address")
    client_id = env.get(prefix + "CLIENT_ID", "").strip()
    if not client_id:
        raise ConfigError(f"{prefix}CLIENT_ID must be set with {prefix}ISSUER")
    secret = env.get(prefix + "CLIENT_SECRET", "")
    key_file = env.get(prefix + "PRIVATE_KEY_FILE", "").strip()
    if bool(secret) == bool(key_file):
        raise ConfigError(f"set one of {prefix}CLIENT_SECRET or {prefix}PRIVATE_KEY_FILE")
    private_key = ""
    if key_file:
        try:
            private_key = Path(key_file).read_text()
        except OSError as error:
            raise ConfigError(f"{prefix}PRIVATE_KEY_FILE cannot be read: {error}") from None
    alg = env.get(prefix + "PRIVATE_KEY_ALG", "RS256").strip().upper()
    if alg not in {"RS256", "PS256", "ES256"}:
        raise ConfigError(f"{prefix}PRIVATE_KEY_ALG must be RS256, PS256 or ES256")
    scopes = tuple(env.get(prefix + "SCOPES", "openid email profile").split())
    if "openid" not in scopes:
        raise ConfigError(f"{prefix}SCOPES must include openid")
    role_map: list[tuple[str, str]] = []
    responder_map: list[tuple[str, str]] = []
    if audience == "staff":
        for pair in env.get(prefix + "ROLES", "").split(","):
            if not pair.strip():
                continue
            value, _, role = pair.rpartition("=")
            if not value.strip() or role.strip() not in SSO_STAFF_ROLES:
                raise ConfigError(f"{prefix}ROLES must be claim-value=role pairs, the roles among {', '.join(SSO_STAFF_ROLES)}; not {pair.strip()!r}")
            role_map.append((value.strip(), role.strip()))
        for pair in env.get(prefix + "RESPONDERS", "").split(","):
            if not pair.strip():
                continue
            value, _, slug = pair.rpartition("=")
            if not value.strip() or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug.strip()):
                raise ConfigError(f"{prefix}RESPONDERS must be claim-value=service-slug pairs; not {pair.strip()!r}")
            responder_map.append((value.strip(), slug.strip()))
        if not role_map and not responder_map:
            raise ConfigError(f"{prefix}ROLES must map at least one claim value to a role "
                              f"(or {prefix}RESPONDERS one to a service)")
    return OidcSettings(
        audience=audience,
        name=env.get(prefix + "NAME", "").strip() or issuer.split("//", 1)[-1].split("/", 1)[0],
        issuer=issuer,
        client_id=client_id,
        client_secret=secret,
        private_key=private_key,
        private_key_alg=alg,
        scopes=scopes,
        role_claim=env.get(prefix + "ROLE_CLAIM", "groups").strip() or "groups",
        role_map=tuple(role_map),
        responder_map=tuple(responder_map),
        vtr=_vectors_of_trust(env, prefix),
        logout=_bool(env.get(prefix + "LOGOUT"), default=True),
    )


def _sign_in_settings(env) -> dict:
    oidc = {audience: found for audience in AUDIENCES if (found := _oidc_settings(env, audience))}
    local = {}
    for audience in AUDIENCES:
        local[audience] = _bool(env.get(f"REDRESS_{audience.upper()}_LOCAL_PASSWORDS"), default=True)
        if not local[audience] and audience not in oidc:
            raise ConfigError(f"REDRESS_{audience.upper()}_LOCAL_PASSWORDS can only be off when REDRESS_OIDC_{audience.upper()}_ISSUER is set")
    return {"oidc": oidc, "local_passwords": local}


def _session_settings(env) -> dict:
    """The session limits; minutes may have decimals (tests use seconds-long limits)."""
    limits = SessionLimits(
        idle=timedelta(minutes=_number(env, "REDRESS_SESSION_IDLE_MINUTES", "30", float, 0.05)),
        admin_idle=timedelta(minutes=_number(env, "REDRESS_SESSION_ADMIN_IDLE_MINUTES", "15", float, 0.05)),
        absolute=timedelta(hours=_number(env, "REDRESS_SESSION_ABSOLUTE_HOURS", "12", float, 0.01)),
        warning=timedelta(minutes=_number(env, "REDRESS_SESSION_WARNING_MINUTES", "2", float, 0)),
    )
    if limits.warning >= min(limits.idle, limits.admin_idle):
        raise ConfigError("REDRESS_SESSION_WARNING_MINUTES must be shorter than both idle limits")
    if limits.absolute < max(limits.idle, limits.admin_idle):
        raise ConfigError("REDRESS_SESSION_ABSOLUTE_HOURS must be at least as long as the idle limits")
    kept = timedelta(hours=_number(env, "REDRESS_KEPT_FORM_HOURS", "24", float, 0.01))
    return {"session_limits": limits, "kept_form_lifetime": kept}
def _ratelimit_storage(url: str) -> str:
    url = url.strip()
    if url and not url.startswith(("redis://", "rediss://", "redis+unix://")):
        raise ConfigError("REDRESS_RATELIMIT_STORAGE_URL must be a Redis address like redis://127.0.0.1:6379/1")
    return url


def _trusted_proxies(text: str) -> int:
    if not text.strip().isdigit():
        raise ConfigError(f"REDRESS_TRUSTED_PROXIES must be a whole number of proxies (0 or more), not {text!r}")
    return int(text)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    mode = env.get("REDRESS_ENV", "development").strip().lower()
    if mode not in {"development", "production", "testing"}:
        raise ConfigError(f"REDRESS_ENV must be development, production or testing, not {mode!r}")
    instance_path = Path(env.get("REDRESS_INSTANCE_PATH", Path.cwd() / "instance")).resolve()
    database_url = env.get("REDRESS_DATABASE_URL") or f"sqlite:///{instance_path / 'redress.sqlite3'}"
    debug = _bool(env.get("REDRESS_DEBUG"), default=False)

    secret_key = env.get("REDRESS_SECRET_KEY", "")
    if mode == "production":
        if secret_key.strip().lower() in _WEAK_KEYS or len(secret_key) < 32:
            raise ConfigError("REDRESS_SECRET_KEY must be set to a random value of at least 32 characters in production")
        if debug:
            raise ConfigError("REDRESS_DEBUG must be off in production")
    elif not secret_key:
        secret_key = _dev_secret_key(instance_path)

    nation = env.get("REDRESS_NATION", "england").strip().lower()
    if nation not in NATIONS:
        raise ConfigError(f"REDRESS_NATION must be one of {', '.join(NATIONS)}")
    brand = env.get("REDRESS_BRAND_COLOUR", "#0b3d66").strip()
    if not _HEX_COLOUR.match(brand):
        raise ConfigError("REDRESS_BRAND_COLOUR must be a colour like #0b3d66")
    mail_backend = env.get("REDRESS_MAIL_BACKEND", "log").strip().lower()
    if mail_backend not in MAIL_BACKENDS:
        raise ConfigError("REDRESS_MAIL_BACKEND must be log, smtp or notify")
    if mail_backend == "log" and mode == "production":
        # The log backend writes every message whole (the person's address, their case) to stderr.
        raise ConfigError("REDRESS_MAIL_BACKEND must be smtp or notify in production: "
                          "log writes every message, with the person's details, to the application's log")
    delivery = _delivery_settings(env, mail_backend)
    # Required everywhere but on a developer's machine, where the demo staff sign in with a password alone.
    staff_mfa = env.get("REDRESS_STAFF_MFA", "optional" if mode == "development" else "required").strip().lower()
    if staff_mfa not in MFA_MODES:
        raise ConfigError("REDRESS_STAFF_MFA must be required, optional or off")

    return Settings(
        env=mode,
        instance_path=instance_path,
        database_url=database_url,
        secret_key=secret_key,
        debug=debug,
        council_name=env.get("REDRESS_COUNCIL_NAME", "Redress Borough Council").strip(),
        brand_colour=brand.lower(),
        nation=nation,
        base_url=env.get("REDRESS_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        mail_backend=mail_backend,
        mail_from=env.get("REDRESS_MAIL_FROM", "complaints@example.gov.uk"),
        smtp_host=env.get("REDRESS_SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env.get("REDRESS_SMTP_PORT", "25")),
        contact_phone=env.get("REDRESS_CONTACT_PHONE", "01632 960 000"),
        contact_email=env.get("REDRESS_CONTACT_EMAIL", "complaints@example.gov.uk"),
        contact_address=env.get("REDRESS_CONTACT_ADDRESS", "Complaints Team, Town Hall, High Street, Redbury, RB1 1AA"),
        # Ten files of up to 10 MB each, plus the form around them.
        max_content_length=int(env.get("REDRESS_MAX_CONTENT_LENGTH", str(101 * 1024 * 1024))),
        upload_path=Path(env.get("REDRESS_UPLOAD_PATH", instance_path / "uploads")).resolve(),
        sqlite_busy_timeout_ms=int(env.get("REDRESS_SQLITE_BUSY_TIMEOUT_MS", "5000")),
        receipt_cutoff=_cutoff(env.get("REDRESS_RECEIPT_CUTOFF")),
        staff_mfa=staff_mfa,
        reauth_minutes=_number(env, "REDRESS_REAUTH_MINUTES", "15", minimum=1),
        ratelimit_storage_url=_ratelimit_storage(env.get("REDRESS_RATELIMIT_STORAGE_URL", "")),
        trusted_proxies=_trusted_proxies(env.get("REDRESS_TRUSTED_PROXIES", "0")),
        **delivery,
        **_sign_in_settings(env),
        **_scanning_settings(env),
        **_session_settings(env),
    )
