"""Filtering the audit log for the admin's viewer: who saw or changed whose data, when."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from ..core.audit import AuditEntry
from ..core.csvio import csv_text
from ..core.params import parse_id
from ..core.time import COPENHAGEN, to_local
from ..extensions import db

MAX_CSV_ROWS = 50_000


@dataclass
class Filters:
    actor: str = ""
    action: str = ""
    subject_type: str = ""
    subject_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any((self.actor, self.action, self.subject_type, self.subject_id is not None, self.date_from,
                    self.date_to))


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


def parse_filters(args: Mapping[str, Any]) -> Filters:
    """Untrusted query arguments → Filters; what cannot be read is ignored."""
    return Filters(
        actor=str(args.get("actor") or "").strip()[:100],
        action=str(args.get("action") or "").strip()[:32],
        subject_type=str(args.get("subject_type") or "").strip()[:32],
        subject_id=parse_id(args.get("subject_id"), field="subject_id"),  # odd values: a 400 naming it
        date_from=_date(args.get("from")),
        date_to=_date(args.get("to")),
    )


def _utc_start(day: date) -> datetime:
    """Midnight in Copenhagen at the start of `day`, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=COPENHAGEN).astimezone(UTC)


def select(filters: Filters) -> sa.Select:
    """The entries matching `filters`, newest first."""
    stmt = sa.select(AuditEntry)
    if filters.actor:
        term = "%" + filters.actor.lower().replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(sa.func.lower(AuditEntry.actor_label).like(term))
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.subject_type:
        stmt = stmt.where(AuditEntry.subject_type == filters.subject_type)
    if filters.subject_id is not None:
        stmt = stmt.where(AuditEntry.subject_id == filters.subject_id)
    if filters.date_from:
        stmt = stmt.where(AuditEntry.at >= _utc_start(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEntry.at < _utc_start(filters.date_to + timedelta(days=1)))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def choices() -> tuple[list[str], list[str]]:
    """The actions and subject types present in the log, for the filter menus."""
    actions = list(db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
    types = list(db.session.scalars(sa.select(AuditEntry.subject_type).distinct().order_by(AuditEntry.subject_type)))
    return actions, types


CSV_COLUMNS = ("tidspunkt", "bruger", "handling", "emnetype", "emne-id", "detaljer")


def to_csv(entries: Iterable[AuditEntry]) -> str:
    """The entries as CSV (Copenhagen time; BOM; cells that look like formulas neutralised)."""
    return csv_text(CSV_COLUMNS, ([to_local(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_label, e.action,
                                   e.subject_type, "" if e.subject_id is None else e.subject_id, e.detail]
                                  for e in entries))
