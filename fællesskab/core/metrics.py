"""The service's Prometheus metrics, defined once; any package may count or time with them.

They live in core (the bottom layer) so that search, matching, accounts and
events can observe without importing the web layer; ops/metrics.py serves them
at /metrics. Under gunicorn set PROMETHEUS_MULTIPROC_DIR (prometheus_client's
multiprocess mode) so the workers' numbers add up (docs/operations.md).
Labels are route names and status codes only: nothing personal, and a bounded
number of series however odd the requests.
"""
from __future__ import annotations

from prometheus_client import Counter, Histogram

# Seconds; the page budgets in docs/performance.md are 30–60 ms, so most buckets sit below 1 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("faellesskab_http_requests", "HTTP requests answered, by route, method and status",
                   ["endpoint", "method", "status"])
REQUEST_SECONDS = Histogram("faellesskab_http_request_duration_seconds", "Time to answer a request, by route",
                            ["endpoint"], buckets=LATENCY_BUCKETS)
SEARCH_SECONDS = Histogram("faellesskab_search_duration_seconds", "Time spent in one directory search",
                           buckets=LATENCY_BUCKETS)
MATCH_SECONDS = Histogram("faellesskab_match_duration_seconds", "Time spent in one household match",
                          buckets=LATENCY_BUCKETS)
RATE_LIMITED = Counter("faellesskab_rate_limited", "Requests refused with 429, by route", ["endpoint"])
FAILED_LOGINS = Counter("faellesskab_failed_logins", "Wrong passwords, codes and recovery codes")
LOCKOUTS = Counter("faellesskab_lockouts", "Accounts locked after too many failures")
SIGN_UPS = Counter("faellesskab_sign_ups", "Event sign-ups made, by whether a place was free", ["status"])
