"""Fixtures for the directory's stewardship: the mail folder and outbox of tests/events (helpers: tests/helpers.py)."""
from __future__ import annotations

import pytest

from ..events.conftest import forum_login, mail_folder, outbox  # noqa: F401  (fixtures)


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")
