"""Distances, bounding boxes and the UTM32 conversion (pure)."""
from __future__ import annotations

import pytest
from geographiclib.geodesic import Geodesic

from fællesskab.geo.distance import (
    bounding_box,
    distance_km,
    exact_km,
    haversine_km,
    in_denmark,
    utm32_to_wgs84,
)

KOLDING = (55.4904, 9.4722)
VAMDRUP = (55.4276, 9.2843)


def test_great_circle_and_geodesic_agree_within_half_a_percent():
    fast, exact = distance_km(*KOLDING, *VAMDRUP), exact_km(*KOLDING, *VAMDRUP)
    assert 13 < exact < 14
    assert fast == pytest.approx(exact, rel=0.005)
    assert haversine_km(*KOLDING, *VAMDRUP) == pytest.approx(fast, rel=1e-6)


def test_bounding_box_holds_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(*KOLDING, 10)
    for lat, lon in ((min_lat, KOLDING[1]), (max_lat, KOLDING[1]), (KOLDING[0], min_lon), (KOLDING[0], max_lon)):
        assert distance_km(*KOLDING, lat, lon) >= 9.95


def test_in_denmark():
    assert in_denmark(*KOLDING)
    assert not in_denmark(53.55, 10.0)  # Hamburg


def test_utm32_on_the_central_meridian_matches_the_meridian_arc():
    # On the central meridian (9° E) northing = 0.9996 × the meridian arc from the equator.
    lat, lon = utm32_to_wgs84(500_000.0, 6_150_000.0)
    assert lon == pytest.approx(9.0, abs=1e-12)
    arc = Geodesic.WGS84.Inverse(0.0, 9.0, lat, 9.0)["s12"]
    assert arc * 0.9996 == pytest.approx(6_150_000.0, abs=0.01)


def test_utm32_off_the_meridian_keeps_distances():
    # 1 km east of a point is 1 km / 0.9996-ish away on the ground (scale near 9.5° E ≈ 0.99962).
    a = utm32_to_wgs84(530_000.0, 6_150_000.0)
    b = utm32_to_wgs84(531_000.0, 6_150_000.0)
    assert 55.45 < a[0] < 55.55 and 9.4 < a[1] < 9.5  # central Kolding
    assert exact_km(*a, *b) == pytest.approx(1.0 / 0.99962, rel=2e-4)
