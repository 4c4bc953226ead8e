"""The KPI dashboard's tables, computed from the real data (answers, cases, events, searches).

Each table is a `Table` of raw values; the page formats them and the CSV
export writes them as they are. Answer breakdowns go through `kpi.cell`, so a
cell with fewer than five answers carries no value ("for få svar").
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..core.time import to_local, utcnow
from ..events.models import Event, Registration
from ..extensions import db
from ..outreach import workflow
from ..outreach.models import Case, CaseNote, HandOver, Newcomer
from . import kpi, search_log, settings
from .models import SurveyResponse

QUARTERS_SHOWN = 6
STATUS_STEP = {workflow.CONTACTED: "contacted", workflow.MATCHED: "matched", workflow.HANDED_OVER: "handed_over",
               workflow.FOLLOWED_UP: "matched", workflow.ANCHORED: "anchored"}
NOTE_STEP = {workflow.CONTACTED: "contacted", workflow.MATCHED: "matched", workflow.HANDED_OVER: "handed_over",
             workflow.ANCHORED: "anchored"}


@dataclass
class Table:
    name: str  # used in the CSV's URL and file name
    columns: list[tuple[str, str]]  # (key, kind): kind is text | count | percent | score | days | cell
    rows: list[dict] = field(default_factory=list)


@dataclass
class Kpi:
    key: str
    value: float | None
    answers: int
    target: float | None
    benchmark: float | None
    benchmark_is_first: bool  # no benchmark configured: the first quarter with enough answers
    status: str | None


ANSWER_COLUMNS = ("id", "kind", "quarter", "area", "ease_score", "nps_score", "belonging", "move_reason",
                  "found_community", "comment")


def _answers() -> list:
    """The answers as plain rows (attribute access, no ORM bookkeeping: 20,000 of them load fast)."""
    return list(db.session.execute(sa.select(*(getattr(SurveyResponse, c) for c in ANSWER_COLUMNS))))


def current_quarter() -> str:
    return kpi.quarter_of(utcnow())


def quarters_to_show(responses: list) -> list[str]:
    shown = kpi.previous_quarters(current_quarter(), QUARTERS_SHOWN)
    return [q for q in shown if q >= min((r.quarter for r in responses), default=shown[-1])] or shown[-1:]


def _nps_scores(rows) -> list[int]:
    return [r.nps_score for r in rows if r.nps_score is not None]


def _ease_scores(rows) -> list[int]:
    return [r.ease_score for r in rows if r.ease_score is not None]


def quarter_tables(responses: list) -> tuple[Table, Table]:
    """Goal 1 (recommend: positive share and NPS) and goal 6 (ease of finding) per quarter."""
    by_quarter = defaultdict(list)
    for r in responses:
        by_quarter[r.quarter].append(r)
    recommend = Table("anbefaling-kvartal", [("quarter", "text"), ("newcomer_nps", "cell"),
                                             ("leaver_nps", "cell"), ("positive", "cell"), ("nps", "cell")])
    ease = Table("let-at-finde-kvartal", [("quarter", "text"), ("ease", "cell"), ("belonging", "cell")])
    for quarter in quarters_to_show(responses):
        rows = by_quarter.get(quarter, [])
        newcomers = [r for r in rows if r.kind == "newcomer"]
        recommend.rows.append({
            "quarter": quarter,
            "newcomer_nps": kpi.cell(_nps_scores(newcomers), kpi.nps),
            "leaver_nps": kpi.cell(_nps_scores([r for r in rows if r.kind == "leaver"]), kpi.nps),
            "positive": kpi.cell(_nps_scores(rows), kpi.positive_share),
            "nps": kpi.cell(_nps_scores(rows), kpi.nps),
        })
        belonging = [r.belonging for r in newcomers if r.belonging]
        ease.rows.append({
            "quarter": quarter,
            "ease": kpi.cell(_ease_scores(newcomers), kpi.ease_share),
            "belonging": kpi.cell(belonging, lambda v: kpi.percent(sum(1 for b in v if b == "yes"), len(v))),
        })
    return recommend, ease


def area_table(responses: list) -> Table:
    """Both KPIs per area over the last four quarters."""
    recent = set(kpi.previous_quarters(current_quarter(), 4))
    by_area = defaultdict(list)
    for r in responses:
        if r.quarter in recent:
            by_area[r.area or ""].append(r)
    table = Table("omraader", [("area", "text"), ("ease", "cell"), ("positive", "cell"), ("nps", "cell")])
    for area in sorted(by_area, key=lambda a: (a == "", a.lower())):
        rows = by_area[area]
        table.rows.append({
            "area": area,
            "ease": kpi.cell(_ease_scores([r for r in rows if r.kind == "newcomer"]), kpi.ease_share),
            "positive": kpi.cell(_nps_scores(rows), kpi.positive_share),
            "nps": kpi.cell(_nps_scores(rows), kpi.nps),
        })
    return table


def reason_table(responses: list) -> Table:
    """Leavers' main reasons, and whether they found a community (all answers)."""
    leavers = [r for r in responses if r.kind == "leaver"]
    table = Table("fraflytning-grunde", [("reason", "text"), ("answers", "cell"), ("found", "cell")])
    by_reason = defaultdict(list)
    for r in leavers:
        by_reason[r.move_reason or "other"].append(r)
    for reason, rows in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        found = [r.found_community for r in rows if r.found_community]
        table.rows.append({
            "reason": reason,
            "answers": kpi.cell(rows, len),
            "found": kpi.cell(found, lambda v: kpi.percent(sum(1 for f in v if f == "yes"), len(v))),
        })
    return table


