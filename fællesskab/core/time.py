"""Time helpers: everything is stored in UTC and shown in Copenhagen time."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

TIMEZONE = "Europe/Copenhagen"  # the app's one time zone (also Flask-Babel's, via config)
COPENHAGEN = ZoneInfo(TIMEZONE)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_local(value: datetime) -> datetime:
    """Return `value` in Europe/Copenhagen time (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(COPENHAGEN)


class UTCDateTime(TypeDecorator):
    """A datetime column stored as naive UTC and read back as aware UTC.

    SQLite has no time zones; storing naive UTC everywhere makes both databases
    compare and sort the same way.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime (UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
