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

# A comment on every ninth newcomer answer, in the words people use.
COMMENTS = (
    "Velkomstmødet i byen var rigtig godt – nu kender vi naboerne.",
    "Svært at finde ud af, hvilke foreninger der tager imod voksne begyndere.",
    "Hjemmesiden var let at bruge, men der manglede noget for teenagere.",
    "It would help to have more information in English.",
    "Koordinatoren ringede og hjalp os i gang med håndbold til børnene.",
    "Vi savner et sted at mødes om hverdagen for småbørnsforældre.",
)
LOW_EASE, HIGH_EASE = (2, 3, 1, 3), (4, 5, 4, 5, 5)
PROMOTER, PASSIVE, DETRACTOR = (9, 10, 9), (8, 7, 8), (6, 5, 3, 6, 4, 0)


def _spread(n: int, shares: list[tuple[float, tuple]]) -> list:
    """n values: each (percent, pool) gets round(percent·n) values drawn in turn from its pool.

    The last pool takes the rest.
    """
    out = []
    for pct, pool in shares[:-1]:
        k = min(n - len(out), round(pct * n / 100))
        out += [pool[i % len(pool)] for i in range(k)]
    last = shares[-1][1]
    out += [last[i % len(last)] for i in range(n - len(out))]
    return out


def _even(n: int, pct: float, hit, miss) -> list:
    """n values with pct % `hit`, spread evenly (so every reason gets its share)."""
    p = pct / 100
    return [hit if int((i + 1) * p + 0.5) > int(i * p + 0.5) else miss for i in range(n)]


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
                answers = [{"ease_score": e, "belonging": b, "nps_score": s,
                            "comment": COMMENTS[(created + i) // 9 % len(COMMENTS)] if (created + i) % 9 == 0 else None}
                           for i, (e, b, s) in enumerate(zip(ease, belonging, nps, strict=True))]
            else:
                reasons = []
                for part in row["reasons"].split(";"):
                    key, count = part.split(":")
                    reasons += [key] * int(count)
                found = _even(n, _pct(row, "found_yes_pct"), "yes", "no")
                picked = [reasons[i % len(reasons)] for i in range(n)]
                answers = [{"nps_score": s, "move_reason": r, "found_community": f,
                            "move_reason_other": "Tættere på familien" if r == "other" else None}
                           for s, r, f in zip(nps, picked, found, strict=True)]
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


# Demo households taken some way along the outreach workflow, so the funnel has something to show:
# (external id, days since arrival, [(status, days after arrival)]). Sofie (DEMO-N-001) is left
# for the demo walk, and nobody is anchored or handed to Almind (the walk counts those).
DEMO_JOURNEYS = (
    ("DEMO-N-002", 40, [("contacted", 6)]),
    ("DEMO-N-003", 75, [("contacted", 4), ("matched", 12)]),
    ("DEMO-N-004", 90, [("contacted", 3), ("matched", 9), ("handed_over", 15)]),
    ("DEMO-N-005", 120, [("contacted", 5), ("matched", 11), ("followed_up", 45)]),
    ("DEMO-N-006", 20, [("contacted", 8)]),
    ("DEMO-N-012", 60, [("contacted", 2), ("matched", 10), ("handed_over", 13)]),
    # the demo forum (Almind Borgerforening) has someone handed over from the start
    ("DEMO-N-013", 30, [("contacted", 3), ("matched", 7), ("handed_over", 9)]),
)


def advance_demo_cases(*, now: datetime) -> int:
    """Move the demo cases still 'new' along DEMO_JOURNEYS through the outreach services, dated back."""
    from ..accounts.models import User
    from ..outreach import handover
    from ..outreach import services as outreach
    from ..outreach.models import CaseNote, HandOver, Newcomer

    actor = db.session.scalar(sa.select(User).where(User.email == "koordinator@example.org"))
    moved = 0
    for external_id, age, steps in DEMO_JOURNEYS:
        newcomer = db.session.scalar(sa.select(Newcomer).where(Newcomer.external_id == external_id))
        case = newcomer.case if newcomer is not None else None
        if actor is None or case is None or case.status != "new":
            continue
        arrived = now - timedelta(days=age)
        for status, after in steps:
            if status == "handed_over":
                if not newcomer.consent_handover:
                    outreach.record_handover_consent(case, True, actor=actor)
                if handover.can_hand_over(case) is not None:
                    break
                handover.hand_over(case, actor=actor)
                db.session.execute(sa.update(HandOver).where(HandOver.case_id == case.id)
                                   .values(handed_at=arrived + timedelta(days=after)))
            else:
                outreach.transition(case, status, actor=actor)
            db.session.flush()
            when = arrived + timedelta(days=after)
            db.session.execute(sa.update(CaseNote).where(
                CaseNote.case_id == case.id, CaseNote.kind == "status", CaseNote.created_at > when)
                .values(created_at=when))
            case.status_changed_at = arrived + timedelta(days=after)
        newcomer.created_at = arrived
        case.created_at = arrived
        moved += 1
    db.session.flush()
    return moved
