"""Search on PostgreSQL full-text search (SEARCH_BACKEND=postgres).

The same search as services.py, answered by the database instead of this
process's Whoosh snapshot, so any number of app nodes share one GIN index
and hold nothing in memory:

* the query is parsed exactly as for Whoosh (query.parse: stems, compound
  parts, thesaurus, close spellings) and becomes a `tsquery` of our terms —
  each group an OR of its alternatives, each alternative an AND of its terms,
  the groups ANDed (ORed for the "any words" relaxation);
* close spellings come from `search_words` through a `pg_trgm` index, then
  the same edit-distance rule as Whoosh's `terms_within`;
* relevance is the same BM25F as query.score: each term's weight per document
  is stored (`weights`), the document count, average length and term
  frequencies are cached per process for a minute (store.Stats);
* filters are WHERE clauses, facet counts one GROUP BY per facet over the
  match (each leaving out its own filter, as services.py does), distance
  the same haversine after a bounding box;
* sorting (nearest good matches first, relevance, distance, the relevance–distance blend) and paging
  are a top-N sort with LIMIT/OFFSET — in the same statement as the facet
  counts and the total, over the match read once (`_run`).
"""
from __future__ import annotations

from datetime import datetime, timezone
from math import cos, log, radians

import sqlalchemy as sa
from flask import current_app

from ...core.time import utcnow
from ...extensions import db
from ...geo.distance import bounding_box
from ..analysis import category_of, edit_distance, word_terms
from ..params import SearchParams
from ..query import ParsedQuery, parse
from ..services import (BLEND_PROXIMITY, BLEND_RELEVANCE, EARTH_RADIUS_KM, FACET_LIMIT, GOOD_MATCH,
                        PAST_GRACE_SECONDS, PROXIMITY_HALF_KM, Hit, Location, SearchResult, place_terms, resolve_location)
from ..snapshot import BM25_B, BM25_K1, FACETS
from . import ensure_ready
from .rows import quote
from .store import stats_for

WORK_MEM = "32MB"  # the materialised match of a common word (35,000 rows at national scale) spilled to disk at 4MB
SIMILARITY_THRESHOLD = "0.15"  # trigram similarity that lets every 1–2-edit spelling through to the edit check
BROWSE_ORDER = "kind <> 'association', starts_at NULLS FIRST, sortname COLLATE \"C\", key"
FACET_COLUMNS = {"type": "kind", "category": "category", "place": "place"}
LIST_COLUMNS = {"target_group": "target_groups", "language": "languages"}


