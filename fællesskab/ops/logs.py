"""Request ids and, with LOG_FORMAT=json, one JSON object per log line.

Every request gets an id: the proxy's `X-Request-ID` when it is a plain token,
else a new one; it is returned in the response's `X-Request-ID` and stamped
on every log line written while the request runs, so a line in the app's log
can be found again in nginx's. With LOG_FORMAT=json each request also writes
one access line (route, status, duration). Lines name the route's pattern
(`/arrangementer/<int:event_id>`), never the path or query: those can hold a
token or an email, and the log must hold nothing personal.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request

access_log = logging.getLogger("fællesskab.access")

HEADER = "X-Request-ID"
# What we take from a proxy: its ids are hex or UUIDs; anything else (spaces, CR/LF, long) is replaced.
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
# The attributes every LogRecord has; anything else was passed in `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Stamp the current request's id (or None outside a request) on a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(app: Flask) -> None:
    """Set up the root logger for LOG_FORMAT (text or json) and the request-id hooks."""
    app.before_request(_start)
    app.after_request(_finish)
    json_lines = app.config.get("LOG_FORMAT") == "json"
    if json_lines:
        app.config["ACCESS_LOG"] = True
    if app.testing and not json_lines:
        return  # pytest captures logs itself
    if not json_lines and (app.debug or logging.getLogger().handlers):
        return  # the development server, or a host (gunicorn, pytest) that set up logging
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "faellesskab", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.faellesskab = True
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if json_lines else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _start() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    rid = g.get("request_id")
    if rid is None:  # a response made before our before_request ran (another hook answered first)
        return response
    response.headers[HEADER] = rid
    if current_app.config.get("ACCESS_LOG"):
        rule = request.url_rule.rule if request.url_rule is not None else None
        access_log.info("%s %s %s", request.method, rule or "-", response.status_code, extra={
            "method": request.method, "route": rule, "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1)})
    return response
