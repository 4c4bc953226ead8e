"""Distances on the Earth's surface (pure; no Flask, no database).

Ranking many rows uses the great circle (fast, within 0.5 % of the truth);
the few distances shown to a person use geopy's exact `geodesic` (WGS84).
"""
from __future__ import annotations

from math import asin, atan, cos, cosh, degrees, radians, sin, sinh, sqrt

from geopy.distance import geodesic, great_circle

from ..core.denmark import DK_LAT_RANGE, DK_LON_RANGE  # noqa: F401  (re-exported: geo's callers use them)

KM_PER_DEGREE_LAT = 111.32
EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres (fast enough to rank rows)."""
    return great_circle((lat1, lon1), (lat2, lon2)).km


def exact_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the geodesic (WGS84 ellipsoid) distance in km, for distances shown to people."""
    return geodesic((lat1, lon1), (lat2, lon2)).km


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km; plain math, for tight loops over many rows."""
    p1, p2 = radians(lat1), radians(lat2)
    a = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) of a box that holds the circle."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(cos(radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def in_denmark(lat: float, lon: float) -> bool:
    """Return True when the point lies in Denmark's (generous) bounding box."""
    return DK_LAT_RANGE[0] <= lat <= DK_LAT_RANGE[1] and DK_LON_RANGE[0] <= lon <= DK_LON_RANGE[1]


def utm32_to_wgs84(east: float, north: float) -> tuple[float, float]:
    """Convert ETRS89 / UTM zone 32N (EPSG:25832) metres to WGS84 (lat, lon) degrees.

    Krüger's series on GRS80 (as DAR's `Adressepunkt` positions need); accurate
    to well under a millimetre within the zone. ETRS89 and WGS84 differ by less
    than a metre, which is ignored here.
    """
    a, f = 6378137.0, 1 / 298.257222101  # GRS80
    k0, e0, lon0 = 0.9996, 500000.0, radians(9.0)
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    beta = (
        n / 2 - 2 * n**2 / 3 + 37 * n**3 / 96,
        n**2 / 48 + n**3 / 15,
        17 * n**3 / 480,
    )
    delta = (
        2 * n - 2 * n**2 / 3 - 2 * n**3,
        7 * n**2 / 3 - 8 * n**3 / 5,
        56 * n**3 / 15,
    )
    xi = north / (k0 * big_a)
    eta = (east - e0) / (k0 * big_a)
    xi_p, eta_p = xi, eta
    for j, b in enumerate(beta, start=1):
        xi_p -= b * sin(2 * j * xi) * cosh(2 * j * eta)
        eta_p -= b * cos(2 * j * xi) * sinh(2 * j * eta)
    chi = asin(sin(xi_p) / cosh(eta_p))
    lat = chi + sum(d * sin(2 * j * chi) for j, d in enumerate(delta, start=1))
    lon = lon0 + atan(sinh(eta_p) / cos(xi_p))
    return degrees(lat), degrees(lon)
