"""matching.services: the event window, repeating events, what is public, the public API
without a request, the bulk scoring against the reference, and the pruning against brute force."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bench.datagen import association_csv
from fællesskab.core.errors import NotFound, ValidationError
from fællesskab.core.time import utcnow
from fællesskab.directory.importer import import_associations
from fællesskab.matching.services import MatchItem, MatchRequest, MatchResult, last_scored, match
from tests.helpers import empty_tables

VAMDRUP = {"lat": 55.4276, "lon": 9.2843}


def _ids(result: MatchResult) -> list[tuple[str, int]]:
    return [(item.type, item.id) for item in result.results]


def test_public_api_shape(db, make_association):
    make_association(name="Vamdrup Skakklub", category="hobby", tags="skak", town="Vamdrup")
    result = match(MatchRequest(address="Vamdrup", interests=["chess"]))
    assert isinstance(result, MatchResult) and result.location.label
    item = result.results[0]
    assert isinstance(item, MatchItem) and item.name == "Vamdrup Skakklub"
    assert item.url.startswith("/foreninger/")  # no request context needed
    assert item.category == "hobby" and item.starts_at is None
    assert item.reasons[0].endswith("km fra dig")
    assert any("chess" in r for r in item.reasons)
    english = match(MatchRequest(address="Vamdrup", interests=["chess"]), locale="en")
    assert english.results[0].reasons[0].endswith("km away")


def test_errors_are_field_level(db):
    with pytest.raises(ValidationError) as exc:
        match(MatchRequest(address=None, children_ages=[-2], limit=0))
    assert {f for f, _m in exc.value.errors} == {"address", "children_ages", "limit"}
    with pytest.raises(NotFound) as missing:
        match(MatchRequest(address="Qwxzv Ukendtvej 99, 9999 Intetsted"))
    assert missing.value.field == "address"


def test_the_event_window_and_repeating_events(db, make_association, make_event):
    host = make_association(name="Vamdrup Løbeklub", category="sport", town="Vamdrup")
    soon = make_event(title="Snart", kind="activity", town="Vamdrup", starts_in=timedelta(days=59),
                      association_external_id=host.external_id)
    late = make_event(title="For sent", kind="activity", town="Vamdrup", starts_in=timedelta(days=61))
    past = make_event(title="Forbi", kind="activity", town="Vamdrup", starts_in=timedelta(days=-1))
    pending = make_event(title="Afventer", status="pending", town="Vamdrup")
    weekly = make_event(title="Ugentlig", kind="social", town="Vamdrup", starts_in=timedelta(days=-10),
                        recurrence="weekly", repeat_until=(utcnow() + timedelta(days=90)).date().isoformat())
    result = match(MatchRequest(**VAMDRUP, limit=50))
    got = {item.id: item for item in result.results if item.type == "event"}
    assert soon.id in got and weekly.id in got
    assert not {late.id, past.id, pending.id} & set(got)
    next_date = got[weekly.id].starts_at
    assert utcnow() <= next_date <= utcnow() + timedelta(days=7)  # the next date, not the first
    assert got[soon.id].category == "sport"  # from its host


def test_only_published_associations(db, make_association):
    make_association(name="Kladdeforeningen", town="Vamdrup", status="draft")
    make_association(name="Synlig forening", town="Vamdrup")
    names = [item.name for item in match(MatchRequest(**VAMDRUP)).results]
    assert names == ["Synlig forening"]


HOUSEHOLDS = [
    dict(lat=55.4904, lon=9.4722),
    dict(lat=55.4904, lon=9.4722, interests=["fodbold", "kor"], children_ages=[4, 9], languages=["en"]),
    dict(lat=55.357, lon=9.483, interests=["yoga", "strik", "skak"], adults=2),
    dict(lat=55.4276, lon=9.2843, interests=["sport"], children_ages=[10]),
    dict(lat=55.4833, lon=9.30, languages=["uk"], interests=["volunteering"]),
    dict(lat=55.564, lon=9.443, interests=["seniors", "petanque"], adults=2, max_km=25),
    dict(lat=55.4904, lon=9.4722, interests=["badmintin", "svømning"], limit=20),
    dict(lat=55.51, lon=9.39, children_ages=[1, 15], limit=5, max_km=8),
]


@pytest.fixture(scope="module")
def many(app):
    """400 generated associations over the real Kolding streets (bench/datagen.py), imported
    once for the households below, which only read them (so they must not use `db`)."""
    from fællesskab.extensions import db

    with app.app_context():
        report = import_associations(io.BytesIO(association_csv(400, seed=5)))
        assert report.ok, report.problems[:3]
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        empty_tables(app)


@pytest.fixture
def in_app(many):
    """An app context over the 400 associations; nothing written in it is kept."""
    from fællesskab.extensions import db

    with many.app_context():
        yield
        db.session.rollback()
        db.session.remove()


@pytest.mark.parametrize("household", HOUSEHOLDS)
def test_every_typed_match_within_reach_is_ranked_and_the_nearest_pool_is_exact(in_app, household):
    """Matching v2 replaced the pruned scoring: typed matches are all read, and the search
    engine's nearby pool is the same as sorting every association by distance."""
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db
    from fællesskab.geo.distance import haversine_km
    from fællesskab.search import CandidateQuery, engine

    req = MatchRequest(**household)
    result = match(req)
    assert last_scored.get() >= len([i for i in result.results if i.type == "association"])
    lat, lon, max_km = household["lat"], household["lon"], household.get("max_km", 15.0)
    points = {a.id: (a.lat, a.lon) for a in db.session.scalars(sa.select(Association))}
    within = sorted((km, i) for i, point in points.items() if (km := haversine_km(lat, lon, *point)) <= max_km)
    got = sorted((c.km, c.id) for c in engine().candidates(CandidateQuery(lat, lon, max_km, nearby_pool=50))
                 .associations)
    assert len(got) == min(50, len(within))
    edge = within[len(got) - 1][0] if got else 0.0
    # the same nearest 50 (ties at the edge either way), at the same distances
    assert {i for km, i in within if km < edge - 1e-9} <= {i for _km, i in got}
    assert all(abs(km - haversine_km(lat, lon, *points[i])) < 1e-6 and km <= edge + 1e-9 for km, i in got)