class Vocabulary:
    """The two questions query.parse asks of an index reader, answered by the database."""

    def __init__(self, connection, stats):
        self.connection, self.stats = connection, stats

    def doc_frequency(self, field: str, word: str) -> int:
        """Documents holding a term ("text") or a spelling word ("spell", counted by its term)."""
        if field == "spell":
            word = (word_terms(word) or (word,))[0]
        return self.stats.doc_frequencies(self.connection, [word])[word]

    def terms_within(self, field: str, word: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Vocabulary words within `maxdist` edits of `word` that share its first `prefix` letters."""
        self.connection.execute(sa.text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
                                {"t": SIMILARITY_THRESHOLD})
        rows = self.connection.execute(sa.text(
            "SELECT word FROM search_words WHERE word % :w AND length(word) BETWEEN :lo AND :hi"
            " AND left(word, :p) = left(:w, :p)"),
            {"w": word, "lo": len(word) - maxdist, "hi": len(word) + maxdist, "p": prefix}).scalars()
        return [w for w in rows if edit_distance(word, w, maxdist) <= maxdist]


class Sql:
    """Bind parameters for hand-built SQL."""

    def __init__(self):
        self.params: dict = {}

    def bind(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"


def tsquery(parsed: ParsedQuery, *, any_group: bool = False, skip=frozenset()) -> str | None:
    """The tsquery text of the parsed groups, or None when it would match everything."""
    groups = []
    for position, group in enumerate(parsed.groups):
        if position in skip:
            continue
        alternatives = ["(" + " & ".join(quote(t) for t in alt.terms) + ")" for alt in group.alternatives if alt.terms]
        if alternatives:
            groups.append("(" + " | ".join(alternatives) + ")")
    if not groups:
        return None
    return (" | " if any_group else " & ").join(groups)


def _match(sql: Sql, query: str | None) -> list[str]:
    return [] if query is None else [f"tsv @@ CAST({sql.bind(query)} AS tsquery)"]


def _fixed(sql: Sql, params: SearchParams) -> list[str]:
    """Conditions that are not facets: a child's age, and hiding past events."""
    out = []
    if params.age is not None:
        age = sql.bind(params.age)
        out.append(f"(age_min IS NULL OR age_min <= {age}) AND (age_max IS NULL OR {age} <= age_max)")
    if params.upcoming:
        cutoff = datetime.fromtimestamp(int(utcnow().timestamp()) - PAST_GRACE_SECONDS, timezone.utc)
        out.append(f"NOT (kind = 'event' AND coalesce(starts_at, CAST('1970-01-01' AS timestamp)) < "
                   f"{sql.bind(cutoff.replace(tzinfo=None))})")
    return out


def _facet_filters(sql: Sql, params: SearchParams) -> dict[str, str]:
    filters = {}
    for facet, values in (("category", params.category), ("place", params.place)):
        if values:
            filters[facet] = f"{FACET_COLUMNS[facet]} = ANY(CAST({sql.bind(list(values))} AS text[]))"
    for facet, values in (("target_group", params.target_group), ("language", params.language)):
        if values:
            filters[facet] = (f"string_to_array({LIST_COLUMNS[facet]}, ',') && "
                              f"CAST({sql.bind(list(values))} AS text[])")
    if params.type:
        filters["type"] = f"kind = {sql.bind(params.type)}"
    if params.newcomers:
        filters["newcomers"] = "newcomers IS TRUE"
    return filters


def _where(conditions) -> str:
    conditions = [c for c in conditions if c]
    return " AND ".join(f"({c})" for c in conditions) if conditions else "TRUE"


def _exists(connection, sql: Sql, conditions) -> bool:
    return bool(connection.execute(sa.text(
        f"SELECT EXISTS (SELECT 1 FROM search_documents WHERE {_where(conditions)})"), sql.params).scalar())


def _distance(sql: Sql, loc: Location) -> str:
    """Great-circle km, the same haversine as services._near."""
    la0, lo0 = sql.bind(radians(loc.lat)), sql.bind(radians(loc.lon))
    c0 = sql.bind(cos(radians(loc.lat)))
    return (f"{2 * EARTH_RADIUS_KM!r} * asin(least(1.0, sqrt(power(sin((radians(lat) - {la0}) / 2), 2)"
            f" + {c0} * cos(radians(lat)) * power(sin((radians(lon) - {lo0}) / 2), 2))))")


def _near(sql: Sql, loc: Location, radius_km: float | None, distance: str) -> list[str]:
    if radius_km is None:
        return []
    min_lat, max_lat, min_lon, max_lon = bounding_box(loc.lat, loc.lon, radius_km)
    return [f"lat BETWEEN {sql.bind(min_lat)} AND {sql.bind(max_lat)}",
            f"lon BETWEEN {sql.bind(min_lon)} AND {sql.bind(max_lon)}",
            f"{distance} <= {sql.bind(radius_km)}"]


def _order(sort: str, has_scores: bool) -> tuple[str, str]:
    """(the score shown, ORDER BY) for a sort mode; as services._page."""
    relevance = "score / CASE WHEN best > 0 THEN best ELSE 1.0 END"
    if sort == "relevance" and not has_scores:
        return "0.0", BROWSE_ORDER
    if sort == "relevance":
        return relevance, f"shown DESC, {BROWSE_ORDER}"
    if sort == "distance":
        return relevance, f"dist, shown DESC, {BROWSE_ORDER}"
    if sort == "near":  # the good matches nearest first, then the weaker ones (no words: all good)
        weak = f"CASE WHEN {relevance} >= {GOOD_MATCH!r} THEN 0 ELSE 1 END" if has_scores else "0"
        return relevance, f"{weak}, dist, shown DESC, {BROWSE_ORDER}"
    return (f"{BLEND_RELEVANCE!r} * {relevance} + {BLEND_PROXIMITY!r} / (1 + dist / {PROXIMITY_HALF_KM!r})",
            f"shown DESC, {BROWSE_ORDER}")


def _run(connection, sql: Sql, base: list[str], filters: dict[str, str], score: tuple[str, str],
         distance: str | None, sort: str, params: SearchParams, has_scores: bool):
    """One statement over the match: every facet's counts, the total, and the page's hits.

    The match is read once into a materialised CTE (attributes, score,
    distance, one flag per facet filter); the counts are GROUP BYs over it,
    each facet leaving out its own filter; the page is a top-N sort of the
    rows that pass every filter, and only its rows' stored JSON is read.
    """
    flags = {facet: f"f_{facet}" for facet in filters}
    flag_columns = "".join(f", ({cond}) AS {flags[facet]}" for facet, cond in filters.items())

    def others(facet: str | None) -> str:
        return _where([flag for f, flag in flags.items() if f != facet])

    parts = []
    NO_HIT = "CAST(NULL AS float8), CAST(NULL AS float8), CAST(NULL AS bigint), CAST(NULL AS jsonb)"  # noqa: N806
    for facet in FACETS:
        if facet in FACET_COLUMNS:
            column = FACET_COLUMNS[facet]
            parts.append(f"SELECT '{facet}', CAST({column} AS text), count(*), {NO_HIT} FROM base"
                         f" WHERE {column} <> '' AND {others(facet)} GROUP BY {column}")
        elif facet in LIST_COLUMNS:  # counted per combination ("children,teens"), split below
            column = LIST_COLUMNS[facet]
            parts.append(f"SELECT '{facet}', CAST({column} AS text), count(*), {NO_HIT} FROM base"
                         f" WHERE {column} <> '' AND {others(facet)} GROUP BY {column}")
        elif facet == "newcomers":
            parts.append(f"SELECT 'newcomers', 'true', count(*), {NO_HIT} FROM base"
                         f" WHERE newcomers IS TRUE AND {others(facet)} HAVING count(*) > 0")
    parts.append(f"SELECT '', '', count(*), {NO_HIT} FROM base WHERE {others(None)}")
    shown, order = _order(sort, has_scores)
    limit, offset = sql.bind(params.per_page), sql.bind((params.page - 1) * params.per_page)
    # row_number() over the sorted, limited rows numbers them in that order (no other sort in between).
    parts.append(
        f"SELECT 'hit', p.key, NULL, p.shown, p.dist, p.position, d.data FROM ("
        f"SELECT key, shown, dist, row_number() OVER () AS position FROM ("
        f"SELECT key, {shown} AS shown, dist, kind, starts_at, sortname FROM base"
        f" CROSS JOIN (SELECT max(score) AS best FROM base WHERE {others(None)}) AS b WHERE {others(None)}"
        f" ORDER BY {order} LIMIT {limit} OFFSET {offset}) AS ordered) AS p"
        f" JOIN search_documents AS d ON d.key = p.key")
    dist = distance or "CAST(NULL AS float8)"
    statement = (
        f"WITH base AS MATERIALIZED (SELECT key, kind, category, target_groups, languages, place, newcomers,"
        f" starts_at, sortname, {score[0]} AS score, {dist} AS dist{flag_columns}"
        f" FROM search_documents CROSS JOIN LATERAL (SELECT {score[1]}) AS n WHERE {_where(base)}) "
        + " UNION ALL ".join(f"({part})" for part in parts))
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    total, hits = 0, []
    connection.execute(sa.text("SELECT set_config('work_mem', :m, true)"), {"m": WORK_MEM})  # this transaction only
    for facet, value, n, shown_score, d, position, data in connection.execute(sa.text(statement), sql.params):
        if facet == "hit":
            hits.append((position, Hit(data, round(float(shown_score or 0.0), 3),
                                       None if d is None else round(float(d), 2))))
        elif facet == "":
            total = n
        elif facet in LIST_COLUMNS:
            for one in value.split(","):
                counts[facet][one] = counts[facet].get(one, 0) + n
        elif n:
            counts[facet][value] = n
    facets = {}
    for facet in FACETS:
        ordered = sorted(counts[facet].items(), key=lambda kv: (-kv[1], kv[0]))[: FACET_LIMIT.get(facet, 100)]
        facets["welcomes_newcomers" if facet == "newcomers" else facet] = dict(ordered)
    return facets, total, [hit for _position, hit in sorted(hits, key=lambda ph: ph[0])]


def _score(connection, sql: Sql, parsed: ParsedQuery) -> tuple[str, str]:
    """The BM25F sum of query.score, and the per-row columns it reads (`norm` from `length`,
    and each term's weight looked up once in `weights`)."""
    if parsed.is_empty:
        return "0.0", "1.0 AS norm"
    stats = stats_for(connection)
    n_docs, avgdl = stats.totals(connection)
    norm = f"{BM25_K1!r} * (1 - {BM25_B!r} + {BM25_B!r} * length / {sql.bind(float(avgdl))})"
    n_docs = max(n_docs, 1)
    weighted = parsed.weighted_terms()
    df = stats.doc_frequencies(connection, list(weighted))
    parts, columns = [], [f"{norm} AS norm"]
    for t, boost in weighted.items():
        if not df.get(t):
            continue
        c = log(1 + (n_docs - df[t] + 0.5) / (df[t] + 0.5)) * boost * (BM25_K1 + 1)
        w = f"w{len(columns)}"
        columns.append(f"coalesce(CAST(weights ->> {sql.bind(t)} AS float8), 0.0) AS {w}")
        parts.append(f"{sql.bind(c)} * {w} / ({w} + norm)")
    return (" + ".join(parts) if parts else "0.0"), ", ".join(columns)


def _related_categories(connection, parsed: ParsedQuery) -> list[str]:
    """Categories the query's words belong to, else the biggest categories."""
    found: list[str] = []
    for t in parsed.weighted_terms():
        category = category_of(t)
        if category and category not in found:
            found.append(category)
    if not found:
        found = list(connection.execute(sa.text(
            "SELECT category FROM search_documents WHERE category <> '' GROUP BY category"
            " ORDER BY count(*) DESC, category LIMIT 4")).scalars())
    return found[:4]


def search(params: SearchParams) -> SearchResult:
    """services.search on PostgreSQL: the same parameters, the same SearchResult.

    :raises ValidationError: `near` names no place we can find.
    """
    location = resolve_location(params)
    ensure_ready(current_app._get_current_object())
    connection = db.session.connection()
    stats = stats_for(connection)
    parsed = parse(params.q, Vocabulary(connection, stats), None) if params.q else ParsedQuery(text="")
    sql = Sql()
    fixed = _fixed(sql, params)
    filters = _facet_filters(sql, params)
    query = tsquery(parsed)
    notice = "stop_words" if parsed.stop_only else None
    every_filter = fixed + list(filters.values())
    if len(parsed.groups) > 1 and not _exists(connection, sql, _match(sql, query) + every_filter):
        query, notice = _relaxed(connection, sql, parsed, every_filter)
    distance = _distance(sql, location) if location is not None else None
    base = _match(sql, query) + fixed + (_near(sql, location, params.radius_km, distance) if location else [])
    sort = "relevance" if location is None else (params.sort or "near")
    facets, total, hits = _run(connection, sql, base, filters, _score(connection, sql, parsed), distance, sort,
                               params, has_scores=not parsed.is_empty)
    related = _related_categories(connection, parsed) if total == 0 else []
    return SearchResult(params=params, total=total, hits=hits, facets=facets, location=location,
                        suggestion=parsed.suggestion(), notice=notice, terms=set(parsed.weighted_terms()),
                        related_categories=related)


def _relaxed(connection, sql: Sql, parsed: ParsedQuery, every_filter: list[str]) -> tuple[str | None, str | None]:
    """As services._relaxed: first drop place names, then accept any word."""
    places = parsed.place_groups(place_terms())
    if places and len(places) < len(parsed.groups):
        query = tsquery(parsed, skip=places)
        if _exists(connection, sql, _match(sql, query) + every_filter):
            return query, "place_relaxed"
    query = tsquery(parsed, any_group=True)
    return query, ("any_words" if _exists(connection, sql, _match(sql, query) + every_filter) else None)
