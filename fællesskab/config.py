"""Configuration from environment variables (see CONTRACT.md)."""
from __future__ import annotations

import ipaddress
import os
import secrets

from .core.time import TIMEZONE


class ConfigError(RuntimeError):
    """The environment asks for something the app cannot start with."""


class Config:
    """Settings read from the environment; `instance_path` fills in the defaults."""

    TESTING = False
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("da", "en")
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Limits on what a request may send (413 when exceeded). Nothing is uploaded through the
    # web (CSV lists are imported with the CLI), so forms and JSON stay small.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # the whole body
    MAX_FORM_MEMORY_SIZE = 500_000  # one form field (Werkzeug's default, said out loud)
    MAX_FORM_PARTS = 1000  # fields in one form
    # Sessions: staff are logged out after 30 idle minutes and 12 hours at most;
    # "remember me" keeps a login for 14 days (until logout or a password change).
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    RATELIMITS_ON = True  # tests switch the limits off and on
    # Werkzeug's scrypt at its own cost (N=2**15, r=8, p=1): memory-hard, no extra dependency. Not read
    # from the environment. Tests lower N, as password hashing was a fifth of the suite's time; each
    # hash names its own parameters, so hashes made either way verify.
    PASSWORD_HASH_METHOD = "scrypt"
    PER_PAGE = 20

    @classmethod
    def from_env(cls, instance_path: str, env: dict[str, str] | None = None) -> dict:
        """Return the settings for this process as a dict.

        :raises ConfigError: production without SECRET_KEY, or with several processes
            (WEB_CONCURRENCY) and per-process rate limits; or an unknown environment.
        """
        env = dict(os.environ if env is None else env)
        mode = env.get("FAELLESSKAB_ENV", "development").strip().lower() or "development"
        if mode not in ("development", "production"):
            raise ConfigError(f"FAELLESSKAB_ENV must be 'development' or 'production', not {mode!r}")
        secret = env.get("SECRET_KEY", "").strip()
        if mode == "production" and not secret:
            raise ConfigError("SECRET_KEY must be set when FAELLESSKAB_ENV=production")
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        settings.update(
            FAELLESSKAB_ENV=mode,
            SECRET_KEY=secret or secrets.token_hex(32),
            SQLALCHEMY_DATABASE_URI=normalise_database_url(
                env.get("DATABASE_URL")
                or "sqlite:///" + os.path.join(instance_path, "faellesskab.db")
            ),
            SEARCH_INDEX_DIR=env.get("SEARCH_INDEX_DIR")
            or os.path.join(instance_path, "search-index"),
            GEOCODER=(env.get("GEOCODER") or "gazetteer").strip().lower(),
            RATELIMIT_STORAGE_URI=env.get("RATELIMIT_STORAGE_URI") or "memory://",
            TRUSTED_PROXIES=_int(env, "TRUSTED_PROXIES", 0),
            SEARCH_SYNC_INTERVAL=_number(env, "SEARCH_SYNC_INTERVAL", 1.0),
            SEARCH_CHANGE_RETENTION_HOURS=_number(env, "SEARCH_CHANGE_RETENTION_HOURS", 24.0),
            # Seconds a node keeps counts shown on many pages (core/counts.py); 0: always count.
            COUNTS_CACHE_SECONDS=_number(env, "COUNTS_CACHE_SECONDS", 30.0),
            # "whoosh" (each node's own index) or "postgres" (full-text search in the shared
            # database; search/pg/). Checked against the database URL when the app starts.
            SEARCH_BACKEND=(env.get("SEARCH_BACKEND") or "whoosh").strip().lower(),
            # Roles that must use two-factor authentication (accounts/mfa.py): a logged-in person
            # with one of them who has not enrolled is sent to enrolment. Empty by default (demo,
            # tests, benchmarks); production should set "coordinator,admin".
            MFA_REQUIRED_ROLES=roles_setting(env, "MFA_REQUIRED_ROLES"),
            # Hide listings not verified for longer than this many days from matching (not from
            # search or the directory); 0, the default, hides none (directory/stewardship.py).
            DIRECTORY_HIDE_UNVERIFIED_DAYS=_int(env, "DIRECTORY_HIDE_UNVERIFIED_DAYS", 0),
        )
        settings.update(WEB_CONCURRENCY=_int(env, "WEB_CONCURRENCY", 1, minimum=1))
        settings.update(mail_settings(env, instance_path))
        settings.update(retention_settings(env))
        settings.update(operations_settings(env))
        settings["EMBED_ALLOWED_ORIGINS"] = embed_origins(env.get("EMBED_ALLOWED_ORIGINS") or "")
        settings.update(coordinator_settings(env))
        if mode == "production":
            _check_shared_limits(settings)
            settings.update(
                SESSION_COOKIE_SECURE=True,
                REMEMBER_COOKIE_SECURE=True,
                # The __Host- prefix makes browsers refuse these cookies unless they are
                # Secure, for path / and without a Domain, so a sibling subdomain cannot
                # plant or overwrite a session (ASVS 3.3.3).
                SESSION_COOKIE_NAME="__Host-session",
                REMEMBER_COOKIE_NAME="__Host-remember_token",
                SESSION_COOKIE_PATH="/",
                REMEMBER_COOKIE_PATH="/",
                PREFERRED_URL_SCHEME="https",
                HSTS=True,
            )
        return settings


