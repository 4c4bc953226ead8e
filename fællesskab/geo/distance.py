"""Distances on the Earth's surface (pure; no Flask, no database)."""
from __future__ import annotations

from math import cos, radians

from geopy.distance import great_circle

KM_PER_DEGREE_LAT = 111.32


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres (fast enough to rank rows)."""
    return great_circle((lat1, lon1), (lat2, lon2)).km


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) of a box that holds the circle."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(cos(radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
