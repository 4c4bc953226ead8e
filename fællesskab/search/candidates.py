"""The Whoosh engine's candidates for matching (`SearchEngine.candidates`, port.py).

What the answer holds is written down once, in port.py (`CandidateQuery`,
`Candidate`, `Candidates`); the PostgreSQL engine (pg/candidates.py) gives the
same. This module reads the index's snapshot in bulk, as search does:

* **Typed interests** are analysed exactly like a search query (query.parse:
  stems, compound parts, the Danish–English thesaurus, close spellings), and
  their strength in each document comes straight from the postings of the
  `text` field, whose weight says where a word was found (name 5, tags 3,
  summary and place 2, description and category words 1 per mention).
* **Nearby listings** (a ticked category, the rest) come from a fine grid of
  the live associations (about 0.5 km), nearest cells first, so a pool of the
  nearest few hundred is read without measuring every association.

Per-segment data (ids, profiles, the grid) is kept by segment id (segments
never change); per-generation data (deletions, the merged grid) once per
snapshot. Whoosh is sized for a municipality (about 1,000 associations,
designed for 5,000), so a profile reference per document is affordable.
"""
from __future__ import annotations

import logging
import threading
import weakref
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from heapq import heapify, heappop
from math import asin, cos, floor, radians, sin, sqrt
from typing import Any, NamedTuple

from cachetools import LRUCache
from flask import Flask

from ..geo.distance import EARTH_RADIUS_KM
from .analysis import text_terms
from .common import (
    FULL_SOURCE,
    FULL_WEIGHT,
    MEDIUM_SOURCE,
    MEDIUM_WEIGHT,
    MULTI_TERM_SOURCE,
    SENIOR_WORDS,
    WEAK_SOURCE,
)
from .port import MATCHED, Candidate, CandidateQuery, Candidates
from .query import ParsedQuery, parse_cached
from .snapshot import Snapshot, ids_from_mask

log = logging.getLogger(__name__)

CELL_LAT = 0.0045  # degrees: about 0.5 km
CELL_LON = 0.008  # degrees: about 0.5 km at 55.5° N
SAFETY_KM = 0.01  # cell distances are a lower bound with this margin (and 1 %)
SENIOR_TERMS = frozenset(text_terms(SENIOR_WORDS))
STORED_KEPT = 1024  # stored documents of shown candidates kept per generation (a few MB at most)
SEGMENTS_KEPT = 64  # per-segment data kept at most (LRU), besides the segments of the generations in use


def whoosh_candidates(app: Flask, query: CandidateQuery) -> Candidates:
    """The associations matching may rank for a household (port.CandidateQuery).

    A damaged index must not take matching down: as search does, rebuild it
    once (at most every few minutes) and retry.
    """
    return _repairing(app, lambda index: _candidates(app, index, query))


def _repairing(app: Flask, read):
    """`read(index)`, retried once after a rebuild when the index files are damaged."""
    from . import get_index, get_state
    from .services import _index_damage  # the same repair-once rule as search

    try:
        return read(get_index(app))
    except Exception as exc:
        if not _index_damage(exc):
            raise
        log.exception("reading the search index for matching failed; rebuilding it")
        if not get_state(app).repair_after_failure():
            raise
        return read(get_index(app))


# --- interests ----------------------------------------------------------------------------------


@dataclass
class Interest:
    """One named interest: a category slug or free words, as the person wrote it."""

    label: str
    slug: str | None = None
    parsed: ParsedQuery | None = None
    terms: frozenset[str] = frozenset()  # the words' own index terms

    @property
    def seniors(self) -> bool:
        """Whether the interest says the household is looking for seniors' activities."""
        return self.slug == "seniors" or bool(self.terms & SENIOR_TERMS)


def analyse_interests(labels, reader, snap: Snapshot, category_slugs) -> list[Interest]:
    """Turn what the person named into interests: category slugs as they are,
    anything else analysed as a search query (dropped when only stop words are left)."""
    out = []
    for label in labels:
        slug = label.strip().lower()
        if slug in category_slugs:
            out.append(Interest(label=slug, slug=slug))
            continue
        parsed = parse_cached(label, reader, snap)
        if parsed.is_empty:
            continue
        terms = frozenset(t for group in parsed.groups for t in group.alternatives[0].terms)
        out.append(Interest(label=label.strip(), parsed=parsed, terms=terms))
    return out


