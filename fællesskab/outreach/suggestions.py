"""Suggested matches for a case, from the matching service (issue 5), kept on the case until refreshed.

Each suggestion keeps its reasons as codes and values (`reason_codes`), worded when shown in the
language of the page or letter showing them (`reasons`); the text worded when fetched stays beside
them, and is what a suggestion stored before the codes shows.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import DomainError, NotFound, ValidationError
from ..core.time import utcnow
from ..extensions import db
from ..matching.reasons import format_stored
from .models import Case

MAX_KM = 15.0
LIMIT = 10
MAX_REASONS = 6


class MatchingUnavailable(DomainError):
    code = "matching_unavailable"
    status = 503


def _matching():
    try:
        from ..matching import services as matching
    except ImportError:  # the matching issue is built alongside this one
        raise MatchingUnavailable(_("Forslagene kan ikke hentes: matchingen er ikke tilgængelig.")) from None
    if not hasattr(matching, "match") or not hasattr(matching, "MatchRequest"):
        raise MatchingUnavailable(_("Forslagene kan ikke hentes: matchingen er ikke tilgængelig."))
    return matching


def item_key(item: dict) -> str:
    return f"{item.get('type')}:{item.get('id')}"


def _serialise(item: Any) -> dict:
    starts_at = getattr(item, "starts_at", None)
    distance = getattr(item, "distance_km", None)
    score = getattr(item, "score", None)
    return {
        "type": str(getattr(item, "type", "")), "id": getattr(item, "id", None),
        "external_id": getattr(item, "external_id", None), "name": str(getattr(item, "name", "")),
        "url": str(getattr(item, "url", "") or ""),
        "score": round(float(score), 3) if isinstance(score, (int, float)) else None,
        "distance_km": round(float(distance), 1) if isinstance(distance, (int, float)) else None,
        "reasons": [str(r) for r in (getattr(item, "reasons", None) or [])][:MAX_REASONS],
        "reason_codes": [dict(c) for c in (getattr(item, "reason_codes", None) or []) if isinstance(c, dict)
                         ][:MAX_REASONS],
        "category": getattr(item, "category", None),
        "starts_at": starts_at.isoformat() if isinstance(starts_at, datetime) else (starts_at or None),
    }


def reasons(item: dict, locale, *, distance: bool = True) -> list[str]:
    """A stored suggestion's reasons in `locale` ("da"/"en", or the page's Locale): worded from
    its codes; one stored before the codes were kept shows the text it was stored with.

    :param distance: with False, no "2,1 km fra dig" (for the forum, which does not get the street
        address: distances to several known places would give it away), and no stored text,
        which cannot be told apart.
    """
    codes = item.get("reason_codes")
    if isinstance(codes, list) and codes:
        if not distance:
            codes = [c for c in codes if not (isinstance(c, dict) and c.get("code") == "distance")]
        worded = format_stored(codes, str(locale or "da"))
        if worded or not distance:
            return worded
    if not distance:
        return []
    return [str(r) for r in (item.get("reasons") or [])]


def request_for(case: Case):
    """The matching request for the household (its point when known, else its address)."""
    matching = _matching()
    n = case.newcomer
    kwargs: dict[str, Any] = dict(interests=list(n.interests or []), children_ages=list(n.children_ages or []),
                                  adults=n.adults or 1, languages=list(n.languages or []), max_km=MAX_KM,
                                  limit=LIMIT)
    if n.lat is not None and n.lon is not None:
        kwargs.update(lat=n.lat, lon=n.lon)
    else:
        address = ", ".join(p for p in (n.address, " ".join(x for x in (n.postcode, n.town) if x)) if p)
        if not address and case.place is not None:
            address = case.place.name
        kwargs["address"] = address or None
    return matching.MatchRequest(**kwargs)


def refresh(case: Case, *, actor) -> list[dict]:
    """Ask the matching service again and keep its answer on the case.

    :raises DomainError: no location to match from, or matching unavailable.
    """
    matching = _matching()
    try:
        result = matching.match(request_for(case), locale=case.newcomer.preferred_language or "da")
    except (ValidationError, NotFound) as exc:
        raise DomainError(_("Ingen forslag: %(reason)s", reason=exc.message)) from None
    case.suggestions = [_serialise(item) for item in result.results]
    case.suggestions_at = utcnow()
    audit.record(actor, "update", "newcomer", case.newcomer_id, f"forslag hentet (sag #{case.id})")
    db.session.flush()
    return case.suggestions


def chosen(case: Case, keys: list[str]) -> list[dict]:
    """The stored suggestions picked by `keys` ('association:3'), in the order shown."""
    wanted = set(keys)
    return [item for item in (case.suggestions or []) if item_key(item) in wanted]


def move_to_survivor(duplicate, survivor) -> int:
    """A merge in the directory: the cases' stored suggestions (and welcome drafts) of the
    duplicate listing now name the listing that is kept; return how many cases changed."""
    old_key, new_key = f"association:{duplicate.id}", f"association:{survivor.id}"
    url = f"/foreninger/{survivor.slug}"
    changed = 0
    stmt = sa.select(Case).where(sa.or_(Case.suggestions.is_not(None), Case.welcome_draft.is_not(None)))
    for case in db.session.scalars(stmt.execution_options(yield_per=200)):
        touched = False
        items = []
        for item in case.suggestions or []:
            if isinstance(item, dict) and item_key(item) == old_key:
                item = {**item, "id": survivor.id, "external_id": survivor.external_id, "name": survivor.name,
                        "url": url}
                touched = True
            items.append(item)
        draft = case.welcome_draft
        if isinstance(draft, dict) and old_key in (draft.get("items") or []):
            draft = {**draft, "items": [new_key if k == old_key else k for k in draft["items"]]}
            touched = True
        if touched:
            case.suggestions = items if case.suggestions is not None else None
            case.welcome_draft = draft
            changed += 1
    return changed
