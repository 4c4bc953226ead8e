"""Fixtures for the matching tests: the demo data, loaded once per module."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fællesskab.demo import load_demo
from fællesskab.extensions import db as _db
from fællesskab.search import clear_index
from tests.conftest import MUTABLE_TABLES, SEED_DIR


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
        _db.session.rollback()
        for table in MUTABLE_TABLES:
            _db.session.execute(sa.text(f"DELETE FROM {table}"))
        _db.session.commit()
        _db.session.remove()
        clear_index(app)


def post_match(client, body, lang: str = "da", status: int = 200) -> dict:
    response = client.post("/api/v1/match", json=body, headers={"Accept-Language": lang})
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def ids(result: dict, n: int | None = None) -> list[str]:
    """External ids without the demo prefix: A-015, E-011, …"""
    return [r["external_id"].removeprefix("DEMO-") for r in result["results"][:n]]