def strengths(interest: Interest, reader, snap: Snapshot) -> dict[int, float]:
    """How well a typed interest fits each document any of its terms is in (doc -> strength;
    it matches where the strength is at least MATCHED).

    Per group (a typed word or phrase) the best of its alternatives counts: one term by
    where it was found (FULL, MEDIUM or WEAK by its posting weight), several terms (all
    in the document) as MULTI_TERM; times the alternative's boost. The groups' values
    are averaged. Deleted documents may be among the keys (the caller drops them)."""
    groups = interest.parsed.groups
    total: dict[int, float] = defaultdict(float)
    for group in groups:
        best: dict[int, float] = {}
        for alt in group.alternatives:
            if len(alt.terms) == 1:
                postings = snap.postings(reader, alt.terms[0])
                if not postings.mask:
                    continue
                # common.source_strength, with the boost applied once (one loop step per posting)
                full, medium, weak = alt.boost * FULL_SOURCE, alt.boost * MEDIUM_SOURCE, alt.boost * WEAK_SOURCE
                get = best.get
                for d, w in zip(postings.ids, postings.weights, strict=True):
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
    # Only numbers per document (no lists): a match must not leave thousands of small objects.
    return dict(total) if n == 1 else {d: s / n for d, s in total.items()}


# --- per-segment and per-generation data --------------------------------------------------------


class Profile(NamedTuple):
    """What ranking reads about an association, shared by every association alike."""

    category: str
    age_min: int | None
    age_max: int | None
    target_groups: tuple[str, ...]
    languages: tuple[str, ...]
    welcomes_newcomers: bool | None


class SegmentCandidates:
    """One (immutable) segment's ids, profiles, points and grid, in local doc numbers."""

    def __init__(self, leaf, offset: int, snap: Snapshot):
        n = self.n = leaf.doc_count_all()
        self.ids = array("i", bytes(4 * n))  # association or event id (0: none)
        self.events: list[tuple[int, int]] = []  # (event id, local doc)
        for prefix, events in ((b"association:", None), (b"event:", self.events)):
            for term, info in leaf.iter_prefix("doc_id", prefix):
                item = int(term[len(prefix):])
                # More than one doc: the same key twice, an update before the segment was written.
                docs = (info.min_id(),) if info.doc_frequency() == 1 else tuple(leaf.postings("doc_id", term).all_ids())
                for d in docs:
                    self.ids[d] = item
                    if events is not None:
                        events.append((item, d))
        self.profile: list[Profile | None] = [None] * n  # None: an event
        self.lat, self.lon = array("d"), array("d")
        self.sortname: list[str] = []
        self.grid: dict[tuple[int, int], array] = {}  # local doc numbers of the associations by cell
        profiles: dict[tuple, Profile] = {}
        attrs = snap.attrs
        for d in range(n):
            a = attrs[offset + d]
            self.lat.append(a.lat)
            self.lon.append(a.lon)
            self.sortname.append(a.sortname)
            if a.kind != "association":
                continue
            key = (a.category, a.age_min, a.age_max, a.target_groups, a.languages, a.newcomers)
            profile = profiles.get(key)
            if profile is None:
                profile = profiles[key] = Profile(*key)
            self.profile[d] = profile
            cell = (floor(a.lat / CELL_LAT), floor(a.lon / CELL_LON))
            docs = self.grid.get(cell)
            if docs is None:
                docs = self.grid[cell] = array("i")
            docs.append(d)


class CandidateData:
    """What candidates reads about one index generation, in global doc numbers:
    each document's id, point and sort name, each live association's profile (None
    for an event or a deleted document), the live events by id, and the grid."""

    def __init__(self, snap: Snapshot, reader):
        self.snapshot = weakref.ref(snap)  # (weak: the snapshot is this object's key in `_generations`)
        self.n = snap.n
        self.ids = array("i")
        self.lat, self.lon = array("d"), array("d")
        self.sortname: list[str] = []
        self.profile: list[Profile | None] = []
        self.grid: dict[tuple[int, int], array] = {}
        self.event_doc: dict[int, int] = {}
        self._association_doc: dict[int, int] | None = None
        self._stored: LRUCache = LRUCache(maxsize=STORED_KEPT)  # doc -> stored data, of the candidates shown
        parts = []
        self.segment_ids: list[str] = []
        for leaf, offset in reader.leaf_readers():
            if leaf.segment() is None:  # an empty index's EmptyReader
                continue
            self.segment_ids.append(leaf.segment().segment_id())
            part = _segment(leaf, offset, snap)
            parts.append((part, offset))
            self.ids += part.ids
            self.lat += part.lat
            self.lon += part.lon
            self.sortname += part.sortname
            self.profile += part.profile
        live = snap.live
        for d in ids_from_mask(((1 << self.n) - 1) & ~live):
            self.profile[d] = None  # deleted: never a candidate
        grid = self.grid
        for part, offset in parts:
            for cell, docs in part.grid.items():
                found = grid.get(cell)
                if found is None:
                    found = grid[cell] = array("i")
                found.extend(docs if not offset else map(offset.__add__, docs))
            for event_id, d in part.events:
                d += offset
                if live >> d & 1:
                    self.event_doc.setdefault(event_id, d)

    def association_docs(self, ids) -> set[int]:
        """The live documents of these association ids."""
        if self._association_doc is None:  # only with hidden ids: built on first use
            profile, item = self.profile, self.ids
            self._association_doc = {item[d]: d for d in range(self.n) if profile[d] is not None}
        found = self._association_doc
        return {found[i] for i in ids if i in found}

    def stored(self, doc: int) -> dict | None:
        """A shown candidate's stored data, if read before (households nearby are shown the same few)."""
        with _lock:
            return self._stored.get(doc)

    def keep_stored(self, doc: int, data: dict) -> None:
        with _lock:
            self._stored[doc] = data


