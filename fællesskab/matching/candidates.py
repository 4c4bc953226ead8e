"""Turn the search engine's candidates (`fællesskab.search.Candidates`) into what ranking reads.

The search port finds them (`search.engine().candidates`): every association a
typed interest matches within reach, the nearest of the ticked categories and
the nearest of the rest, with how well each typed interest fits. This module
only reads those plain values: which named interests a listing matches, and
the ranking profile (`Listing`) of an association. No Flask, no database, no index.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from ..search import MATCHED, Candidate
from . import ranking
from .ranking import Listing

RELEVANT_GROUPS = ("children", "teens", "families", "newcomers")  # the target groups ranking reads
ADULT_GROUPS = ("adults", "young-adults", "seniors", "students", "internationals")


@dataclass
class InterestFit:
    """Which named interests a listing matches.

    A typed interest matches where the engine gave it a strength of MATCHED or more
    (`Candidate.strengths`, `Candidates.event_strengths`); a ticked category matches every
    association and event of that category. Indexes of the named interests: the typed
    ones first (in `typed` order), then the ticked ones."""

    typed: list[str] = field(default_factory=list)  # the typed interests, as named
    slugs: list[str] = field(default_factory=list)  # the ticked categories

    @property
    def count(self) -> int:
        """How many named interests there are (typed words, then ticked categories)."""
        return len(self.typed) + len(self.slugs)

    def matches(self, strengths: tuple[float, ...], category: str) -> tuple[list[int], float, int]:
        """(indexes of the named interests matched, best typed strength, how many typed ones)."""
        hit, strength, typed = [], 0.0, 0
        for i, s in enumerate(strengths):
            if s >= MATCHED:
                hit.append(i)
                typed += 1
                strength = max(strength, s)
        n = len(self.typed)
        hit += [n + j for j, slug in enumerate(self.slugs) if slug == category]
        return hit, min(strength, 1.0), typed

    def labels(self, hit: list[int]) -> list[str]:
        """The interests (as named) of `matches`' indexes, for the reasons."""
        n = len(self.typed)
        return [self.typed[i] if i < n else self.slugs[i - n] for i in hit]


@dataclass
class Scored:
    doc: int  # the association's place in `Candidates.associations` (-1 for an event)
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


def profile(c: Candidate) -> tuple[int, Listing]:
    """The association's ranking profile without its category (ranking's score does not read it:
    which named interests it matches does), and the profile's number.

    Associations alike share one profile (and its number), so a match computes the household's
    fit once per profile, not once per association; remembered across matches (the values
    come from a few dozen target groups, ages and languages)."""
    key = (c.age_min, c.age_max, c.target_groups, c.languages, c.welcomes_newcomers)
    found = _by_values.get(key)
    if found is None:
        groups = tuple(g for g in RELEVANT_GROUPS if g in c.target_groups)
        if any(g in ADULT_GROUPS for g in c.target_groups):
            groups += ("adults",)  # (which adults does not matter to the ranking)
        listing = Listing(age_min=c.age_min, age_max=c.age_max, target_groups=groups,
                          languages=c.languages or ("da",), welcomes_newcomers=c.welcomes_newcomers,
                          internationals="internationals" in c.target_groups)
        if len(_by_values) > MAX_PROFILES:  # odd data: start again (numbers are never reused)
            _by_values.clear()
            _by_listing.clear()
        found = _by_listing.get(listing)
        if found is None:
            found = _by_listing[listing] = (next(_numbers), listing)
        _by_values[key] = found
    return found


MAX_PROFILES = 20_000
_numbers = count()
_by_values: dict[tuple, tuple[int, Listing]] = {}
_by_listing: dict[Listing, tuple[int, Listing]] = {}
