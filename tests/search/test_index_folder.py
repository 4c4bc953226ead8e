"""The index deletes only files it made (issue 18, finding 5).

SEARCH_INDEX_DIR set by mistake to a folder that holds other files (the
instance folder with the SQLite database, say): `search reindex` and the
automatic rebuild at start refuse with a clear message and delete nothing.
"""
from __future__ import annotations

import logging
import os

from fællesskab.search import get_state
from fællesskab.search import index as index_module

from .test_sync import names, new_association, restart


def _reindex(other):
    """`flask search reindex` on `other` (its app context: the test's own one is pushed already)."""
    with other.app_context():
        return other.test_cli_runner().invoke(args=["search", "reindex"])


def _dispose(other) -> None:
    with other.app_context():
        from fællesskab.extensions import db as other_db

        other_db.engine.dispose()


def _foreign_folder(tmp_path):
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "faellesskab.db").write_bytes(b"SQLite format 3\x00 the real data")
    (folder / "notes.txt").write_text("kept")
    return folder


def test_reindex_refuses_a_folder_with_foreign_files(app, db, make_association, tmp_path):
    make_association(name="Brætspilscaféen")
    folder = _foreign_folder(tmp_path)
    other = restart(app, SEARCH_INDEX_DIR=str(folder))
    result = _reindex(other)
    assert result.exit_code != 0
    assert str(folder) in result.output and "faellesskab.db" in result.output
    assert sorted(os.listdir(folder)) == ["faellesskab.db", "notes.txt"]  # nothing deleted, nothing added
    assert (folder / "faellesskab.db").read_bytes().startswith(b"SQLite format 3")
    _dispose(other)


def test_automatic_rebuild_refuses_a_folder_with_foreign_files(app, db, make_association, tmp_path, caplog):
    make_association(name="Brætspilscaféen")
    folder = _foreign_folder(tmp_path)
    other = restart(app, SEARCH_INDEX_DIR=str(folder))
    with caplog.at_level(logging.ERROR, logger="fællesskab.search"):
        response = other.test_client().get("/api/v1/search", query_string={"q": "brætspil"})
    assert response.status_code == 503  # search reports itself unavailable; nothing is wiped
    assert sorted(os.listdir(folder)) == ["faellesskab.db", "notes.txt"]
    assert any("faellesskab.db" in r.getMessage() and str(folder) in r.getMessage() for r in caplog.records)
    assert get_state(other).ready is False
    with other.app_context():  # a later commit writes nothing there either
        from fællesskab.extensions import db as other_db

        new_association(name="Kajakklubben Fjorden")
        other_db.session.commit()
    assert sorted(os.listdir(folder)) == ["faellesskab.db", "notes.txt"]
    _dispose(other)


def test_a_stale_index_beside_foreign_files_is_not_wiped(app, db, make_association, tmp_path):
    """An index that once shared its folder with other files: a rebuild must not take them along."""
    make_association(name="Brætspilscaféen")
    path = app.config["SEARCH_INDEX_DIR"]
    folder = tmp_path / "shared"
    folder.mkdir()
    for name in os.listdir(path):
        if name != index_module.MARKER:
            with open(os.path.join(path, name), "rb") as src:
                (folder / name).write_bytes(src.read())
    (folder / "faellesskab.db").write_bytes(b"SQLite format 3\x00")
    other = restart(app, SEARCH_INDEX_DIR=str(folder))
    result = _reindex(other)
    assert result.exit_code != 0 and "faellesskab.db" in result.output
    assert (folder / "faellesskab.db").exists()
    _dispose(other)


def test_a_marked_folder_rebuilds(app, db, make_association, runner):
    make_association(name="Brætspilscaféen")
    path = app.config["SEARCH_INDEX_DIR"]
    assert os.path.exists(os.path.join(path, index_module.MARKER))
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert names(app.test_client(), "brætspilscaféen") == ["Brætspilscaféen"]
    assert os.path.exists(os.path.join(path, index_module.MARKER))


def test_an_index_from_before_the_marker_keeps_working(app, db, make_association, tmp_path):
    """A folder written by earlier code holds only the index's own files: it is ours, and gets the marker."""
    make_association(name="Brætspilscaféen")
    path = app.config["SEARCH_INDEX_DIR"]
    os.remove(os.path.join(path, index_module.MARKER))
    before = set(os.listdir(path))
    assert any(n.endswith(".crc") for n in before) and any(n.endswith(".toc") for n in before)
    other = restart(app)
    result = _reindex(other)
    assert result.exit_code == 0, result.output
    assert os.path.exists(os.path.join(path, index_module.MARKER))
    assert set(os.listdir(path)) - before - {index_module.MARKER} <= {n for n in os.listdir(path) if n.endswith(
        (".seg", ".crc", ".toc"))}  # only the new generation's files came
    assert names(other.test_client(), "brætspilscaféen") == ["Brætspilscaféen"]
    _dispose(other)


def test_an_empty_or_new_folder_is_taken(app, db, make_association, tmp_path):
    make_association(name="Brætspilscaféen")
    for folder in (tmp_path / "empty", tmp_path / "new" / "index"):
        if folder.name == "empty":
            folder.mkdir()
        other = restart(app, SEARCH_INDEX_DIR=str(folder))
        assert names(other.test_client(), "brætspilscaféen") == ["Brætspilscaféen"]
        assert (folder / index_module.MARKER).exists()
        _dispose(other)
