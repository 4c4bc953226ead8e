"""Per-generation search data: document attributes, bitsets, norms and a geo grid.

Whoosh scores through a chain of Python matcher objects, which costs several
microseconds per matching document; at 100,000 listings a common word would
take 100 ms or more. So the index is read in bulk instead: each posting list
becomes a Python integer bitset (one bit per document), filters and facets
are integer AND/OR and `int.bit_count()`, and BM25F is summed straight from
the posting blocks for the documents that are left.

Data that depends only on one segment is cached by segment id (segments never
change), so a small commit does not recompute the big segment's data.
"""
from __future__ import annotations

import re
import threading
from array import array
from collections import OrderedDict, defaultdict, deque
from itertools import accumulate, compress, repeat
from math import cos, floor, radians

from .documents import Attrs, decode_attrs

BM25_K1 = 1.6
BM25_B = 0.5
CELL_LAT = 0.02  # degrees; about 2.2 km
CELL_LON = 0.035  # degrees; about 2.2 km at 55.5° N
FACETS = ("type", "category", "target_group", "language", "place", "newcomers")
POSTINGS_CACHE = 128  # terms whose combined postings are kept per generation
SEGMENT_POSTINGS_CACHE = 512  # (segment, term) postings kept across generations

_TO_BITS = bytes.maketrans(b"\x00\x01", b"01")
_FROM_BITS = bytes.maketrans(b"01", b"\x00\x01")


def mask_from_ids(ids, n: int) -> int:
    """Return a bitset with the bits of `ids` (all < n) set."""
    if not ids:
        return 0
    flags = bytearray(n)
    deque(map(flags.__setitem__, ids, repeat(1)), maxlen=0)  # a C-speed scatter
    return int(flags.translate(_TO_BITS)[::-1], 2)


