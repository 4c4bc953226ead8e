"""Per-generation search data: document attributes, bitsets, norms and a geo grid.

Read through Whoosh's public API only (no `_private` attribute of a Whoosh
object; tests/search/test_whoosh_public_api.py checks it): the attrs column by
iterating `leaf.column_reader()`, field lengths by `leaf.doc_field_length()`,
postings by a matcher's `id()`/`weight()`/`next()`.

Whoosh scores through a chain of Python matcher objects and counts facets
with a Python call per matching document. So each posting list becomes a
Python integer bitset (one bit per document), filters and facets are integer
AND/OR and `int.bit_count()`, and BM25F is summed from the decoded postings
for the documents that are left (bench/search_searcher.py compares this with
Whoosh's own `Searcher.search`; docs/performance.md).

The data is kept column-wise in typed arrays, never as an object per
document: category, target groups, ages, languages and place are small
integer codes into value lists shared by all segments (`Vocab`);
coordinates, start times and update times are arrays of machine numbers; the
sort names are one UTF-8 blob with end offsets. `Snapshot.attrs[d]` builds a
document's `Attrs` on demand. Decoded postings are kept in LRU caches bounded
by their size in bytes (cachetools), not by a number of terms.

Data that depends only on one segment is cached by segment id (segments never
change), so a small commit does not recompute the big segment's data: the
per-document reads of the public API (about 0.2 s for 5,000 listings) happen
once per segment and process.
"""
from __future__ import annotations

import contextlib
import re
import threading
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from itertools import accumulate, compress, islice, repeat
from math import cos, floor, radians

from cachetools import LRUCache

from .documents import Attrs

BM25_K1 = 1.6
BM25_B = 0.5
CELL_LAT = 0.02  # degrees; about 2.2 km
CELL_LON = 0.035  # degrees; about 2.2 km at 55.5° N
FACETS = ("type", "category", "target_group", "language", "place", "newcomers")
# Decoded postings kept, by their size in bytes (ids and weights 8 bytes a posting, plus the bitset).
SEGMENT_POSTINGS_BYTES = 32 * 1024 * 1024  # per index, across generations
POSTINGS_BYTES = 24 * 1024 * 1024  # per generation (concatenations over segments, masks without deleted docs)
AGE_MASKS = 24  # bitsets of "fits a child of age N" kept per generation
STORED_DOCUMENTS = 2048  # stored documents of shown hits kept per generation (~2 KB each)
PARSED_QUERIES = 1024  # parsed query texts kept per generation (a misspelt word's parse costs ~3 ms)
STARTS_NONE = -(1 << 63)  # `starts` of a document without one (associations)
NEWCOMERS = (None, False, True)

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
    """One term's documents: a bitset and parallel, ascending doc-number and weight arrays."""

    __slots__ = ("mask", "ids", "weights", "nbytes")

    def __init__(self, mask: int, ids: array, weights: array):
        self.mask, self.ids, self.weights = mask, ids, weights
        self.nbytes = 8 * len(ids) + (mask.bit_length() >> 3) + 100

    def __len__(self) -> int:
        return len(self.ids)

    def weights_of(self, docs: list[int]) -> list[tuple[int, float]]:
        """(doc, weight) for the docs (ascending) that have this term; a binary search each."""
        ids, weights = self.ids, self.weights
        out, lo, size = [], 0, len(ids)
        for d in docs:
            i = bisect_left(ids, d, lo)
            if i == size:
                break
            if ids[i] == d:
                out.append((d, weights[i]))
            lo = i
        return out


class Vocab(dict):
    """Raw column values → small integer codes, and back to the decoded values.

    Shared by all segments of one index, so a code means the same everywhere.
    """

    def __init__(self, decode):
        super().__init__()
        self.values: list = []
        self._decode = decode

    def __missing__(self, raw) -> int:
        code = self[raw] = len(self.values)
        self.values.append(self._decode(raw))
        return code


def _text(raw: bytes) -> str:
    return raw.decode("utf-8")