_segments: LRUCache = LRUCache(maxsize=SEGMENTS_KEPT)  # segment id -> SegmentCandidates
_generations: weakref.WeakKeyDictionary[Snapshot, CandidateData] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _segment(leaf, offset: int, snap: Snapshot) -> SegmentCandidates:
    key = leaf.segment().segment_id()
    with _lock:
        found = _segments.get(key)
    if found is not None:
        return found
    found = SegmentCandidates(leaf, offset, snap)
    with _lock:
        _segments[key] = found
    return found


def candidate_data(snap: Snapshot, reader) -> CandidateData:
    """The snapshot's CandidateData, built on first use (a snapshot never changes)."""
    with _lock:
        data = _generations.get(snap)
    if data is None:
        data = CandidateData(snap, reader)  # (under the index's read lock: one thread per index)
        with _lock:
            data = _generations.setdefault(snap, data)
            # Segments merged away go with the generations that used them (a rebuild's big
            # segment must not wait for SEGMENTS_KEPT newer ones).
            used = {key for generation in _generations.values() for key in generation.segment_ids}
            for key in [key for key in _segments if key not in used]:
                del _segments[key]
    return data


# --- geography ----------------------------------------------------------------------------------


def distance_km(snap: Snapshot, doc: int, lat: float, lon: float) -> float:
    """The great-circle distance from (lat, lon) to a document's point (the snapshot's radians).

    geo.distance.haversine_km inlined on the precomputed radians and cosine: called once per
    candidate in the radius loops, where converting degrees again costs (bench/haversine.py)."""
    la0, lo0 = radians(lat), radians(lon)
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(sin((snap.latr[doc] - la0) / 2) ** 2
                                                   + cos(la0) * snap.coslat[doc]
                                                   * sin((snap.lonr[doc] - lo0) / 2) ** 2)))


def typed_in_reach(snap: Snapshot, data: CandidateData, docs, lat: float, lon: float,
                   max_km: float) -> dict[int, float]:
    """The live associations among `docs` within `max_km`, with their distance in km.

    A common word matches thousands of documents: the latitude alone (a great-circle
    distance is at least the radius times the difference in latitude) rules most of the
    far ones out before the haversine."""
    la0 = radians(lat)
    band = (max_km + 1e-6) / EARTH_RADIUS_KM
    latr, profile = snap.latr, data.profile
    n = len(profile)
    out = {}
    for d in docs:
        if 0 <= d < n and profile[d] is not None and abs(latr[d] - la0) <= band:
            km = distance_km(snap, d, lat, lon)
            if km <= max_km:
                out[d] = km
    return out


def nearest(snap: Snapshot, data: CandidateData, lat: float, lon: float, max_km: float, n: int, *,
            categories: set[str] | None = None, skip: set[int] | frozenset = frozenset(),
            cells: Cells | None = None) -> list[tuple[int, float]]:
    """The `n` nearest live associations within `max_km` as (doc, km), nearest first
    (ties by doc number); only of `categories` when given, never those in `skip`. Exact:
    cells are visited nearest first and the walk stops once no cell can hold anything nearer.

    :param cells: `cells_by_distance(data, lat, lon, max_km)` when the caller has it
        (a match walks the same cells twice: the ticked categories, then the rest).
    """
    if n <= 0:
        return []
    found: list[tuple[float, int]] = []
    profile = data.profile
    if cells is None:
        cells = cells_by_distance(data, lat, lon, max_km)
    for dmin, cell in cells:
        if len(found) >= n:
            found.sort()
            del found[n:]
            if dmin > found[-1][0]:
                break
        for d in cell:
            p = profile[d]
            if p is None or d in skip or (categories is not None and p.category not in categories):
                continue
            km = distance_km(snap, d, lat, lon)
            if km <= max_km:
                found.append((km, d))
    found.sort()
    return [(d, km) for km, d in found[:n]]


