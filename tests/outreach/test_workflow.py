"""The workflow's pure transition table (no app, no database)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from fællesskab.core.errors import InvalidTransition
from fællesskab.outreach import workflow as w

ALLOWED = {
    ("new", "contacted"), ("new", "declined"), ("new", "unreachable"),
    ("contacted", "matched"), ("contacted", "declined"), ("contacted", "unreachable"),
    ("matched", "handed_over"), ("matched", "followed_up"), ("matched", "declined"), ("matched", "unreachable"),
    ("handed_over", "followed_up"), ("handed_over", "matched"), ("handed_over", "declined"),
    ("handed_over", "unreachable"),
    ("followed_up", "anchored"), ("followed_up", "matched"), ("followed_up", "declined"),
    ("followed_up", "unreachable"),
    ("declined", "contacted"), ("unreachable", "contacted"),
}


@pytest.mark.parametrize("current", w.STATUSES)
@pytest.mark.parametrize("new", w.STATUSES)
def test_every_pair_of_statuses_is_allowed_or_refused_as_the_table_says(current, new):
    expected = (current, new) in ALLOWED
    assert w.can_transition(current, new) is expected
    if expected:
        w.check_transition(current, new)
    else:
        with pytest.raises(InvalidTransition):
            w.check_transition(current, new)


def test_the_happy_path_reaches_anchored():
    path = ["new", "contacted", "matched", "handed_over", "followed_up", "anchored"]
    for a, b in zip(path, path[1:], strict=False):
        assert w.can_transition(a, b)


def test_anchored_is_the_end_and_closed_statuses_are_not_open():
    assert w.next_statuses("anchored") == []
    assert set(w.CLOSED) == {"anchored", "declined", "unreachable"}
    assert all(not w.is_open(s) for s in w.CLOSED)
    assert all(w.is_open(s) for s in w.OPEN)
    assert not w.is_open("nonsense")


def test_unknown_statuses_are_refused():
    with pytest.raises(InvalidTransition):
        w.check_transition("new", "nonsense")
    assert not w.can_transition("nonsense", "new")
    assert w.next_statuses("nonsense") == []


def test_hand_over_is_only_reached_through_its_own_action():
    assert "handed_over" in w.next_statuses("matched")
    assert "handed_over" not in w.next_statuses("matched", include_actions=False)
    assert w.next_statuses("matched", include_actions=False) == ["followed_up", "declined", "unreachable"]


def test_next_action_dates():
    today = date(2026, 3, 2)
    assert w.next_action_on("new", today) == today + timedelta(days=7)
    assert w.next_action_on("contacted", today) == today + timedelta(days=14)
    assert w.next_action_on("matched", today, follow_up_weeks=6) == today + timedelta(weeks=6)
    assert w.next_action_on("handed_over", today) == today + timedelta(weeks=w.DEFAULT_FOLLOW_UP_WEEKS)
    assert w.next_action_on("followed_up", today) == today + timedelta(days=14)
    for status in w.CLOSED:
        assert w.next_action_on(status, today) is None


def test_due_state():
    today = date(2026, 3, 2)
    assert w.due_state(None, today) is None
    assert w.due_state(today - timedelta(days=1), today) == "overdue"
    assert w.due_state(today, today) == "today"
    assert w.due_state(today + timedelta(days=1), today) is None
