"""Fixtures for the matching tests: the demo data, loaded once per module."""
from __future__ import annotations

import pytest

from fællesskab.demo import load_demo
from fællesskab.extensions import db as _db
from tests.helpers import SEED_DIR, empty_tables


@pytest.fixture(scope="module")
def demo(app):
    """A client over the app with the demo data loaded (once for the module).

    Tests that use it must not use the function-scoped `db`/`client` fixtures,
    which empty the tables after each test.
    """
    with app.app_context():
        load_demo(SEED_DIR)
        _db.session.commit()
        _db.session.remove()
    yield app.test_client()
    with app.app_context():
        empty_tables(app)
