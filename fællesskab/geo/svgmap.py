"""Draw a small map as SVG, on the server, from our own data (pure; no Flask, no database).

No tile server and nothing from other hosts: the municipality boundary, the
towns and villages by name, one "you are here" mark and numbered pins, framed
round the household (maplayout.py does the layout). Colours are presentation
attributes (not inline CSS), so a strict Content-Security-Policy allows them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import cos, hypot, pi, radians, sin

from markupsafe import escape

from .maplayout import (
    KM_PER_DEG_LAT,
    Frame,
    LabelCandidate,
    Rect,
    frame_points,
    place_labels,
    scale_bar_km,
    spread_pins,
)

Ring = list[tuple[float, float]]  # (lon, lat) pairs, as GeoJSON has them

PIN_R = 12.0
HOME_R = 14.0
HOME_ROOM_DEG = 0.018  # ~2 km of latitude (x1.7 in longitude: ~2 km at 55°N)
KIND_RANK = {"town": 3, "suburb": 1, "village": 2}  # suburbs are part of Kolding: named last


@dataclass(frozen=True)
class Town:
    name: str
    lat: float
    lon: float
    labelled: bool  # a town (by): named first and in larger type
    population: int | None = None
    kind: str | None = None


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
    label: str  # the full text (tooltip)
    short: str = ""  # written on the map next to the mark


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
        return km / KM_PER_DEG_LAT * self.scale


def boundary_frame(rings: list[Ring]) -> Frame:
    """The whole municipality (a little padded): the map when there is nothing to frame."""
    lons = [x for ring in rings for x, _ in ring]
    lats = [y for ring in rings for _, y in ring]
    if not lons:
        return Frame(9.2, 55.3, 9.7, 55.63)  # Kolding Kommune
    pad_lon, pad_lat = (max(lons) - min(lons)) * 0.04, (max(lats) - min(lats)) * 0.05
    return Frame(min(lons) - pad_lon, min(lats) - pad_lat, max(lons) + pad_lon, max(lats) + pad_lat)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _text(x: float, y: float, text: str, *, size: float, anchor: str = "start", bold: bool = False,
          fill: str = "#222", css: str = "") -> str:
    weight = ' font-weight="bold"' if bold else ""
    klass = f' class="{css}"' if css else ""
    return (f'<text{klass} x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-family="sans-serif" '
            f'font-size="{size:g}"{weight} fill="{fill}" stroke="#fff" stroke-width="3" paint-order="stroke" '
            f'stroke-linejoin="round">{escape(text)}</text>')


def render_svg(
    rings: list[Ring], towns: list[Town], *, home: Home | None = None, pins: list[Pin] = (),
    focus: Town | None = None, frame: Frame | None = None, map_id: str = "kort", title: str = "",
    description: str = "", scale_text: Callable[[float], str] | None = None, width: int = 400,
    min_span_km: float = 8.0,
) -> str:
    """Return an accessible SVG document fragment (`role="img"`, title and description).

    Without `frame` the map frames the pins, home and `focus` (a place shown as the page's
    subject), or the whole municipality when there are none.
    """
    if frame is None:
        points = [(p.lat, p.lon) for p in pins]
        for centre in (home, focus):
            if centre is not None:  # the household's own surroundings, some km each way, stay in the picture
                points += [(centre.lat + dlat, centre.lon + dlon) for dlat in (-HOME_ROOM_DEG, HOME_ROOM_DEG)
                           for dlon in (-HOME_ROOM_DEG * 1.7, HOME_ROOM_DEG * 1.7)]
        frame = frame_points(points, default=boundary_frame(rings), min_span_km=min_span_km)
    proj = Projection(frame.min_lon, frame.min_lat, frame.max_lon, frame.max_lat, width)
    height = proj.height
    scale_text = scale_text or (lambda km: f"{km:g} km")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="geo-map__svg" viewBox="0 0 {width} {_f(height)}" '
        f'width="{width}" height="{_f(height)}" role="img" '
        f'aria-labelledby="{escape(map_id)}-title {escape(map_id)}-desc" focusable="false" '
        f'data-frame="{frame.min_lon:.4f} {frame.min_lat:.4f} {frame.max_lon:.4f} {frame.max_lat:.4f}">',
        f'<title id="{escape(map_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(map_id)}-desc">{escape(description)}</desc>',
        # outside the municipality: neutral (we have no coastline, so no pretend sea)
        f'<rect width="{width}" height="{_f(height)}" fill="#e4e4df"/>',
    ]
    for ring in rings:
        path = " ".join(("M" if i == 0 else "L") + "{},{}".format(*map(_f, proj(lat, lon)))
                        for i, (lon, lat) in enumerate(ring))
        out.append(f'<path class="geo-map__boundary" d="{path} Z" fill="#f4f7ec" stroke="#6b7f5c" '
                   f'stroke-width="1.5" stroke-dasharray="6 3" stroke-linejoin="round"/>')

    # Pins: spread those that would hide each other; home stays put and pushes them away.
    home_xy = proj(home.lat, home.lon) if home else None
    true_xy = [proj(p.lat, p.lon) for p in pins]
    focus_xy = proj(focus.lat, focus.lon) if focus else None
    shown_xy = spread_pins(true_xy, min_dist=2 * PIN_R + 3, fixed=[xy for xy in (home_xy, focus_xy) if xy],
                           size=(width, height), margin=PIN_R + 2)

    # Obstacles for names: pins, home, the focus place's mark, the scale bar in the corner.
    obstacles = [Rect.around(x, y, PIN_R + 1) for x, y in shown_xy]
    if home_xy:
        obstacles.append(Rect.around(*home_xy, HOME_R))
    scale_km = scale_bar_km(1 / proj.km_to_px(1), width / 4)
    bar = proj.km_to_px(scale_km)
    y0 = height - 12
    obstacles.append(Rect(6, y0 - 22, 18 + max(bar, 40), height))
    visible = [t for t in towns if frame.contains(t.lat, t.lon) and not (focus and t.name == focus.name)]
    dots = [(t, *proj(t.lat, t.lon)) for t in visible]
    obstacles += [Rect.around(x, y, 3) for _, x, y in dots]

    candidates = []
    if home_xy and home.short:
        candidates.append(LabelCandidate(home.short, home_xy[0], home_xy[1], (9, 0), 13, True, reach=8))
    if focus is not None:
        fx, fy = proj(focus.lat, focus.lon)
        obstacles.append(Rect.around(fx, fy, 7))
        candidates.append(LabelCandidate(focus.name, fx, fy, (8, 0), 15, True, reach=6))
    for t, x, y in dots:
        rank = (KIND_RANK.get(t.kind or ("town" if t.labelled else "village"), 0), t.population or 0, t.name)
        candidates.append(LabelCandidate(t.name, x, y, rank, 14 if t.labelled else 12, t.labelled,
                                         reach=8 if t.labelled else 2))
    labels = place_labels(candidates, size=(width, height),
                          obstacles=[o for o in obstacles])

    for t, x, y in dots:
        r = 3.5 if t.labelled else 2.5
        out.append(f'<circle class="geo-map__town" cx="{_f(x)}" cy="{_f(y)}" r="{r}" fill="#5b5b5b">'
                   f'<title>{escape(t.name)}</title></circle>')
    if focus is not None:
        fx, fy = proj(focus.lat, focus.lon)
        out.append(f'<g class="geo-map__focus"><title>{escape(focus.name)}</title>'
                   f'<circle cx="{_f(fx)}" cy="{_f(fy)}" r="7" fill="#fff" stroke="#0b5d57" stroke-width="3"/>'
                   f'<circle cx="{_f(fx)}" cy="{_f(fy)}" r="2.5" fill="#0b5d57"/></g>')
    for label in labels:
        fill = "#b3261e" if home and label.text == home.short else "#222"
        out.append(_text(label.x, label.y, label.text, size=label.font_size, anchor=label.anchor, bold=label.bold,
                         fill=fill, css="geo-map__label"))

    # Where a pin was moved off its spot, a thin line and a dot show the true place.
    for (tx, ty), (sx, sy) in zip(true_xy, shown_xy, strict=True):
        if hypot(sx - tx, sy - ty) > 2:
            out.append(f'<path d="M{_f(tx)},{_f(ty)} L{_f(sx)},{_f(sy)}" stroke="#0b5d57" stroke-width="1.5"/>'
                       f'<circle cx="{_f(tx)}" cy="{_f(ty)}" r="2.5" fill="#0b5d57"/>')
    order = sorted(range(len(pins)), key=lambda i: -pins[i].number)  # number 1 is drawn last, on top
    for i in order:
        pin, (x, y) = pins[i], shown_xy[i]
        size = 13 if pin.number < 10 else 11.5 if pin.number < 100 else 9
        out.append(
            f'<g class="geo-map__pin" data-number="{pin.number}"><title>{pin.number}. {escape(pin.label)}</title>'
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{PIN_R:g}" fill="#0b5d57" stroke="#fff" stroke-width="2"/>'
            f'<text x="{_f(x)}" y="{_f(y + size * 0.36)}" text-anchor="middle" font-family="sans-serif" '
            f'font-size="{size:g}" font-weight="bold" fill="#fff">{pin.number}</text></g>')
    if home is not None:
        x, y = home_xy
        out.append(f'<g class="geo-map__home"><title>{escape(home.label)}</title>'
                   f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{HOME_R:g}" fill="#fff" stroke="#b3261e" stroke-width="2"/>'
                   f'<polygon points="{_star(x, y, 11, 4.6)}" fill="#b3261e"/></g>')
    out.append(f'<g class="geo-map__scale"><path d="M12,{_f(y0)} h{_f(bar)}" stroke="#222" stroke-width="3"/>'
               + _text(12, y0 - 6, scale_text(scale_km), size=12) + '</g>')
    out.append("</svg>")
    return "".join(out)


def _star(cx: float, cy: float, outer: float, inner: float) -> str:
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = pi / 2 + i * pi / 5
        points.append(f"{_f(cx + r * cos(a))},{_f(cy - r * sin(a))}")
    return " ".join(points)