def _words(raw: bytes) -> tuple[str, ...]:
    return tuple(raw.decode("utf-8").split(",")) if raw else ()


def _ages(raw: tuple[bytes, bytes]) -> tuple[int | None, int | None]:
    return (int(raw[0]) if raw[0] else None, int(raw[1]) if raw[1] else None)


def _starts(raw: bytes) -> int:
    return int(raw) if raw else STARTS_NONE


class Vocabs:
    def __init__(self):
        self.category = Vocab(_text)
        self.groups = Vocab(_words)
        self.ages = Vocab(_ages)
        self.languages = Vocab(_words)
        self.place = Vocab(_text)
        self.newcomers = {b"": 0, b"0": 1, b"1": 2}


def _code_masks(codes: array, wanted: dict[str, set[int]], n: int) -> dict[str, int]:
    """For each name, the bitset of the documents whose code is in its set of codes."""
    docs_of: dict[int, list[int]] = defaultdict(list)
    for d, code in enumerate(codes):
        docs_of[code].append(d)
    by_code = {code: mask_from_ids(docs, n) for code, docs in docs_of.items()}
    out = {}
    for name, members in wanted.items():
        mask = 0
        for code in members:
            mask |= by_code.get(code, 0)
        out[name] = mask
    return out


class SegmentData:
    """What one (immutable) segment contributes; computed once per segment, kept column-wise."""

    def __init__(self, leaf, vocabs: Vocabs):
        n = self.n = leaf.doc_count_all()
        self.segment_id = leaf.segment().segment_id()
        self.vocabs = vocabs
        self.is_event = bytearray()
        self.category, self.groups, self.ages = array("H"), array("H"), array("H")
        self.languages, self.place = array("H"), array("H")
        self.newcomers = bytearray()
        self.starts, self.updated = array("q"), array("q")
        self.lat, self.lon = array("d"), array("d")
        self.name_ends = array("I", [0])
        names: list[bytes] = []
        if n:
            self._parse(_column_values(leaf, "attrs"), names)
        self.names = b"".join(names)
        del names
        self.lengths = _lengths(leaf, n)
        self.facets = self._facet_masks()
        self._grid: dict[tuple[int, int], array] | None = None
        self._event_order: array | None = None
        self._event_starts: array | None = None
        self._started: tuple[int, int] = (-1, 0)
        self._event_ids: tuple[array, array] | None = None

    def _parse(self, raws, names: list[bytes]) -> None:
        v = self.vocabs
        (kind, category, groups, age_min, age_max, languages, place, newcomers, starts, lat, lon, updated,
         sortname) = zip(*[raw.split(b"|", 12) for raw in raws], strict=True)
        self.is_event.extend(map(b"e".__eq__, kind))
        self.category.extend(map(v.category.__getitem__, category))
        self.groups.extend(map(v.groups.__getitem__, groups))
        self.ages.extend(map(v.ages.__getitem__, zip(age_min, age_max, strict=True)))
        self.languages.extend(map(v.languages.__getitem__, languages))
        self.place.extend(map(v.place.__getitem__, place))
        self.newcomers.extend(map(v.newcomers.__getitem__, newcomers))
        self.starts.extend(map(_starts, starts))
        self.lat.extend(map(float, lat))
        self.lon.extend(map(float, lon))
        self.updated.extend(map(int, updated))
        names += sortname
        self.name_ends.extend(islice(accumulate(map(len, sortname), initial=0), 1, None))

    def _facet_masks(self) -> dict[tuple[str, str], int]:
        n, v = self.n, self.vocabs
        if not n:
            return {}
        out: dict[tuple[str, str], int] = {}
        events = int(self.is_event.translate(_TO_BITS)[::-1], 2)
        out[("type", "event")] = events
        out[("type", "association")] = ((1 << n) - 1) & ~events
        newcomers = int(self.newcomers.translate(bytes.maketrans(b"\x00\x01\x02", b"001"))[::-1], 2)
        out[("newcomers", "true")] = newcomers
        for facet, codes, vocab, multi in (("category", self.category, v.category, False),
                                           ("target_group", self.groups, v.groups, True),
                                           ("language", self.languages, v.languages, True),
                                           ("place", self.place, v.place, False)):
            present = set(codes)
            wanted: dict[str, set[int]] = defaultdict(set)
            for code in present:
                values = vocab.values[code] if multi else ((vocab.values[code],) if vocab.values[code] else ())
                for value in values:
                    wanted[value].add(code)
            for value, mask in _code_masks(codes, wanted, n).items():
                out[(facet, value)] = mask
        return {key: mask for key, mask in out.items() if mask}

    def attrs(self, d: int) -> Attrs:
        v = self.vocabs
        starts = self.starts[d]
        age_min, age_max = v.ages.values[self.ages[d]]
        return Attrs(
            "event" if self.is_event[d] else "association", v.category.values[self.category[d]],
            v.groups.values[self.groups[d]], age_min, age_max, v.languages.values[self.languages[d]],
            v.place.values[self.place[d]], NEWCOMERS[self.newcomers[d]], None if starts == STARTS_NONE else starts,
            self.lat[d], self.lon[d], self.updated[d], self.sortname(d),
        )

    def sortname(self, d: int) -> str:
        ends = self.name_ends
        return self.names[ends[d]:ends[d + 1]].decode("utf-8")

    def grid(self) -> dict[tuple[int, int], array]:
        """Local doc numbers by 2 km grid cell (built on first use)."""
        if self._grid is None:
            grid: dict[tuple[int, int], array] = {}
            for d, cell in enumerate(zip(map(floor, (x / CELL_LAT for x in self.lat)),
                                         map(floor, (x / CELL_LON for x in self.lon)), strict=True)):
                docs = grid.get(cell)
                if docs is None:
                    docs = grid[cell] = array("i")
                docs.append(d)
            self._grid = grid
        return self._grid

    def started_before(self, timestamp: int) -> tuple[int, int]:
        """(how many events start before `timestamp`, their bitset)."""
        if self._event_starts is None:
            starts = self.starts
            order = sorted(ids_from_mask(self.facets.get(("type", "event"), 0)), key=starts.__getitem__)
            self._event_order = array("i", order)
            self._event_starts = array("q", map(starts.__getitem__, order))
        count = bisect_left(self._event_starts, timestamp)
        cached = self._started
        if cached[0] != count:
            cached = self._started = (count, mask_from_ids(self._event_order[:count], self.n))
        return cached

    def event_docs(self, leaf) -> tuple[array, array]:
        """(event ids ascending, their local doc numbers), read once from the doc_id terms."""
        if self._event_ids is None:
            pairs = []
            for term, info in leaf.iter_prefix("doc_id", "event:"):
                event_id = int(term[6:])
                if info.doc_frequency() == 1:
                    pairs.append((event_id, info.min_id()))
                else:
                    pairs += [(event_id, d) for d in leaf.postings("doc_id", term).all_ids()]
            pairs.sort()
            self._event_ids = (array("i", [p[0] for p in pairs]), array("i", [p[1] for p in pairs]))
        return self._event_ids

    def age_fits(self, age: int) -> int:
        """Bitset of the documents whose age range holds `age` (a missing bound is open)."""
        values = self.vocabs.ages.values
        fits = {c for c in set(self.ages)
                if (values[c][0] is None or values[c][0] <= age) and (values[c][1] is None or age <= values[c][1])}
        return _code_masks(self.ages, {"fits": fits}, self.n)["fits"]


