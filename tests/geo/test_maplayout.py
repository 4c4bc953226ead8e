"""The map's pure layout (geo/maplayout.py): framing, pin spreading, label collisions. No app needed."""
from __future__ import annotations

from itertools import combinations
from math import hypot

import pytest

from fællesskab.geo.maplayout import (
    Frame,
    LabelCandidate,
    Rect,
    frame_points,
    place_labels,
    scale_bar_km,
    spread_pins,
    text_width,
)

KOLDING_KOMMUNE = Frame(9.2157, 55.3087, 9.6935, 55.6298)
CHRISTIANSFELD = (55.3582, 9.4870)
TAPS = (55.3890, 9.4513)


# --- framing --------------------------------------------------------------------------------

def test_no_points_shows_the_default():
    assert frame_points([], default=KOLDING_KOMMUNE) is KOLDING_KOMMUNE


def test_local_results_are_framed_much_smaller_than_the_municipality():
    frame = frame_points([CHRISTIANSFELD, TAPS], default=KOLDING_KOMMUNE)
    w, h = frame.span_km()
    kw, kh = KOLDING_KOMMUNE.span_km()
    assert w < kw / 2 and h < kh / 2
    assert frame.contains(*CHRISTIANSFELD) and frame.contains(*TAPS)


def test_one_point_gets_the_minimum_span_centred_on_it():
    frame = frame_points([CHRISTIANSFELD], default=KOLDING_KOMMUNE, min_span_km=8.0)
    w, h = frame.span_km()
    assert w == pytest.approx(8.0, rel=1e-6)
    assert 0.6 * w - 1e-6 <= h <= 0.75 * w + 1e-6
    assert (frame.min_lat + frame.max_lat) / 2 == pytest.approx(CHRISTIANSFELD[0])
    assert (frame.min_lon + frame.max_lon) / 2 == pytest.approx(CHRISTIANSFELD[1])


def test_far_results_widen_the_frame_with_padding_and_keep_the_aspect():
    vamdrup, hejlsminde = (55.4276, 9.2843), (55.3666, 9.6050)
    frame = frame_points([vamdrup, hejlsminde], default=KOLDING_KOMMUNE)
    for lat, lon in (vamdrup, hejlsminde):
        assert frame.contains(lat, lon)
        assert frame.min_lon < lon - 0.01 and lon + 0.01 < frame.max_lon  # not on the edge
    w, h = frame.span_km()
    assert 0.6 - 1e-6 <= h / w <= 0.75 + 1e-6


def test_a_tall_set_of_points_widens_rather_than_becoming_a_tall_strip():
    frame = frame_points([(55.35, 9.48), (55.60, 9.48)], default=KOLDING_KOMMUNE)
    w, h = frame.span_km()
    assert h / w <= 0.75 + 1e-6 and h > 27  # 0.25° of latitude plus padding


# --- pin spreading --------------------------------------------------------------------------

def _min_gap(points):
    return min(hypot(a[0] - b[0], a[1] - b[1]) for a, b in combinations(points, 2))


def test_pins_far_apart_stay_where_they_are():
    points = [(10.0, 10.0), (100.0, 10.0), (50.0, 90.0)]
    assert spread_pins(points, min_dist=25) == points


def test_coincident_pins_are_spread_to_legible_distance_round_their_spot():
    points = [(200.0, 150.0)] * 10
    shown = spread_pins(points, min_dist=25, size=(400, 300), margin=12)
    assert _min_gap(shown) >= 25 - 1e-3
    cx = sum(x for x, _ in shown) / len(shown)
    cy = sum(y for _, y in shown) / len(shown)
    assert hypot(cx - 200, cy - 150) < 10  # still round the true spot
    assert max(hypot(x - 200, y - 150) for x, y in shown) < 80


def test_spread_is_deterministic_and_keeps_pins_inside_the_picture():
    points = [(2.0, 2.0)] * 6 + [(5.0, 3.0)]
    first = spread_pins(points, min_dist=25, size=(400, 300), margin=12)
    assert first == spread_pins(points, min_dist=25, size=(400, 300), margin=12)
    assert all(12 - 1e-9 <= x <= 388 + 1e-9 and 12 - 1e-9 <= y <= 288 + 1e-9 for x, y in first)
    assert _min_gap(first) >= 25 - 1e-3


def test_home_is_fixed_and_pushes_pins_off_it():
    home = (100.0, 100.0)
    shown = spread_pins([(100.0, 100.0), (104.0, 98.0)], min_dist=25, fixed=[home])
    assert all(hypot(x - home[0], y - home[1]) >= 25 - 1e-3 for x, y in shown)
    assert _min_gap(shown) >= 25 - 1e-3


# --- labels -----------------------------------------------------------------------------------

def _overlap(labels):
    return [(a.text, b.text) for a, b in combinations(labels, 2) if a.box.overlaps(b.box)]


def test_labels_never_overlap_and_larger_towns_win():
    # Three names on almost the same spot: only as many as fit, the most important first.
    candidates = [
        LabelCandidate("Stavnsberg", 100, 100, (2, 0, "Stavnsberg")),
        LabelCandidate("Christiansfeld", 101, 100, (3, 2979, "Christiansfeld"), 14, True),
        LabelCandidate("Hejls", 100, 101, (2, 419, "Hejls")),
    ]
    placed = place_labels(candidates, size=(200, 200))
    assert placed[0].text == "Christiansfeld"
    assert not _overlap(placed)


def test_a_crowded_label_is_skipped_not_drawn_on_top():
    candidates = [LabelCandidate(f"Landsby {i}", 50, 20, (1, i, "")) for i in range(30)]
    placed = place_labels(candidates, size=(120, 40))
    assert 1 <= len(placed) < 30
    assert not _overlap(placed)
    assert all(p.box.x0 >= 0 and p.box.x1 <= 120 and p.box.y0 >= 0 and p.box.y1 <= 40 for p in placed)


def test_labels_keep_clear_of_obstacles_and_the_edge():
    pin = Rect.around(60, 50, 12)
    placed = place_labels([LabelCandidate("Taps", 50, 50, (1, 0, "Taps"))], size=(200, 100), obstacles=[pin])
    assert len(placed) == 1 and not placed[0].box.overlaps(pin)
    # A name at the right edge goes to the left of its point.
    right = place_labels([LabelCandidate("Hejlsminde", 195, 50, (1, 0, ""))], size=(200, 100))
    assert right[0].anchor == "end" and right[0].box.x1 <= 200


def test_text_width_grows_with_length_and_size():
    assert text_width("Christiansfeld", 14) > text_width("Taps", 14) > 0
    assert text_width("Taps", 14, bold=True) > text_width("Taps", 14)


def test_scale_bar_is_a_round_length_that_fits():
    assert scale_bar_km(km_per_px=0.02, target_px=100) == 2  # 100 px = 2 km
    assert scale_bar_km(km_per_px=0.2, target_px=100) == 20
    assert scale_bar_km(km_per_px=0.005, target_px=100) == 0.5