def headline(responses: list) -> list[Kpi]:
    """The two KPIs over the last four quarters, against target and benchmark."""
    recent = set(kpi.previous_quarters(current_quarter(), 4))
    rows = [r for r in responses if r.quarter in recent]
    out = []
    for key, measure, pick, target_name, bench_name in (
        ("positive", kpi.positive_share, lambda rs: _nps_scores(rs), "SURVEY_POSITIVE_TARGET",
         "SURVEY_POSITIVE_BENCHMARK"),
        ("ease", kpi.ease_share, lambda rs: _ease_scores([r for r in rs if r.kind == "newcomer"]),
         "SURVEY_EASE_TARGET", "SURVEY_EASE_BENCHMARK"),
        ("nps", kpi.nps, lambda rs: _nps_scores(rs), "SURVEY_NPS_TARGET", None),
    ):
        c = kpi.cell(pick(rows), measure)
        benchmark = settings.number(bench_name) if bench_name else None
        first = False
        if benchmark is None and bench_name:
            benchmark, first = _first_measurement(responses, pick, measure), True
        target = settings.number(target_name)
        out.append(Kpi(key, c.shown, c.answers, target, benchmark, first and benchmark is not None,
                       kpi.status_against(c.shown, target)))
    return out


def _first_measurement(responses, pick, measure) -> float | None:
    by_quarter = defaultdict(list)
    for r in responses:
        by_quarter[r.quarter].append(r)
    for quarter in sorted(by_quarter):
        c = kpi.cell(pick(by_quarter[quarter]), measure)
        if not c.suppressed:
            return c.value
    return None


def journeys() -> list[dict[str, datetime | None]]:
    """Each arrival's way through the outreach funnel, from the case timeline and hand-overs.

    The first date of each step is found by the database (a JSON path on the status notes,
    grouped), so 100,000 notes are not decoded in Python.
    """
    out: dict[int, dict] = {}
    case_of: dict[int, int] = {}
    for newcomer_id, created_at, case_id, status, changed_at in db.session.execute(
        sa.select(Newcomer.id, Newcomer.created_at, Case.id, Case.status, Case.status_changed_at)
        .outerjoin(Case, Case.newcomer_id == Newcomer.id)
    ):
        journey = {"arrived": created_at}
        out[newcomer_id] = journey
        if case_id is not None:
            case_of[case_id] = newcomer_id
            step = STATUS_STEP.get(status)
            if step:
                journey["_status"] = (step, changed_at)
    to = CaseNote.data["to"].as_string()
    for case_id, status, at in db.session.execute(
        sa.select(CaseNote.case_id, to, sa.func.min(CaseNote.created_at))
        .where(CaseNote.kind == "status", to.in_(list(NOTE_STEP))).group_by(CaseNote.case_id, to)
    ):
        journey = out.get(case_of.get(case_id))
        if journey is not None:
            journey[NOTE_STEP[status]] = at
    for case_id, handed_at in db.session.execute(
        sa.select(HandOver.case_id, sa.func.min(HandOver.handed_at)).group_by(HandOver.case_id)
    ):
        journey = out.get(case_of.get(case_id))
        if journey is not None and (journey.get("handed_over") is None or handed_at < journey["handed_over"]):
            journey["handed_over"] = handed_at
    for journey in out.values():  # the current status counts even when its note was erased
        step, changed_at = journey.pop("_status", (None, None))
        if step and step not in journey:
            journey[step] = changed_at if step == "anchored" else None
    return list(out.values())


def funnel_table() -> Table:
    table = Table("tragt", [("step", "text"), ("count", "count"), ("conversion", "percent"),
                            ("median_days", "days"), ("timed", "count")])
    for row in kpi.funnel(journeys()):
        table.rows.append({"step": row.step, "count": row.count, "conversion": row.conversion,
                           "median_days": row.median_days, "timed": row.timed})
    return table


