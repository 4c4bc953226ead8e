"""Benchmark: the KPI dashboard at 50,000 cases (the inbox's scale) and 20,000 survey answers.

Run: `.venv/bin/python bench/surveys_dashboard.py` (BENCH_CASES=50000, BENCH_ANSWERS=20000 by
default; add BENCH_DATABASE_URL=postgresql://… for PostgreSQL). Builds the cases with
`bench/inbox.py`, gives each case the status notes of its path through the workflow (and a
hand-over where it was handed over), adds anonymous answers over six quarters and areas and
two thousand zero-result search rows, then times whole GET requests of `/koordinator/maal/`
and one CSV export as a logged-in coordinator. Prints a Markdown table for docs/performance.md.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

from bench import inbox  # noqa: E402
from fællesskab import create_app  # noqa: E402
from fællesskab.core.time import utcnow  # noqa: E402
from fællesskab.extensions import db  # noqa: E402
from fællesskab.geo.reference import load_reference_data  # noqa: E402

ANSWERS = int(os.environ.get("BENCH_ANSWERS", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PATHS = {
    "new": [], "contacted": ["contacted"], "matched": ["contacted", "matched"],
    "handed_over": ["contacted", "matched", "handed_over"],
    "followed_up": ["contacted", "matched", "handed_over", "followed_up"],
    "anchored": ["contacted", "matched", "followed_up", "anchored"],
    "declined": ["contacted", "declined"], "unreachable": ["unreachable"],
}


def add_history() -> tuple[int, int]:
    """Status notes along each case's path, hand-overs, answers and search rows (bulk inserts)."""
    from fællesskab.outreach.models import Case, CaseNote, HandOver
    from fællesskab.places.models import Forum
    from fællesskab.surveys import kpi
    from fællesskab.surveys.models import SearchMiss, SurveyResponse

    rng = random.Random(11)
    notes, handovers = [], []
    forum_ids = list(db.session.scalars(sa.select(Forum.id)))
    for case_id, status, created in db.session.execute(sa.select(Case.id, Case.status, Case.created_at)):
        at, previous = created, "new"
        for step in PATHS[status]:
            at = at + timedelta(days=rng.randrange(1, 20))
            notes.append({"case_id": case_id, "kind": "status", "text": "", "data": {"from": previous, "to": step},
                          "created_at": at})
            if step == "handed_over":
                handovers.append({"case_id": case_id, "forum_id": rng.choice(forum_ids), "handed_at": at})
            previous = step
    for start in range(0, len(notes), 5000):
        db.session.execute(sa.insert(CaseNote), notes[start:start + 5000])
    if handovers:
        db.session.execute(sa.insert(HandOver), handovers)
    now = utcnow()
    areas = list(db.session.scalars(sa.select(Forum.name))) + [None]
    answers = []
    for _ in range(ANSWERS):
        kind = "newcomer" if rng.random() < 0.75 else "leaver"
        answers.append({
            "kind": kind, "channel": rng.choice(["invited", "open"]),
            "quarter": kpi.quarter_of(now - timedelta(days=rng.randrange(0, 540))), "area": rng.choice(areas),
            "language": "da", "nps_score": rng.randrange(0, 11),
            "ease_score": rng.randrange(1, 6) if kind == "newcomer" else None,
            "belonging": rng.choice(["yes", "on_way", "no"]) if kind == "newcomer" else None,
            "move_reason": rng.choice(["work", "family", "housing", "other"]) if kind == "leaver" else None,
            "found_community": rng.choice(["yes", "no"]) if kind == "leaver" else None, "comment": None,
            "move_reason_other": None,
        })
    db.session.execute(sa.insert(SurveyResponse), answers)
    today = now.date()
    db.session.execute(sa.insert(SearchMiss), [
        {"day": today - timedelta(days=i % 120), "query": f"søgning {i}", "count": 1 + i % 7} for i in range(2000)])
    db.session.commit()
    return len(notes), len(handovers)


def run(url: str, label: str) -> list[tuple[str, str, float, float]]:
    import csv

    from fællesskab.accounts.services import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SEARCH_INDEX_DIR": tempfile.mkdtemp(prefix="bench-kpi-idx-"), "TESTING": False})
    with app.app_context():
        db.drop_all()
        db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        load_reference_data(inbox.SEED_DIR)
        from fællesskab.places.services import upsert_forum

        with open(os.path.join(inbox.SEED_DIR, "demo", "forums.csv"), encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                upsert_forum({**row, "is_trusted": False, "places": row["places"].split(";")})
        user = create_user("koordinator@example.org", "coordinator", inbox.PASSWORD, name="Koordinator")
        db.session.commit()
        started = time.perf_counter()
        inbox.build(inbox.CASES, [user.id])
        notes, handovers = add_history()
        print(f"{label}: built {inbox.CASES:,} cases, {notes:,} status notes, {handovers:,} hand-overs, "
              f"{ANSWERS:,} answers in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    client = app.test_client()
    assert client.post("/login", data={"email": "koordinator@example.org",
                                       "password": inbox.PASSWORD}).status_code == 302
    out = []
    for name, path in (("dashboard page", "/koordinator/maal/"), ("CSV: funnel", "/koordinator/maal/tragt.csv")):
        client.get(path)  # warm up
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        out.append((label, name, statistics.median(times), max(times)))
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    return out


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += run(f"sqlite:///{tmp}/bench-kpi.db", "SQLite")
    if os.environ.get("BENCH_DATABASE_URL"):
        from fællesskab.config import normalise_database_url

        results += run(normalise_database_url(os.environ["BENCH_DATABASE_URL"]), "PostgreSQL")
    print(f"| database | request ({inbox.CASES:,} cases, {ANSWERS:,} answers) | median ms | max ms |")
    print("| --- | --- | ---: | ---: |")
    for label, name, median, worst in results:
        print(f"| {label} | {name} | {median:.0f} | {worst:.0f} |")


if __name__ == "__main__":
    main()
