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

from dataclasses import dataclass, field
from typing import Callable, Protocol

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


@dataclass(frozen=True)
class CandidateQuery:
    """What matching asks for: the listings near a household that it may rank.

    The answer holds every live association within `max_km` that a typed
    interest matches (however many), the `category_pool` nearest of the ticked
    categories, and the `nearby_pool` nearest of the rest.
    """

    lat: float
    lon: float
    max_km: float
    interests: tuple[str, ...] = ()  # as named: category slugs (`category_slugs`) or free words
    category_slugs: frozenset[str] = frozenset()  # which interests are category slugs
    category_pool: int = 200
    nearby_pool: int = 100
    event_ids: tuple[int, ...] = ()  # events whose own text the typed interests are matched against
    hidden_ids: frozenset[int] = frozenset()  # associations to leave out (e.g. long unverified)


@dataclass(frozen=True)
class Candidate:
    """One association, with the fields ranking reads and what the result shows."""

    id: int
    km: float
    category: str
    sortname: str  # the name, folded, for the tie order
    age_min: int | None
    age_max: int | None
    target_groups: tuple[str, ...]
    languages: tuple[str, ...]
    welcomes_newcomers: bool | None
    data: dict  # the stored document (as Hit.data)
    strengths: tuple[float, ...] = ()  # how well each typed interest fits (0–1), in `Candidates.typed` order


@dataclass
class Candidates:
    typed: list[str] = field(default_factory=list)  # the typed interests that mean something, as named
    slugs: list[str] = field(default_factory=list)  # the ticked categories
    seniors: bool = False  # an interest says the household looks for seniors' activities
    associations: list[Candidate] = field(default_factory=list)
    # event id -> strength of each typed interest in the event's own text (only events some interest fits)
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
        """The associations matching may rank for a household (see CandidateQuery)."""

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
