"""Search on PostgreSQL full-text search (SEARCH_BACKEND=postgres).

The same search as services.py, answered by the database with its own
machinery, so any number of app nodes share one index and hold nothing but
small caches:

* the query is parsed exactly as for Whoosh (query.parse: stems, compound
  parts, thesaurus, close spellings) and becomes a `tsquery` of our terms —
  each group an OR of its alternatives, each alternative an AND of its terms,
  the groups ANDed (ORed for the "any words" relaxation) — matched by the
  GIN index on the weighted `tsvector` (rows.py);
* close spellings come from `search_words` through a `pg_trgm` index, then
  the same edit-distance rule as Whoosh's `terms_within`;
* relevance: per query term, `ts_rank_cd` with the source weights
  (rows.WEIGHTS) gives its weighted frequency, saturated and length-normalised
  as BM25 and multiplied by the term's boost in the query and its rarity (idf,
  from document frequencies cached per process for a minute, store.Stats);
* filters are WHERE clauses, distance a bounding box on the indexed lat/lon
  and the haversine in SQL;
* facet counts are GROUP BYs over the matching rows (each facet leaving out
  its own filter, as services.py does); they, the total and the best score
  are kept per query and table generation (FacetCache), so a repeated query
  only ranks its matches for the page (`_run`).
"""
from __future__ import annotations

from datetime import UTC, datetime
from math import cos, log, radians

import sqlalchemy as sa
from flask import current_app

from ...core.time import utcnow
from ...extensions import db
from ...geo.distance import EARTH_RADIUS_KM, bounding_box
from ..analysis import category_of, edit_distance, word_terms
from ..common import (
    BLEND_PROXIMITY,
    BLEND_RELEVANCE,
    FACET_LIMIT,
    GOOD_MATCH,
    PAST_GRACE_SECONDS,
    PROXIMITY_HALF_KM,
    place_terms,
    resolve_location,
)
from ..params import SearchParams
from ..port import Hit, Location, SearchResult
from ..query import ParsedQuery, parse
from ..schema import FIELD_WEIGHTS
from . import ensure_ready, has_trigrams
from .rows import WEIGHTS, quote
from .store import facet_cache, generation, has_rum, stats_for

WORK_MEM = "32MB"  # the materialised match of a common word (35,000 rows at national scale) spilled to disk at 4MB
SIMILARITY_THRESHOLD = "0.15"  # trigram similarity that lets every 1–2-edit spelling through to the edit check
BROWSE_ORDER = "kind <> 'association', starts_at NULLS FIRST, sortname COLLATE \"C\", key"
FACET_COLUMNS = {"type": "kind", "category": "category", "place": "place"}
LIST_COLUMNS = {"target_group": "target_groups", "language": "languages"}
FACETS = ("type", "category", "target_group", "language", "place", "newcomers")
BM25_K1, BM25_B = 1.6, 0.5  # as the Whoosh engine's BM25F
NAME_WEIGHT = FIELD_WEIGHTS["name"]
# Matches a relevance-sorted search takes from the RUM index in its rank order and ranks exactly: the
# pages within it are exactly those of ranking every match whenever a query has no more matches (every
# quality query); beyond, a match the index ranks lower than this does not reach the page (_top_source).
RUM_TOP = 200
# ... but only for more matches than this: ranking a few hundred rows from the heap costs less.
RUM_MIN_MATCHES = 1000
# ... and only where the query terms' postings are not many times the matches: the RUM index ranks
# every posting of every term, so an AND of two common words ("teater unge": 560,062 postings, 4,963
# matches) took 80 ms there against 55 ms for ranking its matches from the heap (about 11 µs a match) —
# unless the matches are so many that ranking them all would take longer anyway.
RUM_POSTINGS_PER_MATCH = 4
RUM_ALWAYS_MATCHES = 20_000


