"""Fixtures for the account tests."""
from __future__ import annotations

import pytest

from fællesskab.extensions import limiter


@pytest.fixture
def limits_on(app):
    """Switch the rate limits on for one test, with fresh counters."""
    limiter.reset()
    app.config["RATELIMITS_ON"] = True
    yield
    app.config["RATELIMITS_ON"] = False
    limiter.reset()
