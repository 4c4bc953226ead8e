"""The directory as Open Referral HSDS 3 JSON under /api/hsds (the standard's API).

Required endpoints: `/` (about this API), `/services` (paged), `/services/<id>`;
and `/organizations`, `/organizations/<id>`. Of the standard's query parameters we
answer `page`, `per_page`, `search`, `taxonomy_term_id`, `taxonomy_id`,
`organization_id`, `modified_after`, `postcode`, `proximity` (metres around the
postcode's centre), `full` and `format=json`; `minimal` and `format=ndjson` are
refused with a 400 naming the parameter rather than silently ignored. Errors have
the /api/v1 shape (core/http_errors.py).
"""
from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _

from ..accounts.security import api_limit
from ..core.errors import NotFound, ValidationError
from ..core.http_errors import MAX_DB_ID
from ..core.pagination import checked_page
from ..directory import hsds
from ..directory.models import Association
from ..extensions import db, limiter
from ..geo.distance import bounding_box, haversine_km
from ..places.models import Postcode

bp = Blueprint("hsds", __name__, url_prefix="/api/hsds")
limiter.limit(api_limit)(bp)

MAX_SEARCH_LENGTH = 200
MAX_PROXIMITY_METRES = 100_000


@bp.get("/")
def info():
    return jsonify({
        "version": hsds.HSDS_VERSION,
        "description": _("Foreninger og fællesskaber i kommunen som Open Referral HSDS 3."),
        "publisher": {"name": "Fællesskab", "website": url_for("main.index", _external=True)},
    })


def _bool(name: str) -> bool:
    raw = request.args.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise ValidationError(_("%(name)s skal være true eller false.", name=name), field=name)


def _refuse_unsupported() -> None:
    if _bool("minimal"):
        raise ValidationError(_("%(name)s understøttes ikke her; brug full=false.", name="minimal"), field="minimal")
    fmt = request.args.get("format", "").strip().lower()
    if fmt not in ("", "json"):
        raise ValidationError(_("format skal være json."), field="format")


def _uuid_arg(name: str) -> str | None:
    raw = request.args.get(name, "").strip().lower()
    if not raw:
        return None
    if not hsds.is_uuid(raw):
        raise ValidationError(_("%(name)s skal være et UUID.", name=name), field=name)
    return raw


