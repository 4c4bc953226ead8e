"""The search port's contract: every engine (SEARCH_BACKEND=whoosh | postgres) passes the same tests.

Each test runs once per engine through the port only (`fællesskab.search`):
the same queries find the same listings first (Danish, English, compounds,
misspellings, a town), every filter, disjunctive facet counts, distance and the
sort modes, paging, "Mente du …?", the notices, writes visible right after
commit, rebuild, health, and the candidates matching asks for.

The listings are made once per engine (module scope) through the directory and
event services, as the app makes them; the tests that change listings put
them back. The postgres engine runs on the PostgreSQL app (TEST_DATABASE_URL);
`make test` runs this module on both databases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from fællesskab.core.vocab import CATEGORIES
from fællesskab.extensions import db as _db
from fællesskab.search import (
    CandidateQuery,
    Candidates,
    SearchParams,
    SearchResult,
    engine,
    parse_params,
    search,
)
from tests.helpers import empty_tables
from tests.search.backends import use_search_backend

ENGINES = ["whoosh", "postgres"]

VAMDRUP = (55.4276, 9.2843)  # the gazetteer's Vamdrup, within a few hundred metres
KOLDING = (55.4904, 9.4722)
CHRISTIANSFELD = (55.3570, 9.4830)

# external_id -> (name, category, tags, town, fields); every listing says whether it welcomes newcomers.
ASSOCIATIONS = {
    "C-01": ("Vamdrup Fodboldklub", "sport", "fodbold;pigefodbold", "Vamdrup",
             {"target_groups": "children;teens", "age_min": "6", "age_max": "14", "welcomes_newcomers": "true",
              "summary": "Fodbold for børn og unge i Vamdrup."}),
    "C-02": ("Kolding Fodboldklub", "sport", "fodbold", "Kolding",
             {"target_groups": "adults", "languages": "da;en", "welcomes_newcomers": "false",
              "summary": "Fodbold for voksne, også på engelsk."}),
    "C-03": ("Christiansfeld Kor", "music", "kor;sang", "Christiansfeld",
             {"target_groups": "adults", "welcomes_newcomers": "true", "summary": "Vi synger i kor hver torsdag."}),
    "C-04": ("Lunderskov Sangkor", "music", "kor;sangkor", "Lunderskov",
             {"target_groups": "seniors", "welcomes_newcomers": "true", "summary": "Firstemmig sang for seniorer."}),
    "C-05": ("Kolding Badmintonklub", "sport", "badminton", "Kolding",
             {"target_groups": "adults", "welcomes_newcomers": "true", "summary": "Badminton for motionister."}),
    "C-06": ("Almind Strikkeklub", "creative", "strik;håndarbejde", "Almind",
             {"target_groups": "seniors", "welcomes_newcomers": "true", "summary": "Vi strikker og hækler sammen."}),
    "C-07": ("Kolding Sprogcafé", "international", "sprogcafé;samtale", "Kolding",
             {"target_groups": "internationals", "languages": "en;da", "welcomes_newcomers": "true",
              "summary": "Øv dansk over en kop kaffe."}),
    "C-08": ("Vamdrup Svømmeklub", "sport", "svømning", "Vamdrup",
             {"target_groups": "children;adults", "welcomes_newcomers": "true", "summary": "Svømning i hallen."}),
    "C-09": ("Jordrup Spejdere", "nature", "spejder;friluftsliv", "Jordrup",
             {"target_groups": "children", "age_min": "7", "age_max": "16", "welcomes_newcomers": "true",
              "summary": "Spejder for børn i skoven."}),
    "C-10": ("Viuf Petanque", "hobby", "petanque", "Viuf",
             {"target_groups": "seniors", "welcomes_newcomers": "false", "summary": "Petanque på pladsen."}),
}
# external_id -> (title, kind, town, starts in)
EVENTS = {
    "E-01": ("Velkomstmøde for nye i Almind", "welcome-meeting", "Almind", timedelta(days=7)),
    "E-02": ("Fodboldens dag i Almind", "activity", "Almind", timedelta(days=10)),
    "E-03": ("Sommerfest i Almind", "social", "Almind", timedelta(days=-10)),  # past: hidden unless asked
}
UPCOMING_EVENTS = {"E-01", "E-02"}
ALL_ASSOCIATIONS = set(ASSOCIATIONS)


@dataclass
class World:
    """The listings of one engine's run: ids by external id."""

    app: object
    backend: str
    ids: dict[str, int] = field(default_factory=dict)