def welcome_table() -> Table:
    """Welcome meetings per quarter: meetings, people signed up, people the forums marked as
    having come, and handed-over newcomers recorded as attending."""
    table = Table("velkomstmoeder", [("quarter", "text"), ("events", "count"), ("signups", "count"),
                                     ("came", "count"), ("attended", "count")])
    events = db.session.execute(sa.select(Event.id, Event.starts_at).where(
        Event.kind == "welcome-meeting", Event.status.in_(("approved", "cancelled"))))
    quarter_of = {event_id: kpi.quarter_of(starts) for event_id, starts in events}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"events": 0, "signups": 0, "came": 0, "attended": 0})
    for quarter in quarter_of.values():
        counts[quarter]["events"] += 1
    for event_id, people in db.session.execute(
        sa.select(Registration.event_id, sa.func.sum(Registration.party_size))
        .where(Registration.status == "confirmed").group_by(Registration.event_id)
    ):
        if event_id in quarter_of:
            counts[quarter_of[event_id]]["signups"] += int(people or 0)
    for event_id, people in db.session.execute(
        sa.select(Registration.event_id, sa.func.sum(Registration.party_size))
        .where(Registration.status == "confirmed", Registration.attended_at.is_not(None))
        .group_by(Registration.event_id)
    ):
        if event_id in quarter_of:
            counts[quarter_of[event_id]]["came"] += int(people or 0)
    for event_id, attended in db.session.execute(
        sa.select(HandOver.attended_event_id, sa.func.count()).where(HandOver.attended_at.is_not(None))
        .group_by(HandOver.attended_event_id)
    ):
        if event_id in quarter_of:
            counts[quarter_of[event_id]]["attended"] += int(attended)
    for quarter in sorted(counts):
        table.rows.append({"quarter": quarter, **counts[quarter]})
    return table


def families_table() -> Table:
    """Arrivals per quarter of moving in (or of registration), and how many households have children."""
    table = Table("boernefamilier", [("quarter", "text"), ("arrivals", "count"), ("families", "count"),
                                     ("share", "percent")])
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with_children = sa.case((sa.func.json_array_length(Newcomer.children_ages) > 0, 1), else_=0)
    for moved, arrivals, families in db.session.execute(
        sa.select(Newcomer.move_in_date, sa.func.count(), sa.func.sum(with_children))
        .where(Newcomer.move_in_date.is_not(None)).group_by(Newcomer.move_in_date)
    ):
        quarter = f"{moved.year}-Q{(moved.month - 1) // 3 + 1}"
        counts[quarter][0] += arrivals
        counts[quarter][1] += int(families or 0)
    for created, children in db.session.execute(
        sa.select(Newcomer.created_at, Newcomer.children_ages).where(Newcomer.move_in_date.is_(None))
    ):
        counts[kpi.quarter_of(created)][0] += 1
        counts[kpi.quarter_of(created)][1] += 1 if children else 0
    for quarter in sorted(counts)[-8:]:
        arrivals, families = counts[quarter]
        table.rows.append({"quarter": quarter, "arrivals": arrivals, "families": families,
                           "share": kpi.percent(families, arrivals)})
    return table


def searches_table(days: int = 90) -> Table:
    since = to_local(utcnow()).date() - timedelta(days=days)
    table = Table("soegninger-uden-resultat", [("query", "text"), ("count", "count"), ("days", "count")])
    table.rows = [{"query": q, "count": n, "days": d} for q, n, d in search_log.top_misses(since=since, limit=50)]
    return table


def recent_comments(responses: list, *, limit: int = 30) -> list[tuple[str, str, str]]:
    """(quarter, survey kind, text) of the newest comments over the last four quarters; no area, so a
    comment from a small place does not point at its writer."""
    recent = set(kpi.previous_quarters(current_quarter(), 4))
    rows = sorted((r for r in responses if r.comment and r.quarter in recent), key=lambda r: (r.quarter, r.id),
                  reverse=True)
    return [(r.quarter, r.kind, r.comment) for r in rows[:limit]]


# CSV exports build only their own table.
TABLES = {
    "anbefaling-kvartal": lambda: quarter_tables(_answers())[0],
    "let-at-finde-kvartal": lambda: quarter_tables(_answers())[1],
    "omraader": lambda: area_table(_answers()),
    "fraflytning-grunde": lambda: reason_table(_answers()),
    "tragt": lambda: funnel_table(),
    "velkomstmoeder": lambda: welcome_table(),
    "boernefamilier": lambda: families_table(),
    "soegninger-uden-resultat": lambda: searches_table(),
}


def table(name: str) -> Table | None:
    builder = TABLES.get(name)
    return builder() if builder else None


def build() -> dict:
    """Everything the dashboard shows."""
    responses = _answers()
    recommend, ease = quarter_tables(responses)
    tables = [recommend, ease, area_table(responses), reason_table(responses), funnel_table(), welcome_table(),
              families_table(), searches_table()]
    return {"kpis": headline(responses), "tables": {t.name: t for t in tables}, "answers": len(responses),
            "comments": recent_comments(responses)}
