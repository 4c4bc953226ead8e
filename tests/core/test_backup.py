"""`flask --app wsgi backup PATH`: a consistent copy while the app runs, and a restore from it."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess

import sqlalchemy as sa

from fællesskab import create_app
from fællesskab.directory.models import Association
from fællesskab.extensions import db as _db


def test_backup_and_restore(app, db, runner, make_association, tmp_path):
    make_association(name="Kolding Kajakklub", summary="Havkajak for alle.")
    make_association(name="Vamdrup Kor")
    target = tmp_path / "backups" / "faellesskab.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Sikkerhedskopi skrevet" in result.output and target.stat().st_size > 0
    make_association(name="Skrevet efter kopien")  # not in the backup

    if app.config["DATABASE_NAME"] == "sqlite":
        restored_url = _restore_sqlite(target, tmp_path)
    else:
        restored_url = _restore_postgresql(app, target)
    restored = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": restored_url,
                           "SEARCH_INDEX_DIR": str(tmp_path / "restored-index"), "RATELIMITS_ON": False})
    try:
        with restored.app_context():
            names = sorted(_db.session.scalars(sa.select(Association.name)))
        assert names == ["Kolding Kajakklub", "Vamdrup Kor"]
        response = restored.test_client().get("/api/v1/search?q=kajak")  # the index is rebuilt from it
        assert [r["name"] for r in response.get_json()["results"]] == ["Kolding Kajakklub"]
    finally:
        with restored.app_context():
            _db.session.remove()
            _db.engine.dispose()


def _restore_sqlite(target, tmp_path) -> str:
    with sqlite3.connect(target) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = tmp_path / "restored.db"
    shutil.copyfile(target, restored)  # the restore: the copy in place of the database file
    return f"sqlite:///{restored}"


def _restore_postgresql(app, target) -> str:
    """Restore the dump over the test database itself (its own; --clean drops and recreates)."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _db.session.remove()
    _db.engine.dispose()  # no pooled connection may hold a lock on a table pg_restore drops
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                    "--dbname", libpq, str(target)], check=True, capture_output=True, text=True)
    return app.config["SQLALCHEMY_DATABASE_URI"]


def test_backup_refuses_a_directory_and_the_database_itself(app, runner, db, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path)])
    assert result.exit_code == 1 and "mappe" in result.output
    if app.config["DATABASE_NAME"] == "sqlite":
        source = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
        result = runner.invoke(args=["backup", source])
        assert result.exit_code == 1 and "overskrive" in result.output
