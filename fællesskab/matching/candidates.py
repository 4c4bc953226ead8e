"""Find and score candidate associations in the search index, fast.

The search index already holds what matching needs about every association
(category, target groups, ages, languages, "welcomes newcomers", coordinates,
and the analysed text). This module reads it in bulk, as search does:

* **Interest fit** comes from the index's postings, so a named interest is
  analysed exactly like a search query (stems, compound parts, the Danish–
  English thesaurus, close spellings): "fodboldklub", "football" and
  "footbal" all find football clubs.
* **Candidates** are visited cell by cell on a fine grid (about 0.5 km),
  nearest cells first. Associations that match an interest are few and are
  all scored; for the rest, a cell is only opened while the best score any
  association in it could reach (its distance is at least the cell's) can
  still get into the result, so a match at 100,000 associations scores a few
  thousand of them, not all.

No Flask, no database: callers hand in the index snapshot and a reader.
"""
from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from math import asin, cos, floor, radians, sin, sqrt
from typing import Iterable

from ..core import heap
from ..search.analysis import category_of, text_terms
from ..search.query import ParsedQuery, parse
from ..search.snapshot import NEWCOMERS, Snapshot, ids_from_mask
from . import ranking
from .ranking import Household, Listing

EARTH_RADIUS_KM = 6371.0088
CELL_LAT = 0.0045  # degrees: about 0.5 km
CELL_LON = 0.008  # degrees: about 0.5 km at 55.5° N
RELEVANT_GROUPS = ("children", "teens", "families", "newcomers")  # the target groups ranking reads
ADULT_GROUPS = ("adults", "young-adults", "seniors", "students", "internationals")
# How much a matching word counts by where it was found (its posting weight:
# name 5, tags 3, summary and place 2, description and category words 1 per mention).
FULL_WEIGHT, FULL_SOURCE = 3.0, 1.0
MEDIUM_WEIGHT, MEDIUM_SOURCE = 2.0, 0.85
WEAK_SOURCE = 0.7
MATCHED = 0.55  # a fit at least this good is named in the reasons
MULTI_TERM_SOURCE = 0.9
NEG = float("-inf")
FEW_MATCHES = 1000  # a category with more word matches than this is searched by distance (step 2)
REFRESH_EVERY = 8  # recompute the list's lowest score after this many new candidates
SAFETY_KM = 0.01  # cell distances are a lower bound with this margin (and 1 %)


SENIOR_TERMS = frozenset(text_terms("senior seniorer seniors ældre pensionist pensionister retired"))


@dataclass
class Interest:
    """One named interest: a category slug or free words, as the person wrote it."""

    label: str
    slug: str | None = None
    parsed: ParsedQuery | None = None
    categories: set[str] = field(default_factory=set)  # categories its words belong to
    terms: set[str] = field(default_factory=set)  # the words' own index terms

    @property
    def seniors(self) -> bool:
        """Whether the interest says the household is looking for seniors' activities."""
        return self.slug == "seniors" or bool(self.terms & SENIOR_TERMS)


@dataclass
class InterestFit:
    """How well documents fit the named interests.

    Words give a fit per document (`fit`, only the documents they match);
    a chosen category gives every association of it the fit 1, and the
    category a named word belongs to gives the rest of that category
    RELATED_CATEGORY_FIT (`level`), so "fodbold" lifts other sports a little.
    """

    fit: dict[int, float] = field(default_factory=dict)
    per_interest: list[tuple[str, dict[int, float]]] = field(default_factory=list)  # (label, fit by doc)
    level: dict[str, float] = field(default_factory=dict)  # category -> fit of all its documents
    slugs: list[str] = field(default_factory=list)  # the chosen categories
    asked: set[str] = field(default_factory=set)  # categories asked for (slugs and the words' categories)
    seniors: bool = False  # an interest says the household looks for seniors' activities
    all_categorised: bool = True  # every interest is a category or has words of one

    @property
    def related(self) -> set[str]:
        return set(self.level)

    def of(self, doc: int | None, category: str) -> float:
        """The interest fit of one document."""
        own = self.fit.get(doc, 0.0) if doc is not None else 0.0
        return max(own, self.level.get(category, 0.0))

    def labels(self, doc: int | None, category: str) -> list[str]:
        """The interests (as named) that one document matches well, for its reasons."""
        if doc is None:
            out = []
        else:
            out = [label for label, fits in self.per_interest if fits.get(doc, 0.0) >= MATCHED]
        if category in self.slugs:
            out.append(category)
        return out


