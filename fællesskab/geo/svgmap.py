"""Draw a small map as SVG, on the server, from our own data (pure; no Flask, no database).

No tile server and nothing from other hosts: the municipality boundary, its
towns, one "you are here" point and numbered pins. Colours are presentation
attributes (not inline CSS), so a strict Content-Security-Policy allows them.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import cos, pi, radians, sin

from markupsafe import escape

Ring = list[tuple[float, float]]  # (lon, lat) pairs, as GeoJSON has them


@dataclass(frozen=True)
class Town:
    name: str
    lat: float
    lon: float
    labelled: bool  # towns get a name; villages only a dot


@dataclass(frozen=True)
class Pin:
    number: int
    lat: float
    lon: float
    label: str


@dataclass(frozen=True)
class Home:
    lat: float
    lon: float
    label: str


class Projection:
    """Equirectangular projection scaled to `width`, true to shape at the middle latitude."""

    def __init__(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float, width: float):
        self.kx = cos(radians((min_lat + max_lat) / 2))
        self.min_lon, self.max_lat = min_lon, max_lat
        self.scale = width / max((max_lon - min_lon) * self.kx, 1e-9)
        self.width = width
        self.height = (max_lat - min_lat) * self.scale

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.min_lon) * self.kx * self.scale, (self.max_lat - lat) * self.scale

    def km_to_px(self, km: float) -> float:
        return km / 111.32 * self.scale


def _bounds(rings: list[Ring], points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    lons = [x for ring in rings for x, _ in ring] + [lon for _, lon in points]
    lats = [y for ring in rings for _, y in ring] + [lat for lat, _ in points]
    if not lons:
        return 9.2, 55.3, 9.7, 55.63  # Kolding Kommune
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    pad_lon, pad_lat = max((max_lon - min_lon) * 0.05, 0.01), max((max_lat - min_lat) * 0.06, 0.006)
    return min_lon - pad_lon, min_lat - pad_lat, max_lon + pad_lon, max_lat + pad_lat


def _f(value: float) -> str:
    return f"{value:.1f}"


def render_svg(
    rings: list[Ring], towns: list[Town], *, home: Home | None = None, pins: list[Pin] = (),
    map_id: str = "kort", title: str = "", description: str = "", scale_label: str = "5 km", width: int = 640,
) -> str:
    """Return an accessible SVG document fragment (`role="img"`, title and description)."""
    points = [(p.lat, p.lon) for p in pins] + ([(home.lat, home.lon)] if home else [])
    proj = Projection(*_bounds(rings, points), width)
    height = proj.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="geo-map__svg" viewBox="0 0 {width} {_f(height)}" '
        f'width="{width}" height="{_f(height)}" role="img" '
        f'aria-labelledby="{escape(map_id)}-title {escape(map_id)}-desc" focusable="false">',
        f'<title id="{escape(map_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(map_id)}-desc">{escape(description)}</desc>',
        f'<rect width="{width}" height="{_f(height)}" fill="#dbe9f4"/>',
    ]
    for ring in rings:
        path = " ".join(("M" if i == 0 else "L") + "{},{}".format(*map(_f, proj(lat, lon)))
                        for i, (lon, lat) in enumerate(ring))
        out.append(f'<path d="{path} Z" fill="#eef3e6" stroke="#4d6b3c" stroke-width="1.5" stroke-linejoin="round"/>')
    marks = [proj(p.lat, p.lon) for p in pins] + ([proj(home.lat, home.lon)] if home else [])
    for town in sorted(towns, key=lambda t: t.labelled):
        x, y = proj(town.lat, town.lon)
        r = 3.5 if town.labelled else 2
        out.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{r}" fill="#5b5b5b">'
                   f'<title>{escape(town.name)}</title></circle>')
        if town.labelled:
            # keep the name clear of a pin or star drawn on the town
            dx = 6 + max((14 - abs(mx - x) for mx, my in marks if abs(mx - x) < 14 and abs(my - y) < 14), default=0)
            out.append(f'<text x="{_f(x + dx)}" y="{_f(y + 4)}" font-family="sans-serif" font-size="13" fill="#222" '
                       f'stroke="#fff" stroke-width="3" paint-order="stroke">{escape(town.name)}</text>')
    for pin in sorted(pins, key=lambda p: -p.number):  # number 1 is drawn last, on top
        x, y = proj(pin.lat, pin.lon)
        out.append(
            f'<g class="geo-map__pin"><title>{pin.number}. {escape(pin.label)}</title>'
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="10" fill="#1d4f91" stroke="#fff" stroke-width="2"/>'
            f'<text x="{_f(x)}" y="{_f(y + 4)}" text-anchor="middle" font-family="sans-serif" font-size="11" '
            f'font-weight="bold" fill="#fff">{pin.number}</text></g>')
    if home is not None:
        x, y = proj(home.lat, home.lon)
        star = _star(x, y, 11, 5)
        out.append(f'<g class="geo-map__home"><title>{escape(home.label)}</title>'
                   f'<polygon points="{star}" fill="#b3261e" stroke="#fff" stroke-width="2"/></g>')
    bar = proj.km_to_px(5)
    y0 = height - 14
    out.append(f'<g class="geo-map__scale"><path d="M12,{_f(y0)} h{_f(bar)}" stroke="#222" stroke-width="3"/>'
               f'<text x="12" y="{_f(y0 - 6)}" font-family="sans-serif" font-size="12" fill="#222">'
               f'{escape(scale_label)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _star(cx: float, cy: float, outer: float, inner: float) -> str:
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = pi / 2 + i * pi / 5
        points.append(f"{_f(cx + r * cos(a))},{_f(cy - r * sin(a))}")
    return " ".join(points)