class TermReader:
    """The two questions query.parse asks of an index reader, answered by the database
    (not analysis.Vocabulary, the activity words read from the vocabulary file)."""

    def __init__(self, connection, stats):
        self.connection, self.stats = connection, stats

    def doc_frequency(self, field: str, word: str) -> int:
        """Documents holding a term ("text") or a spelling word ("spell", counted by its term)."""
        if field == "spell":
            word = (word_terms(word) or (word,))[0]
        return self.stats.doc_frequencies(self.connection, [word])[word]

    def terms_within(self, field: str, word: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Indexed words within `maxdist` edits of `word` that share its first `prefix` letters."""
        if not has_trigrams(self.connection):  # without pg_trgm: the words of about the right length
            rows = self.connection.execute(sa.text(
                "SELECT word FROM search_words"
                " WHERE length(word) BETWEEN :lo AND :hi AND left(word, :p) = left(:w, :p)"),
                {"w": word, "lo": len(word) - maxdist, "hi": len(word) + maxdist, "p": prefix}).scalars()
            return [w for w in rows if edit_distance(word, w, maxdist) <= maxdist]
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
        # Whole minutes, so the same query within a minute is the same statement (FacetCache's key):
        # an event that began up to a minute more than PAST_GRACE_SECONDS ago may still show.
        cutoff = datetime.fromtimestamp((int(utcnow().timestamp()) - PAST_GRACE_SECONDS) // 60 * 60, UTC)
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
    """Great-circle km in SQL: geo.distance.haversine_km, as services._near inlines it."""
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
    """(the score shown, ORDER BY) for a sort mode; as services._page. Reads `score`, `best` and `dist`."""
    relevance = "score / CASE WHEN best > 0 THEN best ELSE 1.0 END"
    if sort == "relevance" and not has_scores:
        return "0.0", BROWSE_ORDER
    if sort == "relevance":
        return relevance, f"shown DESC, {BROWSE_ORDER}"
    if sort == "distance":
        return relevance, f"dist, shown DESC, {BROWSE_ORDER}"
    if sort == "near":  # the good matches nearest first, then the weaker ones (no words: all good)
        # (no words: no weak first key at all — a literal 0 in ORDER BY would name a column position)
        weak = f"CASE WHEN {relevance} >= {GOOD_MATCH!r} THEN 0 ELSE 1 END, " if has_scores else ""
        return relevance, f"{weak}dist, shown DESC, {BROWSE_ORDER}"
    return (f"{BLEND_RELEVANCE!r} * {relevance} + {BLEND_PROXIMITY!r} / (1 + dist / {PROXIMITY_HALF_KM!r})",
            f"shown DESC, {BROWSE_ORDER}")


def _page_sql(sql: Sql, source: str, order: tuple[str, str], params: SearchParams) -> str:
    """The page's rows, in order, from `source` (rows with key, kind, starts_at, sortname, score, dist,
    best); only those rows' stored JSON is read."""
    shown, by = order
    limit, offset = sql.bind(params.per_page), sql.bind((params.page - 1) * params.per_page)
    # row_number() over the sorted, limited rows numbers them in that order (no other sort in between).
    return (f"SELECT p.key, p.shown, p.dist, p.position, d.data, p.best FROM ("
            f"SELECT key, shown, dist, best, row_number() OVER () AS position FROM ("
            f"SELECT key, {shown} AS shown, dist, best, kind, starts_at, sortname FROM {source}"
            f" ORDER BY {by} LIMIT {limit} OFFSET {offset}) AS ordered) AS p"
            f" JOIN search_documents AS d ON d.key = p.key")


def _hits(rows) -> list[Hit]:
    ordered = sorted(rows, key=lambda r: r[3])
    return [Hit(data, round(float(shown or 0.0), 3), None if d is None else round(float(d), 2))
            for _key, shown, d, _position, data, *_best in ordered]


