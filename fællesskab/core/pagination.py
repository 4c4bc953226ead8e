"""Pagination of SQLAlchemy selects, the same for every list page and the API."""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from ..extensions import db

T = TypeVar("T")
MAX_PER_PAGE = 100


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
    return max(1, min(page, 100_000)), max(1, min(per_page, MAX_PER_PAGE))


def paginate(stmt: sa.Select, page: int, per_page: int) -> Page:
    """Run `stmt` for one page and count the whole result."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
