"""Match a newcomer household to associations and events near them.

Public API (the outreach package codes against it; keep the names):

    match(MatchRequest(...), locale="da") -> MatchResult

`match` locates the address (or takes lat/lon), asks the search engine for the
candidate associations (`search.engine().candidates`: the search port), reads
the approved events with a date in the next 60 days from the database, ranks
them with `ranking.py` and explains each result in the request's language
(`reasons.py`). Nothing about the newcomer is stored:
`match` only reads, and never commits.
"""
from __future__ import annotations

import heapq
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from math import isfinite
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from ..core import metrics
from ..core.cleaning import Cleaner
from ..core.errors import NotFound
from ..core.fields import FieldError
from ..core.time import utcnow
from ..core.vocab import CATEGORIES
from ..directory import services as directory
from ..directory.models import Association
from ..events import recurrence
from ..events.models import Event
from ..events.services import upcoming_parts
from ..extensions import db
from ..geo.addresses import MAX_QUERY_LENGTH
from ..geo.areas import FORUM_MAX_KM, bbox_filter, forums_for_point
from ..geo.distance import DK_LAT_RANGE, DK_LON_RANGE, haversine_km
from ..geo.gazetteer import Located
from ..geo.index import get_index as get_geo_index
from ..geo.lookup import locate_text
from ..places.models import Forum, Place
from ..search import Candidate, CandidateQuery, Candidates
from ..search import engine as search_engine
from . import ranking, reasons
from .candidates import InterestFit, Scored, profile
from .ranking import Household, Listing

EVENT_WINDOW = timedelta(days=60)
LOCAL_COMMUNITY = "local-community"  # the category of an event without a host association
HOME_KM = 3.0  # an event of the household's own place this close counts as "where you live"
MAX_KM = 50.0
MAX_LIMIT = 50
MAX_INTERESTS = 20
MAX_INTEREST_LENGTH = 100
MAX_CHILDREN = 15
MAX_ADULTS = 20
MAX_LANGUAGES = 10
CATEGORY_POOL = 200  # associations of the ticked categories read nearest first
NEARBY_POOL = 100  # associations read nearest first for the others, or without interests
OTHERS_LIMIT = 5  # "Andet i nærheden af dig": at most this many
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
CATEGORY_SLUGS = frozenset(CATEGORIES)
# How many associations the last match in this context ranked (benchmarks and tests look).
last_scored: ContextVar[int] = ContextVar("last_scored", default=0)


@dataclass
class MatchRequest:
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    interests: list[str] = field(default_factory=list)   # free words and/or category slugs
    children_ages: list[int] = field(default_factory=list)
    adults: int = 1
    languages: list[str] = field(default_factory=list)   # ISO 639-1
    max_km: float = 15.0
    limit: int = 10


@dataclass
class MatchItem:
    type: str  # "association" | "event"
    id: int
    external_id: str
    name: str
    url: str
    score: float
    distance_km: float
    reasons: list[str]
    category: str | None
    starts_at: datetime | None
    # Optional extras (the map, the results page): not part of the contract's minimum.
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    summary: str | None = None
    kind: str | None = None  # an event's kind (welcome-meeting, …)
    # The listing's English text, when it has any (the English results page shows it); an event's
    # name_en is its English title, and an event has no summary.
    name_en: str | None = None
    summary_en: str | None = None
    # The reasons as codes and values (ranking.reason_data), to be stored and worded in the reader's language.
    reason_codes: list[dict] = field(default_factory=list)


@dataclass
class MatchResult:
    location: Located
    results: list[MatchItem]  # what matches the named interests (or, without any, the best near the household)
    others: list[MatchItem] = field(default_factory=list)  # nearby listings that match nothing named, kept apart


@metrics.MATCH_SECONDS.time()
def match(req: MatchRequest, *, locale: str = "da") -> MatchResult:
    """Rank associations and upcoming events (next 60 days) for a household.

    :param locale: language of the reasons and messages ("da" or "en").
    :raises ValidationError: with every (field, message) of a bad request.
    :raises NotFound: the address cannot be located (field "address").
    """
    locale = reasons.norm_locale(locale)
    req = clean_request(req, locale)
    location = _locate(req, locale)
    household = Household(
        children_ages=tuple(req.children_ages), adults=req.adults,
        languages=tuple(req.languages) or ("da",), has_interests=bool(req.interests), max_km=req.max_km,
    )
    events = _upcoming_events(location.lat, location.lon, req.max_km)
    home = _home(location)
    picked, others = _rank(req, household, location, events, home, locale)
    return MatchResult(location=location, results=picked, others=others)


