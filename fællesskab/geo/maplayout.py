"""Lay out the result map (pure; no Flask, no database).

Three small jobs, each testable on its own: frame the household's surroundings
(the results and home, never smaller than a sensible span), spread pins that
would hide each other, and name towns and villages without labels colliding.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import cos, hypot, radians, sin

KM_PER_DEG_LAT = 111.32
GOLDEN_ANGLE = 2.399963229728653  # radians; spreads coincident pins evenly round their spot


@dataclass(frozen=True)
class Frame:
    """A lon/lat box the map shows."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def mid_lat(self) -> float:
        return (self.min_lat + self.max_lat) / 2

    def span_km(self) -> tuple[float, float]:
        """Return (width, height) in km."""
        kx = cos(radians(self.mid_lat))
        return ((self.max_lon - self.min_lon) * KM_PER_DEG_LAT * kx, (self.max_lat - self.min_lat) * KM_PER_DEG_LAT)

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def frame_points(points: list[tuple[float, float]], *, default: Frame, min_span_km: float = 8.0,
                 padding: float = 0.12, min_pad_km: float = 1.5,
                 min_aspect: float = 0.6, max_aspect: float = 0.75) -> Frame:
    """Return a box round `points` ((lat, lon) pairs), or `default` when there are none.

    The box is padded (a fraction of the span, at least `min_pad_km` each side, so pins
    at the edge are whole), at least `min_span_km` wide, and its height/width ratio stays
    between `min_aspect` and `max_aspect` so it fits a phone and a sidebar alike.
    """
    if not points:
        return default
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    mid_lat = (min(lats) + max(lats)) / 2
    kx = cos(radians(mid_lat))
    w_km = (max(lons) - min(lons)) * KM_PER_DEG_LAT * kx
    h_km = (max(lats) - min(lats)) * KM_PER_DEG_LAT
    w_km += 2 * max(w_km * padding, min_pad_km)
    h_km += 2 * max(h_km * padding, min_pad_km)
    w_km = max(w_km, min_span_km)
    if h_km / w_km > max_aspect:
        w_km = h_km / max_aspect
    elif h_km / w_km < min_aspect:
        h_km = w_km * min_aspect
    c_lat, c_lon = mid_lat, (min(lons) + max(lons)) / 2
    half_lon, half_lat = w_km / 2 / (KM_PER_DEG_LAT * kx), h_km / 2 / KM_PER_DEG_LAT
    return Frame(c_lon - half_lon, c_lat - half_lat, c_lon + half_lon, c_lat + half_lat)


def spread_pins(points: list[tuple[float, float]], *, min_dist: float, fixed: list[tuple[float, float]] = (),
                size: tuple[float, float] | None = None, margin: float = 0.0,
                iterations: int = 300) -> list[tuple[float, float]]:
    """Move pins (x, y in pixels) apart until no two are closer than `min_dist`.

    Pins only move as far as they must, so a lone pin stays on its spot; `fixed` points
    (home) push pins away but never move; with `size` (width, height) pins stay inside
    the picture, `margin` from its edge. Deterministic: the same input gives the same map.
    """
    pos = [list(p) for p in points]
    n = len(pos)
    # Pins on (nearly) one spot start on a sunflower round it, in list order (1 nearest the middle),
    # so the pushing below makes a compact, tidy bunch instead of a scattered one.
    for group in _bunches(points, min_dist / 2):
        if len(group) > 1:
            cx = sum(points[i][0] for i in group) / len(group)
            cy = sum(points[i][1] for i in group) / len(group)
            for k, i in enumerate(group):
                r = min_dist * 0.62 * (k + 0.5) ** 0.5
                pos[i] = [cx + r * cos(k * GOLDEN_ANGLE), cy + r * sin(k * GOLDEN_ANGLE)]

    def clamp(p: list[float]) -> None:
        if size is not None:
            p[0] = min(max(p[0], margin), size[0] - margin)
            p[1] = min(max(p[1], margin), size[1] - margin)

    def direction(dx: float, dy: float, d: float, k: int) -> tuple[float, float]:
        if d > 1e-6:
            return dx / d, dy / d
        angle = k * GOLDEN_ANGLE  # coincident: a different direction for each pin
        return cos(angle), sin(angle)

    for p in pos:
        clamp(p)
    for _ in range(iterations):
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                dx, dy = pos[j][0] - pos[i][0], pos[j][1] - pos[i][1]
                d = hypot(dx, dy)
                if d < min_dist - 1e-6:
                    ux, uy = direction(dx, dy, d, j)
                    push = (min_dist - d) / 2 + 0.01
                    pos[i][0] -= ux * push
                    pos[i][1] -= uy * push
                    pos[j][0] += ux * push
                    pos[j][1] += uy * push
                    clamp(pos[i])
                    clamp(pos[j])
                    moved = True
            for k, (fx, fy) in enumerate(fixed):
                dx, dy = pos[i][0] - fx, pos[i][1] - fy
                d = hypot(dx, dy)
                if d < min_dist - 1e-6:
                    ux, uy = direction(dx, dy, d, i + k + 1)
                    push = min_dist - d + 0.01
                    pos[i][0] += ux * push
                    pos[i][1] += uy * push
                    clamp(pos[i])
                    moved = True
        if not moved:
            break
    return [(x, y) for x, y in pos]


