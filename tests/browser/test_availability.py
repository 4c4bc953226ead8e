"""Where Chromium or axe-core is missing the browser tests skip and say why, but in CI they fail."""
from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped

from .helpers import unavailable


def test_missing_browser_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match="chromium is missing"):
        unavailable("chromium is missing")


def test_missing_browser_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "1")
    with pytest.raises(Failed, match="cannot run in CI: chromium is missing"):
        unavailable("chromium is missing")