@dataclass
class Scored:
    doc: int  # index document number (-1 for events taken from the database)
    score: float
    km: float
    category: str
    kind: str
    name: str
    item_id: int
    payload: object = None  # events: the EventRow

    def key(self) -> tuple:
        return ranking.sort_key(self.score, self.km, self.kind, self.name, self.item_id)


class MatchData:
    """What matching reads about one index generation: a fine grid of the live
    associations, each with a profile id (the fields ranking reads) and category.

    Built from the snapshot's columns: one profile per distinct combination of
    the coded ages, target groups, languages and welcome flag, never an object
    per document."""

    def __init__(self, snap: Snapshot):
        self.n = snap.n
        self.profile_of = array("i", [-1]) * snap.n
        categories = snap.vocabs.category.values
        self.category: list[str] = [categories[c] for c in snap.category]
        self.profiles: list[Listing] = []
        # Per profile: the keys of its age and language parts, and its welcome (household-independent).
        self.age_key: list[tuple] = []
        self.language_key: list[tuple] = []
        self.welcome: list[float] = []
        self.grid: dict[tuple[int, int], array] = {}
        self.categories: set[str] = set()
        self.category_profiles: dict[str, set[int]] = defaultdict(set)  # the profiles each category has
        v = snap.vocabs
        keys: dict[tuple, int] = {}
        by_codes: dict[tuple, int] = {}
        associations = snap.live & snap.facets.get(("type", "association"), 0)
        profile_of, category, grid = self.profile_of, self.category, self.grid
        for data, offset in snap.parts:
            local = (associations >> offset) & ((1 << data.n) - 1)
            ages, groups_col, languages, newcomers = data.ages, data.groups, data.languages, data.newcomers
            lat, lon = data.lat, data.lon
            for d in ids_from_mask(local):
                codes = (ages[d], groups_col[d], languages[d], newcomers[d])
                pid = by_codes.get(codes)
                if pid is None:
                    age_min, age_max = v.ages.values[codes[0]]
                    target_groups = v.groups.values[codes[1]]
                    langs = v.languages.values[codes[2]]
                    welcomes = NEWCOMERS[codes[3]]
                    groups = tuple(g for g in RELEVANT_GROUPS if g in target_groups)
                    if any(g in ADULT_GROUPS for g in target_groups):
                        groups += ("adults",)  # (which adults does not matter to the ranking)
                    key = (age_min, age_max, groups, langs, welcomes)
                    pid = keys.get(key)
                    if pid is None:
                        pid = keys[key] = len(self.profiles)
                        listing = Listing(age_min=age_min, age_max=age_max, target_groups=groups,
                                          languages=langs or ("da",), welcomes_newcomers=welcomes)
                        self.profiles.append(listing)
                        self.age_key.append((age_min, age_max, tuple(g for g in groups if g != "newcomers")))
                        self.language_key.append(listing.languages)
                        self.welcome.append(ranking.welcome_fit(listing))
                    by_codes[codes] = pid
                g = d + offset
                profile_of[g] = pid
                cat = category[g]
                self.categories.add(cat)
                self.category_profiles[cat].add(pid)
                cell = (floor(lat[d] / CELL_LAT), floor(lon[d] / CELL_LON))
                docs = grid.get(cell)
                if docs is None:
                    docs = grid[cell] = array("i")
                docs.append(g)

    def event_doc(self, searcher, snap: Snapshot, event_id: int) -> int | None:
        """The document number of a live event (from each segment's doc_id terms, read once)."""
        leaves = None
        for (data, offset), dead in zip(snap.parts, snap.deleted_sets):
            if data._event_ids is None:
                if leaves is None:
                    leaves = {leaf.segment().segment_id(): leaf for leaf, _o in searcher.reader().leaf_readers()
                              if leaf.segment() is not None}
                ids, docs = data.event_docs(leaves[data.segment_id])
            else:
                ids, docs = data._event_ids
            i = bisect_left(ids, event_id)
            while i < len(ids) and ids[i] == event_id:
                if docs[i] not in dead:
                    return docs[i] + offset
                i += 1
        return None


def match_data(snap: Snapshot) -> MatchData:
    """The snapshot's MatchData, built on first use (a snapshot never changes)."""
    data = getattr(snap, "_match_data", None)
    if data is None:
        data = snap._match_data = MatchData(snap)
        heap.settle(snap.n)  # long-lived until the next generation (core/heap.py)
    return data


# --- interests ----------------------------------------------------------------------------------