def _column_values(leaf, name: str) -> list[bytes]:
    """Every document's value of a column (the reader's public iteration)."""
    return list(leaf.column_reader(name, translate=False))


def _lengths(leaf, n: int) -> array:
    """The text field's length of every document, as Whoosh scores with it (one byte, decoded)."""
    length = leaf.doc_field_length
    return array("I", [length(d, "text", 0) or 0 for d in range(n)])


class SegmentCache:
    """SegmentData and decoded postings by segment id, shared by all generations
    of one index: a commit adds a small segment and leaves the big ones (and
    what was decoded from them) as they were."""

    def __init__(self):
        self.vocabs = Vocabs()
        self._by_segment: dict[str, SegmentData] = {}
        self._postings = LRUCache(SEGMENT_POSTINGS_BYTES, getsizeof=_size)
        self._lock = threading.Lock()

    def postings(self, leaf, term: str) -> Postings | None:
        """One segment's postings of `term` (local doc numbers), or None."""
        key = (leaf.segment().segment_id(), term)
        with self._lock:
            hit = self._postings.get(key)
        if hit is not None:
            return hit[0]
        found = None
        if leaf.doc_count_all() and leaf.doc_frequency("text", term):
            ids, weights = _read_postings(leaf.postings("text", term))
            found = Postings(mask_from_ids(ids, leaf.doc_count_all()), ids, weights)
        with self._lock:
            _remember(self._postings, key, (found, found.nbytes if found is not None else 100))
        return found

    def get(self, leaf) -> SegmentData:
        key = leaf.segment().segment_id()
        with self._lock:
            data = self._by_segment.get(key)
        if data is None:
            data = SegmentData(leaf, self.vocabs)
            with self._lock:
                self._by_segment[key] = data
        return data

    def forget_postings(self) -> None:
        with self._lock:
            self._postings.clear()

    def keep_only(self, keys: set[str]) -> None:
        with self._lock:
            for key in [k for k in self._by_segment if k not in keys]:
                del self._by_segment[key]
            for key in [k for k in self._postings if k[0] not in keys]:
                del self._postings[key]


