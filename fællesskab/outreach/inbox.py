"""The coordinator's inbox: filters, sorting, counts per status, a page of cases, CSV export, statistics.

Built to hold 50,000 cases (bench/inbox.py): every filter is a column of
`cases` behind an index (languages through `newcomer_languages`), the
default order walks `ix_cases_inbox`, the counts per status come from one
grouped query — which also gives the total — and a page is one LIMIT/OFFSET
query along an index. Only contactable cases are ever listed.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..core import counts
from ..core.csvio import csv_lines
from ..core.pagination import Page, clamp_page
from ..core.text import name_key
from ..extensions import db
from ..places.models import Forum, Place
from . import workflow
from .models import UNKNOWN_MOVE_IN, Case, Newcomer, NewcomerLanguage

VIEW_OPEN = ""       # the default: every open case
VIEW_ALL = "alle"
SORTS = ("frist", "nyeste", "navn", "indflytning")
DUE_CHOICES = ("forfaldne", "overskredne")
PER_PAGE = 50
MAX_QUERY = 100


@dataclass
class InboxFilters:
    status: str = VIEW_OPEN      # '' (open), 'alle', or one status
    place: Place | None = None
    forum: Forum | None = None
    children: bool = False
    language: str = ""
    mine: bool = False
    due: str = ""
    q: str = ""
    sort: str = "frist"
    ignored: list[str] = field(default_factory=list)  # parameters that made no sense (shown, never a 500)

    def as_args(self) -> dict[str, str]:
        """The query arguments that give these filters back (for links and the bulk form's return)."""
        args = {"status": self.status, "sted": self.place.slug if self.place else "",
                "forum": self.forum.slug if self.forum else "", "boern": "1" if self.children else "",
                "sprog": self.language, "mine": "1" if self.mine else "", "frist": self.due, "q": self.q,
                "sortering": self.sort if self.sort != "frist" else ""}
        return {k: v for k, v in args.items() if v}


def _arg(args, name: str) -> str:
    value = args.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def parse_filters(args) -> InboxFilters:
    """Read the inbox's query arguments; anything unknown is ignored (and reported), never an error."""
    f = InboxFilters()
    status = _arg(args, "status")
    if status in workflow.STATUSES or status == VIEW_ALL:
        f.status = status
    elif status:
        f.ignored.append("status")
    slug = _arg(args, "sted")
    if slug:
        f.place = db.session.scalar(sa.select(Place).where(Place.slug == slug[:80]))
        if f.place is None:
            f.ignored.append("sted")
    slug = _arg(args, "forum")
    if slug:
        f.forum = db.session.scalar(sa.select(Forum).where(Forum.slug == slug[:80]))
        if f.forum is None:
            f.ignored.append("forum")
    f.children = _arg(args, "boern") in ("1", "ja", "on", "true")
    language = _arg(args, "sprog").lower()
    if language:
        if len(language) == 2 and language.isalpha() and language.isascii():
            f.language = language
        else:
            f.ignored.append("sprog")
    f.mine = _arg(args, "mine") in ("1", "ja", "on", "true")
    due = _arg(args, "frist")
    if due in DUE_CHOICES:
        f.due = due
    elif due:
        f.ignored.append("frist")
    f.q = " ".join(_arg(args, "q").split())[:MAX_QUERY]
    sort = _arg(args, "sortering")
    if sort in SORTS:
        f.sort = sort
    elif sort:
        f.ignored.append("sortering")
    return f


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(f: InboxFilters, *, user, today: date) -> list:
    """The WHERE conditions of every filter except status, all on `cases` (no join)."""
    conds: list = [Case.is_contactable.is_(True)]
    if f.place is not None:
        conds.append(Case.place_id == f.place.id)
    if f.forum is not None:
        conds.append(Case.forum_id == f.forum.id)
    if f.children:
        conds.append(Case.has_children.is_(True))
    if f.language:
        conds.append(Case.newcomer_id.in_(
            sa.select(NewcomerLanguage.newcomer_id).where(NewcomerLanguage.code == f.language)))
    if f.mine:
        conds.append(Case.assigned_to_id == getattr(user, "id", None))
    if f.due == "forfaldne":
        conds.append(Case.next_action_on <= today)
    elif f.due == "overskredne":
        conds.append(Case.next_action_on < today)
    if f.q:
        # A subquery, not a join: one pass over the names' index, then the cases by their unique newcomer_id.
        conds.append(Case.newcomer_id.in_(sa.select(Newcomer.id).where(
            Newcomer.search_name.like(_like_pattern(name_key(f.q)), escape="\\"))))
    return conds


def _status_condition(f: InboxFilters):
    if f.status == VIEW_OPEN:
        return Case.is_closed.is_(False)
    if f.status == VIEW_ALL:
        return None
    return Case.status == f.status


def status_counts(f: InboxFilters, *, user, today: date) -> dict[str, int]:
    """{status: cases} under every filter but the status one: one grouped query."""
    conds = conditions(f, user=user, today=today)
    rows = db.session.execute(sa.select(Case.status, sa.func.count()).where(*conds).group_by(Case.status)).all()
    counts = {status: 0 for status in workflow.STATUSES}
    counts.update({status: int(n) for status, n in rows})
    return counts


def total_for(f: InboxFilters, counts: dict[str, int]) -> int:
    if f.status == VIEW_OPEN:
        return sum(counts[s] for s in workflow.OPEN)
    if f.status == VIEW_ALL:
        return sum(counts.values())
    return counts.get(f.status, 0)


def select_ids(f: InboxFilters, *, user, today: date, reverse: bool = False) -> tuple[sa.Select, str]:
    """The ids of the filtered cases in the chosen order (or its reverse), and whether they
    are case or newcomer ids.

    Sorting by a newcomer's column walks `newcomers` with the cases' filters as an IN
    subquery: a narrow sort of one table, several times faster than sorting a join.
    """
    conds = conditions(f, user=user, today=today)
    status = _status_condition(f)
    if status is not None:
        conds.append(status)
    if f.sort in ("navn", "indflytning"):
        if f.sort == "navn":
            keys = [(Newcomer.search_name, True), (Newcomer.id, True)]
        else:  # no NULLS LAST (the databases differ): an unknown date sorts as the oldest
            keys = [(sa.func.coalesce(Newcomer.move_in_date, UNKNOWN_MOVE_IN), False), (Newcomer.id, False)]
        stmt = sa.select(Newcomer.id).where(Newcomer.id.in_(sa.select(Case.newcomer_id).where(*conds)))
        return stmt.order_by(*_order(keys, reverse)), "newcomer"
    if f.sort == "nyeste":
        keys = [(Case.id, False)]
    else:  # open cases always have a next action, closed ones never; closed cases go last
        keys = [(Case.is_closed, True), (Case.next_action_on, True), (Case.id, True)]
    return sa.select(Case.id).where(*conds).order_by(*_order(keys, reverse)), "case"


def _order(keys: list[tuple[Any, bool]], reverse: bool) -> list:
    """ORDER BY terms from (column, ascending) pairs; every direction flipped when `reverse`."""
    return [column.asc() if ascending != reverse else column.desc() for column, ascending in keys]


def load_cases(ids: list[int], by: str = "case") -> list[Case]:
    """The cases with these (case or newcomer) ids, in this order, with newcomer, place and assignee loaded."""
    if not ids:
        return []
    column = Case.id if by == "case" else Case.newcomer_id
    found = {getattr(case, "id" if by == "case" else "newcomer_id"): case for case in db.session.scalars(
        sa.select(Case).where(column.in_(ids))
        .options(joinedload(Case.newcomer), joinedload(Case.place), joinedload(Case.assigned_to))).unique()}
    return [found[i] for i in ids if i in found]


def inbox_page(f: InboxFilters, *, user, today: date, page: Any = 1, per_page: Any = PER_PAGE
               ) -> tuple[Page, dict[str, int]]:
    """One page of cases (newcomer, place, assignee loaded) and the counts per status."""
    counts = status_counts(f, user=user, today=today)
    total = total_for(f, counts)
    page, per_page = clamp_page(page, per_page, default_per_page=PER_PAGE)
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    # Sort and skip over narrow rows (ids only); then load the one page of cases with what they show.
    offset = (page - 1) * per_page
    shown = min(per_page, total - offset)
    if offset > total // 2 and shown > 0:
        # A page past the middle is read from the other end: a sort with LIMIT keeps only
        # offset + limit rows, so the last of 1,100 pages costs what the first does.
        stmt, by = select_ids(f, user=user, today=today, reverse=True)
        ids = list(db.session.scalars(stmt.limit(shown).offset(total - offset - shown)))[::-1]
    else:
        stmt, by = select_ids(f, user=user, today=today)
        ids = list(db.session.scalars(stmt.limit(per_page).offset(offset)))
    return Page(items=load_cases(ids, by), page=page, per_page=per_page, total=total), counts


# ---------- the coordinator's front page ----------

@dataclass
class TodaysWork:
    """The first few new cases and follow-ups due (each with its total), and how many are overdue."""

    new: Page
    due: Page
    overdue: int
    new_filters: InboxFilters
    due_filters: InboxFilters
    overdue_filters: InboxFilters


def todays_work(*, user, today: date, limit: int = 5) -> TodaysWork:
    """Today's cases for the front page, through the inbox's own filters (so its links show the same)."""
    new_f = InboxFilters(status=workflow.NEW, sort="nyeste")
    due_f = InboxFilters(due="forfaldne")
    overdue_f = InboxFilters(due="overskredne")
    new, _counts = inbox_page(new_f, user=user, today=today, per_page=limit)
    due, _counts = inbox_page(due_f, user=user, today=today, per_page=limit)
    overdue = total_for(overdue_f, status_counts(overdue_f, user=user, today=today))
    return TodaysWork(new, due, overdue, new_f, due_f, overdue_f)


# ---------- statistics (everyone counts, consent or not) ----------

def statistics() -> dict[str, Any]:
    """Newcomers with and without consent, and anchored cases: no names, only numbers.

    Both read an index (newcomers.consent_contact, cases' status index), still 10–45 ms at
    national scale for numbers that rarely move: kept a short while (core/counts.py).
    """
    return counts.cached("inbox_statistics", None, _statistics, tables=("newcomers", "cases"))


def _statistics() -> dict[str, Any]:
    by_consent = dict(db.session.execute(
        sa.select(Newcomer.consent_contact, sa.func.count()).group_by(Newcomer.consent_contact)).all())
    consenting, without = int(by_consent.get(True, 0)), int(by_consent.get(False, 0))
    anchored = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.is_contactable.in_((True, False)), Case.status == workflow.ANCHORED)) or 0
    return {"total": consenting + without, "consenting": consenting, "without_consent": without,
            "anchored": int(anchored)}


