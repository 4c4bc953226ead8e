"""The fast path of `_rank` reads names only for candidates that can reach the list: it must pick
exactly what sorting everything would (ties by name and id included), and the grid walk must be
exact however far it goes."""
from __future__ import annotations

import random

from fællesskab.matching import ranking
from fællesskab.matching.candidates import Scored
from fællesskab.matching.services import _Candidate, _needed_to_pick


def _scored(c: _Candidate, names: dict) -> Scored:
    return Scored(c.doc, c.score, c.km, "sport", "association", names[c.doc], c.doc, None, c.hit)


def test_the_candidates_read_for_picking_pick_what_sorting_everything_would():
    rnd = random.Random(20)
    for trial in range(400):
        n_interests = rnd.choice([1, 2, 3, 4])
        limit = rnd.choice([1, 3, 5, 10, 20])
        # few distinct scores and distances: many ties, settled by name and id
        candidates, names = [], {}
        for doc in range(rnd.randint(0, 60)):
            score = rnd.choice([0.9, 0.8, 0.8, 0.7, 0.5])
            km = rnd.choice([0.5, 1.0, 1.0, 3.0])
            hit = tuple(sorted(rnd.sample(range(n_interests), rnd.randint(1, n_interests))))
            names[doc] = rnd.choice(["a", "b", "b", "c"])
            candidates.append(_Candidate((-round(score, 9), round(km, 6), 0), score, km, doc, hit))
        everything = sorted((_scored(c, names) for c in candidates), key=Scored.key)
        needed = sorted((_scored(c, names) for c in _needed_to_pick(candidates, limit, n_interests)),
                        key=Scored.key)
        full = ranking.pick_represented(everything, limit, lambda s: s.hit, n_interests)
        fast = ranking.pick_represented(needed, limit, lambda s: s.hit, n_interests)
        assert [s.doc for s in fast] == [s.doc for s in full], (trial, limit, n_interests)
        assert len(needed) <= len(candidates)
