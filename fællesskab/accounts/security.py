"""Login defences and response headers (OWASP ASVS L2 where it applies).

- rate limits per IP on login and the anonymous forms and APIs (Flask-Limiter), and
  the per-account lockout after repeated failed attempts (lockout.py, in the database);
- idle and absolute session lifetimes for logged-in people;
- security headers on every response, `no-store` where personal data may show;
- a security log of logins, failed logins and denied access.
"""
from __future__ import annotations

import logging
import math
import time

from flask import Flask, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user

from ..core import metrics
from ..extensions import limiter
from . import lockout

security_log = logging.getLogger("fællesskab.security")

LOGIN_IP_LIMIT = "20 per minute"
FORM_LIMIT = "30 per minute"
# The contact forms, on top of FORM_LIMIT: each request sent puts a case in the coordinator's inbox.
CONTACT_SEND_LIMIT = "10 per 10 minutes"  # per client address (a household, a library's PCs)
CONTACT_GLOBAL_LIMIT = "300 per hour"  # all addresses together; CONTACT_GLOBAL_LIMIT in config overrides
API_LIMIT = "300 per minute"  # the default of API_RATE_LIMIT
SEARCH_PAGE_LIMIT = "120 per minute"

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


def api_limit() -> str:
    """The JSON APIs' limit per client address (API_RATE_LIMIT; read per request, so tests may lower it)."""
    return current_app.config.get("API_RATE_LIMIT") or API_LIMIT


def password_confirmed(user, field, what: str = "re-authentication") -> bool:
    """Whether the password typed in `field` is `user`'s; if not, say so on the field and log it.

    The check claims an attempt from the account's lockout first (a wrong password keeps it,
    the right one gives it back; the caller commits), and the caller answers 401 when it is wrong.

    :raises AccountLocked: the account is locked (a 429 page).
    """
    attempt = lockout.claim(user=user)
    if user.check_password(field.data):
        lockout.release(attempt)
        return True
    field.errors.append(_("Adgangskoden er forkert."))
    security_log.warning("%s: wrong password for user %s from %s", what, user.id, request.remote_addr)
    metrics.FAILED_LOGINS.inc()
    return False


def init_security(app: Flask) -> None:
    limiter.init_app(app)

    @limiter.request_filter
    def _limits_off() -> bool:
        return not current_app.config.get("RATELIMITS_ON", True)

    app.before_request(_enforce_session_lifetime)
    app.after_request(_security_headers)
    app.register_error_handler(lockout.AccountLocked, _account_locked)


def _account_locked(exc: lockout.AccountLocked):
    """429 with Retry-After and, in plain words, how long the account stays locked."""
    minutes = math.ceil(exc.seconds / 60)
    message = ngettext("For mange forkerte forsøg. Af sikkerhed er kontoen låst i %(num)s minut. "
                       "Prøv igen derefter.",
                       "For mange forkerte forsøg. Af sikkerhed er kontoen låst i %(num)s minutter. "
                       "Prøv igen derefter.", minutes)
    security_log.warning("locked account: %s %s refused from %s (%s s left)", request.method, request.path,
                         request.remote_addr, exc.seconds)
    response = current_app.make_response((render_template("errors/error.html", status=429, message=message), 429))
    response.headers["Retry-After"] = str(exc.seconds)
    return response


# How stale "seen_at" may get before a request writes it again. Writing it on every
# request re-sent the session cookie with every response, so two requests in flight
# at once (a page and its favicon) raced: the later response carried the session as
# it was before the page stored its CSRF token, and the form on the page then failed.
SEEN_AT_GRANULARITY = 60


def _enforce_session_lifetime():
    # Static files never read the session; touching it there only risks the race above.
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    cfg = current_app.config
    started = session.get("login_at", now)
    seen = session.get("seen_at", now)
    idle_expired = now - seen > cfg["SESSION_IDLE_MINUTES"] * 60
    too_old = now - started > cfg["SESSION_ABSOLUTE_HOURS"] * 3600
    if (idle_expired and not session.get("remember_me")) or too_old:
        security_log.info("session expired for user %s (%s)", current_user.id,
                          "absolute" if too_old else "idle")
        logout_user()
        session.clear()
        return None
    if "login_at" not in session:
        session["login_at"] = started
    if now - seen >= SEEN_AT_GRANULARITY or "seen_at" not in session:
        session["seen_at"] = now
    return None


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    # Pages that set their own frame-ancestors (the embeds, embed/views.py) say who may frame
    # them; an X-Frame-Options: DENY there would contradict it in older browsers.
    if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages seen by a logged-in person may hold personal data: keep them out of caches.
    if current_user.is_authenticated and not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    return response


def log_denied(reason: str) -> None:
    who = current_user.get_id() if current_user.is_authenticated else "anonymous"
    security_log.warning("access denied: %s %s for %s (%s)", request.method, request.path, who, reason)
