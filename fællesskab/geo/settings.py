"""Geo settings: app.config first, then the environment, then a default.

| name | default | meaning |
| --- | --- | --- |
| `GEOCODER` | `gazetteer` | `gazetteer` or `nominatim` (which always falls back to the gazetteer) |
| `NOMINATIM_URL` | `https://nominatim.openstreetmap.org` | base URL; a municipality may run its own |
| `GEOCODER_USER_AGENT` | `faellesskab-kolding/<version>` | sent to the online provider (as its usage policy asks) |
| `GEOCODER_TIMEOUT` | `3` | seconds to wait for the online provider |
| `GEOCODER_MIN_DELAY` | `1.0` | seconds between two requests (geopy's RateLimiter; Nominatim asks for ≥ 1) |
| `GEOCODE_CACHE_TTL_DAYS` | `30` | how long an online answer is kept in `GeocodeCache` |
| `GEOCODE_CACHE_MISS_TTL_HOURS` | `24` | how long "the provider found nothing" is kept |
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")

DEFAULTS = {
    "GEOCODER": "gazetteer",
    "NOMINATIM_URL": "https://nominatim.openstreetmap.org",
    "GEOCODER_USER_AGENT": "faellesskab-kolding/0.1 (Kolding Kommune)",
    "GEOCODER_TIMEOUT": "3",
    "GEOCODER_MIN_DELAY": "1.0",
    "GEOCODE_CACHE_TTL_DAYS": "30",
    "GEOCODE_CACHE_MISS_TTL_HOURS": "24",
}


def setting(name: str, cast: Callable[[str], T] = str) -> T:
    """Return one geo setting, cast; a malformed value falls back to the default."""
    value = current_app.config.get(name)
    if value is None or value == "":
        value = os.environ.get(name) or DEFAULTS[name]
    try:
        return cast(value)
    except (TypeError, ValueError):
        return cast(DEFAULTS[name])


def geocoder_settings() -> tuple:
    """Every setting that shapes the geocoder, to know when to build a new one."""
    return tuple(setting(name) for name in sorted(DEFAULTS))