# --- the request --------------------------------------------------------------------------------


def clean_request(req: MatchRequest, locale: str = "da") -> MatchRequest:
    """Check every field (types too: the API puts JSON values straight in) and normalise.

    :raises ValidationError: with every (field, message) found.
    """
    c = Cleaner(vars(req))
    address = c.field("address", _address, locale)
    lat = lon = None
    if (req.lat is None) != (req.lon is None):
        c.error("lat" if req.lat is None else "lon", reasons.translate(reasons.MSG_LAT_LON_BOTH, locale))
    else:
        lat = c.field("lat", _coordinate, DK_LAT_RANGE, reasons.MSG_LAT, locale)
        lon = c.field("lon", _coordinate, DK_LON_RANGE, reasons.MSG_LON, locale)
    if req.lat is None and req.lon is None and not address and not _has_error(c, "address"):
        c.error("address", reasons.translate(reasons.MSG_NO_LOCATION, locale))
    interests = c.field("interests", _interests, locale)
    ages = c.field("children_ages", _children_ages, locale)
    adults = c.field("adults", _whole, 0, MAX_ADULTS, reasons.MSG_ADULTS, locale, n=MAX_ADULTS)
    if adults == 0 and not ages and not _has_error(c, "children_ages"):
        c.error("adults", reasons.translate(reasons.MSG_NOBODY, locale))
    languages = c.field("languages", _languages, locale)
    max_km = c.field("max_km", _max_km, locale)
    limit = c.field("limit", _whole, 1, MAX_LIMIT, reasons.MSG_LIMIT, locale, n=MAX_LIMIT)
    c.raise_if_errors()
    return MatchRequest(address=address, lat=lat, lon=lon, interests=interests, children_ages=ages,
                        adults=adults, languages=languages, max_km=max_km, limit=limit)


# Field parsers for clean_request (core.cleaning.Cleaner): a value in, the clean value out, or
# FieldError with matching's own message in the request's language.


def _fail(msgid: str, locale: str, **params) -> FieldError:
    return FieldError(reasons.translate(msgid, locale, **params))


def _has_error(c: Cleaner, name: str) -> bool:
    return any(field_name == name for field_name, _message in c.errors)


