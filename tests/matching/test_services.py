"""matching.services: the event window, repeating events, what is public, the public API
without a request, the bulk scoring against the reference, and the pruning against brute force."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from bench.datagen import association_csv
from fællesskab.core.errors import NotFound, ValidationError
from fællesskab.core.time import utcnow
from fællesskab.directory.importer import import_associations
from fællesskab.directory.models import Association
from fællesskab.matching import candidates, ranking
from fællesskab.matching.ranking import Household, Listing
from fællesskab.matching.services import MatchItem, MatchRequest, MatchResult, last_scored, match

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


def test_bulk_scores_follow_the_reference(db, make_association):
    profiles = [(None, None, "da", "true"), (6, 12, "da;en", ""), (18, None, "en", "false"), (60, None, "da", "true"),
                (3, 6, "da", "true")]
    for i, (lo, hi, langs, wn) in enumerate(profiles):
        make_association(name=f"Forening {i}", town=["Vamdrup", "Lunderskov", "Ødis", "Kolding"][i % 4],
                         age_min=str(lo or ""), age_max=str(hi or ""), languages=langs, welcomes_newcomers=wn,
                         target_groups="children;adults" if i == 1 else "")
    h_req = MatchRequest(**VAMDRUP, children_ages=[8], adults=2, languages=["en"], max_km=30)
    h = Household(children_ages=(8,), adults=2, languages=("en",), max_km=30)
    result = match(h_req)
    assert len(result.results) == 5
    by_id = {a.id: a for a in db.session.query(Association)}
    for item in result.results:
        a = by_id[item.id]
        listing = Listing(a.category, a.age_min, a.age_max, tuple(a.target_groups), tuple(a.languages),
                          a.welcomes_newcomers)
        assert item.score == pytest.approx(ranking.score(h, listing, item.distance_km), abs=2e-3)



def test_event_scores_follow_the_reference(db, make_association, make_event):
    """The events' bulk path (static fit put together part by part) scores as `ranking.score`."""
    from fællesskab.events.models import Event
    from fællesskab.matching.services import _home, _in_home, _locate, event_listing, _upcoming_events

    hosts = [make_association(name=f"Vært {i}", town=town, category=cat, age_min=lo, age_max=hi, languages=langs,
                              target_groups=groups)
             for i, (town, cat, lo, hi, langs, groups) in enumerate([
                 ("Vamdrup", "sport", "6", "12", "da;en", "children"),
                 ("Lunderskov", "music", "", "", "en", "adults;families"),
                 ("Vamdrup", "culture", "60", "", "da", "seniors"),
                 ("Ødis", "hobby", "", "", "de", "teens;newcomers")])]
    kinds = ["welcome-meeting", "open-house", "social", "activity", "fair"]
    for i in range(15):
        host = hosts[i % 5] if i % 5 < 4 else None  # every fifth without a host
        make_event(title=f"Arrangement {i}", kind=kinds[i % 5], town=["Vamdrup", "Lunderskov", "Ødis"][i % 3],
                   starts_in=timedelta(days=1 + i), **({"association_external_id": host.external_id} if host else {}))
    households = [
        (Household(children_ages=(8,), adults=2, languages=("en",), has_interests=True, max_km=30), ["music"]),
        (Household(adults=1, languages=("da",), max_km=30), []),
        (Household(children_ages=(14,), adults=1, languages=("uk",), max_km=30), []),
    ]
    for h, interests in households:
        req = MatchRequest(**VAMDRUP, children_ages=list(h.children_ages), adults=h.adults,
                           languages=list(h.languages), interests=interests, max_km=30, limit=50)
        got = {item.id: item for item in match(req).results if item.type == "event"}
        assert len(got) == 15
        location = _locate(req, "da")
        home = _home(location)
        for event, _starts, km in _upcoming_events(location.lat, location.lon, 30):
            listing = event_listing(event)
            interest = 1.0 if interests and listing.category in interests else 0.0
            expected = ranking.score(h, listing, km, interest, in_home_village=_in_home(event, home, km))
            assert got[event.id].score == pytest.approx(expected, abs=2e-3), db.session.get(Event, event.id).title

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


@pytest.fixture
def many(db):
    """400 generated associations over the real Kolding streets (bench/datagen.py)."""
    report = import_associations(io.BytesIO(association_csv(400, seed=5)))
    assert report.ok, report.problems[:3]
    db.session.commit()


@pytest.mark.parametrize("household", HOUSEHOLDS)
def test_pruning_gives_the_same_list_as_scoring_everything(many, monkeypatch, household):
    pruned = match(MatchRequest(**household))
    scored_pruned = last_scored.get()
    with monkeypatch.context() as m:
        m.setattr(candidates.Collector, "open_categories", lambda self, bounds: set(bounds))
        m.setattr(candidates.Collector, "add", lambda self, item: self.items.append(item))
        everything = match(MatchRequest(**household))
        scored_all = last_scored.get()
    assert _ids(pruned) == _ids(everything)
    assert [i.score for i in pruned.results] == [i.score for i in everything.results]
    assert scored_pruned <= scored_all
    if household is HOUSEHOLDS[0]:
        assert scored_pruned * 3 < scored_all  # the bound does prune
