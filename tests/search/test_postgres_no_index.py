"""SEARCH_BACKEND=postgres needs no Whoosh index at all (issue 19, items 3–4): no index folder, no
change-log rows, and /readyz, /metrics' lag, `flask doctor` and `flask search reindex` ask the port."""
from __future__ import annotations

import logging
import os
import time

import pytest
import sqlalchemy as sa

from fællesskab import create_app, search
from fællesskab.core.vocab import CATEGORIES
from fællesskab.directory import services as directory
from fællesskab.directory.models import Association
from fællesskab.extensions import db as _db
from fællesskab.search import CandidateQuery
from tests.search.test_postgres_sync import names, nodes, postgres  # noqa: F401  (fixtures)

VAMDRUP = (55.4276, 9.2843)


def change_rows(app) -> int:
    with app.app_context():
        return _db.session.execute(sa.text("SELECT count(*) FROM search_changes")).scalar()


def add(app, name: str, **kw) -> int:
    with app.app_context():
        a = directory.create_association(directory.clean_association({
            "external_id": f"NOIX-{time.monotonic_ns()}", "name": name, "category": "sport",
            "town": "Vamdrup", "summary": "En forening.", **kw}))
        _db.session.commit()
        return a.id


@pytest.fixture
def node(nodes, tmp_path):  # noqa: F811
    app = nodes("solo")
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "solo")
    return app


def test_the_start_up_log_names_the_engine(postgres, tmp_path, caplog):  # noqa: F811
    config = {k: postgres.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SEED_DIR")}
    with caplog.at_level(logging.INFO, logger="fællesskab.search"):
        made = create_app({"TESTING": True, "SECRET_KEY": "t", "SEARCH_BACKEND": "postgres",
                           "SEARCH_INDEX_DIR": str(tmp_path / "idx"), **config})
    assert any("search engine: postgres" in r.getMessage() for r in caplog.records)
    with made.app_context():
        _db.engine.dispose()


def test_no_index_folder_and_no_change_log(node):
    before = change_rows(node)
    add(node, "Vamdrup Roklub", tags="roning")
    with node.app_context():
        a = _db.session.execute(sa.text("SELECT id FROM associations WHERE name = 'Vamdrup Roklub'")).scalar()
        directory.set_status(_db.session.get(Association, a), "archived")
        _db.session.commit()
    add(node, "Vamdrup Kajakklub", tags="roning")
    client = node.test_client()
    assert names(client, "roning") == ["Vamdrup Kajakklub"]
    assert change_rows(node) == before  # no node replays anything
    assert search.EXTENSION not in node.extensions  # no Whoosh state in this process
    assert not os.path.exists(node.config["SEARCH_INDEX_DIR"])


def test_readyz_metrics_and_doctor_ask_the_port(node):
    add(node, "Vamdrup Svømmeklub", tags="svømning")
    client = node.test_client()
    ready = client.get("/readyz").get_json()
    assert ready["checks"]["search"]["ok"] and ready["checks"]["search"]["detail"].startswith("postgres:")
    with node.app_context():
        assert search.engine(node).lag() == (0, None)
    node.config["METRICS_TOKEN"] = "t" * 32
    scraped = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 32}).get_data(as_text=True)
    assert "faellesskab_search_index_lag_changes 0.0" in scraped
    doctor = node.test_cli_runner().invoke(args=["doctor"])
    assert "search: PostgreSQL full-text search" in doctor.output
    assert not os.path.exists(node.config["SEARCH_INDEX_DIR"])


def test_reindex_goes_through_the_port(node):
    add(node, "Vamdrup Skakklub", tags="skak")
    with node.app_context():
        _db.session.execute(sa.text("DELETE FROM search_documents"))
        _db.session.commit()
    result = node.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "PostgreSQL-søgetabellen er genopbygget" in result.output
    assert "Søgeindekset er genopbygget" not in result.output  # no Whoosh index is built beside it
    assert names(node.test_client(), "skak") == ["Vamdrup Skakklub"]
    sync = node.test_cli_runner().invoke(args=["search", "sync"])
    assert sync.exit_code == 0 and "intet at synkronisere" in sync.output
    assert not os.path.exists(node.config["SEARCH_INDEX_DIR"])


def test_matching_candidates_come_from_the_port(node):
    club = add(node, "Vamdrup Fodboldklub", tags="fodbold", lat="55.4280", lon="9.2850")
    with node.app_context():
        found = search.engine(node).candidates(CandidateQuery(
            lat=VAMDRUP[0], lon=VAMDRUP[1], max_km=15.0, interests=("fodbold", "music"),
            category_slugs=frozenset(CATEGORIES) & {"music"}))
    assert found.typed == ["fodbold"] and found.slugs == ["music"]
    assert [(c.id, c.strengths) for c in found.associations if c.id == club] == [(club, (1.0,))]
    assert not os.path.exists(node.config["SEARCH_INDEX_DIR"])


def test_matching_needs_no_index(node):
    add(node, "Vamdrup Fodboldklub", tags="fodbold")
    response = node.test_client().post("/api/v1/match", json={"lat": VAMDRUP[0], "lon": VAMDRUP[1],
                                                              "interests": ["fodbold"]})
    assert response.status_code == 200
    assert [r["name"] for r in response.get_json()["results"]][:1] == ["Vamdrup Fodboldklub"]
    assert not os.path.exists(node.config["SEARCH_INDEX_DIR"])
