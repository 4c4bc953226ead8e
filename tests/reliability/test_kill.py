"""SIGKILL in the middle of `import associations` and of `search reindex`.

After the kill the database holds all or nothing of the import (it runs in one
transaction), and the next start finds the index stale and rebuilds it, so
search agrees with the database again.
"""
from __future__ import annotations

import os

import sqlalchemy as sa

from bench.datagen import association_csv
from fællesskab import create_app
from fællesskab.directory.models import Association
from fællesskab.extensions import db as _db
from fællesskab.search import get_state
from fællesskab.search.params import parse_params
from fællesskab.search.services import search

from .faults import flask_cli, kill_when, writing_transaction_open

ROWS = 1200
KILLS = {"injected": 0}


def count_imported(db) -> int:
    db.session.rollback()  # a fresh snapshot
    return db.session.scalar(sa.select(sa.func.count()).select_from(Association)
                             .where(Association.external_id.like("K-%")))


def test_import_killed_mid_write_commits_nothing_then_all(app, db, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    sqlite_file = url.removeprefix("sqlite:///") if url.startswith("sqlite") else None
    path = tmp_path / "foreninger.csv"
    path.write_bytes(association_csv(ROWS, prefix="K"))

    proc = flask_cli(["import", "associations", str(path)], database_url=url, index_dir=str(tmp_path / "ix"))
    assert kill_when(proc, writing_transaction_open(db.engine, sqlite_file)), proc.communicate()
    KILLS["injected"] += 1
    assert count_imported(db) == 0  # nothing of a half-written import

    proc = flask_cli(["import", "associations", str(path)], database_url=url, index_dir=str(tmp_path / "ix"))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert f"{ROWS} oprettet" in out.decode()
    assert count_imported(db) == ROWS  # all of a finished one


def test_reindex_killed_mid_run_is_rebuilt_on_next_start(app, db, tmp_path):
    import io

    from fællesskab.directory.importer import import_associations

    report = import_associations(io.BytesIO(association_csv(ROWS, prefix="K")))
    assert report.ok
    db.session.commit()
    published = db.session.scalar(sa.select(sa.func.count()).select_from(Association)
                                  .where(Association.status == "published"))
    index_dir = tmp_path / "ix"
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    proc = flask_cli(["search", "reindex"], database_url=url, index_dir=str(index_dir))
    assert kill_when(proc, lambda: any(n.endswith("WRITELOCK") for n in os.listdir(index_dir))
                     if index_dir.exists() else False, delay=0.3), proc.communicate()
    KILLS["injected"] += 1

    restarted = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SEED_DIR")},
                            "TESTING": True, "SECRET_KEY": "x", "SEARCH_INDEX_DIR": str(index_dir),
                            "RATELIMITS_ON": False})
    with restarted.app_context():
        state = get_state(restarted)
        assert state.ensure_ready() is True  # the half-built index was noticed and rebuilt
        result = search(parse_params({"type": "association", "per_page": "1"}))
        assert result.total == published
        _db.session.remove()
        _db.engine.dispose()
