"""The PostgreSQL search backend's tables (SEARCH_BACKEND=postgres).

`search_documents` holds one row per public association or event: the
stored JSON a hit renders, the filter and facet attributes as columns, and a
weighted `tsvector` of *our* analyser's terms (stems, compound parts, folded
spellings; labels A name … D description; see rows.py) with a GIN index,
ranked by `ts_rank_cd` (backend.py). The `search_generation` sequence moves on after every
committed write, so a process may keep what it counted over the table
(facet counts) until it moves (backend.FacetCache).
`search_words` is the spelling vocabulary (folded whole words) with a
trigram index, for "close spelling" alternatives and "Mente du …?".

Both tables exist on SQLite too, so the schema is the same everywhere, but
only PostgreSQL fills and reads them: there `tsv` is a `tsvector` with a GIN
index and `word` has a `pg_trgm` index; on SQLite they are plain columns.

Where the `rum` extension can be had (Debian's `postgresql-15-rum`), `tsv`
also has a RUM index (RUM_INDEX): it orders the matches by rank inside the
index, so a search takes its top few hundred from there and ranks only those
(backend.py). It is optional: without the package, CREATE_RUM creates
nothing, the search ranks every match from the GIN index, and the engine
warns at start-up (store.check_rum).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from ...core.time import UTCDateTime
from ...extensions import db

TSVECTOR = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class SearchDocument(db.Model):
    """One searchable document, written in the transaction that changed its row."""

    __tablename__ = "search_documents"
    __table_args__ = (
        sa.Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
        sa.Index("ix_search_documents_lat_lon", "lat", "lon"),
        # Matching's nearest associations (pg/candidates.py) from the index alone: the rows are
        # wide (tsv, data), and reading them for the ~17,000 documents in 25 km took 20 ms.
        sa.Index("ix_search_documents_association_points", "lat", "lon", postgresql_include=["key", "category"],
                 postgresql_where=sa.text("kind = 'association'"), sqlite_where=sa.text("kind = 'association'")),
    )

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # "association:12", as in the index
    kind: Mapped[str] = mapped_column(sa.String(20))  # "association" | "event"
    category: Mapped[str] = mapped_column(sa.String(40), default="")
    target_groups: Mapped[str] = mapped_column(sa.String(400), default="")  # comma-separated slugs
    languages: Mapped[str] = mapped_column(sa.String(200), default="")  # comma-separated ISO 639-1 codes
    place: Mapped[str] = mapped_column(sa.String(120), default="")  # place slug
    newcomers: Mapped[bool | None] = mapped_column(sa.Boolean)
    age_min: Mapped[int | None] = mapped_column(sa.Integer)
    age_max: Mapped[int | None] = mapped_column(sa.Integer)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # events
    lat: Mapped[float] = mapped_column(sa.Float)
    lon: Mapped[float] = mapped_column(sa.Float)
    updated: Mapped[int] = mapped_column(sa.BigInteger)  # the row's updated_at, µs since the epoch
    sortname: Mapped[str] = mapped_column(sa.String(40), default="")
    length: Mapped[int] = mapped_column(sa.Integer, default=0)  # terms in all, for ranking's length norm
    data: Mapped[dict] = mapped_column(JSONB)  # what a hit shows (documents.py "data")
    tsv: Mapped[str | None] = mapped_column(TSVECTOR)  # our terms, weighted A (name) … D (description)


# Moves on after every committed write to the tables above (store.py); PostgreSQL only.
GENERATION = sa.Sequence("search_generation", metadata=db.metadata)


class SearchWord(db.Model):
    """A folded whole word from names, tags, summaries and places (spelling vocabulary).

    Only ever added to (a word no document has any more simply finds nothing);
    `flask search reindex` starts it afresh.
    """

    __tablename__ = "search_words"
    __table_args__ = (
        sa.Index("ix_search_words_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    )

    word: Mapped[str] = mapped_column(sa.String(60), primary_key=True)


# create_all (tests) needs the trigram operator class before the index.
event.listen(SearchWord.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
# A search ranks every matching row by its `tsv`: keep it uncompressed in the row (decompressing
# it per row doubled the cost of scoring), and move `data` (read for a page's 20 rows) out of
# rows that are too big, so the rows a query scans stay narrow.
STORAGE = "ALTER TABLE search_documents ALTER COLUMN tsv SET STORAGE MAIN, ALTER COLUMN data SET STORAGE EXTERNAL"
event.listen(SearchDocument.__table__, "after_create", DDL(STORAGE).execute_if(dialect="postgresql"))

RUM_INDEX = "ix_search_documents_rum"
# The RUM index where the server has the extension's files (pg_available_extensions), else nothing:
# CREATE EXTENSION fails without them, or without the right to create it, and that must not stop a
# migration or create_all — the engine then ranks from the GIN index (and warns). The exception
# block runs in a subtransaction, so a failure leaves the caller's transaction usable. (No percent
# sign: DDL() formats the text with %.)
CREATE_RUM = f"""DO $rum$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS rum;
            CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON search_documents USING rum (tsv rum_tsvector_ops);
        EXCEPTION WHEN others THEN
            RAISE WARNING USING MESSAGE = 'search_documents: no RUM index, searches rank from the GIN index: '
                || SQLERRM;
        END;
    END IF;
END
$rum$"""
event.listen(SearchDocument.__table__, "after_create", DDL(CREATE_RUM).execute_if(dialect="postgresql"))
