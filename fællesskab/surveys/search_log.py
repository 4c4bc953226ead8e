"""The searches that found nothing: what newcomers look for that the directory lacks.

Only a normalised query and a count per day are kept, never who searched,
when exactly, or from where. Queries that look like personal data (an email
address, a phone number, a street address) are dropped, not stored.
"""
from __future__ import annotations

import logging
import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ..core.time import to_local, utcnow
from ..extensions import db
from .models import SearchMiss

log = logging.getLogger(__name__)
MAX_QUERY = 100

_EMAIL = re.compile(r"\S+@\S+")
# Six or more digits, allowing spaces, dashes, dots and a leading +: a phone or CPR-like number.
_LONG_NUMBER = re.compile(r"\+?\d[\d\s().-]{4,}\d")
_DIGITS = re.compile(r"\d")
# A four-digit postcode with a town ("6000 kolding"), or a street name with a number ("skolegade 3").
_POSTCODE_TOWN = re.compile(r"\b\d{4}\s+[^\W\d_]{2,}")
_STREET_WORDS = re.compile(r"(vej|gade|stræde|straede|allé|alle|vænget|vaenget|parken|toften|bakken|plads|"
                           r"torv|stien|road|street|lane)\b")


def normalise(query: str | None) -> str:
    """Lower case, single spaces, no surrounding punctuation, at most MAX_QUERY characters."""
    text = " ".join((query or "").replace("\x00", " ").split()).lower()
    return text.strip(" \"'.,;:!?*")[:MAX_QUERY].strip()


def looks_personal(query: str) -> bool:
    """Whether a (normalised) query looks like an email address, phone number or street address."""
    if _EMAIL.search(query) or _LONG_NUMBER.search(query):
        return True
    if len(_DIGITS.findall(query)) >= 6:
        return True
    if _POSTCODE_TOWN.search(query):
        return True
    return bool(_STREET_WORDS.search(query) and _DIGITS.search(query))


def record_miss(query: str | None, *, day: date | None = None) -> bool:
    """Count a search that found nothing (commits its own small transaction).

    Never raises: a failure to log must not break the search page. Returns
    whether the query was counted.
    """
    text = normalise(query)
    if len(text) < 2 or looks_personal(text):
        return False
    day = day or to_local(utcnow()).date()
    try:
        updated = db.session.execute(
            sa.update(SearchMiss).where(SearchMiss.day == day, SearchMiss.query == text)
            .values(count=SearchMiss.count + 1).execution_options(synchronize_session=False)).rowcount
        if not updated:
            try:
                with db.session.begin_nested():
                    db.session.add(SearchMiss(day=day, query=text, count=1))
            except sa.exc.IntegrityError:  # another request inserted the same row just now
                db.session.execute(
                    sa.update(SearchMiss).where(SearchMiss.day == day, SearchMiss.query == text)
                    .values(count=SearchMiss.count + 1).execution_options(synchronize_session=False))
        db.session.commit()
        return True
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not log a search without results", exc_info=True)
        return False


def record_if_empty(params, result) -> None:
    """Log the search if it had words, found nothing, and is the first page (a page turn is no new search)."""
    if result is not None and result.total == 0 and getattr(params, "q", "") and getattr(params, "page", 1) == 1:
        record_miss(params.q)


def top_misses(*, since: date | None = None, limit: int = 50) -> list[tuple[str, int, int]]:
    """(query, total count, days seen) for the most frequent queries without results, since `since`."""
    stmt = sa.select(SearchMiss.query, sa.func.sum(SearchMiss.count), sa.func.count(SearchMiss.id))
    if since is not None:
        stmt = stmt.where(SearchMiss.day >= since)
    stmt = stmt.group_by(SearchMiss.query).order_by(sa.func.sum(SearchMiss.count).desc(), SearchMiss.query)
    return [(q, int(total), int(days)) for q, total, days in db.session.execute(stmt.limit(limit))]
