"""Online geocoding through geopy's Nominatim (OpenStreetMap), for `GEOCODER=nominatim`.

The base URL is configurable (a municipality can run its own Nominatim), the
requests are spaced by geopy's `RateLimiter` and bounded by a timeout. The
answers are turned into the same shape as the gazetteer's, with a precision.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from geopy.adapters import URLLibAdapter
from geopy.exc import ConfigurationError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.location import Location

from .distance import in_denmark

# Kolding Kommune's bounding box, a little larger: answers are biased towards it.
KOLDING_VIEWBOX = [(55.28, 9.18), (55.66, 9.73)]


def split_base_url(base_url: str) -> tuple[str, str]:
    """'https://geo.example.dk/nominatim/' -> ('https', 'geo.example.dk/nominatim').

    :raises ConfigurationError: not an http(s) URL with a host.
    """
    parts = urlsplit((base_url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"NOMINATIM_URL must be an http(s) URL, not {base_url!r}")
    return parts.scheme, parts.netloc + parts.path.rstrip("/")


class NominatimProvider:
    """Ask a Nominatim server; answers carry `raw['precision']` like the gazetteer's."""

    name = "nominatim"

    def __init__(self, base_url: str, *, user_agent: str, timeout: float, min_delay: float):
        scheme, domain = split_base_url(base_url)
        # urllib, not requests: requests (when installed) retries a timed-out read twice,
        # tripling the wait before the gazetteer may answer.
        self.nominatim = Nominatim(domain=domain, scheme=scheme, user_agent=user_agent, timeout=timeout,
                                   adapter_factory=URLLibAdapter)
        self._geocode = RateLimiter(self.nominatim.geocode, min_delay_seconds=min_delay, max_retries=0,
                                    swallow_exceptions=False)

    def geocode(self, query: str) -> Location | None:
        """Return the provider's best answer inside Denmark, or None.

        :raises geopy.exc.GeopyError: timeout, HTTP error, unreadable answer.
        """
        location = self._geocode(query, exactly_one=True, addressdetails=True, country_codes="dk",
                                 viewbox=KOLDING_VIEWBOX, bounded=False, language="da")
        if location is None or not in_denmark(location.latitude, location.longitude):
            return None
        return convert(location.raw, self.name)


def convert(raw: dict, source: str) -> Location:
    """Turn a Nominatim JSON result into a Location with our fields in `raw`."""
    lat, lon = float(raw["lat"]), float(raw["lon"])
    address = raw.get("address") or {}
    road = address.get("road") or address.get("pedestrian") or address.get("footway")
    number = address.get("house_number")
    postcode = (address.get("postcode") or "").replace(" ", "") or None
    town = (address.get("city") or address.get("town") or address.get("village")
            or address.get("hamlet") or address.get("suburb") or address.get("municipality"))
    if number and road:
        precision = "address"
    elif road or raw.get("class") == "highway":
        precision = "street"
    elif raw.get("type") == "postcode" or raw.get("addresstype") == "postcode":
        precision = "postcode"
    else:
        precision = "locality"
    district = " ".join(p for p in (postcode, town) if p)
    if road:
        label = f"{road} {number}" if number and precision == "address" else road
        label = f"{label}, {district}" if district else label
    elif precision == "postcode" and district:
        label = district
    else:
        label = town or ", ".join((raw.get("display_name") or "").split(", ")[:2])
    ours = {
        "source": source, "precision": precision, "label": label, "postcode": postcode,
        "ambiguous": False, "alternatives": [], "note": None, "lat": lat, "lon": lon,
    }
    return Location(label, (lat, lon, 0.0), ours)
