"""Find candidate associations in the search index, fast.

The search index already holds what matching needs about every association
(category, target groups, ages, languages, "welcomes newcomers", coordinates,
and the analysed text). This module reads it in bulk, as search does:

* **Interest matches** come from the index's postings, so a named interest is
  analysed exactly like a search query (stems, compound parts, the Danish–
  English thesaurus, close spellings): "fodboldklub", "football" and
  "footbal" all find football clubs. Every association a typed word matches
  within `max_km` is a candidate, however many there are: nothing the
  household asked for is missed.
* **Nearby listings** (a ticked category, the "others", a household without
  interests) are read from a fine grid (about 0.5 km), nearest cells first,
  up to a pool of the nearest few hundred (`nearest`).

No Flask, no database: callers hand in the index snapshot and a reader.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from heapq import heapify, heappop
from math import asin, cos, floor, radians, sin, sqrt

from ..core import heap
from ..search.analysis import category_of, text_terms
from ..search.query import ParsedQuery, parse
from ..search.snapshot import NEWCOMERS, Snapshot, ids_from_mask
from . import ranking
from .ranking import Listing

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
MATCHED = 0.5  # a word fits a document at least this well: it matches (a synonym only in the category words does not)
MULTI_TERM_SOURCE = 0.9
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
    """Which documents match which named interest.

    A typed word matches the documents its analysed terms are found in (`per_interest`,
    with a strength 0–1 by where and how it was found); a ticked category matches every
    association and event of that category (`slugs`).
    """

    per_interest: list[tuple[str, dict[int, float]]] = field(default_factory=list)  # typed: (label, fit by doc)
    slugs: list[str] = field(default_factory=list)  # the ticked categories
    seniors: bool = False  # an interest says the household looks for seniors' activities

    @property
    def count(self) -> int:
        """How many named interests there are (typed words, then ticked categories)."""
        return len(self.per_interest) + len(self.slugs)

    def matches(self, doc: int | None, category: str) -> tuple[list[int], float, int]:
        """(indexes of the named interests matched, best typed strength, how many typed ones)."""
        hit, strength, typed = [], 0.0, 0
        if doc is not None:
            for i, (_label, fits) in enumerate(self.per_interest):
                s = fits.get(doc, 0.0)
                if s >= MATCHED:
                    hit.append(i)
                    typed += 1
                    strength = max(strength, s)
        n = len(self.per_interest)
        hit += [n + j for j, slug in enumerate(self.slugs) if slug == category]
        return hit, min(strength, 1.0), typed

    def labels(self, hit: list[int]) -> list[str]:
        """The interests (as named) of `matches`' indexes, for the reasons."""
        n = len(self.per_interest)
        return [self.per_interest[i][0] if i < n else self.slugs[i - n] for i in hit]

    def typed_docs(self) -> set[int]:
        """Every document a typed word matches."""
        return {d for _label, fits in self.per_interest for d, s in fits.items() if s >= MATCHED}


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
    hit: tuple = ()  # the named interests it matches (InterestFit.matches)

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
        self.grid: dict[tuple[int, int], array] = {}
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
                    internationals = "internationals" in target_groups
                    key = (age_min, age_max, groups, langs, welcomes, internationals)
                    pid = keys.get(key)
                    if pid is None:
                        pid = keys[key] = len(self.profiles)
                        listing = Listing(age_min=age_min, age_max=age_max, target_groups=groups,
                                          languages=langs or ("da",), welcomes_newcomers=welcomes,
                                          internationals=internationals)
                        self.profiles.append(listing)
                    by_codes[codes] = pid
                g = d + offset
                profile_of[g] = pid
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
    """Which documents each named interest matches (typed words from the postings)."""
    result = InterestFit()
    for interest in interests:
        result.seniors = result.seniors or interest.seniors
        if interest.slug is not None:
            result.slugs.append(interest.slug)
    # Only numbers per document (no lists): a match must not leave thousands of small
    # objects for the garbage collector, which would then sweep the whole index data.
    result.per_interest = [(i.label, _strengths(i, reader, snap)) for i in interests if i.slug is None]
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


def distance_km(snap: Snapshot, doc: int, lat: float, lon: float) -> float:
    """The great-circle distance from (lat, lon) to a document's point (the snapshot's radians)."""
    la0, lo0 = radians(lat), radians(lon)
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(sin((snap.latr[doc] - la0) / 2) ** 2
                                                   + cos(la0) * snap.coslat[doc]
                                                   * sin((snap.lonr[doc] - lo0) / 2) ** 2)))


def is_association(data: MatchData, doc: int) -> bool:
    """Whether `doc` is a live association (not an event, not deleted)."""
    return 0 <= doc < len(data.profile_of) and data.profile_of[doc] >= 0


