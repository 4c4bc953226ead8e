"""GET /metrics: Prometheus' text format, for the operators' monitoring only.

Off unless METRICS_TOKEN or METRICS_ALLOWED_IPS is set: then a scrape must
carry `Authorization: Bearer <METRICS_TOKEN>` or come from an allowed address.
Request counts and latencies are observed here (after every request); search,
match, login and sign-up figures where they happen (core/metrics.py); the
outbox and the search index's lag are read from the database at each scrape.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from ..core import metrics
from ..core.time import utcnow
from ..mail.services import backlog as mail_backlog
from ..search import engine as search_engine

bp = Blueprint("ops_metrics", __name__)


def observe(response):
    """Count and time the request (after_request; the request's start is set by ops/logs.py)."""
    started = g.get("request_started")
    if started is None:
        return response
    endpoint = request.endpoint or "unmatched"  # not the path: 404s must not make new series
    metrics.REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    metrics.REQUEST_SECONDS.labels(endpoint).observe(time.perf_counter() - started)
    if response.status_code == 429:
        metrics.RATE_LIMITED.labels(endpoint).inc()
    return response


class DatabaseCollector:
    """Figures read at each scrape: the outbox and this node's search index lag."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        backlog, oldest = mail_backlog()
        yield GaugeMetricFamily("faellesskab_mail_outbox_unsent", "Emails waiting to be sent", value=backlog)
        yield GaugeMetricFamily("faellesskab_mail_outbox_oldest_unsent_seconds",
                                "Age of the oldest email waiting to be sent (0: none waits)",
                                value=(utcnow() - oldest).total_seconds() if oldest else 0.0)
        pending, age = search_engine(self.app).lag()  # (0, None) on postgres: nothing to replay
        yield GaugeMetricFamily("faellesskab_search_index_lag_changes",
                                "Changes committed to the database and not yet in this node's search index",
                                value=pending)
        yield GaugeMetricFamily("faellesskab_search_index_lag_seconds",
                                "Age of the oldest change not yet in this node's search index (0: current)",
                                value=age or 0.0)


def _allowed() -> bool:
    cfg = current_app.config
    token, networks = cfg.get("METRICS_TOKEN"), cfg.get("METRICS_ALLOWED_IPS") or ()
    if not token and not networks:
        abort(404)  # off
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n) for n in networks)


@bp.get("/metrics")
def scrape():
    if not _allowed():
        response = Response("Unauthorized\n", 401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # gunicorn: add up every worker's files
        MultiProcessCollector(registry)
    else:
        for collector in _own_collectors():
            registry.register(collector)
    registry.register(DatabaseCollector(current_app._get_current_object()))
    response = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def _own_collectors():
    """This process's metrics, without the default process/platform collectors' duplicates."""
    return (metrics.REQUESTS, metrics.REQUEST_SECONDS, metrics.SEARCH_SECONDS, metrics.MATCH_SECONDS,
            metrics.RATE_LIMITED, metrics.FAILED_LOGINS, metrics.LOCKOUTS, metrics.SIGN_UPS)