def ids_from_mask(mask: int) -> list[int]:
    """Return the set bits of `mask` in ascending order."""
    if not mask:
        return []
    length = mask.bit_length()
    if mask.bit_count() * 48 < length:  # sparse: visit only the non-zero bytes
        data = mask.to_bytes((length + 7) // 8, "little")
        out: list[int] = []
        for m in _NONZERO_BYTE.finditer(data):
            base = m.start() * 8
            out += [base + bit for bit in _BITS_OF_BYTE[data[m.start()]]]
        return out
    flags = format(mask, "b").encode("ascii")[::-1].translate(_FROM_BITS)
    return list(compress(range(len(flags)), flags))


_NONZERO_BYTE = re.compile(b"[^\x00]")
_BITS_OF_BYTE = [[bit for bit in range(8) if byte >> bit & 1] for byte in range(256)]


def attr_values(a: Attrs, facet: str) -> tuple[str, ...]:
    """The facet values of one document."""
    if facet == "type":
        return (a.kind,)
    if facet == "category":
        return (a.category,) if a.category else ()
    if facet == "target_group":
        return a.target_groups
    if facet == "language":
        return a.languages
    if facet == "place":
        return (a.place,) if a.place else ()
    if facet == "newcomers":
        return ("true",) if a.newcomers else ()
    raise KeyError(facet)


def cell_of(lat: float, lon: float) -> tuple[int, int]:
    return floor(lat / CELL_LAT), floor(lon / CELL_LON)


class Postings:
    """One term's documents: a bitset, parallel doc-number and weight arrays,
    and (built when first needed) a doc → weight dict."""

    __slots__ = ("mask", "ids", "weights", "_by_doc")

    def __init__(self, mask: int, ids: array, weights: array):
        self.mask, self.ids, self.weights, self._by_doc = mask, ids, weights, None

    def __len__(self) -> int:
        return len(self.ids)

    def by_doc(self) -> dict[int, float]:
        if self._by_doc is None:
            self._by_doc = dict(zip(self.ids, self.weights))
        return self._by_doc


class SegmentData:
    """What one (immutable) segment contributes; computed once per segment."""

    def __init__(self, leaf):
        n = self.n = leaf.doc_count_all()
        if n:
            column = leaf.column_reader("attrs")
            self.attrs = [decode_attrs(column[d]) for d in range(n)]
            self.lengths = [leaf.doc_field_length(d, "text", 0) for d in range(n)]
        else:
            self.attrs, self.lengths = [], []
        ids: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.events: list[int] = []
        for d, a in enumerate(self.attrs):
            for facet in FACETS:
                for value in attr_values(a, facet):
                    ids[(facet, value)].append(d)
            self.grid[cell_of(a.lat, a.lon)].append(d)
            if a.kind == "event":
                self.events.append(d)
        self.facets = {key: mask_from_ids(docs, n) for key, docs in ids.items()}
        self.latr = [radians(a.lat) for a in self.attrs]
        self.lonr = [radians(a.lon) for a in self.attrs]
        self.coslat = [cos(x) for x in self.latr]


class SegmentCache:
    """SegmentData and decoded postings by segment id, shared by all generations
    of one index: a commit adds a small segment and leaves the big ones (and
    what was decoded from them) as they were."""

    def __init__(self):
        self._data: dict[str, SegmentData] = {}
        self._postings: OrderedDict[tuple[str, str], Postings | None] = OrderedDict()
        self._lock = threading.Lock()

    def postings(self, leaf, term: str) -> Postings | None:
        """One segment's postings of `term` (local doc numbers), or None."""
        key = (leaf.segment().segment_id(), term)
        with self._lock:
            if key in self._postings:
                self._postings.move_to_end(key)
                return self._postings[key]
        found = None
        if leaf.doc_count_all() and leaf.doc_frequency("text", term):
            ids, weights = array("i"), array("f")
            _read_postings(leaf.postings("text", term), 0, ids, weights)
            found = Postings(mask_from_ids(ids, leaf.doc_count_all()), ids, weights)
        with self._lock:
            self._postings[key] = found
            while len(self._postings) > SEGMENT_POSTINGS_CACHE:
                self._postings.popitem(last=False)
        return found

    def get(self, leaf) -> SegmentData:
        key = leaf.segment().segment_id()
        with self._lock:
            data = self._data.get(key)
        if data is None:
            data = SegmentData(leaf)
            with self._lock:
                self._data[key] = data
        return data

    def keep_only(self, keys: set[str]) -> None:
        with self._lock:
            for key in [k for k in self._data if k not in keys]:
                del self._data[key]
            for key in [k for k in self._postings if k[0] not in keys]:
                del self._postings[key]


class Snapshot:
    """Everything a query needs about one index generation, in global doc numbers."""

    def __init__(self, searcher, segments: SegmentCache):
        reader = searcher.reader()
        self.generation = reader.generation()
        leaves = [(leaf, o) for leaf, o in reader.leaf_readers() if leaf.segment() is not None]  # not EmptyReader
        self.segment_ids = tuple(leaf.segment().segment_id() for leaf, _o in leaves)
        segments.keep_only(set(self.segment_ids))
        self.n = reader.doc_count_all()
        self.attrs: list[Attrs] = []
        lengths: list[int] = []
        self.latr, self.lonr, self.coslat = [], [], []
        self.facets: dict[tuple[str, str], int] = defaultdict(int)
        self.grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.events: list[int] = []
        deleted: list[int] = []
        for leaf, offset in leaves:
            data = segments.get(leaf)
            self.attrs += data.attrs
            lengths += data.lengths
            self.latr += data.latr
            self.lonr += data.lonr
            self.coslat += data.coslat
            for key, mask in data.facets.items():
                self.facets[key] |= mask << offset
            for cell, docs in data.grid.items():
                self.grid[cell] += [d + offset for d in docs]
            self.events += [d + offset for d in data.events]
            deleted += [d + offset for d in leaf.segment().deleted_docs()]
        live = ((1 << self.n) - 1) & ~mask_from_ids(deleted, self.n)
        self.live = live
        self.count = live.bit_count()
        live_lengths = [lengths[d] for d in ids_from_mask(live)] if self.count < self.n else lengths
        avgdl = (sum(live_lengths) / len(live_lengths)) if live_lengths else 1.0
        k1, b = BM25_K1, BM25_B
        self.norms = array("d", (k1 * (1 - b + b * length / avgdl) for length in lengths))
        self._segments = segments
        self._postings: OrderedDict[str, Postings] = OrderedDict()
        self._lock = threading.Lock()
        self._age_masks: dict[int, int] = {}
        self.facet_values: dict[str, list[str]] = defaultdict(list)
        for facet, value in self.facets:
            self.facet_values[facet].append(value)
        self._browse_order: list[int] | None = None

    # --- postings --------------------------------------------------------------

    def postings(self, reader, term: str) -> Postings:
        """Return the postings of `term` in the text field (the last few are cached)."""
        with self._lock:
            hit = self._postings.get(term)
            if hit is not None:
                self._postings.move_to_end(term)
                return hit
        parts = [(self._segments.postings(leaf, term), offset) for leaf, offset in reader.leaf_readers()
                 if leaf.segment() is not None]
        parts = [(p, offset) for p, offset in parts if p is not None]
        if len(parts) == 1 and parts[0][1] == 0:
            only = parts[0][0]
            result = Postings(only.mask & self.live, only.ids, only.weights)
        else:
            mask, ids, weights = 0, array("i"), array("f")
            for p, offset in parts:
                mask |= p.mask << offset
                ids.extend(p.ids if not offset else map(offset.__add__, p.ids))
                weights.extend(p.weights)
            result = Postings(mask & self.live, ids, weights)
        with self._lock:
            self._postings[term] = result
            while len(self._postings) > POSTINGS_CACHE:
                self._postings.popitem(last=False)
        return result

    def browse_order(self) -> list[int]:
        """All doc numbers in browsing order: associations by name, then events by start."""
        if self._browse_order is None:
            attrs = self.attrs
            self._browse_order = sorted(
                range(self.n),
                key=lambda d: (attrs[d].kind != "association", attrs[d].starts or 0, attrs[d].sortname),
            )
        return self._browse_order

    def latest_update(self) -> int:
        """The newest `updated` timestamp of a live document (0 if none)."""
        attrs = self.attrs
        return max((attrs[d].updated for d in ids_from_mask(self.live)), default=0)

    # --- filters ---------------------------------------------------------------

    def facet_mask(self, facet: str, values) -> int:
        mask = 0
        for value in values:
            mask |= self.facets.get((facet, value), 0)
        return mask

    def age_mask(self, age: int) -> int:
        """Documents whose age range holds `age` (a missing bound is open)."""
        mask = self._age_masks.get(age)
        if mask is None:
            ok = [d for d, a in enumerate(self.attrs)
                  if (a.age_min is None or a.age_min <= age) and (a.age_max is None or age <= a.age_max)]
            mask = mask_from_ids(ok, self.n)
            if len(self._age_masks) < 130:
                self._age_masks[age] = mask
        return mask

    def started_before_mask(self, timestamp: int) -> int:
        """Events that start before `timestamp` (to hide past events)."""
        attrs = self.attrs
        return mask_from_ids([d for d in self.events if (attrs[d].starts or 0) < timestamp], self.n)


def _read_postings(matcher, offset: int, ids: array, weights: array) -> None:
    """Append a term's postings; reads whole blocks of Whoosh's W3 codec at once.

    whoosh-reloaded is pinned to 2.7.5 (pyproject.toml), whose block matcher
    keeps a block's delta-coded ids in `_data[0]` and its weights in
    `_weights`; decoding the deltas with `accumulate` runs at C speed, where
    Whoosh's own decoder is a Python generator. Anything else (such as the
    ListMatcher of a term in one document) takes the public, slower path.
    """
    if all(hasattr(matcher, a) for a in ("_read_data", "_read_weights", "_next_block", "_byteids")):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            raw = matcher._data[0]
            block = raw if matcher._byteids else accumulate(raw)
            ids.extend(block if not offset else map(offset.__add__, block))
            matcher._read_weights()
            weights.extend(matcher._weights)
            matcher._next_block()
        return
    while matcher.is_active():
        ids.append(matcher.id() + offset)
        weights.append(matcher.weight())
        matcher.next()