def _number(env: dict[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None


def _int(env: dict[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = (env.get(name) or "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and int(raw) >= minimum):
        kind = "a whole number" if minimum <= 0 else f"a whole number of at least {minimum}"
        raise ConfigError(f"{name} must be {kind}, not {raw!r}")
    return int(raw) if raw else default


def _check_shared_limits(settings: dict) -> None:
    """Refuse per-process rate limits when production runs several processes.

    With memory:// every worker counts for itself, so a limit of 20 becomes 20 per worker.
    (The per-account lockout is in the database and holds either way.)

    :raises ConfigError: WEB_CONCURRENCY > 1 and no shared RATELIMIT_STORAGE_URI.
    """
    storage = settings["RATELIMIT_STORAGE_URI"].strip().lower()
    if settings["WEB_CONCURRENCY"] > 1 and storage.startswith("memory://"):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must name a storage the processes share (e.g. redis://host:6379/0) "
            f"when WEB_CONCURRENCY={settings['WEB_CONCURRENCY']}: with memory:// each worker counts "
            "the rate limits for itself")


def roles_setting(env: dict[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of account roles, as a tuple.

    :raises ConfigError: a name that is not a role.
    """
    from .accounts.models import ROLES

    roles = tuple(dict.fromkeys(r.strip().lower() for r in (env.get(name) or "").split(",") if r.strip()))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ConfigError(f"{name}: unknown role(s) {', '.join(unknown)} (roles: {', '.join(ROLES)})")
    return roles


def mail_settings(env: dict[str, str], instance_path: str) -> dict:
    """The MAIL_* settings. Without MAIL_SERVER, development writes .eml files to <instance>/mail/.

    :raises ConfigError: a MAIL_PORT that is not a port number, an unknown MAIL_DELIVERY,
        production without MAIL_BASE_URL.
    """
    use_tls = (env.get("MAIL_USE_TLS") or "").strip().lower() in ("1", "true", "yes", "ja", "on")
    production = (env.get("FAELLESSKAB_ENV") or "").strip().lower() == "production"
    delivery = (env.get("MAIL_DELIVERY") or ("worker" if production else "request")).strip().lower()
    if delivery not in ("worker", "request"):
        raise ConfigError(f"MAIL_DELIVERY must be 'worker' or 'request', not {delivery!r}")
    raw_port = (env.get("MAIL_PORT") or "").strip()
    if raw_port and not (raw_port.isdigit() and 0 < int(raw_port) < 65536):
        raise ConfigError(f"MAIL_PORT must be a port number, not {raw_port!r}")
    if production and not (env.get("MAIL_BASE_URL") or "").strip():
        raise ConfigError("MAIL_BASE_URL must be set when FAELLESSKAB_ENV=production (links in emails)")
    return {
        "MAIL_SERVER": (env.get("MAIL_SERVER") or "").strip() or None,
        "MAIL_PORT": int(raw_port) if raw_port else (587 if use_tls else 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": use_tls,
        "MAIL_FROM": (env.get("MAIL_FROM") or "").strip() or "Fællesskab Kolding <noreply@localhost>",
        # Links in emails and letters start with this. Production must set it (emails are also
        # sent by cron, and a Host header is the client's to choose); development without it
        # follows the running server's address (mail.services.base_url).
        "MAIL_BASE_URL": (env.get("MAIL_BASE_URL") or "").strip().rstrip("/") or None,
        "MAIL_FOLDER": os.path.join(instance_path, "mail"),
        # "worker": pages only queue mail and `flask mail work` sends it (no request waits for an
        # SMTP server); "request": the request sends its own mail after its commit.
        "MAIL_DELIVERY": delivery,
    }


def retention_settings(env: dict[str, str]) -> dict:
    """The RETENTION_*_DAYS settings (core/retention.py), each a positive whole number of days.

    Also PRIVACY_LINK_HOURS: how long a self-service link (privacy/access.py) works.

    :raises ConfigError: a value that is not a positive whole number.
    """
    from .core.retention import DEFAULTS

    settings = {}
    for name, default in {**DEFAULTS, "PRIVACY_LINK_HOURS": 24}.items():
        raw = (env.get(name) or "").strip()
        if raw and not (raw.isdigit() and int(raw) > 0):
            raise ConfigError(f"{name} must be a positive whole number, not {raw!r}")
        settings[name] = int(raw) if raw else default
    return settings


def operations_settings(env: dict[str, str]) -> dict:
    """LOG_FORMAT (text or json), READY_MAIL_BACKLOG (/readyz fails at this many unsent emails),
    METRICS_TOKEN and METRICS_ALLOWED_IPS (who may read /metrics).

    :raises ConfigError: an unknown format, a backlog that is not a positive whole number, a bad network.
    """
    log_format = (env.get("LOG_FORMAT") or "text").strip().lower()
    if log_format not in ("text", "json"):
        raise ConfigError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
    backlog = _int(env, "READY_MAIL_BACKLOG", 500)
    if backlog < 1:
        raise ConfigError("READY_MAIL_BACKLOG must be a positive whole number")
    networks = []
    for raw in (env.get("METRICS_ALLOWED_IPS") or "").split(","):
        if raw.strip():
            try:
                networks.append(str(ipaddress.ip_network(raw.strip(), strict=False)))
            except ValueError:
                raise ConfigError(f"METRICS_ALLOWED_IPS: {raw.strip()!r} is not an address or network") from None
    api_rate = (env.get("API_RATE_LIMIT") or "").strip() or None
    if api_rate:
        from limits import parse_many

        try:
            parse_many(api_rate)
        except ValueError:
            raise ConfigError(f"API_RATE_LIMIT must read like '300 per minute', not {api_rate!r}") from None
    return {"LOG_FORMAT": log_format, "READY_MAIL_BACKLOG": backlog, "API_RATE_LIMIT": api_rate,
            # /metrics: off unless one of these is set (ops/metrics.py)
            "METRICS_TOKEN": (env.get("METRICS_TOKEN") or "").strip() or None,
            "METRICS_ALLOWED_IPS": tuple(networks)}


def embed_origins(raw: str) -> tuple[str, ...]:
    """EMBED_ALLOWED_ORIGINS: the websites (scheme://host[:port], comma-separated) that may show
    the /indlejr/ pages in an iframe; they go into those pages' CSP `frame-ancestors`.

    :raises ConfigError: anything that is not such an origin (a path, a quote or semicolon
        would change the header's meaning). A leading `*.` in the host is allowed, as in CSP.
    """
    import re

    origins = []
    for item in raw.split(","):
        item = item.strip().rstrip("/")
        if not item:
            continue
        if not re.fullmatch(r"https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?",
                            item, re.IGNORECASE):
            raise ConfigError(f"EMBED_ALLOWED_ORIGINS: {item!r} is not an origin like https://www.example.dk")
        if item.lower() not in origins:
            origins.append(item.lower())
    return tuple(origins)


def coordinator_settings(env: dict[str, str]) -> dict:
    """How newcomers reach the community coordinator: COORDINATOR_NAME, COORDINATOR_EMAIL and
    COORDINATOR_PHONE, shown after "contact me", on the results page and in printed letters."""
    return {
        "COORDINATOR_NAME": (env.get("COORDINATOR_NAME") or "").strip(),
        "COORDINATOR_EMAIL": (env.get("COORDINATOR_EMAIL") or "").strip() or "koordinator@example.org",
        "COORDINATOR_PHONE": (env.get("COORDINATOR_PHONE") or "").strip(),
    }


def normalise_database_url(url: str) -> str:
    """Make common PostgreSQL URL spellings use the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