# ---------- CSV export ----------

BASE_COLUMNS = ("sag", "status", "sted", "lokalraadsomraade", "overdraget_til", "voksne", "boern_alder", "sprog",
                "interesser", "kilde", "indflytning_maaned", "oprettet", "naeste_handling", "tildelt")
PERSONAL_COLUMNS = ("navn", "email", "telefon", "adresse", "postnummer", "by", "indflytning")


def export_csv(f: InboxFilters, *, user, today: date, personal: bool) -> Iterator[str]:
    """The filtered cases as CSV lines; personal columns only when `personal` (admins)."""
    columns = BASE_COLUMNS + (PERSONAL_COLUMNS if personal else ())
    return csv_lines(columns, _export_rows(f, user=user, today=today, personal=personal))


def _export_rows(f: InboxFilters, *, user, today: date, personal: bool) -> Iterator[list]:
    forums = dict(db.session.execute(sa.select(Forum.id, Forum.name)).all())
    places = dict(db.session.execute(sa.select(Place.id, Place.name)).all())
    stmt, by = select_ids(f, user=user, today=today)
    ids = list(db.session.scalars(stmt))
    for start in range(0, len(ids), 1000):  # in chunks: a 50,000-row export never holds every case in memory
        chunk = load_cases(ids[start:start + 1000], by)
        for case in chunk:
            n = case.newcomer
            row = [case.id, case.status, places.get(case.place_id, ""), forums.get(case.forum_id, ""),
                   forums.get(case.handed_to_forum_id, ""), n.adults, ";".join(str(a) for a in n.children_ages or []),
                   ";".join(n.languages or []), ";".join(n.interests or []), n.source,
                   n.move_in_date.strftime("%Y-%m") if n.move_in_date else "",
                   case.created_at.date().isoformat(),
                   case.next_action_on.isoformat() if case.next_action_on else "",
                   case.assigned_to.email if case.assigned_to else ""]
            if personal:
                row += [n.name, n.email, n.phone, n.address, n.postcode, n.town,
                        n.move_in_date.isoformat() if n.move_in_date else ""]
            yield row
        for case in chunk:  # let go of what was written
            db.session.expunge(case.newcomer)
            db.session.expunge(case)