def _bunches(points: list[tuple[float, float]], within: float) -> list[list[int]]:
    """Group indexes of points chained closer than `within` (single linkage), each group in index order."""
    parent = list(range(len(points)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            if hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]) < within:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(points)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Rect) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    @classmethod
    def around(cls, x: float, y: float, r: float) -> Rect:
        return cls(x - r, y - r, x + r, y + r)


@dataclass(frozen=True)
class LabelCandidate:
    """A name to write next to the point (x, y); higher `rank` is placed first."""

    text: str
    x: float
    y: float
    rank: tuple
    font_size: float = 12.0
    bold: bool = False
    reach: int = 3  # how many steps (12 px each) the name may move away from a crowded point


@dataclass(frozen=True)
class PlacedLabel:
    text: str
    x: float  # where the text is anchored
    y: float  # its baseline
    anchor: str  # SVG text-anchor: start | end | middle
    box: Rect
    font_size: float
    bold: bool


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """Estimate the width of `text` in a sans-serif font (generous, so estimates never undershoot much)."""
    return len(text) * font_size * (0.62 if bold else 0.58)


def place_labels(candidates: list[LabelCandidate], *, size: tuple[float, float], obstacles: list[Rect] = (),
                 gap: float = 5.0) -> list[PlacedLabel]:
    """Place names, highest rank first, each right, left, above or below its point; skip any that would
    overlap a name already placed, an obstacle (pins, home, the scale bar) or leave the picture."""
    taken: list[Rect] = list(obstacles)
    placed: list[PlacedLabel] = []
    width, height = size
    for c in sorted(candidates, key=lambda c: c.rank, reverse=True):
        w, h = text_width(c.text, c.font_size, c.bold), c.font_size
        baseline = h * 0.35  # from the vertical middle of the text to its baseline
        options = []
        for g in (gap + 12 * step for step in range(c.reach)):  # next to the point, else clear of marks round it
            options += [
                (c.x + g, c.y + baseline, "start", Rect(c.x + g, c.y - h / 2, c.x + g + w, c.y + h / 2)),
                (c.x - g, c.y + baseline, "end", Rect(c.x - g - w, c.y - h / 2, c.x - g, c.y + h / 2)),
                (c.x, c.y - g - h / 2 + baseline, "middle", Rect(c.x - w / 2, c.y - g - h, c.x + w / 2, c.y - g)),
                (c.x, c.y + g + h / 2 + baseline, "middle", Rect(c.x - w / 2, c.y + g, c.x + w / 2, c.y + g + h)),
            ]
        for x, y, anchor, box in options:
            inside = box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height
            if inside and not any(box.overlaps(t) for t in taken):
                taken.append(box)
                placed.append(PlacedLabel(c.text, x, y, anchor, box, c.font_size, c.bold))
                break
    return placed


def scale_bar_km(km_per_px: float, target_px: float) -> float:
    """Return a round length (km) whose bar is at most about `target_px` long."""
    best = 0.5
    for km in (0.5, 1, 2, 5, 10, 20):
        if km / km_per_px <= target_px:
            best = km
    return best