def analyse_interests(labels: list[str], reader, snap: Snapshot, category_slugs) -> list[Interest]:
    """Turn what the person named into interests: category slugs as they are,
    anything else analysed as a search query."""
    out = []
    for label in labels:
        slug = label.strip().lower()
        if slug in category_slugs:
            out.append(Interest(label=slug, slug=slug, categories={slug}))
            continue
        parsed = parse(label, reader, snap)
        if parsed.is_empty:
            continue
        cats, terms = set(), set()
        for group in parsed.groups:
            for t in group.alternatives[0].terms:
                terms.add(t)
                c = category_of(t)
                if c:
                    cats.add(c)
        out.append(Interest(label=label.strip(), parsed=parsed, categories=cats, terms=terms))
    return out


def interest_fit(interests: list[Interest], reader, snap: Snapshot) -> InterestFit:
    """The fit of the documents the named interests' words match, and the categories' levels."""
    result = InterestFit()
    word_interests = [i for i in interests if i.slug is None]
    for interest in interests:
        result.seniors = result.seniors or interest.seniors
        if interest.categories:
            result.asked |= interest.categories
        else:
            result.all_categorised = False
        if interest.slug is not None:
            result.slugs.append(interest.slug)
            result.level[interest.slug] = 1.0
    for interest in word_interests:
        for c in interest.categories:
            result.level.setdefault(c, ranking.RELATED_CATEGORY_FIT)
    # Only numbers per document (no lists): a match must not leave thousands of small
    # objects for the garbage collector, which would then sweep the whole index data.
    result.per_interest = [(i.label, _strengths(i, reader, snap)) for i in word_interests]
    if len(result.per_interest) == 1:
        result.fit = result.per_interest[0][1]
        return result
    best: dict[int, float] = {}
    good: dict[int, int] = {}  # how many interests fit the document well (see ranking.combine_interests)
    for _label, strengths in result.per_interest:
        best_get, good_get = best.get, good.get
        for d, s in strengths.items():
            if s > best_get(d, 0.0):
                best[d] = s
            if s >= 0.5:
                good[d] = good_get(d, 0) + 1
    result.fit = {d: (min(1.0, b + 0.1 * (good[d] - 1)) if good.get(d, 0) > 1 else b) for d, b in best.items()}
    return result


def _strengths(interest: Interest, reader, snap: Snapshot) -> dict[int, float]:
    groups = interest.parsed.groups
    total: dict[int, float] = defaultdict(float)
    for group in groups:
        best: dict[int, float] = {}
        for alt in group.alternatives:
            if len(alt.terms) == 1:
                postings = snap.postings(reader, alt.terms[0])
                if not postings.mask:
                    continue
                full, medium, weak = alt.boost * FULL_SOURCE, alt.boost * MEDIUM_SOURCE, alt.boost * WEAK_SOURCE
                get = best.get
                for d, w in zip(postings.ids, postings.weights):  # deleted documents are dropped later
                    s = full if w >= FULL_WEIGHT else (medium if w >= MEDIUM_WEIGHT else weak)
                    if s > get(d, 0.0):
                        best[d] = s
            else:
                mask = -1
                for t in alt.terms:
                    mask &= snap.postings(reader, t).mask
                    if not mask:
                        break
                s = alt.boost * MULTI_TERM_SOURCE
                for d in ids_from_mask(mask) if mask > 0 else ():
                    if s > best.get(d, 0.0):
                        best[d] = s
        for d, s in best.items():
            total[d] += s
    n = len(groups)
    return dict(total) if n == 1 else {d: s / n for d, s in total.items()}


# --- ranking ------------------------------------------------------------------------------------


