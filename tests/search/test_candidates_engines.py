"""Matching's candidates through the port (`search.engine().candidates`) on SEARCH_BACKEND=postgres:
the strengths by where a word was found, the pools, hidden listings and events — against values
worked out by hand from the rules (docs/matching.md) — and the same answer as the Whoosh engine."""
from __future__ import annotations

import importlib.util

import pytest

from fællesskab import search
from fællesskab.core.vocab import CATEGORIES
from fællesskab.search import CandidateQuery, Candidates
from tests.search.backends import use_search_backend

HOME = (55.4276, 9.2843)  # Vamdrup
NEAR = {"lat": "55.4300", "lon": "9.2900"}  # about 0.45 km from HOME
TOLERANCE = 1e-6  # strengths: the same sums of the same constants, in the same order on both engines
KM_TOLERANCE = 1e-3  # both haversines, one in SQL, one in Python

# The rule's values (search/pg/candidates.py, as matching before the port).
FULL, MEDIUM, WEAK, MULTI = 1.0, 0.85, 0.7, 0.9


def query(interests=(), **kw) -> CandidateQuery:
    interests = tuple(interests)
    return CandidateQuery(lat=HOME[0], lon=HOME[1], max_km=kw.pop("max_km", 15.0), interests=interests,
                          category_slugs=frozenset(i for i in interests if i in CATEGORIES), **kw)


def by_name(found: Candidates) -> dict[str, float]:
    """The first typed interest's strength in each candidate, by name."""
    return {c.data["name"]: c.strengths[0] for c in found.associations}


@pytest.fixture
def postgres(app, db):
    with use_search_backend(app, "postgres"):
        yield app


@pytest.fixture
def place(make_association):
    def build(name: str, *, at=NEAR, **kw):
        kw.setdefault("summary", "En forening.")
        kw.setdefault("category", "hobby")
        return make_association(name=name, **at, **kw)

    return build


def test_strength_follows_where_the_word_was_found(postgres, place):
    place("Fodbold Vamdrup")  # the name: weight 5
    place("Tagklubben", tags="fodbold")  # the tags: weight 3
    place("Resuméklubben", summary="Her spiller vi fodbold.")  # the summary: weight 2
    place("Beskrivelsesklubben", description="Om søndagen fodbold.")  # the description once: weight 1
    place("Tre gange", description="fodbold fodbold fodbold")  # the description three times: weight 3
    place("Skakklubben", tags="skak")
    found = search.engine().candidates(query(["fodbold"], nearby_pool=0))
    assert found.typed == ["fodbold"] and found.slugs == [] and not found.seniors
    assert by_name(found) == pytest.approx({
        "Fodbold Vamdrup": FULL, "Tagklubben": FULL, "Resuméklubben": MEDIUM,
        "Beskrivelsesklubben": WEAK, "Tre gange": FULL}, abs=TOLERANCE)


def test_groups_are_averaged_and_must_reach_matched(postgres, place):
    place("Fodbold Vamdrup", description="Vi har også en skakklub.")
    place("Fodbold Jordrup")
    place("Skakklubben", tags="skak", description="Og lidt fodbold.")
    found = search.engine().candidates(query(["fodbold skak"], nearby_pool=0))
    # "skak" in a compound ("skakklub") of the description: the part, weight 1 → WEAK
    assert by_name(found) == pytest.approx({
        "Fodbold Vamdrup": (FULL + WEAK) / 2, "Fodbold Jordrup": FULL / 2,
        "Skakklubben": (WEAK + FULL) / 2}, abs=TOLERANCE)


def test_a_multi_term_alternative_counts_multi_term_source(postgres, place):
    place("Fodbold Vamdrup", tags="klub")  # both parts of "fodboldklub", never the compound itself
    place("Fodbold Jordrup")  # one telling part alone
    place("Vamdrup Fodboldklub")  # the compound's own term
    found = by_name(search.engine().candidates(query(["fodboldklub"], nearby_pool=0)))
    # the parts together: boost 0.8 × MULTI; the part alone: boost 0.6 × FULL; the word itself: FULL
    assert found == pytest.approx({"Fodbold Vamdrup": 0.8 * MULTI, "Fodbold Jordrup": 0.6 * FULL,
                                   "Vamdrup Fodboldklub": FULL}, abs=TOLERANCE)


def test_a_thesaurus_phrase(postgres, place):
    place("Bordtennis Vamdrup")  # "bordtennis" is one word: its own term
    place("Tennis ved bordet", description="Vi spiller tennis på et bord.")
    found = search.engine().candidates(query(["table tennis"], nearby_pool=0))
    strengths = by_name(found)
    # "table tennis" → the English phrase's Danish alternative (boost 0.9) "bordtennis", one term in the name
    assert strengths["Bordtennis Vamdrup"] == pytest.approx(0.9 * FULL, abs=TOLERANCE)
    assert "Tennis ved bordet" not in strengths or strengths["Tennis ved bordet"] < 0.5


def test_a_misspelt_word_finds_its_close_spelling(postgres, place):
    place("Badminton Vamdrup")
    found = search.engine().candidates(query(["badmintin"], nearby_pool=0))
    assert by_name(found) == pytest.approx({"Badminton Vamdrup": 0.5 * FULL}, abs=TOLERANCE)


