"""Score and explain how well an association or event fits a newcomer household.

Pure module: no Flask, no database. `services.py` finds the candidates and
measures distance and interest fit (through the search index); this module
turns them into a score, picks a diverse top list and says why, as reason
codes that `reasons.py` puts into words. The score is explained, with a
worked example, in docs/matching.md.

    score = penalty × fit × proximity

    fit       = (0.45·I + 0.25·A + 0.15·L + 0.15·W) / Σ weights used
    proximity = 0.3 + 0.7·D

* D — distance: 1 / (1 + (km / 5)²); 1 next door, ½ at 5 km, 0.2 at 10 km;
  nothing beyond `max_km`. Proximity multiplies the fit, so a perfect match
  far away does not push a good one next door down the list, and never
  falls below 0.3, so a perfect match 10 km away still beats a poor one
  next door.
* I — interest fit, 0–1 (computed by the caller from the search analysis);
  left out — and the other weights scaled up — when the household named no
  interests.
* A — age fit: 1 when a child's age is inside the listing's age range, 0.9
  for an adult activity for a household without children, 0.6 when the
  listing is open to all ages … (`age_fit`).
* L — language: 1 when the listing uses the household's first language, 0.8
  for another of its languages; a household without Danish gets Danish-only
  listings with L = 0 and the language penalty.
* W — welcome: 1 for "welcomes newcomers" (or an event meant for new people),
  0.5 when unknown, 0.2 when the listing says no.
* penalty — 0.35 when nobody in the household fits the age range, 0.7 when
  the listing shares no language with the household; both multiply.

Events: an event in the household's own village or town counts as next
door (proximity 1: the village is where they live), and then a welcome
meeting there is moved half-way to 1 (`s + 0.5·(1 − s)`), any other event
there by 0.15. A welcome meeting without an age range fits every age.

Ties are broken by distance, then associations before events, then name,
then id, so the order is always the same.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from math import isfinite
from typing import Callable, Iterable, Sequence, TypeVar

W_INTEREST, W_AGE, W_LANGUAGE, W_WELCOME = 0.45, 0.25, 0.15, 0.15
HALF_KM = 5.0  # the distance at which D is ½
PROXIMITY_FLOOR = 0.3  # proximity = floor + (1 - floor)·D
AGE_PENALTY = 0.35  # nobody in the household fits the age range
LANGUAGE_PENALTY = 0.7  # no language in common (the household has no Danish)
VILLAGE_WELCOME_BOOST = 0.5  # a welcome meeting where the household lives
VILLAGE_EVENT_BOOST = 0.15  # any other event there
RELATED_CATEGORY_FIT = 0.25  # same category as a named interest, but not the interest itself
CATEGORY_CAP = 3  # at most this many of one category …
DIVERSITY_BLOCK = 10  # … in each run of this many results
ADULT_AGE = 18
SENIOR_AGE = 55  # a range starting here or later is for seniors
CHILD_GROUPS = {"children": (0, 12), "teens": (13, 17)}
WELCOME_BY_KIND = {"welcome-meeting": 1.0, "open-house": 0.9, "fair": 0.9, "social": 0.7, "activity": 0.6}
MAX_REASONS = 4


@dataclass(frozen=True)
class Household:
    """Who is looking: what the newcomer told us (never stored)."""

    children_ages: tuple[int, ...] = ()
    adults: int = 1
    languages: tuple[str, ...] = ("da",)  # ISO 639-1, most preferred first
    has_interests: bool = False
    seniors: bool = False  # asked for seniors' activities ("seniors", "pensionist" …)
    max_km: float = 15.0

    @property
    def primary_language(self) -> str:
        return self.languages[0] if self.languages else "da"

    @property
    def speaks_danish(self) -> bool:
        return "da" in self.languages or not self.languages


@dataclass(frozen=True)
class Listing:
    """What the ranking needs to know about an association or an event."""

    category: str = ""
    age_min: int | None = None
    age_max: int | None = None
    target_groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("da",)
    welcomes_newcomers: bool | None = None
    event_kind: str | None = None  # None for an association


@dataclass(frozen=True)
class Reason:
    """A reason code and its values; `reasons.py` puts it into words."""

    code: str  # distance | event | interest | age | language | village | newcomers | category
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Static:
    """The part of the score that depends on neither distance nor interests.

    score = scale × (w_interest·I + base) × proximity, see `static_fit`.
    """

    scale: float
    base: float
    age: float
    age_reason: Reason | None
    language: float
    language_reason: Reason | None
    welcome: float
    penalty: float


# --- components -----------------------------------------------------------------------------


def distance_fit(km: float) -> float:
    """D: 1 next door, ½ at HALF_KM, falling smoothly (never negative)."""
    r = max(km, 0.0) / HALF_KM
    return 1.0 / (1.0 + r * r)


def proximity(km: float) -> float:
    """The factor distance puts on the fit: from 1 next door down towards PROXIMITY_FLOOR."""
    return PROXIMITY_FLOOR + (1.0 - PROXIMITY_FLOOR) * distance_fit(km)


def age_range(listing: Listing) -> tuple[int, int] | None:
    """The listing's age range, from its bounds or (without them) its target groups.

    None: open to every age.
    """
    if listing.age_min is not None or listing.age_max is not None:
        return (listing.age_min or 0, listing.age_max if listing.age_max is not None else 200)
    groups = set(listing.target_groups)
    child = [CHILD_GROUPS[g] for g in groups if g in CHILD_GROUPS]
    if child and groups <= {"children", "teens", "families"} and "families" not in groups:
        return (min(lo for lo, _hi in child), max(hi for _lo, hi in child))
    return None


def age_groups_key(target_groups) -> tuple:
    """What `age_fit` reads of a listing's target groups: which of the groups it names
    are there, and whether any other is (listings alike in this get the same age fit)."""
    groups = target_groups or ()
    return (tuple(g for g in _SCORED_GROUPS if g in groups), any(g not in _SCORED_GROUPS for g in groups))


def age_fit(h: Household, listing: Listing) -> tuple[float, float, Reason | None]:
    """A and its penalty: (fit 0–1, multiplier, reason)."""
    rng = age_range(listing)
    families = "families" in listing.target_groups
    if rng is None and listing.event_kind == "welcome-meeting":
        return 1.0, 1.0, None  # a welcome meeting is for the whole household
    if rng is None:
        if families and h.children_ages:
            return 0.9, 1.0, Reason("age", {"kind": "family"})
        if h.children_ages and any(g in CHILD_GROUPS for g in listing.target_groups):
            return 0.85, 1.0, Reason("age", {"kind": "children_too"})
        return 0.6, 1.0, None
    lo, hi = rng
    fitting = [a for a in h.children_ages if lo <= a <= hi]
    explicit = listing.age_min is not None or listing.age_max is not None
    shown = {"min": listing.age_min if explicit else lo, "max": listing.age_max if explicit else hi}
    if fitting:
        return 1.0, 1.0, Reason("age", {"kind": "children", **shown})
    adult_ok = h.adults > 0 and hi >= ADULT_AGE
    if adult_ok and lo >= SENIOR_AGE:
        if h.seniors:
            return 1.0, 1.0, Reason("age", {"kind": "seniors", **shown})
        return 0.4, 1.0, Reason("age", {"kind": "seniors", **shown})
    if adult_ok:
        if lo >= ADULT_AGE and not h.children_ages:
            return 0.9, 1.0, Reason("age", {"kind": "adults", **shown}) if hi < 200 else None
        return (0.7 if h.children_ages else 0.9), 1.0, None
    return 0.0, AGE_PENALTY, Reason("age", {"kind": "range", **shown})


def language_fit(h: Household, languages: Sequence[str]) -> tuple[float, float, Reason | None]:
    """L and its penalty: (fit 0–1, multiplier, reason)."""
    langs = tuple(languages) or ("da",)
    primary = h.primary_language
    if primary in langs:
        if primary != "da":
            return 1.0, 1.0, Reason("language", {"kind": "speaks", "lang": primary})
        return 1.0, 1.0, None
    shared = [lang for lang in h.languages if lang in langs]
    if shared:
        if shared[0] != "da":
            return 0.8, 1.0, Reason("language", {"kind": "speaks", "lang": shared[0]})
        return 0.8, 1.0, Reason("language", {"kind": "only", "lang": "da"})
    if h.speaks_danish:  # e.g. an English-only listing for a Danish household
        return 0.5, 1.0, Reason("language", {"kind": "only", "lang": langs[0]})
    return 0.0, LANGUAGE_PENALTY, Reason("language", {"kind": "only", "lang": langs[0]})


def welcome_fit(listing: Listing) -> float:
    """W: how clearly the listing says that new people are welcome."""
    if listing.event_kind is not None:
        return WELCOME_BY_KIND.get(listing.event_kind, 0.6)
    if listing.welcomes_newcomers or "newcomers" in listing.target_groups:
        return 1.0
    return 0.5 if listing.welcomes_newcomers is None else 0.2


def weights(h: Household) -> tuple[float, float]:
    """(interest weight, 1 / sum of the weights used)."""
    w_interest = W_INTEREST if h.has_interests else 0.0
    return w_interest, 1.0 / (w_interest + W_AGE + W_LANGUAGE + W_WELCOME)


def static_fit(h: Household, listing: Listing) -> Static:
    """Everything but distance and interests, folded into `scale` and `base`."""
    a, a_pen, a_reason = age_fit(h, listing)
    lang, l_pen, l_reason = language_fit(h, listing.languages)
    w = welcome_fit(listing)
    scale, base = fold(h, a, a_pen, lang, l_pen, w)
    return Static(scale=scale, base=base, age=a, age_reason=a_reason, language=lang, language_reason=l_reason,
                  welcome=w, penalty=a_pen * l_pen)


def fold(h: Household, age: float, age_penalty: float, language: float, language_penalty: float,
         welcome: float) -> tuple[float, float]:
    """(scale, base) of `Static` from the parts (the bulk path in candidates.py caches the parts)."""
    _wi, norm = weights(h)
    return age_penalty * language_penalty * norm, W_AGE * age + W_LANGUAGE * language + W_WELCOME * welcome


def max_base() -> float:
    """The largest `Static.base` any listing can have (for bounds)."""
    return W_AGE + W_LANGUAGE + W_WELCOME


def combine(static: Static, near: float, interest: float, w_interest: float) -> float:
    """The score from the static part, the proximity factor and I."""
    return static.scale * (w_interest * interest + static.base) * near


def village_boost(score: float, event_kind: str | None, in_home_village: bool) -> float:
    """Move an event where the household lives towards 1."""
    if not in_home_village or event_kind is None:
        return score
    boost = VILLAGE_WELCOME_BOOST if event_kind == "welcome-meeting" else VILLAGE_EVENT_BOOST
    return score + boost * (1.0 - score)


def combine_interests(strengths: Iterable[float]) -> float:
    """I from the fit of each named interest (0–1 each): the best, plus 0.1 for each other good one."""
    values = sorted((s for s in strengths if s > 0), reverse=True)
    if not values:
        return 0.0
    return min(1.0, values[0] + 0.1 * sum(1 for s in values[1:] if s >= 0.5))


def score(h: Household, listing: Listing, km: float, interest: float = 0.0, *,
          in_home_village: bool = False) -> float:
    """The full score of one candidate (the reference the bulk path in services follows)."""
    if not isfinite(km) or km > h.max_km:
        return 0.0
    w_interest, _norm = weights(h)
    near = 1.0 if in_home_village and listing.event_kind is not None else proximity(km)
    s = combine(_static_for(h, listing), near, interest, w_interest)
    return village_boost(s, listing.event_kind, in_home_village)


_memo = threading.local()
MEMO_SIZE = 4096
_SCORED_GROUPS = ("children", "teens", "families", "newcomers")  # the groups age_fit and welcome_fit name


def _static_for(h: Household, listing: Listing) -> Static:
    """`static_fit`, remembered for the household being ranked (this thread's last one).

    A match scores thousands of events, most of which share their host's
    profile; the memo lives only until another household is ranked, so it
    never answers for a request it was not computed in.
    """
    memo = getattr(_memo, "value", None)
    if memo is None or memo[0] is not h or len(memo[1]) > MEMO_SIZE:
        memo = _memo.value = (h, {})
    groups = listing.target_groups
    # Keyed by what the fit reads: which of the groups that matter are there, and whether any other is.
    key = (listing.age_min, listing.age_max, age_groups_key(groups), listing.languages, listing.welcomes_newcomers,
           listing.event_kind)
    static = memo[1].get(key)
    if static is None:
        static = memo[1][key] = static_fit(h, listing)
    return static


# --- reasons --------------------------------------------------------------------------------


def reasons(h: Household, listing: Listing, km: float, *, matched: Sequence[str] = (),
            starts_at: datetime | None = None, village: str | None = None,
            static: Static | None = None) -> list[Reason]:
    """2–4 reason codes, most telling first: distance, the event's date, the interest,
    the age, the language, the village, the welcome; the category fills up."""
    static = static or static_fit(h, listing)
    out = [Reason("distance", {"km": km})]
    if listing.event_kind is not None and starts_at is not None:
        out.append(Reason("event", {"kind": listing.event_kind, "starts_at": starts_at}))
    if matched:
        out.append(Reason("interest", {"words": list(matched[:2])}))
    if static.age_reason is not None:
        out.append(static.age_reason)
    if static.language_reason is not None:
        out.append(static.language_reason)
    if village:
        out.append(Reason("village", {"place": village}))
    if listing.event_kind is None and static.welcome >= 1.0:
        out.append(Reason("newcomers"))
    if len(out) < 2 and listing.category:
        out.append(Reason("category", {"category": listing.category}))
    return out[:MAX_REASONS]


# --- order and diversity --------------------------------------------------------------------

T = TypeVar("T")


def sort_key(score_value: float, km: float, kind: str, name: str, item_id: int) -> tuple:
    """Best first; ties by distance, associations before events, name, id."""
    return (-round(score_value, 9), round(km, 6), 0 if kind == "association" else 1, name.casefold(), item_id)


def select_diverse(items: Sequence[T], limit: int, category: Callable[[T], str], *,
                   exempt: Iterable[str] = (), cap: int = CATEGORY_CAP, block: int = DIVERSITY_BLOCK) -> list[T]:
    """Pick `limit` items from `items` (best first) with at most `cap` of one category
    in each run of `block` results; when too few categories are left, the best
    of the skipped fill the run. Categories in `exempt` (the one category a
    household asked for) have no cap.
    """
    exempt = set(exempt)
    remaining = list(items)
    out: list[T] = []
    while remaining and len(out) < limit:
        room = min(block, limit - len(out))
        counts: dict[str, int] = {}
        chosen: list[int] = []
        for i, item in enumerate(remaining):
            c = category(item)
            if c in exempt or counts.get(c, 0) < cap:
                counts[c] = counts.get(c, 0) + 1
                chosen.append(i)
                if len(chosen) == room:
                    break
        if len(chosen) < room:  # too few categories: fill with the best skipped ones
            taken = set(chosen)
            chosen += [i for i in range(len(remaining)) if i not in taken][: room - len(chosen)]
            chosen.sort()
        out += [remaining[i] for i in chosen]
        taken = set(chosen)
        remaining = [item for i, item in enumerate(remaining) if i not in taken]
    return out