def _top_source(sql: Sql, where_all: str, ranked_by: str, score: tuple[str, str], dist: str) -> str:
    """The RUM_TOP best matches by the RUM index's own rank (`tsv <=> query`, read inside the index),
    scored exactly; `best` is the best score among them (the best of all matches when there are no more
    than RUM_TOP)."""
    score, score_columns = score
    return (f"(SELECT key, kind, starts_at, sortname, score, dist, max(score) OVER () AS best FROM ("
            f"SELECT key, kind, starts_at, sortname, {score} AS score, {dist} AS dist FROM ("
            f"SELECT key, kind, starts_at, sortname, lat, lon, length, tsv FROM search_documents"
            f" WHERE {where_all} ORDER BY tsv <=> CAST({sql.bind(ranked_by)} AS tsquery)"
            f" LIMIT {sql.bind(RUM_TOP)}) AS top"
            f" CROSS JOIN LATERAL (SELECT {score_columns}) AS n) AS t) AS m")


def _run(connection: sa.Connection, sql: Sql, *, base: list[str], filters: dict[str, str],
         score: tuple[str, str], distance: str | None, sort: str, params: SearchParams, has_scores: bool,
         ranked_by: str | None = None, postings: int = 0):
    """Every facet's counts, the total and the page's hits.

    Counted once per query and generation (FacetCache): then one statement
    over the match read once into a materialised CTE (attributes, score,
    distance, one flag per facet filter): the counts are GROUP BYs over it,
    each facet leaving out its own filter, and the page a top-N sort of the
    rows that pass every filter. Afterwards, while the generation holds,
    only the page's statement runs.

    Sorted by relevance with words (`ranked_by`, a tsquery of the scored terms) and a
    RUM index (store.has_rum), the counting statement ranks nothing, and a
    page of a query with more than RUM_MIN_MATCHES matches, and not many
    times as many `postings` (its terms' document frequencies summed), is
    ranked from the RUM_TOP matches the index ranks best, so no statement
    reads every match's `tsvector` but the counting one, and that only once
    per generation.
    """
    dist = distance or "CAST(NULL AS float8)"
    gen = generation(connection)
    where_all = _where(base + list(filters.values()))
    key = (connection.engine.url.render_as_string(hide_password=True), gen, where_all, score, dist,
           repr(sorted(sql.params.items())))
    counted = facet_cache.get(key) if gen is not None else None
    connection.execute(sa.text("SELECT set_config('work_mem', :m, true)"), {"m": WORK_MEM})  # this transaction only
    order = _order(sort, has_scores)
    offset = (params.page - 1) * params.per_page
    if (ranked_by is not None and sort == "relevance" and has_scores and offset + params.per_page <= RUM_TOP
            and has_rum(connection)):
        if counted is None:
            facets, total, best, _hits_, matched = _count(connection, sql, base=base, filters=filters,
                                                         score=None, dist=dist, order=order, params=params)
            best = None
            if gen is not None:
                facet_cache.put(key, (facets, total, None, matched))  # no best: this path takes it from its top
        else:
            facets, total, best, matched = counted
        if total == 0 or offset >= total:
            return facets, total, []
        # Ranking from the heap reads every match before the facet filters (`matched`); the RUM index
        # ranks every posting, then reads rows in rank order until RUM_TOP pass the filters.
        if matched <= RUM_MIN_MATCHES or (matched < RUM_ALWAYS_MATCHES and postings > RUM_POSTINGS_PER_MATCH * matched):
            score_expression, score_columns = score
            scored = f"search_documents CROSS JOIN LATERAL (SELECT {score_columns}) AS n"
            if best is None:  # the best score over every match, kept with the counts for the next page
                source = (f"(SELECT *, max(score) OVER () AS best FROM (SELECT key, kind, starts_at, sortname,"
                          f" {score_expression} AS score, {dist} AS dist FROM {scored} WHERE {where_all}) AS s) AS m")
            else:  # (half the time of the window over every match above)
                source = (f"(SELECT key, kind, starts_at, sortname, {score_expression} AS score, {dist} AS dist,"
                          f" CAST({sql.bind(best)} AS float8) AS best FROM {scored} WHERE {where_all}) AS m")
            rows = connection.execute(sa.text(_page_sql(sql, source, order, params)), sql.params).all()
            if best is None and rows and gen is not None:
                facet_cache.put(key, (facets, total, float(rows[0][5] or 0.0), matched))
            return facets, total, _hits(rows)
        source = _top_source(sql, where_all, ranked_by, score, dist)
        # The planner underrates how many matches pass a filter (language=en: 81 estimated, 10,097 seen)
        # and then reads and sorts every match from the heap (GIN bitmap or a scan, 20,000+ pages)
        # rather than walk the RUM index in rank order until RUM_TOP pass: forbid those for this one.
        saved = connection.execute(sa.text(  # OFFSET 0: the old values are read before they are set
            "SELECT s, b, set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)"
            " FROM (SELECT current_setting('enable_seqscan') AS s, current_setting('enable_bitmapscan') AS b"
            " OFFSET 0) AS old")).one()
        rows = connection.execute(sa.text(_page_sql(sql, source, order, params)), sql.params).all()
        connection.execute(sa.text(
            "SELECT set_config('enable_seqscan', :s, true), set_config('enable_bitmapscan', :b, true)"),
            {"s": saved[0], "b": saved[1]})
        return facets, total, _hits(rows)
    if counted is not None and counted[2] is not None:  # a best score: counted by the statement below
        facets, total, best, _matched = counted
        if total == 0 or offset >= total:
            return facets, total, []
        score_expression, score_columns = score
        scored = f"search_documents CROSS JOIN LATERAL (SELECT {score_columns}) AS n"
        source = (f"(SELECT key, kind, starts_at, sortname, {score_expression} AS score, {dist} AS dist,"
                  f" CAST({sql.bind(best)} AS float8) AS best FROM {scored} WHERE {where_all}) AS m")
        rows = connection.execute(sa.text(_page_sql(sql, source, order, params)), sql.params).all()
        return facets, total, _hits(rows)
    facets, total, best, hits, matched = _count(connection, sql, base=base, filters=filters, score=score,
                                                dist=dist, order=order, params=params)
    if gen is not None:
        facet_cache.put(key, (facets, total, best, matched))
    return facets, total, _hits(hits)