class Collector:
    """Candidates that may still make the list, with the thresholds that decide it.

    `floor(category)` is the score a new candidate of that category must beat:
    the `limit`-th best of its own category (more of one category can never be
    picked), and — once the list is full without bending the diversity rule
    (for a list of at most one run, that stays so as candidates are added) —
    the lowest score on the list, and the CATEGORY_CAP-th best of the category.
    """

    def __init__(self, limit: int, exempt: Iterable[str] = ()):
        self.limit = limit
        self.exempt = set(exempt)  # categories without a cap (the one category asked for)
        self.items: list[Scored] = []
        self.by_category: dict[str, list[float]] = defaultdict(list)
        self.own: dict[str, float] = {}  # category -> its `limit`-th best score, once it has that many
        self.best: list[float] = []  # the `limit` best scores overall
        self.global_floor = float("-inf")
        self._dirty = False
        self._added = 0  # candidates added since the last refresh
        self.capped = False  # the list is full without bending the diversity rule

    def _own(self, category: str) -> float:
        heap = self.by_category[category]
        floor = heap[0] if len(heap) >= self.limit else NEG
        if self.capped and category not in self.exempt and len(heap) >= ranking.CATEGORY_CAP:
            floor = max(floor, sorted(heap)[-ranking.CATEGORY_CAP])
        return floor

    def own_floor(self, category: str) -> float:
        return self.own.get(category, NEG)

    def floor(self, category: str) -> float:
        return max(self.own.get(category, NEG), self.global_floor)

    def add(self, item: Scored) -> None:
        score, category = item.score, item.category
        if score < self.global_floor or score < self.own.get(category, NEG):
            return
        self.items.append(item)
        heap = self.by_category[category]
        if len(heap) < self.limit:
            heapq.heappush(heap, score)
        elif score > heap[0]:
            heapq.heapreplace(heap, score)
        if len(heap) >= self.limit or (self.capped and len(heap) >= ranking.CATEGORY_CAP):
            self.own[category] = self._own(category)
        if len(self.best) < self.limit:
            heapq.heappush(self.best, score)
        elif score > self.best[0]:
            heapq.heapreplace(self.best, score)
        self._dirty = True
        self._added += 1

    def open_categories(self, bounds: dict[str, float]) -> set[str]:
        """The categories whose candidates can still make the list, when each category's
        candidates score at most `bounds[category]`."""
        own = self.own
        pending = {c: b for c, b in bounds.items() if b >= own.get(c, NEG)}
        if pending and self._dirty and self._added >= REFRESH_EVERY and len(self.best) >= self.limit \
                and min(pending.values()) < self.best[0]:
            self._refresh()  # the list's lowest score is at most the overall `limit`-th best
        g = self.global_floor
        return {c for c, b in pending.items() if b >= g}

    def _refresh(self) -> None:
        """Recompute the list's lowest score (when it is full without bending the diversity
        rule) and forget the candidates below their floor: they can never be picked."""
        self._dirty = False
        self._added = 0
        if self.limit <= ranking.DIVERSITY_BLOCK:  # several runs: only the per-category floors are safe
            picked = self.selection()
            counts: dict[str, int] = defaultdict(int)
            for item in picked:
                if item.category not in self.exempt:
                    counts[item.category] += 1
            if len(picked) == self.limit and max(counts.values(), default=0) <= ranking.CATEGORY_CAP:
                self.global_floor = max(self.global_floor, min(item.score for item in picked))
                if not self.capped:
                    self.capped = True
                    self.own.update({c: self._own(c) for c in self.by_category})  # in place: callers hold .get
        g, own = self.global_floor, self.own
        self.items = [i for i in self.items if i.score >= g and i.score >= own.get(i.category, NEG)]

    def selection(self) -> list[Scored]:
        ordered = sorted(self.items, key=Scored.key)
        return ranking.select_diverse(ordered, self.limit, lambda s: s.category, exempt=self.exempt)


