"""HTML error pages for people, JSON errors under /api/."""
from __future__ import annotations

import logging

from flask import Flask, abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
        if wants_json():
            detail = exc.description if status in (400, 404, 405, 413, 429) and exc.description else message
            return json_error(status, exc.name.lower().replace(" ", "_"), str(detail))
        if isinstance(exc, CSRFError):
            message = _("Formularen var for gammel eller ufuldstændig. Gå tilbage, genindlæs siden, og prøv igen.")
        elif status == 400 and exc.description and exc.description != type(exc).description:
            message = exc.description  # a specific reason given by our own code
        return render_template("errors/error.html", status=status, message=message), status

    @app.errorhandler(DomainError)
    def handle_domain(exc: DomainError):
        if exc.status == 403:
            logging.getLogger("fællesskab.security").warning(
                "forbidden on %s %s: %s", request.method, request.path, exc.message)
        if wants_json():
            extra = {"field": exc.field} if exc.field else {}
            return json_error(exc.status, exc.code, exc.message, **extra)
        return render_template("errors/error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return handle_http(exc)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        try:
            from ..extensions import db

            db.session.rollback()
        except Exception:  # pragma: no cover - the database itself may be down
            pass
        if wants_json():
            return json_error(500, "internal_error", _(MESSAGES[500]))
        return render_template("errors/error.html", status=500, message=_(MESSAGES[500])), 500
