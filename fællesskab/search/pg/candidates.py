"""Matching's candidates from `search_documents` (port.SearchEngine.candidates, SEARCH_BACKEND=postgres).

The same rules as the Whoosh engine's (docs/matching.md; the Whoosh side reads
its postings): each named interest is a ticked category (a slug) or free
words, parsed exactly like a search query (query.parse against this
database's vocabulary: stems, compound parts, thesaurus, close spellings).
A typed interest's strength in a document comes from where its terms were
found:

* one term: its posting weight — the sum, over its occurrences, of the
  source's weight (name 5, tags 3, summary and place 2, description and the
  category words 1) — gives FULL_SOURCE (≥ 3), MEDIUM_SOURCE (≥ 2) or
  WEAK_SOURCE, times the alternative's boost;
* several terms that must all be there (compound parts, a thesaurus phrase):
  MULTI_TERM_SOURCE times the boost;
* per group of the query its best alternative; the groups averaged.

It matches a document when the strength is at least MATCHED.

Here the posting weight is read from the tsvector: rows.py labels every
occurrence by its source, and the labels carry exactly the Whoosh weights
(A 5, B 3, C 2, D 1), so `unnest(tsv)` gives the same number. Approximation:
rows.py keeps at most MAX_OCCURRENCES (8) positions per term, strongest
sources first, so a weight is capped near 8 — it only decides ≥ 3 and ≥ 2,
which the kept occurrences always decide the same way; and positions past
PostgreSQL's 16,383 fold together (documents longer than that only).

The pool, as the port says: every live association within `max_km` that a
typed interest matches; the `category_pool` nearest of the ticked
categories; the `nearby_pool` nearest of the rest; then `hidden_ids` taken
out (after the pools are drawn, as matching did before the port). Distance
is a bounding box on the indexed lat/lon plus the haversine in SQL
(backend._distance); two listings at exactly the same distance are taken in
the order of their key, where Whoosh takes them in index order (only the
last place of a full pool can differ).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask

from ...extensions import db
from ...geo.distance import bounding_box
from ..analysis import text_terms
from ..common import MULTI_TERM_SOURCE, SENIOR_WORDS, source_strength
from ..port import MATCHED, Candidate, CandidateQuery, Candidates, Location
from ..query import ParsedQuery, parse
from . import ensure_ready
from .backend import Sql, TermReader, _distance
from .rows import quote
from .store import stats_for

SENIOR_TERMS = frozenset(text_terms(SENIOR_WORDS))
# A label's source weight (rows.LABELS with schema.FIELD_WEIGHTS), summed per occurrence in SQL.
LABEL_WEIGHT = "CASE w WHEN 'A' THEN 5 WHEN 'B' THEN 3 WHEN 'C' THEN 2 ELSE 1 END"
FIELDS = "key, category, sortname, age_min, age_max, target_groups, languages, newcomers, data, lat, lon"


@dataclass
class Typed:
    """A typed interest as named, and its parsed groups."""

    label: str
    parsed: ParsedQuery


def postgres_candidates(app: Flask, query: CandidateQuery) -> Candidates:
    """The associations matching may rank for a household, and the fit of the given events."""
    ensure_ready(app)
    connection = db.session.connection()
    out = Candidates()
    typed: list[Typed] = []
    reader = TermReader(connection, stats_for(connection))
    for label in query.interests:
        slug = label.strip().lower()
        if slug in query.category_slugs or label in query.category_slugs:
            out.slugs.append(slug)
            out.seniors = out.seniors or slug == "seniors"
            continue
        parsed = parse(label, reader, None)
        if parsed.is_empty:
            continue  # only small words ("og", "the"): it names nothing
        typed.append(Typed(label.strip(), parsed))
        first_terms = {t for group in parsed.groups for t in group.alternatives[0].terms}
        out.seniors = out.seniors or bool(first_terms & SENIOR_TERMS)
    out.typed = [t.label for t in typed]

    sql = Sql()
    distance = _distance(sql, Location(query.lat, query.lon, "coordinates", ""))
    min_lat, max_lat, min_lon, max_lon = bounding_box(query.lat, query.lon, query.max_km)
    reach = (f"kind = 'association' AND lat BETWEEN {sql.bind(min_lat)} AND {sql.bind(max_lat)}"
             f" AND lon BETWEEN {sql.bind(min_lon)} AND {sql.bind(max_lon)}")
    max_km = sql.bind(query.max_km)

    # 1. what the typed words match within reach, with each term's posting weight there
    strengths: dict[str, tuple[float, ...]] = {}
    pool: dict[str, float] = {}
    terms = sorted({t for i in typed for g in i.parsed.groups for a in g.alternatives for t in a.terms})
    if terms:
        any_term = sql.bind(" | ".join(quote(t) for t in terms))
        found = _term_weights(connection, sql, (
            f"SELECT key, tsv, {distance} AS dist FROM search_documents"
            f" WHERE {reach} AND tsv @@ CAST({any_term} AS tsquery)"), terms, f"dist <= {max_km}")
        for key, (km, weights) in found.items():
            s = tuple(_strength(i.parsed, weights) for i in typed)
            if any(s):
                strengths[key] = s
            if any(x >= MATCHED for x in s):
                pool[key] = km

    # 2. the nearest of the ticked categories, 3. the nearest of the rest
    def nearest(condition: str, n: int) -> dict[str, float]:
        rows = connection.execute(sa.text(
            f"SELECT key, dist FROM (SELECT key, {distance} AS dist FROM search_documents"
            f" WHERE {reach} AND {condition}) AS d WHERE dist <= {max_km}"
            f" ORDER BY dist, key LIMIT {int(n)}"), sql.params)
        return {key: float(km) for key, km in rows}

    if out.slugs:
        pool.update(nearest(f"category = ANY(CAST({sql.bind(sorted(set(out.slugs)))} AS text[]))",
                            query.category_pool))
    if query.nearby_pool > 0:
        pool.update(nearest(f"NOT (key = ANY(CAST({sql.bind(sorted(pool))} AS text[])))", query.nearby_pool))

    hidden = {f"association:{i}" for i in query.hidden_ids}
    keys = [k for k in pool if k not in hidden]
    zero = tuple(0.0 for _ in typed)
    for row in connection.execute(sa.text(f"SELECT {FIELDS} FROM search_documents WHERE key = ANY(:keys)"),
                                  {"keys": keys}):
        key, category, sortname, age_min, age_max, groups, languages, newcomers, data, lat, lon = row
        out.associations.append(Candidate(
            id=int(key.split(":", 1)[1]), km=pool[key], category=category or "", sortname=sortname or "",
            age_min=age_min, age_max=age_max, target_groups=tuple(groups.split(",")) if groups else (),
            languages=tuple(languages.split(",")) if languages else (), welcomes_newcomers=newcomers,
            data=data, strengths=strengths.get(key, zero), lat=lat, lon=lon))
    out.associations.sort(key=lambda c: (c.km, c.id))

    # 4. the events' own text
    if terms and query.event_ids:
        sql_e = Sql()
        keys_e = sql_e.bind([f"event:{i}" for i in query.event_ids])
        any_term = sql_e.bind(" | ".join(quote(t) for t in terms))
        found = _term_weights(connection, sql_e, (
            f"SELECT key, tsv, CAST(0.0 AS float8) AS dist FROM search_documents"
            f" WHERE key = ANY(CAST({keys_e} AS text[])) AND tsv @@ CAST({any_term} AS tsquery)"), terms, "TRUE")
        for key, (_km, weights) in found.items():
            s = tuple(_strength(i.parsed, weights) for i in typed)
            if any(s):
                out.event_strengths[int(key.split(":", 1)[1])] = s
    return out


def _term_weights(connection, sql: Sql, matching: str, terms: list[str],
                  where: str) -> dict[str, tuple[float, dict[str, float]]]:
    """{key: (km, {term: posting weight})} of the rows `matching` selects (key, tsv, dist), for `terms`."""
    wanted = sql.bind(terms)
    rows = connection.execute(sa.text(
        f"SELECT m.key, m.dist, u.lexeme, (SELECT sum({LABEL_WEIGHT}) FROM unnest(u.weights) AS w)"
        f" FROM ({matching}) AS m CROSS JOIN LATERAL unnest(m.tsv) AS u"
        f" WHERE {where} AND u.lexeme = ANY(CAST({wanted} AS text[]))"), sql.params)
    out: dict[str, tuple[float, dict[str, float]]] = {}
    for key, km, lexeme, weight in rows:
        out.setdefault(key, (float(km), {}))[1][lexeme] = float(weight)
    return out


def _strength(parsed: ParsedQuery, weights: dict[str, float]) -> float:
    """How well a typed interest fits a document whose terms have these posting weights."""
    total = 0.0
    for group in parsed.groups:
        best = 0.0
        for alt in group.alternatives:
            if len(alt.terms) == 1:
                w = weights.get(alt.terms[0])
                if w is None:
                    continue
                best = max(best, alt.boost * source_strength(w))
            elif all(t in weights for t in alt.terms):
                best = max(best, alt.boost * MULTI_TERM_SOURCE)
        total += best
    n = len(parsed.groups)
    return total if n == 1 else total / n