def make_listings() -> dict[str, int]:
    from fællesskab.core.time import utcnow
    from fællesskab.directory import services as directory
    from fællesskab.events import services as events

    ids = {}
    for ext, (name, category, tags, town, extra) in ASSOCIATIONS.items():
        raw = {"external_id": ext, "name": name, "category": category, "tags": tags, "town": town, **extra}
        ids[ext] = directory.create_association(directory.clean_association(raw)).id
    for ext, (title, kind, town, starts_in) in EVENTS.items():
        starts = utcnow() + starts_in
        raw = {"external_id": ext, "title": title, "kind": kind, "town": town, "starts_at": starts.isoformat(),
               "ends_at": (starts + timedelta(hours=2)).isoformat()}
        ids[ext] = events.create_event(events.clean_event(raw), status="approved").id
    return ids


@pytest.fixture(scope="module", params=ENGINES)
def world(app, request):
    """The listings, made once per engine; the tables emptied after the module."""
    with use_search_backend(app, request.param):
        with app.app_context():
            ids = make_listings()
            _db.session.commit()
            _db.session.remove()
        yield World(app, request.param, ids)
        with app.app_context():
            empty_tables(app)


@pytest.fixture
def ctx(world):
    """A request context on the app (Babel's messages, the session), removed after the test."""
    with world.app.test_request_context():
        yield world
        _db.session.rollback()
        _db.session.remove()


def run(**args) -> SearchResult:
    """Search through the port with request-style arguments (lists repeat the argument)."""
    multi = MultiDict()
    for key, value in args.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            multi.add(key, str(item))
    return search(parse_params(multi))


def ext_ids(result: SearchResult) -> list[str]:
    return [hit.data["external_id"] for hit in result.hits]


def everything(**args) -> set[str]:
    """The external ids of every hit (one page of up to 100)."""
    result = run(per_page=100, **args)
    assert result.total == len(result.hits), "more than one page"
    return set(ext_ids(result))


def test_the_port_names_its_engine(ctx):
    assert engine().name == ctx.backend


# --- the same queries give the same top results ---------------------------------------------------

QUERIES = [
    # (query, extra arguments, the listings that must come first (as a set), the whole answer or None)
    ("fodbold", {}, {"C-01", "C-02", "E-02"}, {"C-01", "C-02", "E-02"}),  # Danish
    ("fodboldklubben", {}, {"C-01", "C-02"}, None),  # an inflected form
    ("football", {}, {"C-01", "C-02"}, None),  # English finds Danish listings
    ("choir", {}, {"C-03", "C-04"}, None),
    ("swimming", {}, {"C-08"}, None),
    ("fodboldklub", {}, {"C-01", "C-02"}, None),  # a compound split into its parts
    ("sangkor", {}, {"C-04"}, None),
    ("svømmeklub", {}, {"C-08"}, None),
    ("strikkeklub", {}, {"C-06"}, None),
    ("badmintin", {}, {"C-05"}, None),  # misspelt
    ("petanqe", {}, {"C-10"}, None),
    ("svømnig", {}, {"C-08"}, None),
    ("fodbold vamdrup", {}, {"C-01"}, None),  # a town name
    ("kor christiansfeld", {}, {"C-03"}, None),
    ("velkomstmøde", {}, {"E-01"}, None),
    ("xyzzyqq", {}, set(), set()),
]


@pytest.mark.parametrize("q,args,first,whole", QUERIES, ids=[c[0] for c in QUERIES])
def test_same_queries_same_top_results(ctx, q, args, first, whole):
    result = run(q=q, **args)
    got = ext_ids(result)
    assert set(got[: len(first)]) == first, got
    if whole is not None:
        assert set(got) == whole and result.total == len(whole), got
    assert result.total == len(got)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)  # no location: by relevance
    assert all(h.distance_km is None for h in result.hits) and result.location is None


def test_a_listing_is_found_by_each_of_its_words(ctx):
    for q in ("pigefodbold", "hækler", "friluftsliv", "sprogcafé"):
        assert ext_ids(run(q=q))[:1] == [{"pigefodbold": "C-01", "hækler": "C-06", "friluftsliv": "C-09",
                                          "sprogcafé": "C-07"}[q]], q