def cells_by_distance(data: CandidateData, lat: float, lon: float, max_km: float) -> Cells:
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
    next walk of the same query."""

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
            # The haversine's last step on the heap's key (see distance_km).
            km = max(0.0, 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a))) * 0.99 - SAFETY_KM)
            if km > self._max_km:  # in order of the term, and the bound grows with it
                self._heap = []
                return
            ordered.append((km, self._grid[(ci, cj)]))


# --- the stored document, read when shown -------------------------------------------------------


class StoredData(Mapping):
    """A candidate's stored document (`data`), read from the index on first use.

    A match ranks hundreds of candidates and shows a dozen: reading every stored
    document up front would cost more than the ranking. Read later, the document
    comes from the same generation when it is still current, else by its key; the
    last STORED_KEPT read are kept with the generation (never changing), since
    households nearby are shown many of the same listings."""

    # (not "_data" and the like: those are Whoosh's private names, tests/search/test_whoosh_public_api.py)
    __slots__ = ("source", "doc", "loaded")

    def __init__(self, source: tuple[Flask, CandidateData], doc: int):
        self.source, self.doc, self.loaded = source, doc, None

    def _read(self, index) -> dict:
        generation = self.source[1]
        with index.reading() as (searcher, snap):
            if snap is generation.snapshot():
                return searcher.stored_fields(self.doc)["data"]
            key = f"association:{generation.ids[self.doc]}"
            for d in searcher.document_numbers(doc_id=key):  # a newer generation: by its key
                if snap.live >> d & 1:
                    return searcher.stored_fields(d)["data"]
        return {}  # deleted since: nothing more to show than the candidate's own fields

    def _load(self) -> dict:
        if self.loaded is None:
            app, generation = self.source
            data = generation.stored(self.doc)
            if data is None:
                data = _repairing(app, self._read)
                if data:
                    generation.keep_stored(self.doc, data)
            self.loaded = data
        return self.loaded

    def __getitem__(self, key: str) -> Any:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"StoredData(doc={self.doc})"


# --- the answer ---------------------------------------------------------------------------------


def _candidates(app: Flask, index, query: CandidateQuery) -> Candidates:
    lat, lon, max_km = query.lat, query.lon, query.max_km
    with index.reading() as (searcher, snap):
        reader = searcher.reader()
        data = candidate_data(snap, reader)
        interests = analyse_interests(query.interests, reader, snap, query.category_slugs)
        typed = [i for i in interests if i.slug is None]
        fits = [strengths(i, reader, snap) for i in typed]
        out = Candidates(typed=[i.label for i in typed], slugs=[i.slug for i in interests if i.slug is not None],
                         seniors=any(i.seniors for i in interests))
        matched = {d for fit in fits for d, s in fit.items() if s >= MATCHED}
        pool = typed_in_reach(snap, data, matched, lat, lon, max_km)
        cells = cells_by_distance(data, lat, lon, max_km)  # both walks visit the same cells
        if out.slugs:
            pool.update(nearest(snap, data, lat, lon, max_km, query.category_pool, categories=set(out.slugs),
                                cells=cells))
        pool.update(nearest(snap, data, lat, lon, max_km, query.nearby_pool, skip=set(pool), cells=cells))
        if query.hidden_ids:  # after the pools are drawn (as matching did before the port)
            for d in data.association_docs(query.hidden_ids):
                pool.pop(d, None)
        out.associations = _answer(app, data, pool, fits)
        if fits:
            for event_id in query.event_ids:
                d = data.event_doc.get(event_id)
                if d is not None:
                    fit = tuple([f.get(d, 0.0) for f in fits])
                    if any(fit):  # (as weak as it may be: matching reads MATCHED)
                        out.event_strengths[event_id] = fit
    return out


def _answer(app: Flask, data: CandidateData, pool: dict[int, float], fits: list[dict[int, float]]) -> list[Candidate]:
    """The pool's Candidates (a plain loop: an answer holds hundreds)."""
    ids, profile, lats, lons, sortname = data.ids, data.profile, data.lat, data.lon, data.sortname
    source = (app, data)
    only = fits[0] if len(fits) == 1 else None
    out = []
    append = out.append
    for d, km in pool.items():
        p = profile[d]
        fit = (only.get(d, 0.0),) if only is not None else tuple([f.get(d, 0.0) for f in fits])
        append(Candidate(ids[d], km, p.category, sortname[d], p.age_min, p.age_max, p.target_groups, p.languages,
                         p.welcomes_newcomers, StoredData(source, d), fit, lats[d], lons[d]))
    return out
