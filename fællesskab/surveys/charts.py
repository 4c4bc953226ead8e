"""Geometry for the dashboard's server-rendered SVG bar charts (pure; the template draws them).

Everything is attributes (x, y, width, height) and CSS classes: the CSP allows
no inline styles. A suppressed or missing value gets no bar, only its label.
"""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 36


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, float]]  # (value, y)
    target_y: float | None
    baseline_y: float
    left: int
    right_edge: int


def bar_chart(points: list[tuple[str, float | None]], *, low: float = 0.0, high: float = 100.0,
              target: float | None = None, ticks: tuple[float, ...] = (0, 25, 50, 75, 100)) -> Chart:
    """Vertical bars for (label, value) points on a low…high scale (NPS: −100…100)."""
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def y_of(value: float) -> float:
        value = max(low, min(high, value))
        return round(TOP + plot_h * (high - value) / (high - low), 1)

    zero = y_of(max(low, 0.0))
    slot = plot_w / max(1, len(points))
    bars = []
    for i, (label, value) in enumerate(points):
        x = round(LEFT + i * slot + slot * 0.2, 1)
        if value is None:
            bars.append(Bar(label, None, x, zero, round(slot * 0.6, 1), 0.0))
            continue
        y = y_of(value)
        top, bottom = min(y, zero), max(y, zero)
        bars.append(Bar(label, value, x, top, round(slot * 0.6, 1), round(bottom - top, 1)))
    target_y = y_of(target) if target is not None and low <= target <= high else None
    return Chart(WIDTH, HEIGHT, bars, [(t, y_of(t)) for t in ticks], target_y, zero, LEFT, WIDTH - RIGHT)
