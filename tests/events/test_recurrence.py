"""The pure repetition rules: wall-clock time across summer time, counts, windows."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from fællesskab.events import recurrence

CPH = ZoneInfo("Europe/Copenhagen")


def local(*args):
    return datetime(*args, tzinfo=CPH).astimezone(UTC)


def test_weekly_keeps_the_local_time_across_summer_time():
    first = local(2027, 3, 16, 19, 0)  # winter time, 18:00 UTC
    starts = recurrence.starts_between(first, "weekly", date(2027, 4, 6), limit=10)
    assert [s.astimezone(CPH).strftime("%d/%m %H:%M") for s in starts] == [
        "16/03 19:00", "23/03 19:00", "30/03 19:00", "06/04 19:00"]
    assert [s.hour for s in starts] == [18, 18, 17, 17]  # UTC shifts when summer time begins (28 March)


def test_fortnightly_and_the_end_date_is_inclusive():
    first = local(2027, 9, 1, 17, 30)
    starts = recurrence.starts_between(first, "fortnightly", date(2027, 9, 29), limit=10)
    assert [s.astimezone(CPH).day for s in starts] == [1, 15, 29]
    assert recurrence.count(first, "fortnightly", date(2027, 9, 28)) == 2
    assert recurrence.last_start(first, "fortnightly", date(2027, 9, 28)) == local(2027, 9, 15, 17, 30)


def test_occurrences_after_a_moment_and_before_another():
    first = local(2027, 1, 5, 10, 0)
    after = local(2027, 2, 1, 0, 0)
    got = recurrence.starts_between(first, "weekly", date(2027, 12, 31), after=after, limit=2)
    assert [s.astimezone(CPH).date() for s in got] == [date(2027, 2, 2), date(2027, 2, 9)]
    got = recurrence.starts_between(first, "weekly", date(2027, 12, 31), after=after,
                                    before=local(2027, 2, 5, 0, 0), limit=10)
    assert len(got) == 1
    assert recurrence.next_start(first, "weekly", date(2027, 1, 20), after=after) is None


def test_a_one_off_event_is_its_own_only_occurrence():
    first = local(2027, 5, 1, 12, 0)
    assert recurrence.starts_between(first, None, None) == [first]
    assert recurrence.starts_between(first, None, None, after=local(2027, 5, 2, 0, 0)) == []
    assert recurrence.count(first, None, None) == 1


def test_until_is_the_end_of_the_local_day_in_utc():
    assert recurrence.until_as_utc(date(2027, 6, 15)) == datetime(2027, 6, 15, 21, 59, 59, tzinfo=UTC)
    assert recurrence.until_as_utc(date(2027, 12, 15)) == datetime(2027, 12, 15, 22, 59, 59, tzinfo=UTC)