def typed_in_reach(snap: Snapshot, data: MatchData, docs, lat: float, lon: float,
                   max_km: float) -> dict[int, float]:
    """The live associations among `docs` within `max_km`, with their distance in km.

    A common word matches thousands of documents: the latitude alone (a great-circle
    distance is at least the radius times the difference in latitude) rules most of the
    far ones out before the haversine."""
    la0 = radians(lat)
    band = (max_km + 1e-6) / EARTH_RADIUS_KM
    latr, profile_of = snap.latr, data.profile_of
    n = len(profile_of)
    out = {}
    for d in docs:
        if 0 <= d < n and profile_of[d] >= 0 and abs(latr[d] - la0) <= band:
            km = distance_km(snap, d, lat, lon)
            if km <= max_km:
                out[d] = km
    return out


def nearest(snap: Snapshot, data: MatchData, lat: float, lon: float, max_km: float, n: int, *,
            categories: set[str] | None = None, skip: set[int] | frozenset = frozenset(),
            cells: "Cells | None" = None) -> list[tuple[int, float]]:
    """The `n` nearest live associations within `max_km` as (doc, km), nearest first;
    only of `categories` when given, never those in `skip`. Exact: cells are visited
    nearest first and the walk stops once no cell can hold anything nearer.

    :param cells: `cells_by_distance(data, lat, lon, max_km)` when the caller has it
        (a match walks the same cells twice: the ticked categories, then the rest).
    """
    found: list[tuple[float, int]] = []
    category = data.category
    if cells is None:
        cells = cells_by_distance(data, lat, lon, max_km)
    for dmin, cell in cells:
        if len(found) >= n:
            found.sort()
            del found[n:]
            if dmin > found[-1][0]:
                break
        for d in cell:
            if d in skip or (categories is not None and category[d] not in categories):
                continue
            km = distance_km(snap, d, lat, lon)
            if km <= max_km:
                found.append((km, d))
    found.sort()
    return [(d, km) for km, d in found[:n]]


def cells_by_distance(data: MatchData, lat: float, lon: float, max_km: float) -> "Cells":
    """The grid cells within reach, nearest first (`Cells`).

    The haversine of a cell's nearest point splits into a part per grid row and a part per
    grid column, so the trigonometry is done once per row and column, not once per cell."""
    dlat = max_km / 111.0 + CELL_LAT
    dlon = max_km / (111.32 * max(cos(radians(lat)), 0.01)) + CELL_LON
    i0, i1 = floor((lat - dlat) / CELL_LAT), floor((lat + dlat) / CELL_LAT)
    j0, j1 = floor((lon - dlon) / CELL_LON), floor((lon + dlon) / CELL_LON)
    grid = data.grid
    if (i1 - i0 + 1) * (j1 - j0 + 1) > len(grid):
        keys = [k for k in grid if i0 <= k[0] <= i1 and j0 <= k[1] <= j1]
    else:
        keys = [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1) if (i, j) in grid]
    la0 = radians(lat)
    cos0 = cos(la0)
    rows: dict[int, tuple[float, float]] = {}  # i: (sin² of half the latitude difference, cos·cos)
    cols: dict[int, float] = {}  # j: sin² of half the longitude difference
    terms = []  # (haversine term of the cell's nearest point, i, j): the bound grows with it
    for i, j in keys:
        row = rows.get(i)
        if row is None:
            la1 = radians(min(max(lat, i * CELL_LAT), (i + 1) * CELL_LAT))
            row = rows[i] = (sin((la1 - la0) / 2) ** 2, cos0 * cos(la1))
        col = cols.get(j)
        if col is None:
            col = cols[j] = sin(radians(min(max(lon, j * CELL_LON), (j + 1) * CELL_LON) - lon) / 2) ** 2
        terms.append((row[0] + row[1] * col, i, j))
    return Cells(terms, grid, max_km)


class Cells:
    """The grid cells within reach as (lower bound of the distance in km, docs), nearest first.

    Put in order only as far as a walk goes (a heap, not a sort: the walk for the nearest
    hundred stops after a few dozen of the hundreds of cells in reach), and kept for the
    next walk of the same match."""

    def __init__(self, terms: list, grid: dict, max_km: float):
        heapify(terms)
        self._heap, self._grid, self._max_km = terms, grid, max_km
        self._ordered: list[tuple[float, array]] = []

    def __iter__(self):
        ordered, i = self._ordered, 0
        while True:
            if i < len(ordered):
                yield ordered[i]
                i += 1
                continue
            if not self._heap:
                return
            a, ci, cj = heappop(self._heap)
            km = max(0.0, 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a))) * 0.99 - SAFETY_KM)
            if km > self._max_km:  # in order of the term, and the bound grows with it
                self._heap = []
                return
            ordered.append((km, self._grid[(ci, cj)]))
