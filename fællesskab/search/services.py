"""Search: text, filters, facets, distance and sorting over the index.

Sorting:

* ``near`` (the default when a location is given) — nearest first among the
  good matches (relevance at least GOOD_MATCH of the best: the words are in
  the name, tags or summary, not only once in a long text), then the weaker
  matches, nearest first too; so a far result never comes above an equally
  relevant near one (issue 20). Without words in the query: nearest first;
* ``relevance`` — BM25F score (ties: associations by name, then events by date);
  the default without a location;
* ``distance`` — nearest first, however weak the match;
* ``blend`` — ``0.6 × relevance / best relevance + 0.4 × 1 / (1 + distance_km / 5)``
  (the default before issue 20; kept for the API's callers).

Facet counts are "disjunctive": each facet's counts apply every other
filter, so choosing a category still shows how many the other categories
would give.
"""
from __future__ import annotations

import heapq
import logging
import os
import pickle
import struct
import zlib
from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from flask import current_app

from ..core.time import utcnow
from ..geo.distance import EARTH_RADIUS_KM, bounding_box
from . import get_index, get_state
from .analysis import category_of
from .common import (
    BLEND_PROXIMITY,
    BLEND_RELEVANCE,
    FACET_LIMIT,
    GOOD_MATCH,
    PAST_GRACE_SECONDS,
    PROXIMITY_HALF_KM,
    place_terms,
    resolve_location,
)
from .params import SearchParams
from .port import Hit, Location, SearchResult
from .query import ParsedQuery, match, parse_cached, score
from .snapshot import FACETS, Snapshot, cell_of, ids_from_mask, mask_from_ids

log = logging.getLogger(__name__)



def search(params: SearchParams) -> SearchResult:
    """Run a search. The database is read only to geocode `near` and for the
    place names (both cached for a while); everything else comes from the index.

    :raises ValidationError: `near` names no place we can find.
    """
    app = current_app._get_current_object()
    location = resolve_location(params)
    index = get_index(app)
    try:
        return _search(index, params, location)
    except Exception as exc:
        # A damaged index must not take search down: rebuild it and retry once.
        if not _index_damage(exc):
            raise
        log.exception("reading the search index failed; rebuilding it")
        if not get_state(app).repair_after_failure():
            raise
        return _search(get_index(app), params, location)


def _index_damage(exc: BaseException) -> bool:
    """Whether `exc` came from reading index files (rather than from a bug here)."""
    if isinstance(exc, (OSError, EOFError, zlib.error, struct.error, pickle.UnpicklingError, UnicodeDecodeError)):
        return True
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and f"{os.sep}whoosh{os.sep}" in tb.tb_frame.f_code.co_filename


def _search(index, params: SearchParams, location: Location | None) -> SearchResult:
    with index.reading() as (searcher, snap):
        reader = searcher.reader()
        parsed = parse_cached(params.q, reader, snap) if params.q else ParsedQuery(text="")
        fixed = _fixed_filters(snap, params)
        filters = _facet_filters(snap, params)
        every_filter = fixed
        for mask in filters.values():
            every_filter &= mask
        base = match(parsed, reader, snap) & fixed
        notice = "stop_words" if parsed.stop_only else None
        if not base & every_filter and len(parsed.groups) > 1:
            base, notice = _relaxed(parsed, reader, snap, every_filter)
            base &= fixed
        distances: dict[int, float] | None = None
        if location is not None:
            base, distances = _near(snap, base, location, params.radius_km)
        facets = _facet_counts(snap, base, filters)
        final = base & every_filter
        total = final.bit_count()
        sort = _sort_mode(params, location)
        scores = score(parsed, reader, snap, final) if not parsed.is_empty and total else {}
        page_ids, shown_scores = _page(snap, Found(final, total, scores, distances), sort, params)
        hits = [Hit(snap.stored(searcher, d), round(shown_scores.get(d, 0.0), 3),
                    None if distances is None else round(distances[d], 2))
                for d in page_ids]
        terms = set(parsed.weighted_terms())
        suggestion = parsed.suggestion()
        related = _related_categories(parsed, snap) if total == 0 else []
    return SearchResult(params=params, total=total, hits=hits, facets=facets, location=location,
                        suggestion=suggestion, notice=notice, terms=terms, related_categories=related)


