"""The search port: the one interface every caller outside `search/` uses.

Two engines implement it (docs/architecture.md, "Search"):

* ``whoosh`` (the embedded default, SQLite): a Whoosh index on this node's
  disk, read through Whoosh's public API only; sized for a municipality
  (about 1,000 associations, designed for 5,000);
* ``postgres`` (several app nodes, national scale): PostgreSQL full-text
  search over `search_documents`, written in the same transaction as every
  change, so there is no per-node index and nothing to sync.

`SEARCH_BACKEND` chooses one (`engine(app)`). The Danish analysis (stems,
compounds, the Danish–English thesaurus, close spellings; analysis.py and
query.py) is shared by both, so a query means the same on either.

This module holds only the interface and the plain values that cross it;
nothing here reads an index or a table.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .params import SearchParams

# --- search ---------------------------------------------------------------------------------------


@dataclass
class Location:
    """Where a search is centred: a place, an address or coordinates, and how precise it is."""

    lat: float
    lon: float
    precision: str
    label: str

    def to_json(self) -> dict:
        return {"lat": round(self.lat, 5), "lon": round(self.lon, 5), "precision": self.precision,
                "label": self.label}


@dataclass
class Hit:
    data: dict  # the stored document (documents.py "data"): what a result shows
    score: float
    distance_km: float | None


@dataclass
class SearchResult:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    location: Location | None = None
    suggestion: str | None = None  # "Mente du …?": the query with misspelt words replaced
    notice: str | None = None  # "any_words" | "place_relaxed" | "stop_words"
    terms: set[str] = field(default_factory=set)  # for highlighting
    related_categories: list[str] = field(default_factory=list)


# --- matching's candidates ------------------------------------------------------------------------
#
# What `SearchEngine.candidates` answers, the same on every engine (search/candidates.py for Whoosh,
# search/pg/candidates.py for PostgreSQL):
#
# Interests. Each of `CandidateQuery.interests`, stripped, is a *ticked category* when its lowercase
# form is one of `category_slugs` (it goes to `Candidates.slugs` as that slug), else *typed words*,
# analysed exactly like a search query (query.parse: stems, compound parts, the Danish–English
# thesaurus, close spellings against the index's words). Typed words that leave nothing to look for
# (only stop words: "og", "the") are dropped; the rest go to `Candidates.typed` as written (stripped).
# Both keep the request's order.
#
# Strength of a typed interest in a document (0–1). Per group of the parsed query (a typed word or a
# thesaurus phrase) the best of its alternatives counts, times the alternative's boost (query.py):
#   * one term: 1.0 when its weight in the document's `text` is ≥ 3 (in the name or the tags: name 5,
#     tags 3, summary 2, place 2, description and category words 1, summed over mentions), 0.85 when
#     ≥ 2, else 0.7;
#   * several terms (a compound's parts, a phrase), all in the document: 0.9.
# The groups' values are averaged (0.0 where none of the words is found). The interest *matches*
# the document when its strength is at least MATCHED (0.5); weaker ones are given as they are (a
# synonym only in the category words, say), and only matching decides what a match is.
#
# Associations (live and public only, each once, all within `max_km` of (lat, lon) by great-circle
# distance):
#   1. every association a typed interest matches, however many;
#   2. the `category_pool` nearest of the ticked categories (when any is ticked);
#   3. the `nearby_pool` nearest of the rest (those not in 1 or 2);
# then those of `hidden_ids` taken out (after the pools are drawn, as matching did before the port).
# Their order in `Candidates.associations` means nothing; ties in distance at a pool's edge may go
# either way.
#
# Events: for each of `event_ids` that has a document (an approved event), when a typed interest has
# a strength above 0.0 in the event's own document: event id -> strengths (as `Candidate.strengths`).
MATCHED = 0.5


@dataclass(frozen=True)
class CandidateQuery:
    """What matching asks for: the listings near a household that it may rank (see above)."""

    lat: float
    lon: float
    max_km: float
    interests: tuple[str, ...] = ()  # as named: category slugs or free words, in the request's order
    # category slugs (matching passes all of them): an interest that is one is ticked
    category_slugs: frozenset[str] = frozenset()
    category_pool: int = 200
    nearby_pool: int = 100
    event_ids: tuple[int, ...] = ()  # events whose own text the typed interests are matched against
    hidden_ids: frozenset[int] = frozenset()  # associations to leave out (e.g. long unverified)


@dataclass(slots=True)
class Candidate:
    """One association, with the fields ranking reads and what the result shows.

    (Not frozen: an answer holds hundreds, and a frozen dataclass costs several times as
    much to make. Treat it as read-only.)"""

    id: int
    km: float  # great-circle distance from the query's point
    category: str
    sortname: str  # the name as documents.sort_key folds it (lowercase, spaces collapsed, 40 characters)
    age_min: int | None
    age_max: int | None
    target_groups: tuple[str, ...]
    languages: tuple[str, ...]
    welcomes_newcomers: bool | None
    # The stored document (as Hit.data). An engine may read it on first use (Whoosh does): read it only
    # for the candidates shown.
    data: Mapping[str, Any]
    # How well each typed interest fits (0–1; it matches from MATCHED up), in `Candidates.typed` order;
    # () without typed interests.
    strengths: tuple[float, ...] = ()
    lat: float | None = None  # the association's point (every engine sets it)
    lon: float | None = None


@dataclass
class Candidates:
    typed: list[str] = field(default_factory=list)  # the typed interests that mean something, as named
    slugs: list[str] = field(default_factory=list)  # the ticked categories
    # An interest says the household looks for seniors' activities: the "seniors" category ticked, or a
    # typed interest whose own terms (each group's first alternative) hold one of the terms of "senior
    # seniorer seniors ældre pensionist pensionister retired" (candidates.SENIOR_TERMS).
    seniors: bool = False
    associations: list[Candidate] = field(default_factory=list)
    # event id -> strength of each typed interest in the event's own text (only events some interest fits at all)
    event_strengths: dict[int, tuple[float, ...]] = field(default_factory=dict)


# --- the port -------------------------------------------------------------------------------------


class SearchEngine(Protocol):
    """What every search engine offers. Callers get one from `engine(app)`."""

    name: str  # "whoosh" | "postgres"

    def search(self, params: SearchParams) -> SearchResult:
        """Text, filters, facets (disjunctive), distance, sorting and paging.

        :raises ValidationError: `near` names no place we can find.
        """

    def candidates(self, query: CandidateQuery) -> Candidates:
        """The associations matching may rank for a household (what it holds: above CandidateQuery)."""

    def write(self, changes: dict[str, dict | None]) -> None:
        """Index documents (key -> document) and remove those given as None, after a commit."""

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild everything from the database; return the number of documents."""

    def clear(self) -> None:
        """Empty the engine (tests, after emptying the tables)."""

    def health(self) -> tuple[bool, str]:
        """Whether search can answer: (ok, a short reason for /readyz)."""

    def lag(self) -> tuple[int, float | None]:
        """How far behind the database this node is: (changes not applied, age of the oldest in s)."""
