"""The newcomer's journey: "Ny i Kolding?" → address and household → ranked matches.

No account, and nothing is stored: the address travels by POST (never in a
URL, CONTRACT.md); the POST answers with a 303 to the results' own URL, which
holds only coordinates rounded to 3 decimals (about 100 m) and what the
household chose (adults, interests, children's ages, languages), so Back,
reload, a bookmark and the language switch keep the results. The typed address
stays in the person's own session cookie, for the contact form's pre-fill.
"""
from __future__ import annotations

import contextlib
import dataclasses
import re
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale

from ..accounts.security import SEARCH_PAGE_LIMIT
from ..core.cleaning import Cleaner
from ..core.errors import NotFound, ValidationError
from ..core.fields import FieldError
from ..core.vocab import CATEGORIES
from ..events import services as events
from ..extensions import limiter
from ..geo.gazetteer import Located
from ..geo.maps import build_map
from ..places.services import list_places
from . import reasons
from .services import MAX_ADULTS, MAX_KM, MatchRequest, MatchResult, clean_request, match

bp = Blueprint("matching", __name__)
limiter.limit(SEARCH_PAGE_LIMIT)(bp)  # per client address, as the search page

BOBLBERG_URL = "https://www.boblberg.dk"
# Languages offered as checkboxes (others through the API): code, name in the language itself.
FORM_LANGUAGES = (("da", "Dansk"), ("en", "English"), ("de", "Deutsch"), ("uk", "Українська"),
                  ("pl", "Polski"), ("ar", "العربية"), ("ro", "Română"), ("lt", "Lietuvių"))
DISTANCES = (5, 10, 15, 25)
FIELD_ORDER = ("address", "lat", "lon", "max_km", "adults", "children_ages", "interests", "languages")
_SPLIT = re.compile(r"[,;\s]+")
JOURNEY = "journey"  # session: {"at": "lat,lon" of the person's own results, "address": what they typed}


def _locale() -> str:
    return reasons.norm_locale(get_locale())


def _form_values(source) -> dict:
    """What the form (or a share link) holds, as the page shows it again."""
    interests = [v.strip() for v in source.getlist("interests") if v.strip()]
    chosen = [v for v in interests if v in CATEGORIES]
    words = [v for v in interests if v not in CATEGORIES]
    other = source.get("interests_text", "")
    words += [w.strip() for w in other.split(",") if w.strip()]
    return {
        "address": (source.get("address") or "").strip(),
        "adults": (source.get("adults") or "1").strip(),
        "children_ages": (source.get("children_ages") or "").strip(),
        "categories": chosen,
        "interests_text": ", ".join(words),
        "languages": [v.strip().lower() for v in source.getlist("languages") if v.strip()],
        "max_km": (source.get("max_km") or "15").strip(),
    }


def _to_request(values: dict, *, lat=None, lon=None) -> MatchRequest:
    """A MatchRequest from the form's strings.

    :raises ValidationError: every problem at once: unreadable numbers here, the rest from
        `clean_request` (the same checks as the API).
    """
    locale = _locale()
    c = Cleaner(values)
    adults = (c.field("adults", _form_number, int, reasons.MSG_ADULTS, locale, n=MAX_ADULTS)
              if values["adults"] else 1)
    ages = c.field("children_ages", _form_ages, locale)
    max_km = c.field("max_km", _form_number, float, reasons.MSG_MAX_KM, locale, n=int(MAX_KM))
    words = [w.strip() for w in values["interests_text"].split(",") if w.strip()]
    req = MatchRequest(
        address=values["address"] or None, lat=lat, lon=lon, interests=values["categories"] + words,
        children_ages=ages or [], adults=1 if adults is None else adults, languages=values["languages"],
        max_km=15.0 if max_km is None else max_km, limit=10,
    )
    try:
        clean_request(req, locale)
    except ValidationError as exc:
        unreadable = {f for f, _m in c.errors}  # said once, as the form's own message
        c.errors += [(f, m) for f, m in exc.errors if f not in unreadable]
    c.raise_if_errors()
    return req


def _form_number(value: str, kind: type, msgid: str, locale: str, **params) -> int | float:
    """A number typed in the form (a decimal comma too)."""
    try:
        return kind(value.replace(",", ".") if kind is float else value)
    except ValueError:
        raise FieldError(reasons.translate(msgid, locale, **params)) from None


def _form_ages(value: str, locale: str) -> list[int]:
    """Children's ages typed as '4, 9' (commas, semicolons or spaces between)."""
    try:
        return [int(part) for part in _SPLIT.split(value) if part]
    except ValueError:
        raise FieldError(reasons.translate(reasons.MSG_AGE, locale)) from None