def _count(connection: sa.Connection, sql: Sql, *, base: list[str], filters: dict[str, str],
           score: tuple[str, str] | None, dist: str, order: tuple[str, str], params: SearchParams):
    """(facets, total, best score, the page's rows, matches before the facet filters) in one statement
    over the match; with `score` None only the counts: no row's `tsvector` is ranked, no page made."""
    score_expression, score_columns = score if score is not None else ("CAST(NULL AS float8)", "")
    scored = (f"search_documents CROSS JOIN LATERAL (SELECT {score_columns}) AS n" if score_columns
              else "search_documents")
    flags = {facet: f"f_{facet}" for facet in filters}
    flag_columns = "".join(f", ({cond}) AS {flags[facet]}" for facet, cond in filters.items())

    def others(facet: str | None) -> str:
        return _where([flag for f, flag in flags.items() if f != facet])

    parts = []
    NO_HIT = "CAST(NULL AS float8), CAST(NULL AS float8), CAST(NULL AS bigint), CAST(NULL AS jsonb)"  # noqa: N806
    for facet in FACETS:
        if facet in FACET_COLUMNS or facet in LIST_COLUMNS:  # lists counted per combination, split below
            column = FACET_COLUMNS.get(facet) or LIST_COLUMNS[facet]
            parts.append(f"SELECT '{facet}', CAST({column} AS text), count(*), {NO_HIT} FROM base"
                         f" WHERE {column} <> '' AND {others(facet)} GROUP BY {column}")
        elif facet == "newcomers":
            parts.append(f"SELECT 'newcomers', 'true', count(*), {NO_HIT} FROM base"
                         f" WHERE newcomers IS TRUE AND {others(facet)} HAVING count(*) > 0")
    parts.append(f"SELECT '', '', count(*), max(score), CAST(NULL AS float8), CAST(NULL AS bigint),"
                 f" CAST(NULL AS jsonb) FROM base WHERE {others(None)}")
    parts.append(f"SELECT 'matched', '', count(*), {NO_HIT} FROM base")  # before the facet filters
    if score is not None:
        source = (f"(SELECT * FROM base CROSS JOIN (SELECT max(score) AS best FROM base WHERE {others(None)}) AS b"
                  f" WHERE {others(None)}) AS m")
        parts.append("SELECT 'hit', q.key, NULL, q.shown, q.dist, q.position, q.data FROM ("
                     + _page_sql(sql, source, order, params) + ") AS q")
    statement = (
        f"WITH base AS MATERIALIZED (SELECT key, kind, category, target_groups, languages, place, newcomers,"
        f" starts_at, sortname, {score_expression} AS score, {dist} AS dist{flag_columns}"
        f" FROM {scored} WHERE {_where(base)}) "
        + " UNION ALL ".join(f"({part})" for part in parts))
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    total, best, hits, matched = 0, 0.0, [], 0
    for facet, value, n, number, d, position, data in connection.execute(sa.text(statement), sql.params):
        if facet == "hit":
            hits.append((value, number, d, position, data))
        elif facet == "matched":
            matched = n
        elif facet == "":
            total, best = n, float(number or 0.0)
        elif facet in LIST_COLUMNS:
            for one in value.split(","):
                counts[facet][one] = counts[facet].get(one, 0) + n
        elif n:
            counts[facet][value] = n
    facets = {}
    for facet in FACETS:
        ordered = sorted(counts[facet].items(), key=lambda kv: (-kv[1], kv[0]))[: FACET_LIMIT.get(facet, 100)]
        facets["welcomes_newcomers" if facet == "newcomers" else facet] = dict(ordered)
    return facets, total, best, hits, matched


