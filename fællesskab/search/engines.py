"""The two implementations of the search port (port.py), chosen by SEARCH_BACKEND.

Each engine class is a thin face over its package: `WhooshEngine` over the
node-local index (index.py, services.py, the change log), `PostgresEngine`
over `search_documents` (pg/). Callers never see which one they have.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from .params import SearchParams
from .port import CandidateQuery, Candidates, SearchEngine, SearchResult


class WhooshEngine:
    """A Whoosh index in SEARCH_INDEX_DIR on this node (the embedded default)."""

    name = "whoosh"

    def __init__(self, app: Flask):
        self.app = app

    def search(self, params: SearchParams) -> SearchResult:
        from .services import search

        return search(params)

    def candidates(self, query: CandidateQuery) -> Candidates:
        from .candidates import whoosh_candidates

        return whoosh_candidates(self.app, query)

    def write(self, changes: dict[str, dict | None]) -> None:
        from . import apply_changes

        apply_changes(self.app, changes)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        from . import rebuild

        return rebuild(self.app, progress)

    def clear(self) -> None:
        from . import clear_index

        clear_index(self.app)

    def health(self) -> tuple[bool, str]:
        from . import health

        return health(self.app)

    def lag(self) -> tuple[int, float | None]:
        from . import index_lag

        return index_lag(self.app)


class PostgresEngine:
    """PostgreSQL full-text search over `search_documents` (pg/)."""

    name = "postgres"

    def __init__(self, app: Flask):
        self.app = app

    def search(self, params: SearchParams) -> SearchResult:
        from .pg.backend import search

        return search(params)

    def candidates(self, query: CandidateQuery) -> Candidates:
        from .pg.candidates import postgres_candidates

        return postgres_candidates(self.app, query)

    def write(self, changes: dict[str, dict | None]) -> None:
        """Nothing to do: the sync hooks wrote the rows in the committing transaction."""

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        from .pg import rebuild

        return rebuild(self.app, progress) or 0

    def clear(self) -> None:
        """Nothing to do: the rows go with the tables they were written beside."""

    def health(self) -> tuple[bool, str]:
        from .pg import EXTENSION, ensure_ready

        ensure_ready(self.app)  # the first call in a process fills a stale table, as the first search would
        state = self.app.extensions.get(EXTENSION)
        if state is None or not state.ready:
            return False, "search_documents not checked or being rebuilt; see the log"
        if state.trigrams is False:
            return True, "search_documents checked; pg_trgm missing, close spellings without an index"
        return True, "search_documents checked"

    def lag(self) -> tuple[int, float | None]:
        return 0, None  # written in the same transaction as the change


ENGINES: dict[str, type] = {"whoosh": WhooshEngine, "postgres": PostgresEngine}


def make_engine(app: Flask) -> SearchEngine:
    return ENGINES[app.config.get("SEARCH_BACKEND") or "whoosh"](app)
