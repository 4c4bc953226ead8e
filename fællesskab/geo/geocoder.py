"""Geocoders with geopy's interface: `geocode(query)` returns a `geopy.Location` or None.

- `Gazetteer`: offline, built in, over the reference tables and imported
  official addresses. Never opens a network connection.
- `OnlineWithFallback`: asks an online provider first (`GEOCODER=nominatim`),
  caches its answers in the database, and lets the gazetteer answer on a
  timeout, an error or no answer, or when the gazetteer is more precise.

Every answer's `raw` holds `source`, `precision` (address | street | postcode |
locality), `label`, `postcode`, `place_id`, `ambiguous`, `alternatives`, `note`, and with
note `street_not_found` the `street` and `area` typed (for the sentence in `geo.notes`).
`get_geocoder()` returns the one configured by `app.config["GEOCODER"]`.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from geopy.adapters import BaseSyncAdapter
from geopy.exc import ConfigurationError, GeocoderServiceError, GeopyError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from .addresses import ParsedAddress, looks_like_address, parse_address
from .cache import CachedAnswer, get_cached, put_cached
from .distance import haversine_km
from .gazetteer import Located, parts_to_parsed
from .index import app_state, get_index
from .online import NominatimProvider
from .resolver import PRECISION_RANK, Match, Resolver
from .settings import geocoder_settings, setting

log = logging.getLogger(__name__)

# reverse(): a street point farther than this is not "the street you are on".
REVERSE_STREET_KM = 0.6


class OfflineAdapter(BaseSyncAdapter):
    """A geopy adapter that refuses every request: the gazetteer works offline."""

    def get_json(self, url, *, timeout, headers):
        raise GeocoderServiceError("the gazetteer is offline and makes no requests")

    def get_text(self, url, *, timeout, headers):
        raise GeocoderServiceError("the gazetteer is offline and makes no requests")


def to_location(match: Match) -> Location:
    return Location(match.label, (match.lat, match.lon, 0.0), match.raw())


def located_from_location(location: Location) -> Located:
    """The app's small answer type (`Located`) from a geopy Location of ours."""
    raw = location.raw
    return Located(location.latitude, location.longitude, raw["precision"], raw["label"],
                   raw.get("postcode"), raw.get("place_id"), raw.get("note"), raw.get("street"), raw.get("area"),
                   bool(raw.get("ambiguous")))


class Gazetteer(Geocoder):
    """The offline geocoder: Kolding's localities, postcodes, streets and official addresses."""

    name = "gazetteer"

    def __init__(self, *, fuzzy: bool = True):
        super().__init__(adapter_factory=OfflineAdapter, user_agent="faellesskab-gazetteer")
        self.fuzzy = fuzzy

    def geocode(self, query, *, exactly_one: bool = True, timeout=None):
        """Resolve a one-line address (str) or a geopy structured query (dict).

        Dict keys: `street`, `postalcode`, `city`.
        """
        parsed = _parse(query)
        match = Resolver(get_index(), fuzzy=self.fuzzy).resolve(parsed) if parsed else None
        if match is None:
            return None
        location = to_location(match)
        return location if exactly_one else [location]

    def reverse(self, query, *, exactly_one: bool = True, timeout=None):
        """The nearest street (within 600 m) or else the nearest place of a point."""
        point = Point(query)
        index = get_index()
        best, best_km = None, REVERSE_STREET_KM
        for street in index.streets:
            km = haversine_km(point.latitude, point.longitude, street.lat, street.lon)
            if km < best_km:
                best, best_km = street, km
        place = index.nearest_place(point.latitude, point.longitude)
        if best is not None:
            label = f"{best.name}, {best.postcode} {index.district_name(best.postcode)}".strip()
            match = Match(best.lat, best.lon, "street", label, best.postcode, place.id if place else None)
        elif place is not None:
            match = Match(place.lat, place.lon, "locality", place.name, place.postcode, place.id)
        else:
            return None
        location = to_location(match)
        return location if exactly_one else [location]


def _parse(query) -> ParsedAddress | None:
    if isinstance(query, dict):
        return parts_to_parsed(query.get("street"), query.get("postalcode"), query.get("city"))
    if not isinstance(query, str) or not looks_like_address(query):
        return None
    return parse_address(query)


