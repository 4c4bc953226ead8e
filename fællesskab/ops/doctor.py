"""`flask --app wsgi doctor`: what a production set-up lacks or gets wrong, each with its fix.

Every check answers a Finding: "ok", "warn" (worth a look, may be right for this
set-up) or "fail" (wrong for production; the command exits 1). It reads the
app's settings and asks the services it depends on (database, SMTP, Redis);
it changes nothing. The most dangerous settings also stop the app from
starting in production (config.py): this command explains the rest before
anyone finds out the hard way.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask

from ..core.retention import DEFAULTS as RETENTION_DEFAULTS
from ..core.time import utcnow
from . import health

STAFF_ROLES = ("coordinator", "admin")
# Mail older than this still unsent means no worker is sending (it looks every 2 s).
STALE_MAIL_MINUTES = 15


@dataclass(frozen=True)
class Finding:
    state: str  # "ok", "warn" or "fail"
    what: str
    fix: str = ""


def examine(app: Flask) -> list[Finding]:
    """Run every check (inside an app context)."""
    cfg = app.config
    production = cfg.get("FAELLESSKAB_ENV") == "production"
    findings = [
        Finding("ok", "FAELLESSKAB_ENV=production") if production else
        Finding("fail", "FAELLESSKAB_ENV is not production: cookies are not Secure, no HSTS",
                "set FAELLESSKAB_ENV=production"),
        _secret_key(cfg),
        _mail_base_url(cfg),
        _limiter_storage(cfg),
        _mfa(cfg),
        _proxies(cfg),
        _search_engine(app),
        _retention(cfg),
        *_database(app),
        *_mail(cfg),
    ]
    return findings


def _secret_key(cfg) -> Finding:
    key = cfg.get("SECRET_KEY") or ""
    if len(key) < 32:
        return Finding("fail", f"SECRET_KEY is only {len(key)} characters",
                       "set SECRET_KEY to 64 random hex characters: "
                       "python3 -c 'import secrets; print(secrets.token_hex(32))' (the same on every node)")
    return Finding("ok", "SECRET_KEY is set and long enough")


def _mail_base_url(cfg) -> Finding:
    url = cfg.get("MAIL_BASE_URL") or ""
    parts = urlsplit(url)
    if parts.hostname in (None, "", "localhost", "127.0.0.1", "::1"):
        return Finding("fail", f"MAIL_BASE_URL is {url or 'not set'}: links in emails would point at this machine",
                       "set MAIL_BASE_URL to the public address, e.g. https://faellesskab.kolding.dk")
    if parts.scheme != "https":
        return Finding("fail", f"MAIL_BASE_URL {url} is not https", "use the https:// address")
    return Finding("ok", f"MAIL_BASE_URL is {url}")


def _limiter_storage(cfg) -> Finding:
    storage = (cfg.get("RATELIMIT_STORAGE_URI") or "memory://").strip().lower()
    workers = int(cfg.get("WEB_CONCURRENCY") or 1)
    if storage.startswith("memory"):
        if workers > 1:
            return Finding("fail", f"rate limits are counted per process, with {workers} workers",
                           "set RATELIMIT_STORAGE_URI=redis://… shared by every worker and node")
        return Finding("warn", "rate limits are counted in this process only (memory://)",
                       "with several workers or nodes, set RATELIMIT_STORAGE_URI=redis://…")
    if storage.startswith(("redis://", "rediss://")):
        try:
            import redis

            redis.Redis.from_url(cfg["RATELIMIT_STORAGE_URI"], socket_timeout=3).ping()
        except Exception as exc:  # noqa: BLE001 - any failure to answer is the finding
            return Finding("fail", f"the rate-limit storage does not answer ({type(exc).__name__})",
                           "start Redis, or correct RATELIMIT_STORAGE_URI")
    return Finding("ok", f"rate limits are shared ({storage.split('://')[0]})")


def _mfa(cfg) -> Finding:
    missing = [r for r in STAFF_ROLES if r not in (cfg.get("MFA_REQUIRED_ROLES") or ())]
    if missing:
        return Finding("fail", f"two-factor authentication is not required for {', '.join(missing)}",
                       "set MFA_REQUIRED_ROLES=coordinator,admin")
    return Finding("ok", "two-factor authentication is required for staff")


def _proxies(cfg) -> Finding:
    if int(cfg.get("TRUSTED_PROXIES") or 0) == 0:
        return Finding("warn", "TRUSTED_PROXIES is 0: behind nginx every visitor would share the proxy's limits",
                       "set TRUSTED_PROXIES=1 when one proxy is in front (never when the app is reachable without it)")
    return Finding("ok", f"TRUSTED_PROXIES={cfg['TRUSTED_PROXIES']}")


def _search_engine(app: Flask) -> Finding:
    from ..search import engine

    search = engine(app)
    ok, detail = search.health()
    if not ok:
        return Finding("fail", f"search ({search.name}): {detail}", "run flask --app wsgi search reindex; see the log")
    if search.name == "postgres":
        return Finding("ok", f"search: PostgreSQL full-text search, shared by every node ({detail})")
    return Finding("ok", f"search: Whoosh, one index per node ({detail}; kept in step through the change log; "
                         "SEARCH_BACKEND=postgres for several nodes or national scale)")


def _retention(cfg) -> Finding:
    changed = {name: cfg.get(name) for name in RETENTION_DEFAULTS if cfg.get(name) != RETENTION_DEFAULTS[name]}
    too_long = [name for name, value in changed.items() if value and value > 3 * RETENTION_DEFAULTS[name]]
    if too_long:
        return Finding("warn", f"retention far above the defaults: {', '.join(too_long)}",
                       "personal data should not be kept longer than needed; check the privacy notice agrees")
    return Finding("ok", "retention settings " + ("as documented" if not changed else f"changed: {sorted(changed)}"))


def _database(app: Flask) -> list[Finding]:
    database = health.check_database()
    if not database.ok:
        return [Finding("fail", f"database: {database.detail}", "check DATABASE_URL and that the server runs")]
    out = [Finding("ok", "database reachable")]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        out.append(Finding("warn", "the database is SQLite: one node only",
                           "use PostgreSQL (DATABASE_URL=postgresql://…) in production"))
    migrations = health.check_migrations()
    out.append(Finding("ok", "migrations at head") if migrations.ok else
               Finding("fail", f"migrations: {migrations.detail}", "run flask --app wsgi db upgrade"))
    return out


def _mail(cfg) -> list[Finding]:
    server = cfg.get("MAIL_SERVER")
    if not server:
        return [Finding("fail", "MAIL_SERVER is not set: no email leaves (sign-up confirmations, links)",
                        "set MAIL_SERVER (and MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD)")]
    out = []
    try:
        with smtplib.SMTP(server, int(cfg.get("MAIL_PORT") or 25), timeout=5) as smtp:
            code, _msg = smtp.noop()
        out.append(Finding("ok", f"SMTP server {server} answers") if code == 250 else
                   Finding("fail", f"SMTP server {server} answered NOOP with {code}", "check the mail server"))
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        out.append(Finding("fail", f"SMTP server {server} does not answer ({type(exc).__name__})",
                           "check MAIL_SERVER and MAIL_PORT, and the firewall"))
    if cfg.get("MAIL_DELIVERY") == "worker":
        oldest = _oldest_unsent_minutes()
        if oldest is not None and oldest > STALE_MAIL_MINUTES:
            out.append(Finding("fail", f"an email has waited {oldest:.0f} minutes unsent",
                               "run the mail worker (flask --app wsgi mail work; docs/operations.md) "
                               "and look at `mail retry`'s errors"))
        else:
            out.append(Finding("ok", "mail is sent by the mail worker (MAIL_DELIVERY=worker); none waits long"))
    return out


def _oldest_unsent_minutes() -> float | None:
    from ..mail.services import backlog

    _count, oldest = backlog()
    return None if oldest is None else (utcnow() - oldest).total_seconds() / 60