def _page_context() -> dict:
    return {
        "categories": CATEGORIES, "form_languages": FORM_LANGUAGES, "distances": DISTANCES,
        "boblberg_url": BOBLBERG_URL, "coordinator_email": current_app.config.get("COORDINATOR_EMAIL"),
    }


def _render_form(values: dict, errors: list[tuple[str, str]] | None = None, status: int = 200):
    field_errors: dict[str, str] = {}
    order = {name: i for i, name in enumerate(FIELD_ORDER)}
    for name, message in sorted(errors or [], key=lambda e: order.get(e[0] or "address", len(order))):
        field_errors.setdefault(name or "address", message)
    return render_template(
        "matching/newcomer.html", values=values, errors=field_errors,
        welcome_events=events.upcoming(limit=6, kind="welcome-meeting"),
        places=[p for p in list_places() if p.kind != "suburb"], **_page_context(),
    ), status


def _empty_values() -> dict:
    return {"address": "", "adults": "1", "children_ages": "", "categories": [], "interests_text": "",
            "languages": [], "max_km": "15"}


@bp.route("/ny-i-kolding", methods=["GET", "POST"])
def newcomer():
    """The journey's entry (GET) and its answer (POST: the address never goes in a URL)."""
    if request.method == "GET":
        return _render_form(_empty_values())
    values = _form_values(request.form)
    try:
        result = match(_to_request(values), locale=_locale())
    except (ValidationError, NotFound) as exc:
        errors = exc.errors if isinstance(exc, ValidationError) else [(exc.field or "address", exc.message)]
        return _render_form(values, errors, 400)
    link = share_url(result, values, ",".join(p for p in _SPLIT.split(values["children_ages"]) if p))
    session[JOURNEY] = {"at": _at(result.location.lat, result.location.lon), "address": values["address"],
                        "located": dataclasses.asdict(result.location)}
    return redirect(link, 303)


def _at(lat: float, lon: float) -> str:
    return f"{lat:.3f},{lon:.3f}"


@bp.get("/ny-i-kolding/resultater")
def shared_results():
    """Results from a share link: rounded coordinates and choices, never an address."""
    if not request.args.get("lat") or not request.args.get("lon"):
        return redirect(url_for("matching.newcomer"))
    values = _form_values(request.args)
    values["address"] = ""
    locale = _locale()
    try:
        lat, lon = round(float(request.args["lat"]), 3), round(float(request.args["lon"]), 3)
    except ValueError:
        return _render_form(values, [("address", reasons.translate(reasons.MSG_LAT, locale))], 400)
    own = session.get(JOURNEY)
    mine = isinstance(own, dict) and own.get("at") == _at(lat, lon)
    if mine:  # the person's own answer: their address back in the forms, never in the URL
        values["address"] = str(own.get("address") or "")
    try:
        result = match(_to_request(values, lat=lat, lon=lon), locale=locale)
    except (ValidationError, NotFound) as exc:
        errors = exc.errors if isinstance(exc, ValidationError) else [(exc.field or "address", exc.message)]
        errors = [("address" if f in ("lat", "lon") else f, m) for f, m in errors]
        return _render_form(values, errors, 400)
    if mine and isinstance(own.get("located"), dict):
        # How exactly the typed address was placed (the location note) survives the redirect.
        with contextlib.suppress(TypeError):  # a session from before a change of Located's fields
            result.location = Located(**own["located"])
    return _render_results(values, result, shared=not mine)


def share_url(result: MatchResult, values: dict, req_ages: str) -> str:
    """The results again, for anyone: coordinates to 3 decimals and the choices, not the address."""
    loc = result.location
    args: list[tuple[str, str]] = [("lat", f"{loc.lat:.3f}"), ("lon", f"{loc.lon:.3f}")]
    if values["adults"] not in ("", "1"):
        args.append(("adults", values["adults"]))
    args += [("interests", v) for v in values["categories"]]
    args += [("interests", w.strip()) for w in values["interests_text"].split(",") if w.strip()]
    if req_ages:
        args.append(("children_ages", req_ages))
    args += [("languages", v) for v in values["languages"]]
    if values["max_km"] not in ("", "15"):
        args.append(("max_km", values["max_km"]))
    return url_for("matching.shared_results") + "?" + urlencode(args)


def _render_results(values: dict, result: MatchResult, *, shared: bool):
    ages = ",".join(p for p in _SPLIT.split(values["children_ages"]) if p)
    interests = values["categories"] + [w.strip() for w in values["interests_text"].split(",") if w.strip()]
    page_map = build_map(result.location, result.results, map_id="matchkort")
    response = render_template(
        "matching/results.html", values=values, result=result, map=page_map, shared=shared,
        share_link=share_url(result, values, ages), children_ages=ages, interests=interests,
        **_page_context(),
    )
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
