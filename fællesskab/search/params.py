"""Parse and validate search parameters (the same for `/soeg` and `/api/v1/search`)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import fields
from ..core.errors import ValidationError
from ..core.pagination import clamp_page
from ..core.vocab import CATEGORIES, TARGET_GROUPS

MAX_QUERY_LENGTH = 200
MAX_RADIUS_KM = 200.0
TYPES = ("association", "event")
SORTS = ("near", "relevance", "distance", "blend")
TRUE_VALUES = {"1", "true", "ja", "yes", "on"}
FALSE_VALUES = {"0", "false", "nej", "no", "off"}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    near: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    category: tuple[str, ...] = ()
    target_group: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    type: str | None = None
    age: int | None = None
    newcomers: bool = False
    upcoming: bool = True
    sort: str | None = None  # None: "near" with a location, else relevance
    page: int = 1
    per_page: int = 20
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def has_location(self) -> bool:
        return bool(self.near) or self.lat is not None

    def with_changes(self, **changes) -> SearchParams:
        return replace(self, **changes)

    def to_args(self) -> list[tuple[str, str]]:
        """The query-string arguments that reproduce these parameters (shareable URLs)."""
        out: list[tuple[str, str]] = []
        for key in ("q", "near"):
            if getattr(self, key):
                out.append((key, getattr(self, key)))
        if self.lat is not None and not self.near:
            out += [("lat", f"{self.lat:.3f}"), ("lon", f"{self.lon:.3f}")]
        if self.radius_km is not None:
            out.append(("radius_km", f"{self.radius_km:g}"))
        for key in ("category", "target_group", "language", "place"):
            out += [(key, v) for v in getattr(self, key)]
        if self.type:
            out.append(("type", self.type))
        if self.age is not None:
            out.append(("age", str(self.age)))
        if self.newcomers:
            out.append(("newcomers", "1"))
        if not self.upcoming:
            out.append(("upcoming", "0"))
        if self.sort:
            out.append(("sort", self.sort))
        if self.page > 1:
            out.append(("page", str(self.page)))
        if self.per_page != 20:
            out.append(("per_page", str(self.per_page)))
        return out


def _one(args, name: str) -> str:
    return (args.get(name) or "").strip()


def _many(args, name: str) -> list[str]:
    values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
    out = []
    for value in values:
        for item in (value or "").split(","):
            item = item.strip().lower()
            if item and item not in out:
                out.append(item)
    return out


def _flag(args, name: str, default: bool) -> bool:
    values = [v.strip().lower() for v in (args.getlist(name) if hasattr(args, "getlist") else [args.get(name)])
              if v is not None and v.strip()]
    if not values:
        return default
    if any(v in TRUE_VALUES for v in values):  # a checked box after its hidden "0"
        return True
    if all(v in FALSE_VALUES for v in values):
        return False
    raise ValidationError(_("%(name)s skal være 1 eller 0.", name=name), field=name)


def parse_params(args: Any) -> SearchParams:
    """Validate request arguments into SearchParams.

    :raises ValidationError: with the first bad field (shown as a 400).
    """
    errors: list[tuple[str, str]] = []

    def check(name: str, fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except (fields.FieldError, ValidationError) as exc:
            errors.append((name, getattr(exc, "message", None) or str(exc)))
            return None

    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("Søgningen er for lang (%(n)s tegn); den må højst være %(max)s tegn.",
              n=len(q), max=MAX_QUERY_LENGTH),
            field="q")
    near = " ".join(_one(args, "near").split())
    if len(near) > MAX_QUERY_LENGTH:
        errors.append(("near", _("Stedet må højst være %(max)s tegn.", max=MAX_QUERY_LENGTH)))
    lat = check("lat", fields.decimal, args.get("lat"), minimum=-90, maximum=90, label="lat")
    lon = check("lon", fields.decimal, args.get("lon"), minimum=-180, maximum=180, label="lon")
    if (lat is None) != (lon is None) and not any(f in ("lat", "lon") for f, _m in errors):
        errors.append(("lat" if lat is None else "lon", _("Angiv både lat og lon.")))
    radius = check("radius_km", fields.decimal, args.get("radius_km"), minimum=0, maximum=MAX_RADIUS_KM,
                   label="radius_km")
    if radius is not None and radius <= 0:
        errors.append(("radius_km", _("radius_km skal være større end 0.")))
    categories = _many(args, "category")
    bad = [c for c in categories if c not in CATEGORIES]
    if bad:
        errors.append(("category", _("Ukendt kategori: %(names)s.", names=", ".join(bad))))
    groups = _many(args, "target_group")
    bad = [g for g in groups if g not in TARGET_GROUPS]
    if bad:
        errors.append(("target_group", _("Ukendt målgruppe: %(names)s.", names=", ".join(bad))))
    languages = _many(args, "language")
    if any(len(code) != 2 or not code.isalpha() for code in languages):
        errors.append(("language", _("Sprog skal være ISO 639-1-koder som da eller en.")))
    places = [p for p in _many(args, "place") if len(p) <= 80]
    kind = _one(args, "type").lower() or None
    if kind is not None and kind not in TYPES:
        errors.append(("type", _("type skal være association eller event.")))
    age = check("age", fields.integer, args.get("age"), minimum=0, maximum=120, label=_l("Alderen"))
    sort = _one(args, "sort").lower() or None
    if sort is not None and sort not in SORTS:
        errors.append(("sort", _("sort skal være near, relevance, distance eller blend.")))
    newcomers = check("newcomers", _flag, args, "newcomers", False)
    upcoming = check("upcoming", _flag, args, "upcoming", True)
    if errors:
        raise ValidationError(errors)
    page, per_page = clamp_page(args.get("page"), args.get("per_page"))
    return SearchParams(
        q=q, near=near, lat=lat, lon=lon if lat is not None else None, radius_km=radius,
        category=tuple(categories), target_group=tuple(groups), language=tuple(languages),
        place=tuple(places), type=kind, age=age, newcomers=bool(newcomers),
        upcoming=True if upcoming is None else upcoming, sort=sort, page=page, per_page=per_page,
    )
