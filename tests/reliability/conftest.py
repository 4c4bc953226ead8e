"""Hypothesis settings for the reliability tests: modest, deterministic, no deadline.

`derandomize` makes every run (and CI) try the same examples, so a failure
reproduces; HYPOTHESIS_PROFILE=thorough runs many more locally.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Fixtures of tests/events that test_smtp_faults.py and test_two_nodes.py take as parameters.
from ..events.conftest import forum_event, outbox  # noqa: F401

settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=2000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter):
    """Print the figures of the load and fault tests (requests made, faults injected, failures)."""
    import sys

    def module(name):
        return sys.modules.get(f"tests.reliability.{name}")

    nodes = module("test_two_nodes")
    if nodes and nodes.FIGURES:
        terminalreporter.write_sep("-", "two nodes")
        terminalreporter.write_line(", ".join(f"{k}: {v}" for k, v in nodes.FIGURES.items()))
    load, api = module("test_load"), module("test_openapi")
    down, kill, smtp = module("test_database_down"), module("test_kill"), module("test_smtp_faults")
    geo = module("test_geocoder_faults")
    if not any((load, api, down, kill, smtp, geo)):
        return
    figures = []
    if load:
        figures.append(f"load: {load.FIGURES['requests']} HTTP requests on 127.0.0.1, "
                       f"{load.FIGURES['sign_ups']} sign-ups, {load.FIGURES['failures']} answered 5xx")
    if api:
        figures.append(f"schemathesis: {api.REQUESTS['made']} generated API requests")
    faults = sum((m.FAULTS if hasattr(m, "FAULTS") else m.KILLS)["injected"] for m in (down, kill, smtp, geo) if m)
    figures.append(f"faults injected: {faults} (database outages, SIGKILLs, SMTP outages, hanging geocoders)")
    terminalreporter.write_sep("-", "reliability figures")
    for line in figures:
        terminalreporter.write_line(line)
