"""The outreach workflow as a pure transition table (no Flask, no database).

    new → contacted → matched → handed_over → followed_up → anchored
                        │                         ▲
                        └─────────────────────────┘  (no forum: follow up directly)

Any open case may end as declined or unreachable; those two can be reopened
(the person changed their mind, or answered after all). A hand-over can be
taken back (handed_over → matched), and a follow-up that finds the person
still without a community goes back to matched. Anchored is the end.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from ..core.errors import InvalidTransition

NEW = "new"
CONTACTED = "contacted"
MATCHED = "matched"
HANDED_OVER = "handed_over"
FOLLOWED_UP = "followed_up"
ANCHORED = "anchored"
DECLINED = "declined"
UNREACHABLE = "unreachable"

STATUSES = (NEW, CONTACTED, MATCHED, HANDED_OVER, FOLLOWED_UP, ANCHORED, DECLINED, UNREACHABLE)
CLOSED = frozenset({ANCHORED, DECLINED, UNREACHABLE})
OPEN = tuple(s for s in STATUSES if s not in CLOSED)

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({CONTACTED, DECLINED, UNREACHABLE}),
    CONTACTED: frozenset({MATCHED, DECLINED, UNREACHABLE}),
    MATCHED: frozenset({HANDED_OVER, FOLLOWED_UP, DECLINED, UNREACHABLE}),
    HANDED_OVER: frozenset({FOLLOWED_UP, MATCHED, DECLINED, UNREACHABLE}),
    FOLLOWED_UP: frozenset({ANCHORED, MATCHED, DECLINED, UNREACHABLE}),
    ANCHORED: frozenset(),
    DECLINED: frozenset({CONTACTED}),
    UNREACHABLE: frozenset({CONTACTED}),
}

# Statuses reached only through their own action (which checks more than the table):
# a hand-over needs the person's consent and a forum that serves their place.
VIA_ACTION = {HANDED_OVER: "handover"}

# Entering these starts the follow-up clock: the case is due after the configured weeks.
FOLLOW_UP_AFTER = frozenset({MATCHED, HANDED_OVER})
DEFAULT_FOLLOW_UP_WEEKS = 4
# Days until the next action is due when a case enters these statuses.
NEXT_ACTION_DAYS = {NEW: 7, CONTACTED: 14, FOLLOWED_UP: 14}


def can_transition(current: str, new: str) -> bool:
    """Whether the table allows `current` → `new`."""
    return new in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, new: str) -> None:
    """:raises InvalidTransition: the table does not allow `current` → `new`."""
    if new not in TRANSITIONS:
        raise InvalidTransition(_("Ukendt status %(new)s.", new=repr(new)))
    if not can_transition(current, new):
        raise InvalidTransition(_("En sag med status %(current)s kan ikke få status %(new)s.",
                                  current=repr(current), new=repr(new)))


def next_statuses(current: str, *, include_actions: bool = True) -> list[str]:
    """The statuses a case may move to, in workflow order."""
    allowed = TRANSITIONS.get(current, frozenset())
    return [s for s in STATUSES if s in allowed and (include_actions or s not in VIA_ACTION)]


def is_open(status: str) -> bool:
    return status in TRANSITIONS and status not in CLOSED


def next_action_on(status: str, today: date, *, follow_up_weeks: int = DEFAULT_FOLLOW_UP_WEEKS) -> date | None:
    """The date a case entering `status` on `today` should next be looked at (None once closed)."""
    if status in CLOSED:
        return None
    if status in FOLLOW_UP_AFTER:
        return today + timedelta(weeks=follow_up_weeks)
    return today + timedelta(days=NEXT_ACTION_DAYS.get(status, 7))


def due_state(next_action: date | None, today: date) -> str | None:
    """'overdue', 'today' or None (not due yet, or no next action)."""
    if next_action is None:
        return None
    if next_action < today:
        return "overdue"
    if next_action == today:
        return "today"
    return None