def test_hits_carry_the_stored_document(ctx):
    hit = run(q="badminton").hits[0]
    data = hit.data
    assert data["type"] == "association" and data["id"] == ctx.ids["C-05"] and data["external_id"] == "C-05"
    assert data["name"] == "Kolding Badmintonklub" and data["category"] == "sport" and data["place"] == "Kolding"
    assert 0 < hit.score <= 1
    event = run(q="velkomstmøde").hits[0].data
    assert event["type"] == "event" and event["id"] == ctx.ids["E-01"] and event["kind"] == "welcome-meeting"


# --- filters ---------------------------------------------------------------------------------------

FILTERS = [
    ({"category": "music"}, {"C-03", "C-04"}),
    ({"category": ["music", "hobby"]}, {"C-03", "C-04", "C-10"}),  # values of one facet: any of them
    ({"target_group": "children"}, {"C-01", "C-08", "C-09"}),
    ({"target_group": "children", "category": "nature"}, {"C-09"}),  # two facets: both
    ({"language": "en"}, {"C-02", "C-07"}),
    ({"place": "christiansfeld"}, {"C-03"}),
    ({"place": "almind"}, {"C-06", "E-01", "E-02"}),
    ({"type": "event"}, UPCOMING_EVENTS),
    ({"type": "association"}, ALL_ASSOCIATIONS),
    ({"category": "sport,music", "type": "association"}, {"C-01", "C-02", "C-03", "C-04", "C-05", "C-08"}),
    ({"type": "association", "age": "4"}, ALL_ASSOCIATIONS - {"C-01", "C-09"}),  # 6–14 and 7–16 are too old
    ({"type": "association", "age": "10"}, ALL_ASSOCIATIONS),  # within both, and the rest give no ages
    ({"type": "association", "age": "15"}, ALL_ASSOCIATIONS - {"C-01"}),
    ({"type": "association", "age": "30"}, ALL_ASSOCIATIONS - {"C-01", "C-09"}),
    ({"type": "association", "newcomers": "1"}, ALL_ASSOCIATIONS - {"C-02", "C-10"}),
    ({"type": "event", "upcoming": "0"}, set(EVENTS)),
    ({"q": "fodbold", "type": "association"}, {"C-01", "C-02"}),
    ({"q": "fodbold", "target_group": "children"}, {"C-01"}),
]


@pytest.mark.parametrize("args,expected", FILTERS, ids=[str(f[0]) for f in FILTERS])
def test_filters(ctx, args, expected):
    assert everything(**args) == expected


def test_past_events_are_hidden_unless_asked(ctx):
    assert everything(q="sommerfest") == set()
    assert everything(q="sommerfest", upcoming="0") == {"E-03"}
    assert everything() == ALL_ASSOCIATIONS | UPCOMING_EVENTS


# --- facets ---------------------------------------------------------------------------------------

def test_facets_count_every_match(ctx):
    facets = run(type="association").facets
    assert facets["category"] == {"sport": 4, "music": 2, "creative": 1, "international": 1, "nature": 1,
                                  "hobby": 1}
    assert facets["type"] == {"association": 10, "event": 2}  # type's own filter is left out of its counts
    assert facets["target_group"]["children"] == 3 and facets["target_group"]["seniors"] == 3


def test_facets_are_disjunctive(ctx):
    """A facet's own filter does not narrow its counts; the other facets' filters do."""
    plain = run(type="association").facets
    music = run(type="association", category="music")
    assert music.total == 2
    assert music.facets["category"] == plain["category"]
    assert music.facets["target_group"] == {"adults": 1, "seniors": 1}
    both = run(type="association", category=["music", "sport"], target_group="adults")
    assert set(ext_ids(both)) == {"C-02", "C-03", "C-05", "C-08"}
    assert not both.facets["category"].get("creative")  # the target-group filter narrows other facets
    assert both.facets["category"]["sport"] == 3 and both.facets["category"]["music"] == 1
    assert both.facets["target_group"]["children"] == 2  # C-01 and C-08 among sport and music


def test_facets_follow_the_query(ctx):
    facets = run(q="fodbold").facets
    assert facets["category"] == {"sport": 2, "local-community": 1}
    assert facets["type"] == {"association": 2, "event": 1}


# --- distance, radius and sort --------------------------------------------------------------------

