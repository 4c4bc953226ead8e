"""The search page `/soeg`: a plain GET form, so every search is a shareable URL."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_babel import format_decimal

from ..accounts.security import SEARCH_PAGE_LIMIT
from ..core.errors import ValidationError
from ..extensions import limiter
from ..core.pagination import Page
from ..core.vocab import CATEGORIES, EVENT_KINDS, TARGET_GROUPS
from ..places.services import list_places
from .highlight import highlight, snippet
from .params import SearchParams, parse_params
from .services import search

bp = Blueprint("search", __name__)
limiter.limit(SEARCH_PAGE_LIMIT)(bp)  # per client address

RADII = (1, 2, 5, 10, 25)


@bp.get("/soeg")
def search_page():
    """Search associations and events; errors in the form are shown on the page."""
    error, field = None, None
    try:
        params = parse_params(request.args)
    except ValidationError as exc:
        error, field = exc.message, exc.field
        params = SearchParams(q=" ".join((request.args.get("q") or "").split())[:200])
        return _render(params, None, error, field), 400
    try:
        result = search(params)
    except ValidationError as exc:  # e.g. a place we cannot find
        return _render(params, None, exc.message, exc.field), 400
    return _render(params, result, None, None)


def _render(params: SearchParams, result, error: str | None, field: str | None):
    places = {p.slug: p.name for p in list_places()}
    page = None
    if result is not None:
        page = Page(items=result.hits, page=params.page, per_page=params.per_page, total=result.total)
    return render_template(
        "search/index.html",
        params=params, result=result, page=page, error=error, error_field=field,
        categories=CATEGORIES, target_groups=TARGET_GROUPS, event_kinds=EVENT_KINDS,
        place_names=places, radii=RADII,
        search_url=lambda **changes: search_url(params, **changes),
        mark=lambda text: highlight(text, result.terms if result else set()),
        excerpt=lambda text: snippet(text, result.terms if result else set()),
        parse_iso=datetime.fromisoformat, format_km=format_km, age_label=age_label,
    )


def format_km(km: float) -> str:
    """'0,4', '3,2', '12' — in the UI language's number format."""
    return format_decimal(round(km, 1) if km < 10 else round(km), format="#,##0.#")


def age_label(data: dict) -> str:
    low, high = data.get("age_min"), data.get("age_max")
    if high is None:
        return f"{low}+"
    return f"{low if low is not None else 0}–{high}"


def search_url(params: SearchParams, **changes) -> str:
    """The URL of this search with some parameters changed (page resets unless given)."""
    if "page" not in changes:
        changes["page"] = 1
    new = params.with_changes(**changes)
    args = new.to_args()
    return url_for("search.search_page") + ("?" + urlencode(args) if args else "")

