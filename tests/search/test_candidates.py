"""Matching's candidates through the search port (`search.engine().candidates`, port.py).

Every test runs on each engine whose candidates exist: Whoosh always; PostgreSQL on the
PostgreSQL app once search/pg/candidates.py is there (the same semantics, written in port.py).
"""
from __future__ import annotations

import importlib.util
from datetime import timedelta

import pytest

from fællesskab.core.vocab import CATEGORIES
from fællesskab.geo.distance import haversine_km
from fællesskab.search import Candidate, CandidateQuery, Candidates, engine
from tests.search.backends import use_search_backend

VAMDRUP = (55.4276, 9.2843)
SLUGS = frozenset(CATEGORIES)


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request, app, db):
    if request.param == "postgres" and importlib.util.find_spec("fællesskab.search.pg.candidates") is None:
        pytest.skip("the postgres engine's candidates are not written yet")
    with use_search_backend(app, request.param):
        yield request.param


def ask(*interests: str, at=VAMDRUP, max_km: float = 15.0, category_pool: int = 200, nearby_pool: int = 100,
        **more) -> Candidates:
    return engine().candidates(CandidateQuery(at[0], at[1], max_km, interests=interests, category_slugs=SLUGS,
                                              category_pool=category_pool, nearby_pool=nearby_pool, **more))


def by_id(answer: Candidates) -> dict[int, Candidate]:
    found = {c.id: c for c in answer.associations}
    assert len(found) == len(answer.associations), "each association once"
    return found


def test_a_typed_interest_finds_every_match_within_reach_and_none_beyond(backend, make_association):
    near = make_association(name="Skak i Vamdrup", category="hobby", town="Vamdrup")
    far = make_association(name="Skak i Christiansfeld", category="hobby", town="Christiansfeld")  # ~15 km
    other = make_association(name="Vamdrup Løbeklub", category="sport", town="Vamdrup")

    answer = ask("skak", max_km=5, nearby_pool=0)
    assert answer.typed == ["skak"] and answer.slugs == [] and not answer.seniors
    assert set(by_id(answer)) == {near.id}
    c = by_id(answer)[near.id]
    assert c.strengths == (1.0,)
    assert (c.category, c.sortname, c.languages) == ("hobby", "skak i vamdrup", ("da",))
    assert c.km == pytest.approx(haversine_km(*VAMDRUP, near.lat, near.lon), abs=1e-6)
    assert (c.lat, c.lon) == pytest.approx((near.lat, near.lon))
    assert c.data["name"] == "Skak i Vamdrup" and c.data["slug"] == near.slug  # the stored document

    wide = by_id(ask("skak", max_km=50, nearby_pool=0))
    assert set(wide) == {near.id, far.id}  # however many, never one matching nothing
    # with a nearby pool, the rest come too, matching no typed interest
    assert by_id(ask("skak", max_km=5))[other.id].strengths == (0.0,)


def test_the_ticked_categories_give_their_nearest(backend, make_association):
    here = make_association(name="Vamdrup Kor", category="music", town="Vamdrup")
    next_town = make_association(name="Lunderskov Kor", category="music", town="Lunderskov")
    far = make_association(name="Kolding Kor", category="music", town="Kolding")
    make_association(name="Vamdrup Fodbold", category="sport", town="Vamdrup")

    answer = ask("Music", category_pool=2, nearby_pool=0, max_km=30)
    assert answer.slugs == ["music"] and answer.typed == []
    assert set(by_id(answer)) == {here.id, next_town.id}
    assert all(c.strengths == () for c in answer.associations)  # no typed interest
    assert far.id in by_id(ask("music", category_pool=5, nearby_pool=0, max_km=30))