class AttrsView:
    """`Attrs` of a document by global doc number, built on demand from the columns."""

    def __init__(self, parts: list[tuple[SegmentData, int]]):
        self._parts = parts
        self._starts = [offset for _data, offset in parts]

    def __len__(self) -> int:
        return sum(data.n for data, _o in self._parts)

    def _locate(self, d: int) -> tuple[SegmentData, int]:
        if d < 0 or not self._parts:
            raise IndexError(d)
        data, offset = self._parts[bisect_left(self._starts, d + 1) - 1] if len(self._parts) > 1 else self._parts[0]
        if d - offset >= data.n:
            raise IndexError(d)
        return data, d - offset

    def __getitem__(self, d: int) -> Attrs:
        data, local = self._locate(d)
        return data.attrs(local)

    def sortname(self, d: int) -> str:
        data, local = self._locate(d)
        return data.sortname(local)


class Snapshot:
    """Everything a query needs about one index generation, in global doc numbers."""

    def __init__(self, searcher, segments: SegmentCache):
        reader = searcher.reader()
        self.generation = reader.generation()
        # Parsed queries (query.parse_cached): a parse reads this generation's vocabulary only.
        self.parsed: LRUCache = LRUCache(maxsize=PARSED_QUERIES)
        self.parsed_lock = threading.Lock()
        # Stored documents of hits shown (read, inflated and unpickled per hit otherwise).
        self._stored: LRUCache = LRUCache(maxsize=STORED_DOCUMENTS)
        leaves = [(leaf, o) for leaf, o in reader.leaf_readers() if leaf.segment() is not None]  # not EmptyReader
        self.segment_ids = tuple(leaf.segment().segment_id() for leaf, _o in leaves)
        segments.keep_only(set(self.segment_ids))
        self.n = reader.doc_count_all()
        self.vocabs = segments.vocabs
        parts = self._parts = [(segments.get(leaf), offset) for leaf, offset in leaves]
        self.attrs = AttrsView(parts)
        # Coordinates in radians for the distance loops (computed per generation at C speed;
        # the segments keep degrees only).
        self.latr, self.lonr, self.category = array("d"), array("d"), array("H")
        for data, _offset in parts:
            self.latr.extend(map(radians, data.lat))
            self.lonr.extend(map(radians, data.lon))
            self.category += data.category
        self.coslat = array("d", map(cos, self.latr))
        self.facets: dict[tuple[str, str], int] = defaultdict(int)
        deleted: list[int] = []
        # Deletions change a segment without changing its id: read them for every generation.
        self.deleted_sets: list[frozenset[int]] = []
        for (data, offset), (leaf, _o) in zip(parts, leaves, strict=True):
            for key, mask in data.facets.items():
                self.facets[key] |= mask << offset
            dead = frozenset(leaf.segment().deleted_docs()) if data.n else frozenset()
            self.deleted_sets.append(dead)
            deleted += [d + offset for d in sorted(dead)]
        self.events = self.facets.get(("type", "event"), 0)  # bitset of the events
        self.live = ((1 << self.n) - 1) & ~mask_from_ids(deleted, self.n)
        self.count = self.live.bit_count()
        self.norms = self._norms(parts, deleted)
        self._segments = segments
        self._postings = LRUCache(POSTINGS_BYTES, getsizeof=_size)
        self._lock = threading.Lock()
        self._age_masks: LRUCache = LRUCache(AGE_MASKS)
        self.facet_values: dict[str, list[str]] = defaultdict(list)
        for facet, value in sorted(self.facets, key=self._first_seen):
            self.facet_values[facet].append(value)
        self._browse_order: array | None = None
        self._rank: array | None = None
        self._grid: dict | None = None
        self._started: tuple | None = None

    def stored(self, searcher, doc: int) -> dict:
        """Document `doc`'s stored data (what a hit shows), kept for the next request that shows it.
        Shared: callers must not change it."""
        with self.parsed_lock:
            data = self._stored.get(doc)
        if data is None:
            data = searcher.stored_fields(doc)["data"]
            with self.parsed_lock:
                self._stored[doc] = data
        return data

    @property
    def parts(self) -> list[tuple[SegmentData, int]]:
        """(segment data, offset of its first global doc number) of each segment."""
        return self._parts

    def _first_seen(self, key: tuple[str, str]) -> tuple[int, int]:
        """(first document with the value, its place among the document's values): the order
        in which a walk over the documents meets the values (ties in counts keep it)."""
        mask = self.facets[key]
        first = (mask & -mask).bit_length() - 1
        values = attr_values(self.attrs[first], key[0])
        return first, values.index(key[1]) if key[1] in values else 0

    def _norms(self, parts, deleted: list[int]) -> array:
        """BM25's length normalisation, k1·(1 − b + b·length / average length), per document."""
        counts: Counter[int] = Counter()
        for data, _offset in parts:
            counts.update(data.lengths)
        for d in deleted:
            data, local = self.attrs._locate(d)
            counts[data.lengths[local]] -= 1
        live = sum(counts.values())
        avgdl = (sum(length * c for length, c in counts.items()) / live) if live else 1.0
        k1, b = BM25_K1, BM25_B
        norm_of = {length: k1 * (1 - b + b * length / avgdl) for length in counts}
        norms = array("d")
        for data, _offset in parts:
            norms.extend(map(norm_of.__getitem__, data.lengths))
        return norms

    # --- postings --------------------------------------------------------------

    def postings(self, reader, term: str) -> Postings:
        """Return the postings of `term` in the text field (cached up to a size)."""
        with self._lock:
            hit = self._postings.get(term)
        if hit is not None:
            return hit[0]
        parts = [(self._segments.postings(leaf, term), offset) for leaf, offset in reader.leaf_readers()
                 if leaf.segment() is not None]
        parts = [(p, offset) for p, offset in parts if p is not None]
        if len(parts) == 1 and parts[0][1] == 0:
            only = parts[0][0]
            masked = only.mask & self.live
            result = only if masked == only.mask else Postings(masked, only.ids, only.weights)
            nbytes = 100 if result is only else (masked.bit_length() >> 3) + 100
        else:
            mask, ids, weights = 0, array("i"), array("f")
            for p, offset in parts:
                mask |= p.mask << offset
                ids.extend(p.ids if not offset else map(offset.__add__, p.ids))
                weights.extend(p.weights)
            result = Postings(mask & self.live, ids, weights)
            nbytes = result.nbytes
        with self._lock:
            _remember(self._postings, term, (result, nbytes))
        return result

    def forget_postings(self) -> None:
        """Drop every decoded posting list (benchmarks: as in a new process)."""
        with self._lock:
            self._postings.clear()
        self._segments.forget_postings()

    def browse_order(self) -> array:
        """All doc numbers in browsing order: associations by name, then events by start
        (then name); ties by doc number."""
        if self._browse_order is None:
            keys = []
            for data, offset in self._parts:
                is_event, starts, names, ends = data.is_event, data.starts, data.names, data.name_ends
                for d in range(data.n):
                    start = starts[d] if is_event[d] and starts[d] != STARTS_NONE else 0
                    keys.append((is_event[d], start, names[ends[d]:ends[d + 1]], d + offset))
            keys.sort()
            self._browse_order = array("i", [key[3] for key in keys])
        return self._browse_order

    def browse_rank(self) -> array:
        """Each document's position in `browse_order` (ties in relevance are broken by it)."""
        if self._rank is None:
            rank = array("i", bytes(4 * self.n))
            for position, d in enumerate(self.browse_order()):
                rank[d] = position
            self._rank = rank
        return self._rank

    def latest_update(self) -> int:
        """The newest `updated` timestamp of a live document (0 if none)."""
        best = 0
        for (data, _offset), dead in zip(self._parts, self.deleted_sets, strict=True):
            if not data.n:
                continue
            if dead:
                best = max(best, max((u for d, u in enumerate(data.updated) if d not in dead), default=0))
            else:
                best = max(best, max(data.updated))
        return best

    # --- geography -------------------------------------------------------------

    @property
    def grid(self) -> dict[tuple[int, int], array]:
        """Global doc numbers by 2 km grid cell (see `cell_of`), built on first use."""
        if self._grid is None:
            if len(self._parts) == 1 and self._parts[0][1] == 0:
                self._grid = self._parts[0][0].grid()
            else:
                grid: dict[tuple[int, int], array] = {}
                for data, offset in self._parts:
                    for cell, docs in data.grid().items():
                        grid.setdefault(cell, array("i")).extend(map(offset.__add__, docs))
                self._grid = grid
        return self._grid

    # --- filters ---------------------------------------------------------------

    def facet_mask(self, facet: str, values) -> int:
        mask = 0
        for value in values:
            mask |= self.facets.get((facet, value), 0)
        return mask

    def age_mask(self, age: int) -> int:
        """Documents whose age range holds `age` (a missing bound is open)."""
        with self._lock:
            mask = self._age_masks.get(age)
        if mask is None:
            mask = 0
            for data, offset in self._parts:
                mask |= data.age_fits(age) << offset
            with self._lock:
                self._age_masks[age] = mask
        return mask

    def started_before_mask(self, timestamp: int) -> int:
        """Events that start before `timestamp` (to hide past events).

        The bitset changes only when `timestamp` passes an event's start, so
        it is kept for the number of events that have started."""
        key, masks = [], []
        for data, offset in self._parts:
            count, mask = data.started_before(timestamp)
            key.append(count)
            masks.append((mask, offset))
        key = tuple(key)
        cached = self._started
        if cached is None or cached[0] != key:
            combined = 0
            for mask, offset in masks:
                combined |= mask << offset
            cached = self._started = (key, combined)
        return cached[1]


def _size(item: tuple[object, int]) -> int:
    """The size in bytes of a cached (postings, nbytes) pair."""
    return item[1]


def _remember(cache: LRUCache, key, item: tuple[object, int]) -> None:
    """Cache `item` unless it alone is bigger than the whole cache (then it is simply not kept)."""
    with contextlib.suppress(ValueError):  # cachetools: "value too large"
        cache[key] = item


def _read_postings(matcher) -> tuple[array, array]:
    """A term's doc numbers and weights, ascending, through the matcher's public methods.

    `weight()`, not `items_as("weight")`: the latter decodes the posting's value (our
    frequency), while `weight()` is the weight the field wrote (schema.WeightedText).
    """
    ids, weights = array("i"), array("f")
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights
