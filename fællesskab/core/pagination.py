"""Pagination of SQLAlchemy selects, the same for every list page and the API."""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from ..extensions import db

T = TypeVar("T")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # deeper offsets cost a scan each; nobody pages that far


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp_page(page: Any, per_page: Any, default_per_page: int = 20) -> tuple[int, int]:
    """Turn untrusted page/per_page values into safe integers."""
    try:
        page = int(page)
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = int(per_page)
    except (TypeError, ValueError):
        per_page = default_per_page
    return max(1, min(page, MAX_PAGE)), max(1, min(per_page, MAX_PER_PAGE))


def checked_page(page: Any, per_page: Any, default_per_page: int = 20) -> tuple[int, int]:
    """Like `clamp_page`, but refuse out-of-range values with a ValidationError (a 400 naming the field).

    The JSON API uses this: a script asking for 1,000 rows should hear that the cap is 100, not be
    given 100 silently. Web pages keep clamping, which is kinder to a hand-edited URL.
    """
    from flask_babel import gettext as _

    from .errors import ValidationError

    def whole(raw: Any, name: str, default: int, top: int) -> int:
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= top:
            raise ValidationError(_("%(name)s skal være et helt tal fra 1 til %(top)s.", name=name, top=top),
                                  field=name)
        return value

    return whole(page, "page", 1, MAX_PAGE), whole(per_page, "per_page", default_per_page, MAX_PER_PAGE)


def paginate(stmt: sa.Select, page: int, per_page: int) -> Page:
    """Run `stmt` for one page and count the whole result."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
