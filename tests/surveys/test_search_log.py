"""The log of searches that found nothing: normalised, counted per day, without personal data."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fællesskab.surveys import search_log
from fællesskab.surveys.models import SearchMiss


@pytest.mark.parametrize("query, personal", [
    ("ida@example.org", True),
    ("+45 20 00 71 01", True),
    ("20007101", True),
    ("Skolegade 3", True),
    ("almind stationsvej 14", True),
    ("6000 kolding", True),
    ("0101901234", True),   # CPR-like
    ("padel", False),
    ("fodbold 8 år", False),
    ("u12 håndbold", False),
    ("skolegade", False),   # a street name alone is no address
    ("kor for mænd", False),
])
def test_personal_looking_queries_are_recognised(query, personal):
    assert search_log.looks_personal(search_log.normalise(query)) is personal


def test_normalise():
    assert search_log.normalise("  Padel   TENNIS! ") == "padel tennis"
    assert len(search_log.normalise("x" * 500)) == search_log.MAX_QUERY


def _rows(db):
    db.session.expire_all()
    return {(r.query, r.count) for r in db.session.scalars(sa.select(SearchMiss))}


def test_the_search_page_and_api_log_queries_without_results(db, client, make_association):
    make_association(name="Almind Kor", summary="Vi synger sammen.")
    assert client.get("/soeg?q=Padeltennis").status_code == 200
    assert client.get("/soeg?q=padeltennis&page=2").status_code in (200, 400)  # a page turn is no new search
    assert client.get("/api/v1/search?q=PADELTENNIS").status_code == 200
    client.get("/soeg?q=kor")  # found something: not logged
    client.get("/soeg?q=ida%40example.org")  # personal: dropped
    client.get("/soeg?q=Skolegade+3")
    client.get("/soeg")  # no words
    assert _rows(db) == {("padeltennis", 2)}


def test_counts_add_up_per_day(db):
    from datetime import date

    for _ in range(3):
        assert search_log.record_miss("Rugby", day=date(2026, 5, 1))
    search_log.record_miss("rugby", day=date(2026, 5, 2))
    assert not search_log.record_miss("a")
    assert search_log.top_misses() == [("rugby", 4, 2)]
    assert search_log.top_misses(since=date(2026, 5, 2)) == [("rugby", 1, 1)]