def rank_associations(snap: Snapshot, data: MatchData, h: Household, lat: float, lon: float,
                      fits: InterestFit, collector: Collector) -> int:
    """Score the associations within `h.max_km` into `collector`; return how many were scored.

    The loops below inline `ranking.static_fit`, `ranking.proximity` and the
    great-circle distance (the same formulas; tests check that the scores
    agree with `ranking.score`). Ties are broken by the index's sort name and
    then the document number (stable for one index; reading stored names here
    would cost more than the scoring).
    """
    w_interest, _norm = ranking.weights(h)
    profiles, profile_of, category, sortname = data.profiles, data.profile_of, data.category, snap.attrs.sortname
    age_key, language_key, welcome = data.age_key, data.language_key, data.welcome
    ages: dict[tuple, tuple[float, float]] = {}
    langs: dict[tuple, tuple[float, float]] = {}
    values: list[tuple[float, float] | None] = [None] * len(profiles)

    def value(pid: int) -> tuple[float, float]:
        ak, lk = age_key[pid], language_key[pid]
        a = ages.get(ak)
        if a is None:
            a = ages[ak] = ranking.age_fit(h, profiles[pid])[:2]
        lang = langs.get(lk)
        if lang is None:
            lang = langs[lk] = ranking.language_fit(h, lk)[:2]
        v = values[pid] = ranking.fold(h, a[0], a[1], lang[0], lang[1], welcome[pid])
        return v

    la0, lo0 = radians(lat), radians(lon)
    c0 = cos(la0)
    latr, lonr, coslat = snap.latr, snap.lonr, snap.coslat
    r2 = 2 * EARTH_RADIUS_KM
    max_km = h.max_km
    p_floor, p_span, half = ranking.PROXIMITY_FLOOR, 1.0 - ranking.PROXIMITY_FLOOR, ranking.HALF_KM
    fit, level = fits.fit, fits.level
    level_get, own_get = level.get, collector.own.get
    add = collector.add
    scored = 0

    # 1. the associations a named word matches, where they are few in their category: all of them
    matched_in: dict[str, int] = defaultdict(int)
    best_fit: dict[str, float] = defaultdict(float)
    n_profiles = len(profile_of)
    for d, interest in fit.items():
        if d < n_profiles and profile_of[d] >= 0:
            cat = category[d]
            matched_in[cat] += 1
            if interest > best_fit[cat]:
                best_fit[cat] = interest
    dense = {c for c, n in matched_in.items() if n > FEW_MATCHES}
    for d, interest in fit.items():
        if d >= n_profiles or profile_of[d] < 0 or category[d] in dense:
            continue  # an event, a deleted document, or one that step 2 scores
        km = r2 * asin(min(1.0, sqrt(sin((latr[d] - la0) / 2) ** 2
                                     + c0 * coslat[d] * sin((lonr[d] - lo0) / 2) ** 2)))
        if km > max_km:
            continue
        scored += 1
        pid = profile_of[d]
        scale, base = values[pid] or value(pid)
        cat = category[d]
        r = km / half
        score = scale * (w_interest * max(interest, level_get(cat, 0.0)) + base) * (p_floor + p_span / (1 + r * r))
        if score >= collector.global_floor and score >= own_get(cat, NEG):
            add(Scored(d, score, km, cat, "association", sortname(d), d))

    # 2. the rest, nearest cells first, while a cell can still beat the list. In category c
    #    nothing scores above max over its profiles of scale · (w_interest · I_c + base) ·
    #    proximity(cell), where I_c is the best interest fit in c; a category whose bound is
    #    below its floor is closed, and when all are, the search stops.
    top = {}
    for c, pids in data.category_profiles.items():
        lvl = w_interest * max(level_get(c, 0.0), best_fit[c] if c in dense else 0.0)
        best = 0.0
        for pid in pids:
            scale, base = values[pid] or value(pid)
            if scale * (lvl + base) > best:
                best = scale * (lvl + base)
        top[c] = best
    fit_get = fit.get
    for dmin, cell in _cells_by_distance(data, lat, lon, max_km):
        p = ranking.proximity(dmin) * (1 + 1e-9)
        open_now = collector.open_categories({c: k * p for c, k in top.items()})
        if not open_now:
            break
        g = collector.global_floor
        for d in cell:
            cat = category[d]
            if cat not in open_now:
                continue
            interest = fit_get(d)
            if interest is None:
                interest = level_get(cat, 0.0)
            elif cat in dense:
                interest = max(interest, level_get(cat, 0.0))
            else:
                continue  # scored in step 1
            km = r2 * asin(min(1.0, sqrt(sin((latr[d] - la0) / 2) ** 2
                                         + c0 * coslat[d] * sin((lonr[d] - lo0) / 2) ** 2)))
            if km > max_km:
                continue
            scored += 1
            pid = profile_of[d]
            scale, base = values[pid] or value(pid)
            r = km / half
            score = scale * (w_interest * interest + base) * (p_floor + p_span / (1 + r * r))
            if score >= g and score >= own_get(cat, NEG):
                add(Scored(d, score, km, cat, "association", sortname(d), d))
    return scored


def _cells_by_distance(data: MatchData, lat: float, lon: float, max_km: float):
    """(lower bound of the distance in km, docs) of the grid cells within reach, nearest first."""
    dlat = max_km / 111.0 + CELL_LAT
    dlon = max_km / (111.32 * max(cos(radians(lat)), 0.01)) + CELL_LON
    i0, i1 = floor((lat - dlat) / CELL_LAT), floor((lat + dlat) / CELL_LAT)
    j0, j1 = floor((lon - dlon) / CELL_LON), floor((lon + dlon) / CELL_LON)
    grid = data.grid
    cells = []
    if (i1 - i0 + 1) * (j1 - j0 + 1) > len(grid):
        keys = [k for k in grid if i0 <= k[0] <= i1 and j0 <= k[1] <= j1]
    else:
        keys = [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1) if (i, j) in grid]
    la0 = radians(lat)
    for i, j in keys:
        near_lat = min(max(lat, i * CELL_LAT), (i + 1) * CELL_LAT)
        near_lon = min(max(lon, j * CELL_LON), (j + 1) * CELL_LON)
        la1 = radians(near_lat)
        a = sin((la1 - la0) / 2) ** 2 + cos(la0) * cos(la1) * sin(radians(near_lon - lon) / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))
        km = max(0.0, km * 0.99 - SAFETY_KM)
        if km <= max_km:
            cells.append((km, i, j))
    cells.sort()
    return [(km, grid[(i, j)]) for km, i, j in cells]
