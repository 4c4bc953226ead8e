"""The database cache of online geocoders' answers (`GeocodeCache`).

A cache is not domain state, and the callers of the geocoder (search, match)
often only read and never commit, so an entry is written in a short
transaction of its own, which survives the caller's rollback. On SQLite, where
a second writer would wait for the caller's open write transaction, the entry
joins the caller's transaction instead (inside a savepoint).
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ..core.time import utcnow
from ..extensions import db
from .addresses import name_key
from .models import GeocodeCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedAnswer:
    """A cached answer; `found` is False when the provider knew nothing."""

    found: bool
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    label: str | None = None
    postcode: str | None = None


def query_hash(query: str) -> str:
    """Hash of the folded query: the same address typed differently shares an entry."""
    folded = name_key(query) or " ".join(query.lower().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def get_cached(provider: str, query: str) -> CachedAnswer | None:
    """Return the unexpired answer for `query`, or None (a miss)."""
    table = GeocodeCache.__table__
    try:
        row = db.session.execute(
            sa.select(table.c.is_found, table.c.lat, table.c.lon, table.c.precision, table.c.label,
                      table.c.postcode)
            .where(table.c.provider == provider, table.c.query_hash == query_hash(query),
                   table.c.expires_at > sa.bindparam("now", type_=GeocodeCache.expires_at.type))
            .limit(1), {"now": utcnow()}).first()
    except SQLAlchemyError:
        log.exception("geocode cache: read failed")
        return None
    if row is None:
        return None
    return CachedAnswer(bool(row[0]), row[1], row[2], row[3], row[4], row[5])


def put_cached(provider: str, query: str, answer: CachedAnswer, ttl: timedelta) -> None:
    """Store (or replace) the answer for `query`; a failure is logged, never raised."""
    now = utcnow()
    values = {
        "is_found": answer.found, "lat": answer.lat, "lon": answer.lon, "precision": answer.precision,
        "label": (answer.label or "")[:300] or None, "postcode": (answer.postcode or "")[:10] or None,
        "created_at": now, "expires_at": now + ttl,
    }
    key = {"provider": provider, "query_hash": query_hash(query)}
    try:
        if _own_transaction_possible():
            with db.engine.begin() as conn:
                _upsert(conn, key, values)
        else:
            with db.session.begin_nested():
                _upsert(db.session, key, values)
    except Exception:  # a cache must never break geocoding
        log.warning("geocode cache: could not store an answer", exc_info=True)


def purge_expired(*, now=None) -> int:
    """Delete expired entries (the caller commits); return how many.

    An entry's lifetime is set when it is stored (GEOCODE_CACHE_TTL_DAYS); the
    label may be a person's typed address, so expired ones are not kept.
    """
    table = GeocodeCache.__table__
    result = db.session.execute(sa.delete(table).where(
        table.c.expires_at <= sa.bindparam("now", type_=GeocodeCache.expires_at.type)), {"now": now or utcnow()})
    return result.rowcount or 0


def _upsert(conn, key: dict, values: dict) -> None:
    table = GeocodeCache.__table__
    where = [table.c.provider == key["provider"], table.c.query_hash == key["query_hash"]]
    if conn.execute(sa.update(table).where(*where).values(**values)).rowcount == 0:
        conn.execute(sa.insert(table).values(**key, **values))


def _own_transaction_possible() -> bool:
    session = db.session()
    if db.engine.dialect.name != "sqlite" or not session.in_transaction():
        return True
    dbapi = session.connection().connection.dbapi_connection
    return not getattr(dbapi, "in_transaction", False)
