"""HTML error pages for people, JSON errors under /api/."""
from __future__ import annotations

import contextlib
import logging

from flask import Flask, abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from .errors import DomainError

log = logging.getLogger(__name__)


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; `_()` translates it when the page is shown."""
    return msgid


MESSAGES = {
    400: N_("Forespørgslen kunne ikke forstås."),
    401: N_("Du skal logge ind for at se denne side."),
    403: N_("Du har ikke adgang til denne side."),
    404: N_("Siden findes ikke."),
    405: N_("Metoden er ikke tilladt her."),
    413: N_("Det sendte er for stort."),
    429: N_("For mange forespørgsler. Vent lidt, og prøv igen."),
    500: N_("Der skete en fejl hos os. Prøv igen om lidt."),
    503: N_("Tjenesten er midlertidigt utilgængelig. Prøv igen om lidt."),
}
# Any other status: words in the UI language rather than werkzeug's English name.
OTHER_CLIENT_ERROR = N_("Forespørgslen kunne ikke gennemføres.")


RETRY_AFTER_SECONDS = 30
MAX_DB_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite overflows past 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` limited to what an INTEGER primary key can hold (larger ids are a 404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DB_ID)
        super().__init__(map, *args, **kwargs)


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached (down, restarting, pool exhausted)."""
    if isinstance(exc, sa_exc.TimeoutError):  # no connection free in the pool in time
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return exc.connection_invalidated or isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError))
    return False


def _forget_connections() -> None:
    """Drop the request's session so the next request starts on a fresh (pre-pinged) connection."""
    from ..extensions import db

    with contextlib.suppress(Exception):  # the connection is gone; the pool has already invalidated it
        db.session.rollback()
    with contextlib.suppress(Exception):  # pragma: no cover - nothing more can be done here
        db.session.remove()


def too_large_message() -> str:
    """Say how much may be sent, in the request's language."""
    from flask import current_app

    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    if request.content_length and limit and request.content_length <= limit:  # one form field too long
        return _("Et af felterne er for langt. Gør teksten kortere, og prøv igen.")
    return _("Det sendte er for stort (højst %(size)s). Gør teksten kortere, og prøv igen.",
             size=f"{limit / 1024 / 1024:g} MB")


def retry_after_seconds(exc: HTTPException) -> int:
    """Whole seconds until a 429 is over: the breached rate limit's reset, else what the code said, else 30."""
    import math
    import time

    from ..extensions import limiter

    given = getattr(exc, "retry_after", None)
    if isinstance(given, int) and given >= 1:
        return given
    try:
        breached = limiter.current_limit
        if breached is not None:
            return max(1, math.ceil(breached.window[0] - time.time()))  # window: (reset time, remaining)
    except Exception:  # the limiter's storage is unreachable: the default below still helps
        log.warning("could not read the rate limit's reset time", exc_info=True)
    return RETRY_AFTER_SECONDS


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values)


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        """A NUL in a URL or form makes PostgreSQL fail; answer 400 before any query."""
        if "\x00" in request.path or _has_nul(request.args.values()) or (
            request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.form.values())
        ):
            abort(400, description=_("Forespørgslen indeholder et ugyldigt tegn."))

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        status = exc.code or 500
        if status in (403, 429):
            logging.getLogger("fællesskab.security").warning(
                "%s on %s %s from %s", status, request.method, request.path, request.remote_addr)
        message = _(MESSAGES.get(status) or (MESSAGES[500] if status >= 500 else OTHER_CLIENT_ERROR))
        if status == 413:
            message = too_large_message()
        if wants_json():
            detail = exc.description if status in (400, 404, 405, 429) and exc.description else message
            response, _status = json_error(status, exc.name.lower().replace(" ", "_"), str(detail))
        else:
            if isinstance(exc, CSRFError):
                message = _("Formularen var for gammel eller ufuldstændig. Gå tilbage, genindlæs siden, og prøv igen.")
            elif status == 400 and exc.description and exc.description != type(exc).description:
                message = exc.description  # a specific reason given by our own code
            response = app.make_response(render_template("errors/error.html", status=status, message=message))
        if status == 429:  # every 429 says when to try again (RFC 9110 10.2.3)
            response.headers["Retry-After"] = str(retry_after_seconds(exc))
        return response, status

    @app.errorhandler(DomainError)
    def handle_domain(exc: DomainError):
        if exc.status == 403:
            logging.getLogger("fællesskab.security").warning(
                "forbidden on %s %s: %s", request.method, request.path, exc.message)
        if wants_json():
            extra = {"field": exc.field} if exc.field else {}
            return json_error(exc.status, exc.code, exc.message, **extra)
        return render_template("errors/error.html", status=exc.status, message=exc.message), exc.status

    def handle_database_down(exc: Exception):
        # Not a bug in the request: the database is down or restarting. Say so plainly;
        # pool_pre_ping (config.py) makes the first request after it returns work again.
        log.error("database unavailable on %s %s: %s", request.method, request.path,
                  str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        _forget_connections()
        message = _("Tjenesten er midlertidigt utilgængelig, fordi vi ikke kan nå vores database. "
                    "Prøv igen om et par minutter.")
        if wants_json():
            response, status = json_error(503, "service_unavailable", message)
        else:
            response = app.make_response((render_template("errors/error.html", status=503, message=message), 503))
            status = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response, status

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return handle_http(exc)
        if database_unavailable(exc):
            return handle_database_down(exc)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        try:
            from ..extensions import db

            db.session.rollback()
        except Exception:  # pragma: no cover - the database itself may be down
            pass
        if wants_json():
            return json_error(500, "internal_error", _(MESSAGES[500]))
        return render_template("errors/error.html", status=500, message=_(MESSAGES[500])), 500
