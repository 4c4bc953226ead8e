"""Rank and explain how well an association or event fits a newcomer household.

Pure module: no Flask, no database. `services.py` finds the candidates and
measures distance and which named interests each matches (through the search
index); this module applies the ranking contract of docs/matching.md:

1. Named interests first: a listing matching a typed word ranks above one that
   only falls in a ticked broad category, which ranks above one matching
   nothing; more named interests matched ranks above fewer.
2. Every named interest is represented in the top results (`pick_represented`).
3. Hard limits (`excluded`): nothing beyond `max_km`; a children's listing no
   child fits; for a household without Danish, a listing sharing none of its
   languages unless it says newcomers (everyone) are welcome.
4. Within a tier: age fit, language, "welcomes newcomers", then distance, with
   "near" (within NEAR_KM) beating any difference in text score.
5. Listings that match nothing named are kept apart ("others").
6. A welcome meeting in the household's own town comes first in its section.
7. Reasons as codes (`Reason`), put into words by `reasons.py`.
8. No interests named: age fit, language, welcome and distance, with variety
   across categories (`select_diverse`).

`rank_score` packs these levels into one number in [0, 1): higher is better,
and comparing two scores is comparing the levels in the order above.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from math import isfinite
from typing import NamedTuple, TypeVar

HALF_KM = 5.0  # the distance at which D is ½
NEAR_KM = 5.0  # "near": within this, closeness beats any difference in text score
AGE_PENALTY = 0.35  # age_fit's multiplier when nobody in the household fits (such listings are left out)
LANGUAGE_PENALTY = 0.7  # language_fit's multiplier when no language is shared (the household has no Danish)
CATEGORY_CAP = 3  # at most this many of one category …
DIVERSITY_BLOCK = 10  # … in each run of this many results
MAX_MATCHED = 3  # more named interests matched than this rank as this many
STRONG_MATCH = 0.8  # a typed word found in the name, tags or summary (not only the description)
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
    internationals: bool = False  # says people from anywhere (and any language) are welcome


@dataclass(frozen=True)
class Reason:
    """A reason code and its values; `reasons.py` puts it into words."""

    code: str  # distance | event | interest | age | language | village | newcomers | category
    params: dict = field(default_factory=dict)


class Static(NamedTuple):
    """The part of the ranking that depends on neither distance nor interests.

    (A named tuple: a match makes one per listing profile in reach, and a frozen dataclass
    costs several times as much to make.)"""

    age: float
    age_reason: Reason | None
    language: float
    language_reason: Reason | None
    welcome: float
    penalty: float  # < 1: the age or language hard limit applies (see `excluded`)
    excluded: bool


# --- components -----------------------------------------------------------------------------


def distance_fit(km: float) -> float:
    """D: 1 next door, ½ at HALF_KM, falling smoothly (never negative)."""
    r = max(km, 0.0) / HALF_KM
    return 1.0 / (1.0 + r * r)


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


def static_fit(h: Household, listing: Listing, memo: dict | None = None) -> Static:
    """Everything but distance and interests.

    :param memo: a dict kept for one household while it is ranked: the age fit and the
        language fit are remembered by what they read (a few dozen age ranges and language
        sets among thousands of listings).
    """
    if memo is None:
        a, a_pen, a_reason = age_fit(h, listing)
        lang, l_pen, l_reason = language_fit(h, listing.languages)
    else:
        key = (listing.age_min, listing.age_max, listing.target_groups, listing.event_kind)
        found = memo.get(key)
        if found is None:
            found = memo[key] = age_fit(h, listing)
        a, a_pen, a_reason = found
        key = (listing.languages,)  # (a 1-tuple: never an age key)
        found = memo.get(key)
        if found is None:
            found = memo[key] = language_fit(h, listing.languages)
        lang, l_pen, l_reason = found
    w = welcome_fit(listing)
    says_all_welcome = listing.welcomes_newcomers is True or listing.internationals \
        or listing.event_kind == "welcome-meeting"
    excluded = a_pen < 1 or (l_pen < 1 and not says_all_welcome)
    return Static(age=a, age_reason=a_reason, language=lang, language_reason=l_reason, welcome=w,
                  penalty=a_pen * l_pen, excluded=excluded)


def excluded(h: Household, listing: Listing, km: float, static: Static | None = None) -> bool:
    """Rule 3, the hard limits: beyond max_km; a children's listing no child fits (an adults'
    listing stays: the parents can go); for a household without Danish, a listing that shares
    none of its languages, unless it says newcomers are welcome."""
    return not isfinite(km) or km > h.max_km or (static or _static_for(h, listing)).excluded


def age_class(h: Household, age: float) -> int:
    """2: fits (a child's age, a family listing, adults' for adults; for a household without
    children, open to all too); 1: acceptable (open to all, an adults' activity for a family);
    0: poor (a seniors' activity for others)."""
    if age >= 0.85 or (not h.children_ages and age >= 0.6):
        return 2
    return 1 if age >= 0.6 else 0


def rank_score(h: Household, listing: Listing, km: float, *, typed: int = 0, ticked: int = 0,
               strength: float = 0.0, at_home: bool = False, static: Static | None = None) -> float:
    """The rank of one candidate as a number in [0, 1): higher first.

    The levels, most significant first: a welcome meeting in the household's own town;
    the interest tier (a typed word matched › only a ticked category › nothing); how many
    named interests matched; a typed word found in the name, tags or summary (not only in
    the description); age class; a shared language; welcome (not "no"); near
    (within NEAR_KM, or in the own town); and last a fine part of closeness (most), text
    strength and welcome.

    :param typed: how many typed interests the listing matches; `ticked`: ticked categories.
    :param strength: the best text-match strength of a typed interest, 0–1.
    :param static: `static_fit(h, listing)` when the caller has it (the bulk path keeps one per profile).
    """
    static = static or _static_for(h, listing)
    home = 1 if at_home and listing.event_kind == "welcome-meeting" else 0
    tier = 2 if typed else (1 if ticked else 0)
    matched = min(typed + ticked, MAX_MATCHED)
    near = 1 if at_home or km <= NEAR_KM else 0
    d = 1.0 if at_home else distance_fit(km)
    fine = (0.6 * d + 0.25 * min(max(strength, 0.0), 1.0) + 0.15 * static.welcome) * 0.999
    strong = 1 if typed and strength >= STRONG_MATCH else 0
    levels = ((home, 2), (tier, 3), (matched, MAX_MATCHED + 1), (strong, 2), (age_class(h, static.age), 3),
              (1 if static.language >= 0.8 else 0, 2), (1 if static.welcome >= 0.5 else 0, 2), (near, 2))
    value, scale = 0, 1
    for level, size in levels:
        value = value * size + level
        scale *= size
    return (value + fine) / scale


def title_ages(title: str) -> tuple[int | None, int | None] | None:
    """The ages an event's title names in the Danish team style: "U9–U12" is ages 8–11
    ("under 9" to "under 12"), "U10" ages up to 9; None when it names none."""
    m = _U_AGES.search(title or "")
    if not m:
        return None
    lo, hi = int(m.group(1)), int(m.group(2) or 0)
    if hi:
        return (max(lo - 1, 0), hi - 1) if hi >= lo else None
    return (None, lo - 1)


_U_AGES = re.compile(r"\bU(\d{1,2})(?:\s*[–-]\s*U?(\d{1,2}))?\b")


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
           listing.event_kind, listing.internationals)
    static = memo[1].get(key)
    if static is None:
        static = memo[1][key] = static_fit(h, listing)
    return static


# --- reasons --------------------------------------------------------------------------------


def reasons(h: Household, listing: Listing, km: float, *, matched: Sequence[str] = (),
            starts_at: datetime | None = None, village: str | None = None, where: str | None = None,
            static: Static | None = None) -> list[Reason]:
    """2–4 reason codes, most telling first: distance, the event's date, where it is (in the
    household's own town, or which town), the interests it matches, the age, the language,
    the welcome. Never a bare category: a reason says why it fits this household."""
    static = static or static_fit(h, listing)
    out = [Reason("distance", {"km": km})]
    if listing.event_kind is not None and starts_at is not None:
        out.append(Reason("event", {"kind": listing.event_kind, "starts_at": starts_at}))
    if village:
        out.append(Reason("village", {"place": village}))
    elif where and listing.event_kind is not None:
        out.append(Reason("where", {"place": where}))
    if matched:
        out.append(Reason("interest", {"words": list(matched[:2])}))
    if static.age_reason is not None:
        out.append(static.age_reason)
    if static.language_reason is not None:
        out.append(static.language_reason)
    if listing.event_kind is None and static.welcome >= 1.0:
        out.append(Reason("newcomers"))
    # an event's date and place come on top of the four most telling
    return out[:MAX_REASONS + (1 if listing.event_kind is not None else 0)]


def reason_data(reason: Reason) -> dict:
    """A reason as plain JSON values (to be stored, e.g. on a case, and worded when shown)."""
    params = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in reason.params.items()}
    return {"code": reason.code, "params": params}


def reason_from_data(data: dict) -> Reason:
    """The inverse of `reason_data`."""
    params = dict(data.get("params") or {})
    if isinstance(params.get("starts_at"), str):
        params["starts_at"] = datetime.fromisoformat(params["starts_at"])
    return Reason(str(data.get("code")), params)


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


def pick_represented(items: Sequence[T], limit: int, interests: Callable[[T], Iterable[int]],
                     n_interests: int) -> list[T]:
    """Pick `limit` items from `items` (best first) so that every named interest with a
    match is represented (rule 2): each interest's best `quota` matches are kept, the rest of
    the room goes to the best of the others; the order stays best first.

    :param interests: the indexes (0 … n_interests − 1) of the named interests an item matches.
    """
    if n_interests <= 1 or len(items) <= limit:
        return list(items[:limit])
    quota = max(1, limit // (n_interests + 1))
    kept: set[int] = set()
    for which in range(n_interests):
        found = 0
        for i, item in enumerate(items):
            if found >= quota:
                break
            if which in interests(item):
                kept.add(i)
                found += 1
    room = limit - len(kept)
    for i in range(len(items)):
        if room <= 0:
            break
        if i not in kept:
            kept.add(i)
            room -= 1
    return [items[i] for i in sorted(kept)]
