"""Several app nodes, each with its own index, on one database: every node
applies every committed change from the change log (creates, updates,
deletes), also changes that commit out of id order, and a node too far behind
the pruned log rebuilds."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab import create_app
from fællesskab.core.time import utcnow
from fællesskab.directory import services as directory
from fællesskab.directory.models import Association
from fællesskab.extensions import db as _db
from fællesskab.search import changelog, get_state
from fællesskab.search.models import SearchChange


@pytest.fixture
def nodes(app, db, tmp_path):
    """Two more app instances on the test database, each with its own index directory."""
    made = []

    def node(name: str, **overrides):
        config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SEED_DIR")}
        n = create_app({"TESTING": True, "SECRET_KEY": "test", "RATELIMITS_ON": False,
                        "SEARCH_INDEX_DIR": str(tmp_path / name), "SEARCH_SYNC_INTERVAL": 0.0,
                        **config, **overrides})
        made.append(n)
        return n

    yield node
    for n in made:
        with n.app_context():
            _db.session.remove()
            _db.engine.dispose()


def names(node, q: str) -> list[str]:
    response = node.test_client().get("/api/v1/search", query_string={"q": q, "per_page": "100"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(r["name"] for r in response.get_json()["results"])


def create(node, name: str, summary: str = "Et fællesskab.") -> int:
    with node.app_context():
        a = directory.create_association(directory.clean_association({
            "external_id": f"M-{time.monotonic_ns()}", "name": name, "category": "sport",
            "town": "Kolding", "summary": summary}))
        _db.session.commit()
        return a.id


def change(node, assoc_id: int, **values) -> None:
    with node.app_context():
        a = _db.session.get(Association, assoc_id)
        if values.pop("delete", False):
            _db.session.delete(a)
        for k, v in values.items():
            setattr(a, k, v)
        _db.session.commit()


def test_two_nodes_converge(nodes):
    a, b = nodes("a"), nodes("b")
    assert names(a, "klub") == names(b, "klub") == []
    x = create(a, "Roklubben Fjorden")
    assert names(b, "roklubben") == ["Roklubben Fjorden"]
    change(b, x, name="Kajakklubben Fjorden")
    assert names(a, "kajakklubben") == ["Kajakklubben Fjorden"]
    assert names(a, "roklubben") == []
    y = create(a, "Skakklubben Tårnet")
    z = create(b, "Skakklubben Løberen")
    change(a, z, summary="Skak hver tirsdag i klubhuset.")
    change(b, y, status="archived")
    for node in (a, b):
        assert names(node, "skakklubben") == ["Skakklubben Løberen"]
        assert names(node, "tirsdag") == ["Skakklubben Løberen"]
    change(b, y, status="published")
    change(a, x, delete=True)
    for node in (a, b):
        assert names(node, "skakklubben") == ["Skakklubben Løberen", "Skakklubben Tårnet"]
        assert names(node, "kajakklubben") == []
    with a.app_context():
        state = changelog.load_state(get_state(a).index.path)
        newest = _db.session.scalar(sa.select(sa.func.max(SearchChange.id)))
    assert state is not None and state.watermark == newest


def test_a_third_node_started_later_catches_up(nodes):
    a = nodes("a")
    create(a, "Petanqueklubben Kuglen")
    c = nodes("c")
    assert names(c, "petanqueklubben") == ["Petanqueklubben Kuglen"]
    create(a, "Petanqueklubben Gruset")
    assert names(c, "petanqueklubben") == ["Petanqueklubben Gruset", "Petanqueklubben Kuglen"]


def test_a_rolled_back_change_writes_no_log_row(app, db):
    directory.create_association(directory.clean_association({
        "external_id": "M-rollback", "name": "Rulleskøjteklubben", "category": "sport", "town": "Kolding"}))
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchChange)) == 1
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchChange)) == 0


def test_a_change_committed_after_a_higher_id_is_still_applied(app, nodes):
    if app.config["DATABASE_NAME"] != "postgresql":
        pytest.skip("SQLite has one writer at a time, so ids always commit in order")
    a, b = nodes("a"), nodes("b")
    x = create(a, "Dartklubben Pilen")
    assert names(b, "dartklubben") == ["Dartklubben Pilen"]
    with a.app_context():
        engine = _db.engine
    with engine.connect() as late:  # a slow transaction: takes its change id first, commits last
        late.execute(sa.update(Association).where(Association.id == x)
                     .values(name="Dartklubben Bullseye", updated_at=utcnow()))
        changelog.record(late, [f"association:{x}"])
        create(a, "Dartklubben Triple")  # a higher id, committed first
        assert names(b, "dartklubben") == ["Dartklubben Pilen", "Dartklubben Triple"]
        late.commit()
    assert names(b, "dartklubben") == ["Dartklubben Bullseye", "Dartklubben Triple"]
    assert names(b, "pilen") == []


def test_a_node_behind_the_pruned_log_rebuilds(nodes):
    a, b = nodes("a"), nodes("b")
    create(a, "Svømmeklubben Bølgen")
    assert names(b, "svømmeklubben") == ["Svømmeklubben Bølgen"]
    with b.app_context():
        behind = changelog.load_state(get_state(b).index.path)  # b is switched off from here
    for n in range(3):
        create(a, f"Svømmeklubben Nr {n}")
    with a.app_context():
        assert changelog.prune(_db.engine, timedelta(0)) >= 3
        kept = [r.doc_id for r in _db.session.scalars(sa.select(SearchChange))]
    assert any(d.startswith(changelog.PRUNED) for d in kept)
    with b.app_context():
        changelog.save_state(get_state(b).index.path, behind)
    assert len(names(b, "svømmeklubben")) == 4  # rebuilt from the database
    create(a, "Svømmeklubben Sidst")
    assert len(names(b, "svømmeklubben")) == 5


def test_polls_are_throttled_and_the_cli_applies_now(nodes):
    a, b = nodes("a"), nodes("b", SEARCH_SYNC_INTERVAL=3600.0)
    assert names(b, "bueskytter") == []  # b has polled once now
    create(a, "Kolding Bueskytter")
    assert names(b, "bueskytter") == []  # not before the interval
    with b.app_context():  # (the db fixture's app context would win otherwise)
        result = b.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "1 dokumenter" in result.output
    assert names(b, "bueskytter") == ["Kolding Bueskytter"]


def test_missing_ranges():
    assert changelog._missing_ranges(1, 10, [1, 2, 5, 10], 7.0) == [[3, 4, 7.0], [6, 9, 7.0]]
    assert changelog._missing_ranges(4, 6, [], 1.0) == [[4, 6, 1.0]]
    assert changelog._missing_ranges(4, 6, [4, 5, 6], 1.0) == []


def test_settings_from_the_environment():
    from fællesskab.config import Config, ConfigError

    settings = Config.from_env("/tmp", {"SEARCH_SYNC_INTERVAL": "0.5", "TRUSTED_PROXIES": "1"})
    assert settings["SEARCH_SYNC_INTERVAL"] == 0.5 and settings["SEARCH_CHANGE_RETENTION_HOURS"] == 24.0
    assert settings["TRUSTED_PROXIES"] == 1
    with pytest.raises(ConfigError, match="SEARCH_SYNC_INTERVAL"):
        Config.from_env("/tmp", {"SEARCH_SYNC_INTERVAL": "snart"})


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(app):
    config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "SEED_DIR")}
    proxied = create_app({"TESTING": True, "SECRET_KEY": "t", "TRUSTED_PROXIES": 1, **config})

    @proxied.get("/_addr")
    def _addr():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    response = proxied.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.7",
                                                            "X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == "203.0.113.7 https"