class OnlineWithFallback(Geocoder):
    """An online provider first (cached), the gazetteer when it fails or knows less."""

    def __init__(self, provider: NominatimProvider, fallback: Gazetteer, *, ttl: timedelta, miss_ttl: timedelta):
        super().__init__(adapter_factory=OfflineAdapter, user_agent="faellesskab-fallback")
        self.provider = provider
        self.fallback = fallback
        self.ttl = ttl
        self.miss_ttl = miss_ttl

    @property
    def name(self) -> str:
        return self.provider.name

    def geocode(self, query, *, exactly_one: bool = True, timeout=None):
        local = self.fallback.geocode(query)
        if local is not None and local.raw["precision"] == "address":
            best = local  # an official address: nothing online is better
        else:
            online = self._online(query)
            best = local
            if online is not None and (local is None or _rank(online) >= _rank(local)):
                best = online
        if best is None:
            return None
        return best if exactly_one else [best]

    def _online(self, query) -> Location | None:
        text = ", ".join(str(v) for v in query.values() if v) if isinstance(query, dict) else query
        if not isinstance(text, str) or not looks_like_address(text):
            return None
        cached = get_cached(self.provider.name, text)
        if cached is not None:
            return self._with_place(_from_cache(cached, self.provider.name)) if cached.found else None
        try:
            location = self.provider.geocode(text)
        except GeopyError as exc:
            log.warning("geocoder %s failed (%s); the gazetteer answers", self.provider.name, type(exc).__name__)
            return None
        except Exception:  # a provider must never take a page down
            log.exception("geocoder %s failed unexpectedly; the gazetteer answers", self.provider.name)
            return None
        if location is None:
            put_cached(self.provider.name, text, CachedAnswer(False), self.miss_ttl)
            return None
        raw = location.raw
        put_cached(self.provider.name, text, CachedAnswer(
            True, location.latitude, location.longitude, raw["precision"], raw["label"], raw.get("postcode")),
            self.ttl)
        return self._with_place(location)

    @staticmethod
    def _with_place(location: Location) -> Location:
        place = get_index().nearest_place(location.latitude, location.longitude)
        location.raw["place_id"] = place.id if place else None
        return location


def _rank(location: Location) -> int:
    return PRECISION_RANK.get(location.raw.get("precision"), 0)


def _from_cache(cached: CachedAnswer, source: str) -> Location:
    raw = {"source": source, "precision": cached.precision or "locality", "label": cached.label or "",
           "postcode": cached.postcode, "ambiguous": False, "alternatives": [], "note": None,
           "lat": cached.lat, "lon": cached.lon, "cached": True}
    return Location(raw["label"], (cached.lat, cached.lon, 0.0), raw)


def build_geocoder() -> Geocoder:
    """Build the geocoder that the settings ask for (see `geo.settings`)."""
    gazetteer = Gazetteer()
    name = setting("GEOCODER").strip().lower()
    if name in ("", "gazetteer"):
        return gazetteer
    if name == "nominatim":
        try:
            provider = NominatimProvider(
                setting("NOMINATIM_URL"), user_agent=setting("GEOCODER_USER_AGENT"),
                timeout=setting("GEOCODER_TIMEOUT", float), min_delay=setting("GEOCODER_MIN_DELAY", float))
        except ConfigurationError as exc:
            log.error("GEOCODER=nominatim is misconfigured (%s); using the offline gazetteer", exc)
            return gazetteer
        return OnlineWithFallback(
            provider, gazetteer,
            ttl=timedelta(days=setting("GEOCODE_CACHE_TTL_DAYS", float)),
            miss_ttl=timedelta(hours=setting("GEOCODE_CACHE_MISS_TTL_HOURS", float)))
    log.error("GEOCODER=%r is unknown (use gazetteer or nominatim); using the offline gazetteer", name)
    return gazetteer


def get_geocoder() -> Geocoder:
    """Return this app's configured geocoder (built once per configuration)."""
    state = app_state()
    key = geocoder_settings()
    geocoder = state.geocoders.get(key)
    if geocoder is None:
        geocoder = state.geocoders[key] = build_geocoder()
    return geocoder
