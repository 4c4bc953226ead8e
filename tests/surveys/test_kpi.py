"""The pure KPI arithmetic (no app, no database)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fællesskab.surveys import kpi

UTC = UTC


def test_nps_is_promoters_minus_detractors():
    # 4 promoters (9, 10), 3 passives (7, 8), 3 detractors (0–6) of 10
    scores = [10, 9, 9, 10, 7, 8, 8, 0, 6, 5]
    split = kpi.nps_split(scores)
    assert (split.promoters, split.passives, split.detractors, split.answers) == (4, 3, 3, 10)
    assert kpi.nps(scores) == pytest.approx(10.0)
    assert split.positive_share == pytest.approx(70.0)


def test_nps_bounds_and_edges():
    assert kpi.nps([10, 9]) == 100.0
    assert kpi.nps([0, 6]) == -100.0
    assert kpi.nps([7, 8]) == 0.0
    assert kpi.nps([]) is None
    assert kpi.nps([11, -1]) is None  # out of range values are not answers


def test_ease_share_counts_four_and_five():
    assert kpi.ease_share([1, 2, 3, 4, 5]) == pytest.approx(40.0)
    assert kpi.ease_share([4, 5, 5]) == 100.0
    assert kpi.ease_share([3, 3]) == 0.0
    assert kpi.ease_share([]) is None


@pytest.mark.parametrize("moment, quarter", [
    (datetime(2026, 3, 31, 21, 59, tzinfo=UTC), "2026-Q1"),   # 23:59 in Copenhagen (CEST)
    (datetime(2026, 3, 31, 22, 0, tzinfo=UTC), "2026-Q2"),    # midnight in Copenhagen: April
    (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), "2026-Q1"),  # already New Year in Copenhagen (CET)
    (datetime(2025, 12, 31, 22, 30, tzinfo=UTC), "2025-Q4"),
    (datetime(2026, 9, 30, 21, 59), "2026-Q3"),               # naive: taken as UTC
])
def test_quarters_follow_copenhagen_time(moment, quarter):
    assert kpi.quarter_of(moment) == quarter


def test_previous_quarters_cross_the_year():
    assert kpi.previous_quarters("2026-Q2", 4) == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def test_cells_with_fewer_than_five_answers_are_suppressed():
    small = kpi.cell([10, 10, 10, 10], kpi.nps)
    assert small.suppressed and small.value is None and small.shown is None and small.answers == 4
    enough = kpi.cell([10, 10, 10, 10, 0], kpi.nps)
    assert not enough.suppressed and enough.shown == pytest.approx(60.0)
    assert kpi.is_suppressed(0) and not kpi.is_suppressed(5)


def test_status_against_target():
    assert kpi.status_against(80.0, 80.0) == "met"
    assert kpi.status_against(79.9, 80.0) == "below"
    assert kpi.status_against(None, 80.0) is None
    assert kpi.status_against(50.0, None) is None


def test_funnel_counts_conversion_and_median_days():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    d = lambda days: t0 + timedelta(days=days)  # noqa: E731
    journeys = [
        {"arrived": d(0)},  # never contacted
        {"arrived": d(0), "contacted": d(2)},
        {"arrived": d(0), "contacted": d(4), "matched": d(10)},
        {"arrived": d(0), "contacted": d(6), "matched": d(8), "handed_over": d(9)},
        # anchored after a direct follow-up: counted past the hand-over step too, but not timed there
        {"arrived": d(0), "contacted": d(1), "matched": d(3), "anchored": d(40)},
        # erased timeline: reached, dates unknown
        {"arrived": d(0), "anchored": None},
    ]
    rows = {r.step: r for r in kpi.funnel(journeys)}
    assert [r.count for r in kpi.funnel(journeys)] == [6, 5, 4, 3, 2]
    assert rows["arrived"].conversion is None
    assert rows["contacted"].conversion == pytest.approx(500 / 6)
    assert rows["handed_over"].conversion == pytest.approx(75.0)
    assert rows["contacted"].median_days == pytest.approx(3.0)  # 2, 4, 6, 1 → 3
    assert rows["contacted"].timed == 4
    assert rows["matched"].median_days == pytest.approx(2.0)   # 6, 2, 2
    assert rows["handed_over"].median_days == pytest.approx(1.0)
    assert rows["anchored"].median_days is None  # no case has both dates
    assert kpi.funnel([])[1].conversion is None