def test_the_pools_reach_and_hidden(postgres, place):
    far = {"lat": "55.7000", "lon": "9.5300"}  # Vejle way: more than 15 km
    place("Fodbold langt væk", at=far)
    hidden = place("Fodbold skjult")
    place("Musik 1", category="music", at={"lat": "55.4280", "lon": "9.2850"})
    place("Musik 2", category="music", at={"lat": "55.4400", "lon": "9.3000"})
    place("Musik 3", category="music", at={"lat": "55.4600", "lon": "9.3200"})
    place("Nabo", category="health", at={"lat": "55.4277", "lon": "9.2844"})
    place("Fjernere nabo", category="health", at={"lat": "55.4500", "lon": "9.3100"})
    place("Musik langt væk", category="music", at=far)
    found = search.engine().candidates(query(
        ["fodbold", "music", "og"], category_pool=2, nearby_pool=1, hidden_ids=frozenset({hidden.id})))
    assert found.typed == ["fodbold"] and found.slugs == ["music"]  # "og" alone names nothing
    names = [c.data["name"] for c in found.associations]
    assert sorted(names) == ["Musik 1", "Musik 2", "Nabo"]  # nearest first within each pool; no far one
    assert names == sorted(names, key=lambda n: next(c.km for c in found.associations if c.data["name"] == n))
    music = next(c for c in found.associations if c.data["name"] == "Musik 1")
    assert music.strengths == (0.0,) and music.category == "music" and music.km < 0.1


def test_candidate_fields_for_ranking(postgres, place):
    place("Fodbold for børn", age_min="6", age_max="12", target_groups="children;families", languages="da;en",
          welcomes_newcomers="true")
    (c,) = search.engine().candidates(query(["fodbold"], nearby_pool=0)).associations
    assert (c.age_min, c.age_max, c.target_groups, c.languages, c.welcomes_newcomers) == (
        6, 12, ("children", "families"), ("da", "en"), True)
    assert c.sortname == "fodbold for børn" and c.data["id"] == c.id and 0.3 < c.km < 0.6


def test_seniors_and_ticked_categories(postgres, place):
    assert search.engine().candidates(query(["pensionister"])).seniors
    assert search.engine().candidates(query(["seniors"])).seniors  # the slug
    assert not search.engine().candidates(query(["fodbold"])).seniors


def test_events_own_text(postgres, place, make_event):
    host = place("Vamdrup IF", category="sport")
    fits = make_event(title="Fodbold for alle", kind="activity", association_external_id=host.external_id,
                      **NEAR)
    other = make_event(title="Strikkecafé", kind="social", **NEAR)
    found = search.engine().candidates(query(["fodbold", "strik"], nearby_pool=0,
                                             event_ids=(fits.id, other.id)))
    assert found.event_strengths[fits.id][0] == pytest.approx(FULL, abs=TOLERANCE)
    assert found.event_strengths[fits.id][1] == 0.0
    assert found.event_strengths[other.id][0] == 0.0 and found.event_strengths[other.id][1] >= 0.5


# --- the same answer on both engines -------------------------------------------------------------

QUERIES = [
    dict(interests=["fodbold"]),
    dict(interests=["fodbold skak", "music"], category_pool=2, nearby_pool=2),
    dict(interests=["badmintin", "pensionister"]),
    dict(interests=[], nearby_pool=3),
    dict(interests=["table tennis", "kor"], max_km=5.0),
]


def comparable(found: Candidates) -> dict:
    """What must be the same on both engines (strengths and km compared with a tolerance by the caller)."""
    return {
        "typed": found.typed, "slugs": found.slugs, "seniors": found.seniors,
        "associations": {c.id: (c.category, c.sortname, c.age_min, c.age_max, tuple(c.target_groups),
                                tuple(c.languages), c.welcomes_newcomers, c.data["name"])
                         for c in found.associations},
    }


def test_both_engines_give_the_same_candidates(app, db, place, make_event):
    if importlib.util.find_spec("fællesskab.search.candidates") is None:
        pytest.skip("the Whoosh engine's candidates (search/candidates.py) come with the Whoosh port branch")
    # every listing at its own distance: the engines may order equal distances differently
    place("Fodbold Vamdrup", description="Vi har også en skakklub.", at={"lat": "55.4310", "lon": "9.2900"})
    place("Skakklubben", tags="skak", description="Og lidt fodbold.", at={"lat": "55.4320", "lon": "9.2910"})
    place("Badminton Vamdrup", target_groups="seniors", age_min="60", at={"lat": "55.4330", "lon": "9.2920"})
    place("Bordtennis Vamdrup", languages="da;en", at={"lat": "55.4340", "lon": "9.2930"})
    place("Vamdrup Kor", category="music", at={"lat": "55.4280", "lon": "9.2850"})
    place("Musik 2", category="music", at={"lat": "55.4400", "lon": "9.3000"})
    place("Musik 3", category="music", at={"lat": "55.4600", "lon": "9.3200"})
    place("Nabo", category="health", at={"lat": "55.4277", "lon": "9.2844"})
    event = make_event(title="Fodbold for alle", kind="activity", **NEAR)
    answers = []
    for backend in ("whoosh", "postgres"):
        with use_search_backend(app, backend):
            if backend == "postgres":
                search.engine().rebuild()  # the rows were written while the app used Whoosh
            answers.append([search.engine().candidates(query(event_ids=(event.id,), **q)) for q in QUERIES])
    assert len(answers[1][0].associations) >= 3 and answers[1][0].event_strengths  # not a vacuous comparison
    for whoosh, postgres in zip(*answers, strict=True):
        assert comparable(postgres) == comparable(whoosh)
        w = {c.id: c for c in whoosh.associations}
        for c in postgres.associations:
            assert c.km == pytest.approx(w[c.id].km, abs=KM_TOLERANCE)
            assert c.strengths == pytest.approx(w[c.id].strengths, abs=TOLERANCE)
        fitting = [{e: s for e, s in x.event_strengths.items() if max(s) >= 0.5} for x in (whoosh, postgres)]
        assert fitting[1].keys() == fitting[0].keys()
        for e, s in fitting[1].items():
            assert s == pytest.approx(fitting[0][e], abs=TOLERANCE)