def _address(value, locale: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _fail(reasons.MSG_ADDRESS_TEXT, locale)
    address = " ".join((value or "").split()) or None
    if address and (len(address) > MAX_QUERY_LENGTH or "\x00" in address):
        raise _fail(reasons.MSG_ADDRESS_LONG, locale, n=MAX_QUERY_LENGTH)
    return address


def _coordinate(value, bounds: tuple[float, float], msgid: str, locale: str) -> float | None:
    if value is None:
        return None
    if not _is_number(value) or not bounds[0] <= value <= bounds[1]:
        raise _fail(msgid, locale)
    return float(value)


def _list(value, name: str, locale: str) -> list | tuple:
    if not isinstance(value, (list, tuple)):
        raise _fail(reasons.MSG_LIST, locale, field=name)
    return value


def _interests(value, locale: str) -> list[str]:
    interests: list[str] = []
    seen = set()
    for item in _list(value, "interests", locale):
        if not isinstance(item, str) or len(item.strip()) > MAX_INTEREST_LENGTH or "\x00" in item:
            raise _fail(reasons.MSG_INTEREST_TEXT, locale, n=MAX_INTEREST_LENGTH)
        word = " ".join(item.split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            interests.append(word)
    if len(interests) > MAX_INTERESTS:
        raise _fail(reasons.MSG_INTERESTS_MANY, locale, n=MAX_INTERESTS)
    return interests


def _children_ages(value, locale: str) -> list[int]:
    if len(_list(value, "children_ages", locale)) > MAX_CHILDREN:
        raise _fail(reasons.MSG_CHILDREN_MANY, locale, n=MAX_CHILDREN)
    if not all(_is_int(a) and 0 <= a <= 17 for a in value):
        raise _fail(reasons.MSG_AGE, locale)
    return [int(a) for a in value]


def _languages(value, locale: str) -> list[str]:
    if len(_list(value, "languages", locale)) > MAX_LANGUAGES:
        raise _fail(reasons.MSG_LANGUAGES_MANY, locale, n=MAX_LANGUAGES)
    languages: list[str] = []
    for code in value:
        code = code.strip().lower() if isinstance(code, str) else None
        if code is None or not LANGUAGE_CODE.match(code):
            raise _fail(reasons.MSG_LANGUAGE, locale)
        if code not in languages:
            languages.append(code)
    return languages


def _whole(value, lowest: int, highest: int, msgid: str, locale: str, **params) -> int:
    if not _is_int(value) or not lowest <= value <= highest:
        raise _fail(msgid, locale, **params)
    return int(value)


def _max_km(value, locale: str) -> float:
    if not _is_number(value) or not 0 < value <= MAX_KM:
        raise _fail(reasons.MSG_MAX_KM, locale, n=int(MAX_KM))
    return float(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and isfinite(value)


def _locate(req: MatchRequest, locale: str) -> Located:
    """The household's point: lat/lon as given (they win over an address), or the geocoded address."""
    if req.lat is not None:
        place = get_geo_index().nearest_place(req.lat, req.lon, max_km=FORUM_MAX_KM)
        label = place.name if place is not None else f"{req.lat:.3f}, {req.lon:.3f}"
        return Located(req.lat, req.lon, "coordinates", label, place.postcode if place else None,
                       place.id if place else None)
    located = locate_text(req.address)
    if located is None:
        raise NotFound(reasons.translate(reasons.MSG_NOT_FOUND, locale), field="address")
    return located


class _Home:
    """The village or town the household lives in, and (read when first needed) the forums that serve it."""

    def __init__(self, location: Located, place):
        self.location = location
        self.place_id: int | None = place.id if place else None
        self.place_name: str | None = place.name if place else None

    @cached_property
    def forum_ids(self) -> set[int]:
        # A database read, needed only when an event within HOME_KM is a forum's (`_in_home`).
        return {f.id for f in forums_for_point(self.location.lat, self.location.lon)}


def _home(location: Located) -> _Home:
    """The village or town the household lives in (the forums that serve it come when asked)."""
    index = get_geo_index()
    place = index.place_by_id.get(location.place_id) if location.place_id else None
    if place is None:
        place = index.nearest_place(location.lat, location.lon, max_km=FORUM_MAX_KM)
    return _Home(location, place)


# --- events -------------------------------------------------------------------------------------


class EventRow(NamedTuple):
    """What matching reads about an event to rank it (a plain row: cheaper than loading Event
    objects). What a result shows besides is read for the picked few (`_event_details`)."""

    id: int
    title: str
    kind: str
    lat: float
    lon: float
    place_id: int | None
    forum_id: int | None
    category: str | None  # the host association's
    age_min: int | None
    age_max: int | None
    target_groups: tuple | None
    languages: tuple | None


class EventDetails(NamedTuple):
    external_id: str
    town: str | None
    host: str | None  # the forum's or the association's name
    place: str | None
    title_en: str | None


def _upcoming_events(lat: float, lon: float, max_km: float) -> list[tuple[EventRow, datetime, float]]:
    """Approved events within `max_km` with a date in the next 60 days: (event, next start, km).

    The stored next start (`Event.next_starts_at`) selects them in SQL; only series whose
    stored value has passed since the last refresh get their next date computed here.
    At national density a match reads a few thousand rows, so the select holds only what
    ranking needs (no joins for names, no first start or rule of one-off events).
    """
    now = utcnow()
    end = now + EVENT_WINDOW
    base = (
        sa.select(Event.id, Event.title, Event.kind, Event.lat, Event.lon, Event.place_id, Event.forum_id,
                  Association.category, Association.age_min, Association.age_max,
                  # as text, decoded once per distinct value below: a few dozen values over thousands of rows
                  sa.cast(Association.target_groups, sa.Text), sa.cast(Association.languages, sa.Text))
        .outerjoin(Association, Association.id == Event.association_id)
        .where(Event.status == "approved", bbox_filter(Event.lat, Event.lon, lat, lon, max_km))
    )
    stored, stale = upcoming_parts(base, now, end)
    conn = db.session.connection()  # plain rows: no ORM result processing
    decoded: dict[str | None, tuple | None] = {None: None}

    def row(values) -> EventRow:
        values = list(values)
        for i in (10, 11):
            text_value = values[i]
            if text_value not in decoded:
                decoded[text_value] = tuple(json.loads(text_value))
            values[i] = decoded[text_value]
        return EventRow._make(values)

    found = [(row(values[:-1]), values[-1]) for values in conn.execute(stored.add_columns(Event.next_starts_at))]
    for values in conn.execute(stale.add_columns(Event.starts_at, Event.recurrence, Event.repeat_until)):
        first, rule, until = values[-3:]
        starts = recurrence.starts_between(first, rule, until, after=now, before=end, limit=1)
        if starts:
            found.append((row(values[:-3]), starts[0]))
    found.sort(key=lambda pair: pair[0].id)
    out = []
    for event, starts in found:
        km = haversine_km(lat, lon, event.lat, event.lon)
        if km <= max_km:
            out.append((event, starts, km))
    return out


def _event_details(ids: list[int]) -> dict[int, EventDetails]:
    """External id, town, host, place name and English title of the events picked for the result."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Event.id, Event.external_id, Event.town, sa.func.coalesce(Forum.name, Association.name), Place.name,
                  Event.title_en)
        .outerjoin(Association, Association.id == Event.association_id)
        .outerjoin(Forum, Forum.id == Event.forum_id)
        .outerjoin(Place, Place.id == Event.place_id)
        .where(Event.id.in_(ids)))
    return {values[0]: EventDetails._make(values[1:]) for values in rows}


def event_listing(event: EventRow) -> Listing:
    """What ranking reads about an event: its host association's profile, and its kind; ages
    the title names ("Prøvetræning U9–U12") win over the host's."""
    hosted = event.category is not None
    groups = list(event.target_groups or ()) if hosted else []
    if event.kind == "welcome-meeting" and "newcomers" not in groups:
        groups.append("newcomers")
    age_min, age_max = (event.age_min, event.age_max) if hosted else (None, None)
    own = ranking.title_ages(event.title)
    if own is not None:
        age_min, age_max = own
    return Listing(
        category=event.category if hosted else LOCAL_COMMUNITY,
        age_min=age_min, age_max=age_max, target_groups=tuple(groups),
        languages=tuple(event.languages or ("da",)) if hosted else ("da",),
        welcomes_newcomers=True, event_kind=event.kind,
        internationals="internationals" in groups,
    )


def _in_home(event: EventRow, home: _Home, km: float) -> bool:
    """Whether the event is in the household's own village or town: at its place, or hosted
    by a forum that serves it, and close (a town the size of Kolding is not one village)."""
    if km > HOME_KM:
        return False
    return (home.place_id is not None and event.place_id == home.place_id) or (
        event.forum_id is not None and event.forum_id in home.forum_ids)


# --- ranking ------------------------------------------------------------------------------------


def _rank(req: MatchRequest, h: Household, location: Located, events, home: _Home,
          locale: str) -> tuple[list[MatchItem], list[MatchItem]]:
    """The ranked list and the others (docs/matching.md, the ranking contract).

    Every candidate gets its score in a lean loop (a number per candidate; the fit that depends
    only on the listing's profile once per profile); only those that can still reach the
    list get a `Scored` with their name for the tie order (`_fewest`)."""
    lat, lon = location.lat, location.lon
    # The candidates: every association a typed word matches within reach, the nearest of the
    # ticked categories, and the nearest of the rest (for the others, or without interests).
    found: Candidates = search_engine().candidates(CandidateQuery(
        lat=lat, lon=lon, max_km=h.max_km, interests=tuple(req.interests), category_slugs=CATEGORY_SLUGS,
        category_pool=CATEGORY_POOL, nearby_pool=NEARBY_POOL, event_ids=tuple(e.id for e, _s, _km in events),
        hidden_ids=_unverified()))
    fits = InterestFit(typed=found.typed, slugs=found.slugs)
    # interests made only of small words ("og", "the") count as none
    h = replace(h, has_interests=bool(fits.count), seniors=found.seniors)
    pool = found.associations
    last_scored.set(len(pool))
    fit_memo: dict = {}  # this household's age and language fits (ranking.static_fit)
    candidates = _association_candidates(pool, h, fits, fit_memo)
    event_extra = {}
    listings: dict[Listing, ranking.Static] = {}  # events share their host's fit
    for event, starts, km in events:
        listing, static = _event_fit(event, h, listings, fit_memo)
        if static.excluded:  # (the events are all within max_km)
            continue
        at_home = _in_home(event, home, km)
        # an event's own text matters only for typed words (the engine's strengths)
        hit, strength, typed = fits.matches(found.event_strengths.get(event.id, ()), listing.category)
        value = ranking.rank_score(h, listing, km, typed=typed, ticked=len(hit) - typed, strength=strength,
                                   at_home=at_home, static=static)
        candidates.append(_Candidate((-round(value, 9), round(km, 6), 1), value, km, -1, tuple(hit), event))
        event_extra[event.id] = (starts, at_home, listing)

    def scored(group: list[_Candidate]) -> list[Scored]:
        """The full order (ties by name, id) of a few candidates."""
        out = []
        for c in group:
            if c.event is None:
                a = pool[c.doc]
                out.append(Scored(c.doc, c.score, c.km, a.category, "association", a.sortname, a.id, None, c.hit))
            else:
                out.append(Scored(c.doc, c.score, c.km, event_extra[c.event.id][2].category, "event",
                                  c.event.title.casefold(), c.event.id, c.event, c.hit))
        out.sort(key=Scored.key)
        return out

    if fits.count:
        # The welcome meeting where they live leads the list whatever they named (rule 6).
        home_welcomes = {e.id for e, _starts, _km in events
                         if e.kind == "welcome-meeting" and e.id in event_extra and event_extra[e.id][1]}

        def leads(c: _Candidate) -> bool:
            return bool(c.hit) or (c.event is not None and c.event.id in home_welcomes)

        needed = _needed_to_pick([c for c in candidates if leads(c)], req.limit, fits.count)
        picked = ranking.pick_represented(scored(needed), req.limit, lambda s: s.hit, fits.count)
        rest = scored([c for c in candidates if not leads(c)])
        others = ranking.select_diverse(rest, min(OTHERS_LIMIT, req.limit), lambda s: s.category)
    else:
        picked, others = ranking.select_diverse(scored(candidates), req.limit, lambda s: s.category), []
    details = _event_details([s.item_id for s in picked + others if s.kind == "event"])
    out = []
    for group in (picked, others):
        items = []
        for s in group:
            labels = fits.labels(list(s.hit))
            if s.kind == "event":
                starts, at_home, listing = event_extra[s.item_id]
                items.append(_event_item(s, h, listing, starts=starts, matched=labels,
                                         village=home.place_name if at_home else None,
                                         more=details[s.item_id], locale=locale))
            else:
                a = pool[s.doc]
                listing = replace(profile(a)[1], category=a.category)
                items.append(_association_item(s, h, listing, a, matched=labels, locale=locale))
        out.append(items)
    return out[0], out[1]


def _unverified() -> frozenset[int]:
    """Listings not verified for DIRECTORY_HIDE_UNVERIFIED_DAYS (off by default): matching
    recommends them to a newcomer, so a long-unconfirmed one should not be among them."""
    days = current_app.config.get("DIRECTORY_HIDE_UNVERIFIED_DAYS") or 0
    if days <= 0:
        return frozenset()
    return frozenset(directory.unverified_ids(days))


class _Candidate(NamedTuple):
    """A scored candidate before its name is read: `first` is the start of `Scored.key`."""

    first: tuple  # (−score, km, 0 for an association | 1 for an event), rounded as `ranking.sort_key`
    score: float
    km: float
    doc: int  # the association's place in `Candidates.associations` (-1: an event)
    hit: tuple
    event: EventRow | None = None


def _fewest(items: list[_Candidate], k: int) -> list[_Candidate]:
    """The candidates that can be among the best `k`: those not worse than the k-th best by
    `first` (a tie there is settled by the name, which is read only for these)."""
    if len(items) <= k:
        return items
    kth = heapq.nsmallest(k, [c.first for c in items])[-1]
    return [c for c in items if c.first <= kth]


def _needed_to_pick(matched: list[_Candidate], limit: int, n_interests: int) -> list[_Candidate]:
    """The candidates `ranking.pick_represented` can pick from `matched`: it reads only the
    best `limit` and each interest's best `limit // (n + 1)` (in order, ties included)."""
    needed = {id(c): c for c in _fewest(matched, limit)}
    if n_interests > 1:
        quota = max(1, limit // (n_interests + 1))
        for which in range(n_interests):
            needed.update((id(c), c) for c in _fewest([c for c in matched if which in c.hit], quota))
    return list(needed.values())


def _association_candidates(pool: list[Candidate], h: Household, fits: InterestFit, memo: dict) -> list[_Candidate]:
    """Score the associations of the pool; the hard limits leave some out (rule 3)."""
    statics: dict[int, ranking.Static] = {}  # per profile: the household's fit does not change
    matches, rank_score = fits.matches, ranking.rank_score
    out = []
    for i, c in enumerate(pool):
        pid, listing = profile(c)
        static = statics.get(pid)
        if static is None:
            static = statics[pid] = ranking.static_fit(h, listing, memo)
        if static.excluded:  # (the pool holds only what is within max_km)
            continue
        hit, strength, typed = matches(c.strengths, c.category)
        # the profile has no category: rank_score does not read it (the hit above did)
        value = rank_score(h, listing, c.km, typed=typed, ticked=len(hit) - typed, strength=strength,
                           static=static)
        out.append(_Candidate((-round(value, 9), round(c.km, 6), 0), value, c.km, i, tuple(hit)))
    return out


def _event_fit(event: EventRow, h: Household, memo: dict, fit_memo: dict) -> tuple[Listing, ranking.Static]:
    """An event's listing and the household's static fit (once per distinct listing)."""
    listing = _event_listing(event)
    static = memo.get(listing)  # (events of one host share their listing's value)
    if static is None:
        static = memo[listing] = ranking.static_fit(h, listing, fit_memo)
    return listing, static


@lru_cache(maxsize=8192)
def _event_listing(event: EventRow) -> Listing:
    """`event_listing`, remembered by the whole row (which holds all it reads): a match ranks the
    same few thousand events as the one before, and the title's ages cost a regular expression."""
    return event_listing(event)


def _url(endpoint: str, fallback: str, **values) -> str:
    return url_for(endpoint, **values) if has_request_context() else fallback


def _association_item(s: Scored, h: Household, listing: Listing, a: Candidate, *, matched: list[str],
                      locale: str) -> MatchItem:
    why = ranking.reasons(h, listing, s.km, matched=matched)
    stored = a.data
    return MatchItem(
        type="association", id=a.id, external_id=stored["external_id"], name=stored["name"],
        url=_url("directory.association_detail", f"/foreninger/{stored['slug']}", slug=stored["slug"]),
        score=round(s.score, 4), distance_km=round(s.km, 2), reasons=reasons.format_reasons(why, locale),
        category=stored.get("category"), starts_at=None, lat=a.lat, lon=a.lon, place=stored.get("place"),
        summary=stored.get("summary") or None, reason_codes=[ranking.reason_data(r) for r in why],
        name_en=stored.get("name_en"), summary_en=stored.get("summary_en"),
    )


def _event_item(s: Scored, h: Household, listing: Listing, *, starts: datetime, matched: list[str],
                village: str | None, more: EventDetails, locale: str) -> MatchItem:
    event: EventRow = s.payload
    place = more.place or more.town
    why = ranking.reasons(h, listing, s.km, matched=matched, starts_at=starts, village=village, where=place)
    return MatchItem(
        type="event", id=event.id, external_id=more.external_id, name=event.title,
        url=_url("events.event_detail", f"/arrangementer/{event.id}", event_id=event.id),
        score=round(s.score, 4), distance_km=round(s.km, 2), reasons=reasons.format_reasons(why, locale),
        category=listing.category, starts_at=starts, lat=event.lat, lon=event.lon,
        place=place, summary=more.host,
        kind=event.kind, reason_codes=[ranking.reason_data(r) for r in why], name_en=more.title_en,
    )