def _relaxed(parsed: ParsedQuery, reader, snap: Snapshot, filters: int) -> tuple[int, str | None]:
    """When nothing that passes the filters matches every word: first drop place
    names ("yoga vamdrup" → yoga anywhere, Vamdrup first), then accept any word."""
    places = parsed.place_groups(place_terms())
    if places and len(places) < len(parsed.groups):
        mask = match(parsed, reader, snap, skip=places) & snap.live
        if mask & filters:
            return mask, "place_relaxed"
    mask = match(parsed, reader, snap, any_group=True) & snap.live
    return mask, ("any_words" if mask & filters else None)


def _near(snap: Snapshot, base: int, loc: Location, radius_km: float | None) -> tuple[int, dict[int, float]]:
    """Restrict to the radius and measure each candidate's great-circle distance.

    With a radius, a bounding box is checked first (plain comparisons), and
    when the candidates outnumber the documents in the box's grid cells, the
    cells are walked instead of the candidates.
    """
    la0, lo0 = radians(loc.lat), radians(loc.lon)
    c0 = cos(la0)
    latr, lonr, coslat = snap.latr, snap.lonr, snap.coslat
    if radius_km is None:
        candidates = ids_from_mask(base)
    else:
        min_lat, max_lat, min_lon, max_lon = (radians(x) for x in bounding_box(loc.lat, loc.lon, radius_km))
        cells = _grid_cells(snap, loc, radius_km)
        in_cells = sum(len(c) for c in cells)
        if base.bit_count() > in_cells:
            flags = format(base, "b")[::-1]
            size = len(flags)
            candidates = [d for cell in cells for d in cell if d < size and flags[d] == "1"]
        else:
            candidates = ids_from_mask(base)
        candidates = [d for d in candidates if min_lat <= latr[d] <= max_lat and min_lon <= lonr[d] <= max_lon]
    # Inlined haversine (geo.distance.haversine_km) on the snapshot's precomputed radians and
    # cosines: a call per document costs about 15 % of this loop (bench/haversine.py).
    r2 = 2 * EARTH_RADIUS_KM
    distances = {}
    for d in candidates:
        a = sin((latr[d] - la0) / 2) ** 2 + c0 * coslat[d] * sin((lonr[d] - lo0) / 2) ** 2
        distances[d] = r2 * asin(min(1.0, sqrt(a)))
    if radius_km is not None:
        distances = {d: km for d, km in distances.items() if km <= radius_km}
        base &= mask_from_ids(list(distances), snap.n)
    return base, distances


def _grid_cells(snap: Snapshot, loc: Location, radius_km: float) -> list[list[int]]:
    min_lat, max_lat, min_lon, max_lon = bounding_box(loc.lat, loc.lon, radius_km)
    (i0, j0), (i1, j1) = cell_of(min_lat, min_lon), cell_of(max_lat, max_lon)
    grid = snap.grid
    return [grid[(i, j)] for i in range(i0, i1 + 1) for j in range(j0, j1 + 1) if (i, j) in grid]


# --- filters and facets ------------------------------------------------------------


def _fixed_filters(snap: Snapshot, params: SearchParams) -> int:
    """Filters that are not facets: a child's age, and hiding past events."""
    mask = snap.live
    if params.age is not None:
        mask &= snap.age_mask(params.age)
    if params.upcoming:
        mask &= ~snap.started_before_mask(int(utcnow().timestamp()) - PAST_GRACE_SECONDS)
    return mask


def _facet_filters(snap: Snapshot, params: SearchParams) -> dict[str, int]:
    filters = {}
    for facet, values in (("category", params.category), ("target_group", params.target_group),
                          ("language", params.language), ("place", params.place)):
        if values:
            filters[facet] = snap.facet_mask(facet, values)
    if params.type:
        filters["type"] = snap.facet_mask("type", [params.type])
    if params.newcomers:
        filters["newcomers"] = snap.facet_mask("newcomers", ["true"])
    return filters


def _facet_counts(snap: Snapshot, base: int, filters: dict[str, int]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        mask = base
        for other, fmask in filters.items():
            if other != facet:
                mask &= fmask
        counts = {}
        if mask:
            for value in snap.facet_values.get(facet, ()):
                n = (mask & snap.facets[(facet, value)]).bit_count()
                if n:
                    counts[value] = n
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: FACET_LIMIT.get(facet, 100)]
        out["welcomes_newcomers" if facet == "newcomers" else facet] = dict(ordered)
    return out