def test_the_nearby_pool_is_the_nearest_of_the_rest(backend, make_association):
    chess = make_association(name="Skak i Kolding", category="hobby", town="Kolding")
    here = make_association(name="Vamdrup Fodbold", category="sport", town="Vamdrup")
    next_town = make_association(name="Lunderskov Fodbold", category="sport", town="Lunderskov")
    make_association(name="Kolding Fodbold", category="sport", town="Kolding")

    answer = ask(nearby_pool=2, max_km=30)
    assert answer.typed == answer.slugs == [] and set(by_id(answer)) == {here.id, next_town.id}
    # a typed match is not one of "the rest": it does not take a nearby place
    typed = by_id(ask("skak", nearby_pool=2, max_km=30))
    assert set(typed) == {chess.id, here.id, next_town.id}
    assert typed[chess.id].strengths == (1.0,)


def test_hidden_associations_are_left_out_after_the_pools_are_drawn(backend, make_association):
    hidden = make_association(name="Skak i Vamdrup", category="hobby", town="Vamdrup")
    shown = make_association(name="Lunderskov Skak", category="hobby", town="Lunderskov")
    third = make_association(name="Kolding Fodbold", category="sport", town="Kolding")
    out = frozenset({hidden.id})

    assert set(by_id(ask("skak", max_km=30, hidden_ids=out))) == {shown.id, third.id}
    assert set(by_id(ask("hobby", category_pool=2, nearby_pool=0, max_km=30, hidden_ids=out))) == {shown.id}
    # as matching did before the port: the pool is drawn first, so the hidden one leaves a gap
    assert set(by_id(ask("hobby", category_pool=1, nearby_pool=0, max_km=30, hidden_ids=out))) == set()
    assert set(by_id(ask(nearby_pool=2, max_km=30, hidden_ids=out))) == {shown.id}


def test_events_get_the_strengths_of_their_own_text(backend, make_association, make_event):
    host = make_association(name="Vamdrup Skakklub", category="hobby", tags="skak", town="Vamdrup")
    tournament = make_event(title="Skakturnering for alle", kind="activity", town="Vamdrup",
                            association_external_id=host.external_id)
    meeting = make_event(title="Velkomstmøde", kind="welcome-meeting", town="Vamdrup")
    pending = make_event(title="Skak om aftenen", status="pending", town="Vamdrup", starts_in=timedelta(days=3))

    answer = ask("skak", event_ids=(tournament.id, meeting.id, pending.id, 999_999))
    assert set(answer.event_strengths) == {tournament.id}  # not indexed, or no interest fits: left out
    assert answer.event_strengths[tournament.id][0] >= 0.5
    assert set(by_id(answer)) == {host.id}  # events are never among the associations
    assert ask(event_ids=(tournament.id,)).event_strengths == {}  # no typed interest, nothing to fit
    assert ask("sport", event_ids=(tournament.id,)).event_strengths == {}  # a ticked category is not typed


def test_where_the_word_is_found_sets_its_strength(backend, make_association):
    name = make_association(name="Skak i Vamdrup", category="hobby", summary="", town="Vamdrup")
    tags = make_association(name="Brætspil i Vamdrup", category="hobby", tags="skak", summary="", town="Vamdrup")
    summary = make_association(name="Spilleklub i Vamdrup", category="hobby", summary="Vi spiller skak.",
                               town="Vamdrup")
    text = make_association(name="Klubhuset i Vamdrup", category="hobby", summary="",
                            description="Der er også et hjørne til skak.", town="Vamdrup")

    found = by_id(ask("skak", nearby_pool=0))
    s = {key: found[a.id].strengths[0] for key, a in
         (("name", name), ("tags", tags), ("summary", summary), ("description", text))}
    assert s["name"] >= s["tags"] > s["summary"] > s["description"] >= 0.5
    assert s == {"name": 1.0, "tags": 1.0, "summary": 0.85, "description": 0.7}