def _json_list_has(column, value: str):
    """A portable 'JSON list contains value' (SQLite and PostgreSQL): the list's text holds the value's JSON."""
    needle = json.dumps(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.cast(column, sa.Text).like(f"%{needle}%", escape="\\")


NOTHING = sa.false()


def _filters() -> list:
    """The WHERE clauses for the standard's search parameters (400 naming a bad one)."""
    where = []
    search = request.args.get("search", "").strip()
    if len(search) > MAX_SEARCH_LENGTH:
        raise ValidationError(_("search må højst være %(n)s tegn.", n=MAX_SEARCH_LENGTH), field="search")
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(sa.or_(*(col.ilike(pattern, escape="\\") for col in
                              (Association.name, Association.summary, Association.description))))
    org = _uuid_arg("organization_id")
    if org:
        pk = hsds.parse_object_id("organization", org)
        where.append(Association.id == pk if pk else NOTHING)
    term = _uuid_arg("taxonomy_term_id")
    if term:
        where.append(_term_filter(term))
    taxonomy = _uuid_arg("taxonomy_id")
    if taxonomy:
        where.append(_taxonomy_filter(taxonomy))
    modified = request.args.get("modified_after", "").strip()
    if modified:
        try:
            when = datetime.fromisoformat(modified.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(_("modified_after skal være en ISO 8601-tid."), field="modified_after") from None
        where.append(Association.updated_at >= (when if when.tzinfo else when.replace(tzinfo=UTC)))
    where += _place_filters()
    return where


def _term_filter(term: str):
    key, code = hsds.term_lookup().get(term, (None, None))
    if key == "category":
        return Association.category == code
    if key == "target_group":
        return _json_list_has(Association.target_groups, code)
    if key == "feature":
        return Association.welcomes_newcomers.is_(True)
    if key == "translation":  # listings with that English text
        column = getattr(Association, code)
        return sa.and_(column.is_not(None), column != "")
    # keywords: their ids are name-based, so find the code among the keywords in use
    for (tags,) in db.session.execute(sa.select(Association.tags).where(Association.status == "published")):
        for tag in tags or []:
            if hsds.term_id("keyword", tag) == term:
                return _json_list_has(Association.tags, tag)
    return NOTHING


def _taxonomy_filter(taxonomy: str):
    key = next((k for k in hsds.TAXONOMIES if hsds.taxonomy_id(k) == taxonomy), None)
    if key == "category":
        return sa.true()
    if key == "target_group":
        return sa.cast(Association.target_groups, sa.Text).like('%"%')
    if key == "keyword":
        return sa.cast(Association.tags, sa.Text).like('%"%')
    if key == "feature":
        return Association.welcomes_newcomers.is_not(None)
    if key == "translation":
        return sa.or_(*[sa.and_(getattr(Association, f).is_not(None), getattr(Association, f) != "")
                        for f in hsds.TRANSLATIONS])
    return NOTHING


def _place_filters() -> list:
    postcode = request.args.get("postcode", "").strip()
    raw_proximity = request.args.get("proximity", "").strip()
    if postcode and not re.fullmatch(r"\d{4}", postcode):
        raise ValidationError(_("postcode skal være et dansk postnummer med fire cifre."), field="postcode")
    if not raw_proximity:
        return [Association.postcode == postcode] if postcode else []
    try:
        metres = float(raw_proximity)
    except ValueError:
        metres = -1
    if not (math.isfinite(metres) and 0 < metres <= MAX_PROXIMITY_METRES):
        raise ValidationError(_("proximity skal være et antal meter fra 1 til %(n)s.", n=MAX_PROXIMITY_METRES),
                              field="proximity")
    if not postcode:
        raise ValidationError(_("proximity kræver et postcode at måle fra."), field="postcode")
    centre = db.session.get(Postcode, postcode)
    if centre is None:
        return [NOTHING]
    km = metres / 1000
    south, north, west, east = bounding_box(centre.lat, centre.lon, km)
    near = [i for i, lat, lon in db.session.execute(
        sa.select(Association.id, Association.lat, Association.lon).where(
            Association.status == "published", Association.lat.between(south, north),
            Association.lon.between(west, east)))
        if haversine_km(centre.lat, centre.lon, lat, lon) <= km]
    return [Association.id.in_(near) if near else NOTHING]


def _page(stmt: sa.Select, render) -> dict:
    page, per_page = checked_page(request.args.get("page"), request.args.get("per_page"))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    pages = max(1, math.ceil(total / per_page))
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(items),
            "first_page": page == 1, "last_page": page >= pages, "empty": not items,
            "contents": [render(a) for a in items]}


def _published() -> sa.Select:
    return sa.select(Association).where(Association.status == "published").order_by(Association.id)


@bp.get("/services")
def service_list():
    _refuse_unsupported()
    full = _bool("full")
    stmt = _published().where(*_filters())
    return jsonify(_page(stmt, lambda a: hsds.service_doc(a, full=full)))


def _get(kind: str, raw_id: str) -> Association:
    pk = hsds.parse_object_id(kind, raw_id)
    assoc = db.session.get(Association, pk) if pk and pk <= MAX_DB_ID else None
    if assoc is None or not assoc.is_published:
        message = _("Tjenesten findes ikke.") if kind == "service" else _("Organisationen findes ikke.")
        raise NotFound(message)
    return assoc


@bp.get("/services/<service_id>")
def service_detail(service_id: str):
    return jsonify(hsds.service_doc(_get("service", service_id)))


@bp.get("/organizations")
def organization_list():
    _refuse_unsupported()
    full = _bool("full")
    stmt = _published().where(*_filters())
    return jsonify(_page(stmt, lambda a: hsds.organization_doc(a, full=full)))


@bp.get("/organizations/<organization_id>")
def organization_detail(organization_id: str):
    assoc = _get("organization", organization_id)
    # As the standard's compiled organization: its services, one-to-one fields.
    return jsonify({**hsds.organization_doc(assoc), "services": [hsds.service_doc(assoc, full=False)]})

