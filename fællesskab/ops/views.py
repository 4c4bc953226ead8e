"""/healthz and /readyz for load balancers and orchestrators (docs/operations.md).

Both answer JSON, are never rate-limited and set no cookie; neither says
anything about a person.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from . import health

bp = Blueprint("ops", __name__)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process answers. Touches nothing else, so a slow database never restarts a healthy node."""
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    """Whether this node should get traffic: database, migrations, search and mail backlog."""
    checks = health.readiness(current_app._get_current_object())
    ready = all(c.ok for c in checks)
    body = {"status": "ready" if ready else "not ready",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks}}
    return _no_store(jsonify(body)), 200 if ready else 503