def test_a_misspelt_and_an_english_interest_match_like_search(backend, make_association):
    badminton = make_association(name="Badminton i Vamdrup", category="sport", town="Vamdrup")
    chess = make_association(name="Skak i Vamdrup", category="hobby", town="Vamdrup")

    misspelt = ask("badmintin", nearby_pool=0)
    assert misspelt.typed == ["badmintin"] and set(by_id(misspelt)) == {badminton.id}
    assert 0.5 <= by_id(misspelt)[badminton.id].strengths[0] < 1.0  # a close spelling counts less

    english = ask("chess", "badminton", nearby_pool=0)
    assert english.typed == ["chess", "badminton"]
    found = by_id(english)
    assert found[chess.id].strengths == (0.9, 0.0) and found[badminton.id].strengths == (0.0, 1.0)


def test_what_the_interests_say(backend, make_association):
    make_association(name="Seniordans i Vamdrup", category="seniors", town="Vamdrup")
    answer = ask("  og  ", "The", "seniors", "Pensionist hygge", nearby_pool=0)
    assert answer.typed == ["Pensionist hygge"]  # only small words: dropped
    assert answer.slugs == ["seniors"] and answer.seniors
    assert ask("pensionist").seniors and not ask("skak").seniors


def test_changed_and_withdrawn_listings_are_current(backend, app, db, make_association):
    from fællesskab.directory import services as directory

    changed = make_association(name="Skak i Vamdrup", category="hobby", town="Vamdrup")
    withdrawn = make_association(name="Vamdrup Skakforening", category="hobby", town="Vamdrup")
    assert set(by_id(ask("skak"))) == {changed.id, withdrawn.id}
    directory.update_association(changed, directory.clean_association(
        {"name": "Skakhjørnet i Vamdrup", "category": "hobby", "town": "Vamdrup", "summary": "Skak for alle."}))
    directory.set_status(withdrawn, "draft")
    db.session.commit()

    answer = by_id(ask("skak"))  # (each once, though the index holds the old document too until merged)
    assert set(answer) == {changed.id}
    assert answer[changed.id].sortname == "skakhjørnet i vamdrup"
    assert answer[changed.id].data["summary"] == "Skak for alle."


def test_a_damaged_index_is_rebuilt_once_and_read_again(app, db, make_association, monkeypatch):
    """As search does: a read error from the index files rebuilds it (at most every few minutes)."""
    from fællesskab.search import candidates, get_state

    chess = make_association(name="Skak i Vamdrup", category="hobby", town="Vamdrup")
    state = get_state(app)
    monkeypatch.setattr(state, "last_forced", None)
    real, failures = candidates.candidate_data, []

    def damaged(snap, reader):
        if len(failures) < 2:
            failures.append(snap)
            raise OSError("bad segment")
        return real(snap, reader)

    monkeypatch.setattr(candidates, "candidate_data", damaged)
    with pytest.raises(OSError):  # rebuilt, and still failing: not again and again
        ask("skak")
    assert len(failures) == 2 and state.last_forced is not None
    monkeypatch.setattr(state, "last_forced", None)
    assert set(by_id(ask("skak"))) == {chess.id}


def test_a_replaced_generation_takes_its_candidate_data_along(app, db, make_association):
    """Per-generation data lives as long as its snapshot, and a merged-away segment's with it."""
    import gc
    import weakref

    from fællesskab.search import candidates, get_index, rebuild

    make_association(name="Skak i Vamdrup", category="hobby", town="Vamdrup")
    ask("skak")
    with get_index(app).reading() as (_searcher, snap):
        old = weakref.ref(candidates.candidate_data(snap, _searcher.reader()))
        segments = set(old().segment_ids)
    del snap
    make_association(name="Lunderskov Skak", category="hobby", town="Lunderskov")
    rebuild(app)  # a new generation, in new segments
    assert len(ask("skak").associations) == 2
    gc.collect()
    assert old() is None
    with get_index(app).reading() as (_searcher, snap):
        current = set(candidates.candidate_data(snap, _searcher.reader()).segment_ids)
    assert set(candidates._segments) >= current
    assert segments - current, "the small segments were merged"
    assert not (segments - current) & set(candidates._segments)
