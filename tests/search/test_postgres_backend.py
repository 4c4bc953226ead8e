"""The search API and page tests again, on SEARCH_BACKEND=postgres (PostgreSQL app only).

Every test of test_api.py, test_near_order.py and test_page.py is collected here a second time
with the backend switched; their own modules keep running them on Whoosh.
"""
from __future__ import annotations

import pytest

from tests.search.backends import use_search_backend
from tests.search.test_api import *  # noqa: F401,F403  (tests and their fixtures)
from tests.search.test_near_order import *  # noqa: F401,F403
from tests.search.test_page import *  # noqa: F401,F403


@pytest.fixture(autouse=True)
def postgres_backend(app, db):
    """Before any data is made, so the sync hooks write search_documents."""
    with use_search_backend(app, "postgres"):
        yield
