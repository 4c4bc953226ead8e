"""Keep big long-lived data out of the garbage collector's full collections.

A worker holds a national index's snapshot and matching's grid for as long as
the index generation lasts: a few hundred thousand tracked objects. CPython's
full (generation 2) collection walks all of them, and a match or search that
allocates a few thousand short-lived containers triggers one every few
requests: 150–240 ms each at 100,000 associations, which was most of match's
p95 (docs/performance.md). `gc.freeze()` moves everything alive into a
permanent generation the collector skips; reference counting still frees
those objects, only reference cycles among them wait for `gc.unfreeze()`.

So: settle after building long-lived data, and when a generation is replaced,
unfreeze and collect first, so the old generation's cycles are freed (once per
index generation; never on a small index, where a full collection is cheap).
"""
from __future__ import annotations

import gc
import threading

# Below this many documents a full collection costs a few milliseconds: leave the collector alone
# (tests and a single municipality's directory never freeze anything).
MIN_DOCUMENTS = 20_000

_lock = threading.Lock()


def settle(documents: int, *, replacing: bool = False) -> bool:
    """Freeze what is alive now, after building data for an index of `documents` documents.

    :param replacing: the data of an earlier generation was just dropped: free its
        reference cycles before freezing (a full collection, once per generation).
    :returns: whether anything was frozen.
    """
    with _lock:
        if replacing and gc.get_freeze_count():
            gc.unfreeze()
            gc.collect()
        if documents < MIN_DOCUMENTS:
            return False
        gc.freeze()
        return True