def test_a_location_adds_distances_nearest_first(ctx):
    result = run(q="fodbold", near="Vamdrup")
    assert result.location is not None and result.location.label == "Vamdrup"
    assert result.location.precision == "locality"
    assert all(isinstance(h.distance_km, float) and h.distance_km >= 0 for h in result.hits)
    assert ext_ids(result)[0] == "C-01" and result.hits[0].distance_km < 2
    assert set(ext_ids(result)) == {"C-01", "C-02", "E-02"}


def test_radius_keeps_only_the_listings_inside(ctx):
    lat, lon = VAMDRUP
    result = run(lat=lat, lon=lon, radius_km=5, per_page=100)
    assert set(ext_ids(result)) == {"C-01", "C-08"}
    assert result.total == 2 and all(h.distance_km <= 5 for h in result.hits)
    assert result.location.precision == "coordinates"
    assert result.facets["category"] == {"sport": 2}
    wide = run(lat=lat, lon=lon, radius_km=50, per_page=100)
    assert wide.total == 12 and all(h.distance_km <= 50 for h in wide.hits)


@pytest.mark.parametrize("sort", ["near", "relevance", "distance", "blend"])
def test_each_sort_mode_gives_the_same_listings(ctx, sort):
    lat, lon = KOLDING
    result = run(q="fodbold", lat=lat, lon=lon, sort=sort)
    assert set(ext_ids(result)) == {"C-01", "C-02", "E-02"} and result.total == 3
    assert all(h.distance_km is not None for h in result.hits)
    if sort == "distance":
        distances = [h.distance_km for h in result.hits]
        assert distances == sorted(distances) and ext_ids(result)[0] == "C-02"
    if sort == "relevance":
        scores = [h.score for h in result.hits]
        assert scores == sorted(scores, reverse=True)


def test_sort_by_distance_without_words(ctx):
    lat, lon = CHRISTIANSFELD
    result = run(lat=lat, lon=lon, sort="distance", type="association", per_page=100)
    distances = [h.distance_km for h in result.hits]
    assert distances == sorted(distances) and ext_ids(result)[0] == "C-03"
    assert result.total == 10


def test_near_an_unknown_place_is_a_validation_error(ctx):
    from fællesskab.core.errors import ValidationError

    with pytest.raises(ValidationError) as raised:
        run(q="kor", near="Atlantis")
    assert [f for f, _message in raised.value.errors] == ["near"]


# --- paging ---------------------------------------------------------------------------------------

