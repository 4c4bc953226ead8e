"""The Whoosh index follows the database: commit, savepoints, import, reindex,
and a restart with a missing, outdated, corrupt or stale index.

Rollback, update, archive, delete and events following their status and host
are the port's contract, on every engine: test_contract.py."""
from __future__ import annotations

import multiprocessing
import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab import create_app
from fællesskab.core.time import utcnow
from fællesskab.directory import services as directory
from fællesskab.directory.models import Association
from fællesskab.search import get_index, get_state
from fællesskab.search import index as index_module


def names(client, q: str, **params) -> list[str]:
    args = {"q": q, "per_page": "100", **params}
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [r["name"] for r in response.get_json()["results"]]


def new_association(**kw):
    raw = {"external_id": kw.pop("external_id", None) or f"S-{time.monotonic_ns()}", "name": "Kajakklubben Fjorden",
           "category": "sport", "town": "Kolding", "summary": "Havkajak for alle."}
    raw.update(kw)
    return directory.create_association(directory.clean_association(raw))


def restart(app, **overrides):
    """A second app on the same database and index directory (a new process, as it were)."""
    config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "SEED_DIR")}
    return create_app({"TESTING": True, "SECRET_KEY": "test", **config, **overrides})


def test_commit_shows_in_search_at_once(db, client):
    new_association(name="Kajakklubben Fjorden")
    db.session.flush()
    assert names(client, "kajak") == []  # flushed, not committed
    db.session.commit()
    assert names(client, "kajak") == ["Kajakklubben Fjorden"]


def test_savepoint_rollback_drops_only_its_own_changes(db, client):
    new_association(name="Skakklubben Tårnet", external_id="S-1")
    savepoint = db.session.begin_nested()
    new_association(name="Skakklubben Løberen", external_id="S-2")
    db.session.flush()
    savepoint.rollback()
    with db.session.begin_nested():  # released: kept
        new_association(name="Skakklubben Springeren", external_id="S-3")
    db.session.commit()
    assert sorted(names(client, "skak")) == ["Skakklubben Springeren", "Skakklubben Tårnet"]


