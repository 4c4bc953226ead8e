"""What Whoosh's own `Searcher.search` costs at a municipality's scale (issue 19 item 2).

Run: `.venv/bin/python bench/search_searcher.py` (options: --size 5000 --passes 3).

The engine keeps an accelerator of its own (snapshot.py: posting lists as integer
bitsets, filters and facet counts as integer operations, BM25F summed over the
postings) built only on public Whoosh calls. This benchmark measures whether it is
still needed: on the same generated associations and queries as bench/search.py, it
times, per query class, median / p95 in ms of this process's CPU time (on a
shared machine the wall time mostly measures the neighbours' load) of

* **ours**: `query.match` + filters + `query.score` top 20 + the six facets' counts
  over the bitsets (what `/api/v1/search` does before it builds its JSON);
* **Whoosh**: the same parsed groups as a Whoosh query (And of groups, Or of
  alternatives, boosts), `Searcher.search(limit=20)` with BM25F (K1 1.6, B 0.5);
* **Whoosh + facets**: the same with `groupedby=` the four single-valued facets
  (type, category, place, welcomes newcomers) as `FunctionFacet`s over the decoded
  attributes (a list lookup per document: the cheapest public way, as the
  attributes are one column); the two multi-valued facets (target groups,
  languages) are left out, and so are the filters (category, age, …), which
  flatters Whoosh.

Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from whoosh import query as wq  # noqa: E402
from whoosh import scoring, sorting

from bench.search import CLASSES, _Args, _config, build  # noqa: E402
from bench.timing import summarise  # noqa: E402
from fællesskab import create_app  # noqa: E402
from fællesskab.search import get_index  # noqa: E402
from fællesskab.search.params import parse_params  # noqa: E402
from fællesskab.search.query import BM25_K1, match, parse, score  # noqa: E402
from fællesskab.search.services import _facet_counts, _facet_filters, _fixed_filters  # noqa: E402
from fællesskab.search.snapshot import BM25_B  # noqa: E402


def whoosh_query(parsed):
    groups = []
    for group in parsed.groups:
        alternatives = []
        for alt in group.alternatives:
            terms = [wq.Term("text", t) for t in alt.terms]
            alternatives.append(terms[0] if len(terms) == 1 else wq.And(terms))
            alternatives[-1].boost = alt.boost
        groups.append(wq.Or(alternatives))
    return wq.And(groups) if len(groups) > 1 else groups[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-searcher-")
    try:
        build(args.size, tmp)
        app = create_app(_config(args.size, tmp))
        with app.app_context():
            index = get_index(app)
            with index.reading() as (searcher, snap):
                reader = searcher.reader()
                whoosh = index._open().searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
                attrs = [snap.attrs[d] for d in range(snap.n)]
                facets = {
                    "type": sorting.FunctionFacet(lambda s, d: attrs[d].kind),
                    "category": sorting.FunctionFacet(lambda s, d: attrs[d].category),
                    "place": sorting.FunctionFacet(lambda s, d: attrs[d].place),
                    "newcomers": sorting.FunctionFacet(lambda s, d: attrs[d].newcomers),
                }
                rows = []
                for label, queries in CLASSES.items():
                    ours, plain, faceted = [], [], []
                    for _ in range(args.passes):
                        for q, params in queries:
                            p = parse_params(_Args({"q": q, **params}))
                            t0 = time.process_time()
                            parsed = parse(p.q, reader, snap)
                            filters = _facet_filters(snap, p)
                            base = match(parsed, reader, snap) & _fixed_filters(snap, p)
                            _facet_counts(snap, base, filters)
                            final = base
                            for mask in filters.values():
                                final &= mask
                            scores = score(parsed, reader, snap, final)
                            sorted(scores, key=scores.__getitem__, reverse=True)[:20]
                            ours.append(time.process_time() - t0)
                            t0 = time.process_time()
                            parsed = parse(p.q, reader, snap)
                            wquery = whoosh_query(parsed)
                            whoosh.search(wquery, limit=20)
                            plain.append(time.process_time() - t0)
                            t0 = time.process_time()
                            parsed = parse(p.q, reader, snap)
                            results = whoosh.search(whoosh_query(parsed), limit=20, groupedby=facets)
                            for name in facets:
                                results.groups(name)
                            faceted.append(time.process_time() - t0)
                    rows.append((label, summarise(ours), summarise(plain), summarise(faceted)))
                whoosh.close()
        print(f"| {args.size:,} associations | ours (bitsets, 6 facets) | Whoosh `search` top 20 "
              f"| Whoosh `search` + 4 facets |")
        print("| --- | ---: | ---: | ---: |")
        for label, *cells in rows:
            print(f"| {label} | " + " | ".join(f"{m:.1f} / {p:.1f}" for m, p in cells) + " |")
        print("\nCells: median / p95 CPU milliseconds (text match, filters, ranking, facets; no HTTP).")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
