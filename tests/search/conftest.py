"""Fixtures shared by the PostgreSQL search-engine tests (defined in test_postgres_sync.py)."""
from __future__ import annotations

from .test_postgres_sync import nodes, postgres  # noqa: F401  (fixtures)
