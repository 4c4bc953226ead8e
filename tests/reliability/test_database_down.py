"""The database unreachable: every page answers 503 in plain words (JSON under /api),
and the same process serves again as soon as the database is back.

PostgreSQL is reached through a TCP proxy on 127.0.0.1 that the test stops
(closing every open connection, as a server restart does) and starts again.
SQLite has no server: the database file's folder is moved away and the pooled
connections are closed (they would keep the old file open), then it is moved back.
"""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from fællesskab import create_app
from fællesskab.extensions import db as _db

from .proxy import TCPProxy

# Pages that cannot be answered without the database.
DB_PAGES = ["/arrangementer", "/soeg?q=fodbold", "/api/v1/places", "/api/v1/events", "/calendar.ics"]
# Answered from the search index alone when it is up to date: 200 or 503, never a crash.
INDEX_PAGES = ["/api/v1/search?q=kor", "/api/v1/search?q=fodbold&near=6000"]
FAULTS = {"injected": 0}


def plain_get_routes(app) -> list[str]:
    """Every GET route without path arguments (the pages a person can open directly)."""
    return sorted({r.rule for r in app.url_map.iter_rules()
                   if "GET" in r.methods and not r.arguments and not r.rule.startswith("/static")})


def make_app(uri: str, tmp_path, *, schema: bool) -> object:
    application = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False, "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "MAIL_FOLDER": str(tmp_path / "mail"), "RATELIMITS_ON": False,
        "SEED_DIR": os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "seed"),
    })
    if schema:
        from fællesskab.geo.reference import load_reference_data

        with application.app_context():
            _db.create_all()
            load_reference_data(application.config["SEED_DIR"])
            _db.session.commit()
    return application


def check_down(client, routes: list[str]) -> None:
    for path in DB_PAGES:
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"]
        if path.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "service_unavailable"
        else:
            text = response.get_data(as_text=True)
            assert "midlertidigt utilgængelig" in text and "Traceback" not in text
    for path in INDEX_PAGES:
        assert client.get(path).status_code in (200, 503), path
    for path in routes:  # no page crashes: it answers, or says the service is unavailable
        assert client.get(path).status_code in (200, 302, 303, 400, 401, 403, 404, 503), path
    english = client.get("/api/v1/places", headers={"Accept-Language": "en"})
    assert english.status_code == 503 and "database" in english.get_json()["error"]["message"].lower()


def check_up(client) -> None:
    for path in DB_PAGES:
        assert client.get(path).status_code == 200, path


def test_postgresql_unreachable_gives_503_and_recovers(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL); CI sets it")
    real = make_url(url)
    proxy = TCPProxy(real.host or "127.0.0.1", real.port or 5432).start()
    try:
        application = make_app(real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
                               tmp_path, schema=False)  # the session fixture made the schema
        client = application.test_client()
        check_up(client)
        for _round in range(2):  # down and up twice: recovery is not a one-off
            proxy.stop()
            FAULTS["injected"] += 1
            check_down(client, plain_get_routes(application))
            proxy.start()
            check_up(client)
        assert proxy.connections >= 2  # new connections were really made after the outage
    finally:
        proxy.stop()
        if "application" in locals():
            with application.app_context():
                _db.engine.dispose()


def test_sqlite_file_gone_gives_503_and_recovers(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    application = make_app(f"sqlite:///{folder}/app.db", tmp_path, schema=True)
    client = application.test_client()
    check_up(client)
    with application.app_context():
        _db.engine.dispose()  # as after a restart of the connections
    folder.rename(tmp_path / "elsewhere")
    FAULTS["injected"] += 1
    try:
        check_down(client, plain_get_routes(application))
    finally:
        (tmp_path / "elsewhere").rename(folder)
    check_up(client)
    with application.app_context():
        assert _db.session.scalar(sa.text("SELECT count(*) FROM places")) > 0
        _db.engine.dispose()