def _score(connection, sql: Sql, parsed: ParsedQuery) -> tuple[str, str]:
    """Relevance, and the per-row columns it reads.

    Per query term, `ts_rank_cd` with the source weights (rows.WEIGHTS) gives
    the term's weighted frequency in the document (for one term, the sum of
    its occurrences' weights); it is saturated and length-normalised as in
    BM25 (k1, b) and multiplied by the term's boost in the query and its
    rarity (idf) — the same scoring as the Whoosh engine, with PostgreSQL
    reading the weights from the tsvector.
    """
    if parsed.is_empty:
        return "CAST(0.0 AS float8)", "1.0 AS norm"
    stats = stats_for(connection)
    n_docs, avg_length = stats.totals(connection)
    n_docs = max(n_docs, 1)
    weighted = parsed.weighted_terms()
    df = stats.doc_frequencies(connection, list(weighted))
    k1 = BM25_K1 / NAME_WEIGHT  # WEIGHTS are relative to the name's
    columns = [f"{k1!r} * (1 - {BM25_B!r} + {BM25_B!r} * length / {sql.bind(round(avg_length, 3))}) AS norm"]
    parts = []
    for t, boost in weighted.items():
        if not df.get(t):
            continue
        c = log(1 + (n_docs - df[t] + 0.5) / (df[t] + 0.5)) * boost * (BM25_K1 + 1)
        w = f"w{len(columns)}"
        columns.append(f"ts_rank_cd(CAST('{WEIGHTS}' AS float4[]), tsv, CAST({sql.bind(quote(t))} AS tsquery)) AS {w}")
        parts.append(f"{sql.bind(round(c, 6))} * {w} / ({w} + norm)")
    return (" + ".join(parts) if parts else "CAST(0.0 AS float8)"), ", ".join(columns)


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
    parsed = parse(params.q, TermReader(connection, stats), None) if params.q else ParsedQuery(text="")
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
    frequencies = stats.doc_frequencies(connection, list(parsed.weighted_terms()))  # cached by _score
    # The RUM index ranks by every scored term, as the score sums them, not by the match's structure:
    # "table tennis" matches ('tabl' & 'tennis') | 'bordtennis', and a listing with both "tennis" and
    # "bordtennis" scores higher than one with "bordtennis" alone, which the match query cannot tell.
    ranked_by = " | ".join(quote(t) for t, n in frequencies.items() if n) or None
    facets, total, hits = _run(connection, sql, base=base, filters=filters, score=_score(connection, sql, parsed),
                               distance=distance, sort=sort, params=params, has_scores=not parsed.is_empty,
                               ranked_by=ranked_by if query else None,
                               postings=sum(frequencies.values()))
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
