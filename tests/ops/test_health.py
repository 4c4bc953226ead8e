"""/healthz, /readyz, request ids and JSON logs (issue 24, items 1 and 3)."""
from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from fællesskab import create_app
from fællesskab.config import Config, ConfigError

CHECKS = {"database", "migrations", "search", "mail"}


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert set(body["checks"]["mail"]) == {"ok", "detail"}  # states and short reasons, nothing else


def test_readyz_fails_when_migrations_are_behind(client, db):
    (head,) = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'b8d0f2a4c6e8'"))
    db.session.commit()
    try:
        response = client.get("/readyz")
        body = response.get_json()
        assert response.status_code == 503
        assert body["checks"]["migrations"]["ok"] is False
        assert "db upgrade" in body["checks"]["migrations"]["detail"]
        assert body["checks"]["database"]["ok"] is True
    finally:
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()


def test_readyz_fails_when_mail_piles_up(app, client, db):
    from fællesskab.mail import services as mail

    for n in range(3):
        mail.queue(f"person{n}@example.org", "Hej", "Tekst", kind="test")
    db.session.commit()
    saved = app.config["READY_MAIL_BACKLOG"]
    app.config["READY_MAIL_BACKLOG"] = 3
    try:
        response = client.get("/readyz")
        body = response.get_json()
        assert response.status_code == 503
        assert body["checks"]["mail"] == {"ok": False, "detail": "3 unsent (limit 3)"}
        assert "example.org" not in response.get_data(as_text=True)
        app.config["READY_MAIL_BACKLOG"] = 4
        assert client.get("/readyz").status_code == 200
    finally:
        app.config["READY_MAIL_BACKLOG"] = saved


@pytest.fixture
def standalone_app(tmp_path):
    """An app of its own (settings the shared test app cannot change after its creation)."""
    made = []

    def build(**config):
        application = create_app({"TESTING": True, "SECRET_KEY": "t", "SEARCH_INDEX_DIR": str(tmp_path / "ix"),
                                  "MAIL_FOLDER": str(tmp_path / "mail"), **config})
        made.append(application)
        return application

    yield build
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "faellesskab", False):
            root.removeHandler(handler)


def test_readyz_says_the_database_is_down_and_healthz_does_not_care(standalone_app, tmp_path):
    application = standalone_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/no/such/folder/x.db")
    client = application.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert set(checks) == CHECKS
    assert not any(check["ok"] for check in checks.values())
    assert "not reachable" in checks["database"]["detail"]


def test_every_response_carries_a_request_id(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32 and int(made, 16) >= 0
    assert client.get("/healthz").headers["X-Request-ID"] != made
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a.1"}).headers["X-Request-ID"] == "nginx-7f3a.1"
    forged = client.get("/healthz", headers={"X-Request-ID": "a b <script>"}).headers["X-Request-ID"]
    assert forged != "a b <script>" and len(forged) == 32
    assert client.get("/ingen-side-her").headers["X-Request-ID"]  # errors too


def test_json_logs_one_object_per_line_without_personal_data(standalone_app, tmp_path, capsys):
    application = standalone_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db", LOG_FORMAT="json")
    client = application.test_client()
    response = client.get("/healthz?email=someone@example.org", headers={"X-Request-ID": "req-42"})
    with application.test_request_context("/x", headers={"X-Request-ID": "req-43"}):
        application.preprocess_request()
        logging.getLogger("fællesskab.test").warning("inside a request")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    access = [entry for entry in lines if entry["logger"] == "fællesskab.access"]
    assert len(access) == 1, lines
    entry = access[0]
    assert {"time", "level", "logger", "message", "request_id", "route", "status", "duration_ms"} <= set(entry)
    assert entry["request_id"] == response.headers["X-Request-ID"] == "req-42"
    assert entry["route"] == "/healthz" and entry["status"] == 200 and entry["duration_ms"] >= 0
    assert entry["time"].endswith("+00:00")
    assert not any("someone@example.org" in json.dumps(e) for e in lines)
    own = [e for e in lines if e["logger"] == "fællesskab.test"]
    assert own == [{**own[0], "level": "WARNING", "message": "inside a request", "request_id": "req-43"}]


def test_log_settings_are_checked():
    assert Config.from_env("/tmp", {"LOG_FORMAT": "JSON"})["LOG_FORMAT"] == "json"
    assert Config.from_env("/tmp", {})["READY_MAIL_BACKLOG"] == 500
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        Config.from_env("/tmp", {"LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="READY_MAIL_BACKLOG"):
        Config.from_env("/tmp", {"READY_MAIL_BACKLOG": "0"})