# --- sorting and paging ------------------------------------------------------------


def _sort_mode(params: SearchParams, location: Location | None) -> str:
    if location is None:
        return "relevance"
    return params.sort or "near"


@dataclass(frozen=True)
class Found:
    """What a search matched, for `_page` to sort."""

    final: int  # bit mask of the documents that match every filter
    total: int  # how many they are
    scores: dict[int, float]  # relevance of the scored ones (none without words)
    distances: dict[int, float] | None  # km from the centre, when there is one


def _page(snap: Snapshot, found: Found, sort: str, params: SearchParams) -> tuple[list[int], dict[int, float]]:
    """Return (doc numbers of the page, score shown per doc).

    Only the documents that can be on the pages up to this one are sorted
    with the full key: those whose sort value is at least as good as the
    `end`-th best value (ties included, so the order is exactly that of
    sorting everything).
    """
    final, total, scores, distances = found.final, found.total, found.scores, found.distances
    start = (params.page - 1) * params.per_page
    end = start + params.per_page
    if start >= total:
        return [], {}
    best = max(scores.values(), default=0.0) or 1.0
    relevance = {d: s / best for d, s in scores.items()}
    if sort == "relevance" and not scores:
        return _browse(snap, final, start, end), {}
    rank = _browse_rank(snap)
    if sort == "relevance":
        # When every match has a score, the dict holds exactly the candidates.
        pool = _best(relevance, end, largest=True) if len(relevance) == total else ids_from_mask(final)
        key = lambda d: (-relevance.get(d, 0.0), rank[d])  # noqa: E731
        shown = relevance
    else:
        candidates = distances if len(distances) == total else ids_from_mask(final)
        if sort == "distance":
            pool = _best({d: distances[d] for d in candidates} if candidates is not distances else distances,
                         end, largest=False)
            key = lambda d: (distances[d], -relevance.get(d, 0.0), rank[d])  # noqa: E731
            shown = relevance
        elif sort == "near":  # the good matches nearest first, then the weaker ones (no words: all good)
            get = relevance.get
            tiered = {d: (0 if not scores or get(d, 0.0) >= GOOD_MATCH else 1, distances[d]) for d in candidates}
            pool = _best(tiered, end, largest=False)
            key = lambda d: (tiered[d], -get(d, 0.0), rank[d])  # noqa: E731
            shown = relevance
        else:
            get = relevance.get
            shown = {d: BLEND_RELEVANCE * get(d, 0.0) + BLEND_PROXIMITY / (1 + distances[d] / PROXIMITY_HALF_KM)
                     for d in candidates}
            pool = _best(shown, end, largest=True)
            key = lambda d: (-shown[d], rank[d])  # noqa: E731
    ordered = sorted(pool, key=key)[:end]
    return ordered[start:end], shown


def _best(values: dict[int, float], count: int, *, largest: bool) -> list[int]:
    """The docs whose value is at least as good as the `count`-th best (ties included)."""
    if len(values) <= count:
        return list(values)
    if largest:
        cut = heapq.nlargest(count, values.values())[-1]
        return [d for d, v in values.items() if v >= cut]
    cut = heapq.nsmallest(count, values.values())[-1]
    return [d for d, v in values.items() if v <= cut]


def _browse(snap: Snapshot, final: int, start: int, end: int) -> list[int]:
    """Without words to rank by: associations by name, then events by date."""
    flags = format(final, "b")[::-1]
    size = len(flags)
    out, seen = [], 0
    for d in snap.browse_order():
        if d < size and flags[d] == "1":
            if seen >= start:
                out.append(d)
                if len(out) == end - start:
                    break
            seen += 1
    return out


def _browse_rank(snap: Snapshot):
    return snap.browse_rank()


def _related_categories(parsed: ParsedQuery, snap: Snapshot) -> list[str]:
    """Categories the query's words belong to, else the biggest categories."""
    found: list[str] = []
    for t in parsed.weighted_terms():
        category = category_of(t)
        if category and category not in found:
            found.append(category)
    if not found:
        counts = {v: (snap.live & snap.facets[("category", v)]).bit_count()
                  for v in snap.facet_values.get("category", ())}
        found = [c for c, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n][:4]
    return found[:4]