def test_pages_split_one_order(ctx):
    whole = run(per_page=100)
    assert whole.total == 12 and len(whole.hits) == 12
    pages = [run(per_page=5, page=p) for p in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [5, 5, 2]
    assert all(p.total == 12 for p in pages)
    assert [x for p in pages for x in ext_ids(p)] == ext_ids(whole)
    assert pages[1].params.page == 2 and pages[1].params.per_page == 5


def test_pages_of_a_query_with_a_location(ctx):
    lat, lon = KOLDING
    whole = run(lat=lat, lon=lon, per_page=100)
    pages = [run(lat=lat, lon=lon, per_page=4, page=p) for p in (1, 2, 3)]
    assert [x for p in pages for x in ext_ids(p)] == ext_ids(whole)
    distances = [h.distance_km for h in whole.hits]
    assert distances == sorted(distances)  # with a place and no words: nearest first


def test_a_page_past_the_end_is_empty_with_the_total(ctx):
    for page in (4, 99):
        result = run(per_page=5, page=page)
        assert result.hits == [] and result.total == 12
    assert run(q="fodbold", page=2).hits == []


# --- "Mente du …?" and notices -------------------------------------------------------------------

@pytest.mark.parametrize("q,suggestion", [("badmintin", "badminton"), ("petanqe", "petanque"),
                                          ("svømnig", "svømning"), ("badmintin vamdrup", "badminton vamdrup")])
def test_a_misspelt_query_gets_a_suggestion(ctx, q, suggestion):
    assert run(q=q).suggestion == suggestion


@pytest.mark.parametrize("q", ["badminton", "fodbold", "kor", "football", ""])
def test_a_well_spelt_query_gets_none(ctx, q):
    assert run(q=q).suggestion is None


def test_no_listing_with_every_word_finds_any_word(ctx):
    result = run(q="badminton petanque")
    assert set(ext_ids(result)) == {"C-05", "C-10"} and result.notice == "any_words"
    assert run(q="badminton").notice is None


def test_a_town_without_the_thing_looks_elsewhere(ctx):
    result = run(q="badminton vamdrup")
    assert ext_ids(result) == ["C-05"] and result.notice == "place_relaxed"


def test_stop_words_only_find_everything(ctx):
    result = run(q="og i på")
    assert result.notice == "stop_words" and result.total == 12


# --- writes are visible right after commit -------------------------------------------------------

def test_add_update_and_delete_are_searchable_after_commit(ctx):
    from fællesskab.directory import services as directory

    assert run(q="jonglering").total == 0
    assoc = directory.create_association(directory.clean_association({
        "external_id": "C-NEW", "name": "Vamdrup Jongleringsklub", "category": "hobby", "tags": "jonglering",
        "town": "Vamdrup", "summary": "Vi jonglerer med bolde.", "welcomes_newcomers": "true"}))
    _db.session.commit()
    try:
        assert ext_ids(run(q="jonglering")) == ["C-NEW"]
        assert run(type="association").facets["category"]["hobby"] == 2
        directory.update_association(assoc, {**directory.clean_association({
            "external_id": "C-NEW", "name": "Vamdrup Tryllekunstnere", "category": "hobby", "tags": "tryllekunst",
            "town": "Vamdrup", "summary": "Vi tryller.", "welcomes_newcomers": "true"})})
        _db.session.commit()
        assert run(q="jonglering").total == 0
        assert ext_ids(run(q="tryllekunst")) == ["C-NEW"]
        directory.archive_association(assoc)  # no longer public: out of search
        _db.session.commit()
        assert run(q="tryllekunst").total == 0
        directory.set_status(assoc, "published")
        _db.session.commit()
        assert ext_ids(run(q="tryllekunst")) == ["C-NEW"]
    finally:
        _db.session.rollback()
        _db.session.delete(_db.session.merge(assoc))  # deleted through the session, as the app does
        _db.session.commit()
    assert run(q="tryllekunst").total == 0
    assert run(type="association").facets["category"]["hobby"] == 1


def test_a_rollback_never_reaches_search(ctx):
    from fællesskab.directory import services as directory

    directory.create_association(directory.clean_association({
        "external_id": "C-GONE", "name": "Almind Jongleringsklub", "category": "hobby", "tags": "jonglering",
        "town": "Almind"}))
    _db.session.flush()
    _db.session.rollback()
    later = directory.create_association(directory.clean_association({  # a later commit must not carry it
        "external_id": "C-LATER", "name": "Almind Rulleskøjteklub", "category": "sport", "tags": "rulleskøjter",
        "town": "Almind"}))
    _db.session.commit()
    try:
        assert run(q="jonglering").total == 0
        assert ext_ids(run(q="rulleskøjter")) == ["C-LATER"]
    finally:
        _db.session.delete(later)
        _db.session.commit()


def test_events_follow_their_status_and_their_host(ctx):
    from fællesskab.core.time import utcnow
    from fællesskab.directory import services as directory
    from fællesskab.events import publishing
    from fællesskab.events import services as events

    def event(ext: str, title: str, status: str, host: str | None = None):
        starts = utcnow() + timedelta(days=3)
        return events.create_event(events.clean_event({
            "external_id": ext, "title": title, "kind": "activity", "town": "Almind",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            **({"association_external_id": host} if host else {})}), status=status)

    host = directory.create_association(directory.clean_association({
        "external_id": "C-HOST", "name": "Dragebyggerne", "category": "hobby", "summary": "Vi bygger drager.",
        "town": "Almind"}))
    _db.session.flush()
    festival = event("E-FEST", "Dragefestival på stranden", "approved", host="C-HOST")
    course = event("E-COURSE", "Dragekursus", "pending")
    _db.session.commit()
    try:
        hit = run(q="dragefestival").hits
        assert [h.data["name"] for h in hit] == ["Dragefestival på stranden"]
        assert hit[0].data["summary"] == "Dragebyggerne"  # the host shows as the event's summary
        assert run(q="dragekursus").total == 0  # pending: not public
        host.name = "Dragelauget"
        _db.session.commit()  # the host's new name reaches its events' documents
        assert [h.data["name"] for h in run(q="dragelauget", type="event").hits] == ["Dragefestival på stranden"]
        publishing.cancel_event(festival)
        course.status = "approved"
        _db.session.commit()
        assert run(q="dragefestival").total == 0
        assert [h.data["name"] for h in run(q="dragekursus").hits] == ["Dragekursus"]
    finally:
        _db.session.rollback()
        for obj in (festival, course, host):
            _db.session.delete(obj)
        _db.session.commit()
    assert run(q="drage").total == 0


def test_event_changes_are_searchable_after_commit(ctx):
    from fællesskab.events.models import Event

    event = _db.session.get(Event, ctx.ids["E-02"])
    title = event.title
    event.title = "Håndboldens dag i Almind"  # through the ORM, as a form's update does
    _db.session.commit()
    try:
        assert everything(q="håndbold") == {"E-02"}
        assert "E-02" not in everything(q="fodbold")
    finally:
        event = _db.session.get(Event, ctx.ids["E-02"])
        event.title = title
        _db.session.commit()
    assert "E-02" in everything(q="fodbold")


# --- rebuild, health ------------------------------------------------------------------------------

def test_rebuild_gives_the_same_results(ctx):
    queries = [{"q": "fodbold"}, {"q": "choir"}, {"q": "badmintin"}, {"type": "association", "category": "music"},
               {"q": "fodbold", "near": "Vamdrup"}]
    before = [(ext_ids(r), r.total, r.facets, r.suggestion) for r in (run(**a) for a in queries)]
    assert engine().rebuild() == 13  # every public listing, past events too
    after = [(ext_ids(r), r.total, r.facets, r.suggestion) for r in (run(**a) for a in queries)]
    assert after == before


def test_rebuild_reports_progress(ctx):
    """As `flask search reindex`'s progress bar wants: the documents written since the last call."""
    seen: list[int] = []
    assert engine().rebuild(progress=seen.append) == 13
    assert sum(seen) == 13 and all(n > 0 for n in seen)


def test_health(ctx):
    ok, reason = engine().health()
    assert ok is True and isinstance(reason, str) and reason
    waiting, age = engine().lag()
    assert waiting == 0 and age is None


# --- candidates for matching ----------------------------------------------------------------------
# Matching counts a typed interest as matched at a strength of MATCHED or more (a word in the name or
# tags fits fully; a synonym only in the category words fits weakly, below it).
MATCHED = 0.5
SLUGS = frozenset(CATEGORIES)  # matching passes every category slug: an interest that is one is ticked


def candidates(**kw) -> Candidates:
    lat, lon = kw.pop("at", VAMDRUP)
    return engine().candidates(CandidateQuery(lat=lat, lon=lon, **kw))


def by_ext(found: Candidates) -> dict:
    return {c.data["external_id"]: c for c in found.associations}


def test_candidates_for_a_typed_interest_near(ctx):
    found = candidates(max_km=30, interests=("fodbold",))
    assert found.typed == ["fodbold"] and found.slugs == []
    got = by_ext(found)
    assert {"C-01", "C-02"} <= set(got)
    assert all(len(c.strengths) == 1 and 0 <= c.strengths[0] <= 1 for c in got.values())
    assert got["C-01"].strengths[0] >= MATCHED and got["C-02"].strengths[0] >= MATCHED
    assert all(c.strengths[0] < MATCHED for ext, c in got.items() if ext not in {"C-01", "C-02"})
    assert {"C-05", "C-08", "C-09"} <= set(got)  # the rest within reach too (the nearby pool)
    assert got["C-01"].km < 2 < got["C-02"].km <= 30
    assert all(c.km <= 30 for c in got.values())


def test_candidates_for_an_english_or_misspelt_interest(ctx):
    for word in ("football", "fodbolt"):
        got = by_ext(candidates(max_km=30, interests=(word,)))
        assert got["C-01"].strengths[0] >= MATCHED and got["C-02"].strengths[0] >= MATCHED, word
        assert got["C-05"].strengths[0] < MATCHED, word


def test_candidates_far_away_are_left_out(ctx):
    got = by_ext(candidates(max_km=5, interests=("fodbold",)))
    assert "C-01" in got and "C-02" not in got  # Kolding is about 14 km from Vamdrup
    assert all(c.km <= 5 for c in got.values())


def test_candidates_carry_what_ranking_reads(ctx):
    c = by_ext(candidates(max_km=30, interests=("fodbold",)))["C-01"]
    assert c.id == ctx.ids["C-01"] and c.category == "sport"
    assert (c.age_min, c.age_max) == (6, 14)
    assert set(c.target_groups) == {"children", "teens"} and tuple(c.languages) == ("da",)
    assert c.welcomes_newcomers is True and c.sortname == "vamdrup fodboldklub"
    assert c.data["name"] == "Vamdrup Fodboldklub"


def test_candidates_for_a_ticked_category(ctx):
    found = candidates(at=CHRISTIANSFELD, max_km=40, interests=("music",), category_slugs=SLUGS)
    assert found.slugs == ["music"] and found.typed == []
    got = by_ext(found)
    assert {"C-03", "C-04"} <= set(got)
    assert all(c.strengths == () for c in got.values())  # no typed interest


def test_candidates_keep_the_order_of_the_interests(ctx):
    found = candidates(max_km=30, interests=("kor", "music", "fodbold", "og"), category_slugs=SLUGS)
    assert found.typed == ["kor", "fodbold"]  # "og" leaves nothing to look for
    assert found.slugs == ["music"]
    got = by_ext(found)
    assert got["C-01"].strengths[1] >= MATCHED > got["C-01"].strengths[0]
    assert got["C-03"].strengths[0] >= MATCHED > got["C-03"].strengths[1]


@pytest.mark.parametrize("interests,seniors", [
    (("ældre",), True), (("seniors",), True), (("fodbold",), False), (("music", "kor"), False),
])
def test_candidates_say_when_the_household_looks_for_seniors(ctx, interests, seniors):
    assert candidates(max_km=30, interests=interests, category_slugs=SLUGS).seniors is seniors


def test_candidates_leave_out_hidden_ids(ctx):
    found = candidates(max_km=30, interests=("fodbold",), hidden_ids=frozenset({ctx.ids["C-01"]}))
    assert "C-01" not in by_ext(found) and "C-02" in by_ext(found)


def test_candidates_give_event_strengths(ctx):
    ids = (ctx.ids["E-01"], ctx.ids["E-02"])
    found = candidates(max_km=30, interests=("fodbold", "kor"), event_ids=ids)
    assert found.typed == ["fodbold", "kor"]
    assert ctx.ids["E-01"] not in found.event_strengths  # only events some interest fits
    fodbold, kor = found.event_strengths[ctx.ids["E-02"]]
    assert fodbold >= MATCHED and kor < MATCHED


def test_candidates_nearby_pool_without_interests(ctx):
    found = candidates(max_km=50, nearby_pool=3)
    assert found.typed == [] and found.slugs == []
    kms = sorted(c.km for c in found.associations)
    assert len(found.associations) == 3 and kms[0] < 2  # the nearest of the rest


def test_search_params_are_plain_values(ctx):
    assert parse_params(MultiDict({"q": " fodbold  klub ", "category": "sport,music"})) == SearchParams(
        q="fodbold klub", category=("sport", "music"))


# --- the two engines side by side (the PostgreSQL app) --------------------------------------------

def test_both_engines_give_the_same_answers(ctx):
    """The same data in both engines: the same totals, top results, facets and suggestions."""
    if ctx.backend != "postgres":
        pytest.skip("runs once, on the postgres engine's data (the Whoosh index is rebuilt from it)")
    asks = [{"q": q, **args} for q, args, _first, _whole in QUERIES] + [args for args, _expected in FILTERS]
    asks += [{"q": "fodbold", "near": "Vamdrup"},
             {"q": "fodbold", "lat": KOLDING[0], "lon": KOLDING[1], "radius_km": 20},
             {"q": "badminton petanque"}, {"q": "badminton vamdrup"}, {"q": "og i på"}]

    def answers():
        out = []
        for args in asks:
            result = run(per_page=100, **args)
            out.append((args, result.total, set(ext_ids(result)[:3]), result.facets, result.suggestion,
                        result.notice))
        return out

    postgres = answers()
    ctx.app.config["SEARCH_BACKEND"] = "whoosh"
    try:
        assert engine().rebuild() == 13
        whoosh = answers()
    finally:
        ctx.app.config["SEARCH_BACKEND"] = "postgres"
    differ = [(p[0], p[1:], w[1:]) for p, w in zip(postgres, whoosh, strict=True) if p != w]
    assert not differ, "\n".join(f"{a}: postgres {p} / whoosh {w}" for a, p, w in differ)
