"""Weekly and fortnightly repetition (pure: no Flask, no database).

An occurrence repeats the first start's *Copenhagen wall-clock time*: a
Tuesday 19:00 activity stays at 19:00 across the summer-time changes, as the
RRULE in the calendar feeds says (DTSTART with TZID=Europe/Copenhagen).
All datetimes in and out are aware; results are in UTC.

Not dateutil.rrule: its iterators start at DTSTART, so finding the next start of a
year-long weekly series took 1.5 ms against 38 µs for the arithmetic here, and lists
compute it for every event; the series are only weekly or fortnightly.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ..core.time import COPENHAGEN

INTERVAL_DAYS = {"weekly": 7, "fortnightly": 14}
MAX_SERIES_DAYS = 366  # a series runs at most a year; then the forum posts a new one
# Lists still show an occurrence that began this long ago.
RECENT = timedelta(hours=3)
# The stored next start (`stored_next`) is computed from this far back: RECENT, so every
# list can use it, and an hour more for clocks a little apart (app nodes, a view and a service).
STORED_FROM = RECENT + timedelta(hours=1)


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(COPENHAGEN)


def _nth(first_local: datetime, step_days: int, n: int) -> datetime:
    """The n-th occurrence (0 = first) at the same local time, as UTC."""
    day = first_local.date() + timedelta(days=step_days * n)
    local = datetime.combine(day, first_local.timetz().replace(tzinfo=None), tzinfo=COPENHAGEN)
    return local.astimezone(UTC)


def count(first: datetime, rule: str | None, until: date | None) -> int:
    """How many occurrences the series has (1 for a one-off event)."""
    if not rule or until is None:
        return 1
    step = INTERVAL_DAYS[rule]
    days = (until - _local(first).date()).days
    return max(1, days // step + 1)


def last_start(first: datetime, rule: str | None, until: date | None) -> datetime:
    if not rule or until is None:
        return first
    return _nth(_local(first), INTERVAL_DAYS[rule], count(first, rule, until) - 1)


def starts_between(
    first: datetime, rule: str | None, until: date | None, *, after: datetime | None = None,
    before: datetime | None = None, limit: int = 10,
) -> list[datetime]:
    """Starts (UTC) of up to `limit` occurrences with `after` <= start < `before`."""
    if not rule or until is None:
        ok = (after is None or first >= after) and (before is None or first < before)
        return [first.astimezone(UTC)] if ok and limit > 0 else []
    step = INTERVAL_DAYS[rule]
    first_local = _local(first)
    total = count(first, rule, until)
    n = 0
    if after is not None and after > first:
        # jump close to `after`, then step; a day's slack covers the summer-time shift
        n = max(0, (_local(after).date() - first_local.date()).days // step - 1)
    out: list[datetime] = []
    while n < total and len(out) < limit:
        start = _nth(first_local, step, n)
        if before is not None and start >= before:
            break
        if after is None or start >= after:
            out.append(start)
        n += 1
    return out


def next_start(first: datetime, rule: str | None, until: date | None, after: datetime) -> datetime | None:
    found = starts_between(first, rule, until, after=after, limit=1)
    return found[0] if found else None


def stored_next(first: datetime, rule: str | None, until: date | None, now: datetime) -> datetime | None:
    """The value of `Event.next_starts_at` computed at `now`.

    A one-off event: its start, always (it is exact at any time). A series: its first start at
    or after `now - STORED_FROM`, or None when it has none left. For any moment T >= now -
    STORED_FROM the stored value V is then the first start at or after T when V >= T (no start
    lies in [T, V)); when V < T and the series runs on, V is stale and is computed again.
    """
    if not rule or until is None:
        return first.astimezone(UTC)
    return next_start(first, rule, until, now - STORED_FROM)


def until_as_utc(until: date) -> datetime:
    """The RRULE UNTIL value: the end of the local day `until`, in UTC (RFC 5545 3.3.10)."""
    local_end = datetime.combine(until, time(23, 59, 59), tzinfo=COPENHAGEN)
    return local_end.astimezone(UTC)
