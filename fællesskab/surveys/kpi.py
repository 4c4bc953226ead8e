"""KPI arithmetic for the dashboard: pure functions, no Flask, no database.

* NPS = % promoters (9–10) − % detractors (0–6) of the 0–10 recommend answers;
* positive share = % of the recommend answers that are 7–10 (not detractors);
* ease share = % of the 1–5 ease-of-finding answers that are 4 or 5;
* quarters are calendar quarters in Europe/Copenhagen time;
* a breakdown cell with fewer than MIN_ANSWERS answers is suppressed.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from statistics import median

from ..core.time import COPENHAGEN

MIN_ANSWERS = 5
FUNNEL_STEPS = ("arrived", "contacted", "matched", "handed_over", "anchored")


def quarter_of(moment: datetime) -> str:
    """'2026-Q3': the Copenhagen calendar quarter of `moment` (naive values are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(COPENHAGEN)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def previous_quarters(quarter: str, count: int) -> list[str]:
    """The `count` quarters ending with `quarter`, oldest first."""
    year, q = int(quarter[:4]), int(quarter[-1])
    out = []
    for _ in range(count):
        out.append(f"{year}-Q{q}")
        q -= 1
        if q == 0:
            year, q = year - 1, 4
    return out[::-1]


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent, None when there is nothing to divide by."""
    return None if whole == 0 else 100.0 * part / whole


@dataclass(frozen=True)
class NpsSplit:
    answers: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> float | None:
        if not self.answers:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.answers

    @property
    def positive_share(self) -> float | None:
        return percent(self.promoters + self.passives, self.answers)


def nps_split(scores: Iterable[int]) -> NpsSplit:
    """Count promoters (9–10), passives (7–8) and detractors (0–6); other values are ignored."""
    promoters = passives = detractors = 0
    for s in scores:
        if s is None or not 0 <= s <= 10:
            continue
        if s >= 9:
            promoters += 1
        elif s >= 7:
            passives += 1
        else:
            detractors += 1
    return NpsSplit(promoters + passives + detractors, promoters, passives, detractors)


def nps(scores: Iterable[int]) -> float | None:
    """Net promoter score, −100…100 (None without answers)."""
    return nps_split(scores).score


def ease_share(scores: Iterable[int]) -> float | None:
    """% of 1–5 answers that are 4 or 5 (None without answers)."""
    valid = [s for s in scores if s is not None and 1 <= s <= 5]
    return percent(sum(1 for s in valid if s >= 4), len(valid))


@dataclass(frozen=True)
class Cell:
    """A breakdown cell: the number of answers and the value, unless suppressed."""

    answers: int
    value: float | None

    @property
    def suppressed(self) -> bool:
        return self.answers < MIN_ANSWERS

    @property
    def shown(self) -> float | None:
        return None if self.suppressed else self.value


def is_suppressed(answers: int) -> bool:
    return answers < MIN_ANSWERS


def cell(values: Sequence[int], measure) -> Cell:
    """Apply `measure` (nps, ease_share, …) to `values`; too few answers give no value at all."""
    n = len(values)
    return Cell(n, None if is_suppressed(n) else measure(values))


def positive_share(scores: Iterable[int]) -> float | None:
    return nps_split(scores).positive_share


def status_against(value: float | None, target: float | None) -> str | None:
    """'met' or 'below' the target; None when either is unknown."""
    if value is None or target is None:
        return None
    return "met" if value >= target else "below"


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400.0


@dataclass(frozen=True)
class FunnelRow:
    step: str
    count: int
    conversion: float | None  # % of the previous step's count
    median_days: float | None  # from the previous step, among those with both dates
    timed: int  # how many cases the median is based on


def funnel(journeys: Iterable[dict[str, datetime | None]]) -> list[FunnelRow]:
    """The outreach funnel from one dict per household: step → when it was reached.

    A step present in the dict was reached (its date may be unknown, e.g. the
    timeline was erased). Reaching a later step implies the earlier ones, so a
    case anchored after a direct follow-up (no forum) counts as past the
    hand-over step too.
    """
    counts = [0] * len(FUNNEL_STEPS)
    gaps: list[list[float]] = [[] for _ in FUNNEL_STEPS]
    for journey in journeys:
        last = max((i for i, step in enumerate(FUNNEL_STEPS) if step in journey), default=-1)
        for i in range(last + 1):
            counts[i] += 1
        for i in range(1, last + 1):
            start, end = journey.get(FUNNEL_STEPS[i - 1]), journey.get(FUNNEL_STEPS[i])
            if start is not None and end is not None and end >= start:
                gaps[i].append(days_between(start, end))
    rows = []
    for i, step in enumerate(FUNNEL_STEPS):
        conversion = percent(counts[i], counts[i - 1]) if i else None
        rows.append(FunnelRow(step, counts[i], conversion, median(gaps[i]) if gaps[i] else None, len(gaps[i])))
    return rows
