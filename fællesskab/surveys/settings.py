"""The dashboard's configured benchmarks and targets, and the survey links' lifetime.

Each is a Flask config value or environment variable (README, "Surveys").
Defaults follow the settlement strategy: 80 % positive for the goal of
positive associations with Kolding; the ease-of-finding target is set by the
municipality after the first measurement (default 75 %).
"""
from __future__ import annotations

import os

from flask import current_app

DEFAULTS: dict[str, float | None] = {
    "SURVEY_POSITIVE_TARGET": 80.0,
    "SURVEY_POSITIVE_BENCHMARK": None,
    "SURVEY_EASE_TARGET": 75.0,
    "SURVEY_EASE_BENCHMARK": None,
    "SURVEY_NPS_TARGET": None,
}
DEFAULT_TOKEN_DAYS = 60


def _raw(name: str):
    value = current_app.config.get(name)
    return value if value is not None else os.environ.get(name)


def number(name: str) -> float | None:
    """A percent setting; an empty or unreadable value falls back to the default."""
    raw = _raw(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return DEFAULTS.get(name)
    try:
        return float(str(raw).replace(",", "."))
    except ValueError:
        return DEFAULTS.get(name)


def token_days() -> int:
    """Days a survey link stays valid (SURVEY_TOKEN_DAYS, default 60)."""
    raw = _raw("SURVEY_TOKEN_DAYS")
    try:
        days = int(raw) if raw not in (None, "") else DEFAULT_TOKEN_DAYS
    except (TypeError, ValueError):
        days = DEFAULT_TOKEN_DAYS
    return max(1, min(days, 365))
