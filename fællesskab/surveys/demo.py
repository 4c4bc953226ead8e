"""Demo survey answers and zero-result searches from seed/demo (only into an empty table, so idempotent).

`survey_answers.csv` describes each quarter × area × survey as shares (answers
4–5, recommend 7–10 and 9–10, …); the answers are spread out deterministically
to match, and stored through `services.record_answer` dated in that quarter.
"""
from __future__ import annotations

import csv
import os
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..core.time import COPENHAGEN
from ..extensions import db
from ..places.models import Forum
from . import services
from .models import SearchMiss, SurveyResponse

LOW_EASE, HIGH_EASE = (2, 3, 1, 3), (4, 5, 4, 5, 5)
PROMOTER, PASSIVE, DETRACTOR = (9, 10, 9), (8, 7, 8), (6, 5, 3, 6, 4, 0)


def _spread(n: int, shares: list[tuple[float, tuple]]) -> list:
    """n values: each (percent, pool) gets round(percent·n) values drawn in turn from its pool; the last takes the rest."""
    out = []
    for pct, pool in shares[:-1]:
        k = min(n - len(out), round(pct * n / 100))
        out += [pool[i % len(pool)] for i in range(k)]
    last = shares[-1][1]
    out += [last[i % len(last)] for i in range(n - len(out))]
    return out


def _quarter_moment(today: date, quarters_ago: int) -> datetime:
    """Noon on the middle of the quarter `quarters_ago` back (today itself for the current quarter)."""
    if quarters_ago == 0:
        return datetime.combine(today, time(12), COPENHAGEN)
    month = today.month - 3 * quarters_ago
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    start_month = (month - 1) // 3 * 3 + 1
    return datetime(year, start_month + 1, 15, 12, tzinfo=COPENHAGEN)


def _pct(row: dict, key: str) -> float:
    return float(row.get(key) or 0)


def load_answers(path: str, *, today: date) -> int:
    """Create the demo answers unless there are answers already; return how many were created."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) or not os.path.exists(path):
        return 0
    forums = dict(db.session.execute(sa.select(Forum.slug, Forum.name)).all())
    created = 0
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            n, kind = int(row["answers"]), row["kind"]
            when = _quarter_moment(today, int(row["quarters_ago"]))
            area = forums.get(row["forum_slug"]) if row["forum_slug"] else None
            positive, promoters = _pct(row, "positive_pct"), _pct(row, "promoters_pct")
            nps = _spread(n, [(promoters, PROMOTER), (positive - promoters, PASSIVE), (0, DETRACTOR)])
            if kind == "newcomer":
                ease = _spread(n, [(_pct(row, "ease_high_pct"), HIGH_EASE), (0, LOW_EASE)])
                yes = _pct(row, "belonging_yes_pct")
                belonging = _spread(n, [(yes, ("yes",)), ((100 - yes) / 2, ("on_way",)), (0, ("no",))])
                answers = [{"ease_score": e, "belonging": b, "nps_score": s} for e, b, s in zip(ease, belonging, nps)]
            else:
                reasons = []
                for part in row["reasons"].split(";"):
                    key, count = part.split(":")
                    reasons += [key] * int(count)
                found = _spread(n, [(_pct(row, "found_yes_pct"), ("yes",)), (0, ("no",))])
                answers = [{"nps_score": s, "move_reason": reasons[i % len(reasons)], "found_community": f,
                            "move_reason_other": "Tættere på familien" if reasons[i % len(reasons)] == "other" else None}
                           for i, (s, f) in enumerate(zip(nps, found))]
            for values in answers:
                services.record_answer(kind, values, language="da", area=area, now=when)
                created += 1
    return created


def load_search_misses(path: str, *, today: date) -> int:
    """The demo's zero-result searches (only into an empty log)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(SearchMiss)) or not os.path.exists(path):
        return 0
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        db.session.add(SearchMiss(day=today - timedelta(days=int(row["days_ago"])), query=row["query"],
                                  count=int(row["count"])))
    db.session.flush()
    return len(rows)