def test_csv_import_is_indexed_and_a_failed_import_is_not(db, runner, client, tmp_path):
    header = "external_id,name,category,town,summary\n"
    good = tmp_path / "good.csv"
    good.write_text(header + "IMP-1,Lystfiskerne ved Åen,hobby,Vamdrup,Fluefiskeri og hygge\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "IMP-2,Modelflyverne,hobby,Vamdrup,Fly\nIMP-3,,nope,Vamdrup,\n", encoding="utf-8")
    result = runner.invoke(args=["import", "associations", str(good)])
    assert result.exit_code == 0, result.output
    assert names(client, "lystfiskeri") == ["Lystfiskerne ved Åen"]
    result = runner.invoke(args=["import", "associations", str(bad)])
    assert result.exit_code == 1
    assert names(client, "modelflyverne") == []


def test_reindex_command_rebuilds_with_a_progress_bar(db, runner, client, make_association):
    make_association(name="Vinterbaderne")
    # A change behind the hooks' back (raw SQL), as a repair would find it.
    db.session.execute(sa.update(Association).values(name="Isbjørnene"))
    db.session.commit()
    assert names(client, "isbjørnene") == []
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Genopbygger søgeindekset" in result.output and "1 dokumenter" in result.output
    assert names(client, "isbjørnene") == ["Isbjørnene"]


def _index_files(app) -> list[str]:
    path = app.config["SEARCH_INDEX_DIR"]
    return [os.path.join(path, f) for f in os.listdir(path) if not f.endswith(("WRITELOCK", "_REBUILD"))]


@pytest.mark.parametrize("damage", ["missing", "corrupt_toc", "corrupt_segment", "outdated", "stale"])
def test_restart_repairs_the_index(app, db, make_association, damage):
    make_association(name="Brætspilscaféen", summary="Brætspil hver fredag.")
    path = app.config["SEARCH_INDEX_DIR"]
    if damage == "missing":
        for f in _index_files(app):
            os.remove(f)
    elif damage == "corrupt_toc":  # e.g. a disk that filled up mid-write
        for f in _index_files(app):
            if f.endswith(".toc"):
                os.truncate(f, 10)
    elif damage == "corrupt_segment":
        for f in _index_files(app):
            if f.endswith(".seg"):
                with open(f, "r+b") as fh:
                    fh.seek(os.path.getsize(f) // 3)
                    fh.write(b"\x00garbage\xff" * 64)
    elif damage == "outdated":
        for f in _index_files(app):  # an index written under another schema stamp
            os.rename(f, f.replace("faellesskab_v", "faellesskab_v0old"))
    elif damage == "stale":  # changed behind the hooks' back, e.g. a restored backup
        db.session.execute(sa.update(Association).values(
            name="Rollespilscaféen", updated_at=utcnow() + timedelta(minutes=1)))
        db.session.commit()
    other = restart(app)
    if damage != "stale":  # (staleness needs the database, so it shows on first use)
        assert get_state(other).start_status != "ok"
    client = other.test_client()
    expected = "Rollespilscaféen" if damage == "stale" else "Brætspilscaféen"
    assert names(client, expected.lower()) == [expected]
    assert get_state(other).index.status() == "ok"
    assert not [f for f in os.listdir(path) if "v0old" in f]
    with other.app_context():
        from fællesskab.extensions import db as other_db

        other_db.engine.dispose()


@pytest.mark.parametrize("offset", [i / 16 for i in range(16)])
def test_damage_anywhere_in_a_segment_is_found_at_start(app, db, make_association, offset):
    """Damage that decodes into wrong values (a filter column, say) raises nothing
    when read; the segment checksums find it wherever it is."""
    make_association(name="Brætspilscaféen", summary="Brætspil hver fredag.")
    for f in _index_files(app):
        if f.endswith(".seg"):
            with open(f, "r+b") as fh:
                fh.seek(int(os.path.getsize(f) * offset))
                fh.write(b"\x00garbage\xff" * 8)
    other = restart(app)
    assert get_state(other).start_status == "corrupt"
    assert names(other.test_client(), "brætspilscaféen") == ["Brætspilscaféen"]
    assert get_state(other).index.status() == "ok"
    with other.app_context():
        from fællesskab.extensions import db as other_db

        other_db.engine.dispose()


def test_checksums_follow_the_segments(app, db, make_association):
    """Every committed segment file has its checksum; merged-away ones lose theirs."""
    for i in range(12):  # enough commits for Whoosh to merge small segments
        make_association(name=f"Klub nummer {i}")
    files = os.listdir(app.config["SEARCH_INDEX_DIR"])
    segments = {f for f in files if f.endswith(".seg")}
    sums = {f[: -len(".crc")] for f in files if f.endswith(".crc")}
    assert segments and sums == segments
    assert not [f for f in files if f.endswith("tmp")]


def test_an_index_without_checksums_gets_them_on_first_use(app, db, make_association, client):
    make_association(name="Brætspilscaféen")
    path = app.config["SEARCH_INDEX_DIR"]
    for f in os.listdir(path):
        if f.endswith(".crc"):
            os.remove(os.path.join(path, f))
    other = restart(app)
    assert get_state(other).start_status == "ok"  # unchecked is not damaged
    assert names(other.test_client(), "brætspilscaféen") == ["Brætspilscaféen"]
    assert [f for f in os.listdir(path) if f.endswith(".crc")]
    with other.app_context():
        from fællesskab.extensions import db as other_db

        other_db.engine.dispose()


def test_a_read_failure_rebuilds_even_just_after_boot(app, monkeypatch):
    """time.monotonic() counts from boot: a container minutes old must still repair."""
    state = get_state(app)
    monkeypatch.setattr("fællesskab.search.time.monotonic", lambda: 42.0)
    assert state.repair_after_failure() is True
    assert state.repair_after_failure() is False  # then at most every few minutes


def test_start_without_tables_does_not_crash(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.db",
                      "SEARCH_INDEX_DIR": str(tmp_path / "index")})
    response = app.test_client().get("/api/v1/search?q=kor")
    assert response.status_code == 200 and response.get_json()["total"] == 0
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 1 and "db upgrade" in result.output


def test_a_locked_index_queues_the_write_instead_of_losing_it(app, db, client, monkeypatch):
    monkeypatch.setattr(index_module, "WRITE_TIMEOUT", 0.1)
    with app.app_context():
        index = get_index(app)
    lock = index._open().lock("WRITELOCK")  # another process is writing
    assert lock.acquire(blocking=False)
    try:
        new_association(name="Kanoklubben Strømmen")
        db.session.commit()  # must not raise or block
        assert names(client, "kano") == []
    finally:
        lock.release()
    deadline = time.monotonic() + 10
    while names(client, "kano") != ["Kanoklubben Strømmen"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert names(client, "kano") == ["Kanoklubben Strømmen"]


def _write_many(path: str, prefix: str, count: int) -> None:
    from fællesskab.search.index import SearchIndex, wait_for_pending

    index = SearchIndex(path)
    for i in range(count):
        doc = _doc(f"{prefix}-{i}")
        index.write({doc["doc_id"]: doc})
    # a forked child ends with os._exit, which skips the atexit wait of a normal exit
    assert wait_for_pending(120)


def _doc(key: str, updated: int = 0, name: str | None = None) -> dict:
    from fællesskab.search.documents import Attrs, encode_attrs

    attrs = Attrs("association", "hobby", (), None, None, ("da",), "", None, None, 55.5, 9.5, updated, key)
    return {"doc_id": f"association:{key}", "text": [("name", name or f"samtidig {key}")], "spell": key,
            "attrs": encode_attrs(attrs), "data": {"type": "association", "id": 0, "name": name}}


def test_an_older_edit_written_late_does_not_overwrite_a_newer_one(tmp_path):
    from fællesskab.search.index import SearchIndex

    index = SearchIndex(str(tmp_path / "index"))
    index.rebuild([])
    index.write({"association:x": _doc("x", updated=2_000, name="ny titel")})
    index.write({"association:x": _doc("x", updated=1_000, name="gammel titel")})  # the slower process
    with index.reading() as (searcher, snap):
        assert snap.count == 1
        assert searcher.document(doc_id="association:x")["data"]["name"] == "ny titel"


def test_two_processes_writing_at_once_lose_no_update(tmp_path):
    from fællesskab.search.index import SearchIndex

    path = str(tmp_path / "index")
    SearchIndex(path).rebuild([])
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_many, args=(path, p, 15)) for p in ("a", "b")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    with SearchIndex(path).reading() as (_searcher, snap):
        assert snap.count == 30
