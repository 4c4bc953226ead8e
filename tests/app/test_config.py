"""Configuration from environment variables (CONTRACT.md, Configuration)."""
from __future__ import annotations

import os
import pathlib
import re

import pytest

from fællesskab import create_app
from fællesskab.config import Config, ConfigError, normalise_database_url

ENV_VARS = ("DATABASE_URL", "SEARCH_INDEX_DIR", "SECRET_KEY", "GEOCODER", "FAELLESSKAB_ENV", "WEB_CONCURRENCY",
            "RATELIMIT_STORAGE_URI")


@pytest.fixture
def clean_env(monkeypatch):
    """Remove every variable the app reads, so the host's environment cannot leak in."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults(tmp_path):
    settings = Config.from_env(str(tmp_path), env={})
    assert settings["FAELLESSKAB_ENV"] == "development"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + os.path.join(str(tmp_path), "faellesskab.db")
    assert settings["SEARCH_INDEX_DIR"] == os.path.join(str(tmp_path), "search-index")
    assert settings["GEOCODER"] == "gazetteer"
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert not settings.get("SESSION_COOKIE_SECURE")
    assert settings["TESTING"] is False


def test_development_secret_key_is_random_per_start(tmp_path):
    first = Config.from_env(str(tmp_path), env={})["SECRET_KEY"]
    second = Config.from_env(str(tmp_path), env={})["SECRET_KEY"]
    assert len(first) >= 32
    assert first != second


def test_variables_override_the_defaults(tmp_path):
    settings = Config.from_env(str(tmp_path), env={
        "DATABASE_URL": "sqlite:////srv/data/f.db",
        "SEARCH_INDEX_DIR": "/srv/index",
        "SECRET_KEY": "s3cret",
        "GEOCODER": " Nominatim ",
    })
    assert settings["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/data/f.db"
    assert settings["SEARCH_INDEX_DIR"] == "/srv/index"
    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["GEOCODER"] == "nominatim"


def test_reads_os_environ_when_no_env_is_given(tmp_path, clean_env):
    clean_env.setenv("SEARCH_INDEX_DIR", "/from/environ")
    assert Config.from_env(str(tmp_path))["SEARCH_INDEX_DIR"] == "/from/environ"


@pytest.mark.parametrize("url, expected", [
    ("postgres://u:p@db.example:5432/f", "postgresql+psycopg://u:p@db.example:5432/f"),
    ("postgresql://u@localhost/f", "postgresql+psycopg://u@localhost/f"),
    ("postgresql+psycopg://u@localhost/f", "postgresql+psycopg://u@localhost/f"),
    ("sqlite:////tmp/f.db", "sqlite:////tmp/f.db"),
])
def test_database_url_is_normalised(url, expected, tmp_path):
    assert normalise_database_url(url) == expected
    assert Config.from_env(str(tmp_path), env={"DATABASE_URL": url})["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_production_without_secret_key_raises(tmp_path, secret):
    env = {"FAELLESSKAB_ENV": "production"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config.from_env(str(tmp_path), env=env)


def test_production_with_secret_key_secures_cookies(tmp_path):
    settings = Config.from_env(str(tmp_path), env={"FAELLESSKAB_ENV": "Production", "SECRET_KEY": "k" * 40,
                                                             "MAIL_BASE_URL": "https://faellesskab.example.org"})
    assert settings["FAELLESSKAB_ENV"] == "production"
    assert settings["SECRET_KEY"] == "k" * 40
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["PREFERRED_URL_SCHEME"] == "https"


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="staging"):
        Config.from_env(str(tmp_path), env={"FAELLESSKAB_ENV": "staging"})


def test_create_app_refuses_production_without_secret_key(clean_env):
    clean_env.setenv("FAELLESSKAB_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_create_app_in_production_with_secret_key(clean_env, tmp_path):
    clean_env.setenv("FAELLESSKAB_ENV", "production")
    clean_env.setenv("SECRET_KEY", "a-long-production-secret")
    clean_env.setenv("MAIL_BASE_URL", "https://faellesskab.example.org")
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    clean_env.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))
    # TESTING only keeps create_app from configuring the root logger inside pytest.
    app = create_app({"TESTING": True})
    assert app.config["SECRET_KEY"] == "a-long-production-secret"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/prod.db"
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "index")


def test_create_app_in_development_uses_the_instance_folder(clean_env):
    app = create_app({"TESTING": True})
    assert app.config["FAELLESSKAB_ENV"] == "development"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + os.path.join(app.instance_path, "faellesskab.db")
    assert os.path.basename(app.instance_path) == "instance"


def test_the_nginx_example_allows_the_same_body_size_as_the_app():
    """docs/operations.md's proxy example must not promise more than the app takes (issue 18, 7)."""
    text = (pathlib.Path(__file__).parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    sizes = re.findall(r"client_max_body_size\s+(\d+)([kmg]?);", text)
    assert sizes, "the nginx example names no client_max_body_size"
    factor = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    for number, unit in sizes:
        assert int(number) * factor[unit] == Config.MAX_CONTENT_LENGTH


# --- rate-limit storage shared between processes (issue 18, finding 4) ------------------------

PRODUCTION = {"FAELLESSKAB_ENV": "production", "SECRET_KEY": "k" * 40, "MAIL_BASE_URL": "https://faellesskab.example.org"}


@pytest.mark.parametrize("storage", [None, "", "memory://", " Memory:// "])
def test_production_with_several_workers_refuses_per_process_limits(tmp_path, storage):
    env = {**PRODUCTION, "WEB_CONCURRENCY": "2"}
    if storage is not None:
        env["RATELIMIT_STORAGE_URI"] = storage
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI.*WEB_CONCURRENCY"):
        Config.from_env(str(tmp_path), env=env)


@pytest.mark.parametrize("env", [
    {**PRODUCTION, "WEB_CONCURRENCY": "2", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
    {**PRODUCTION, "WEB_CONCURRENCY": "1"},
    {**PRODUCTION},
    {"WEB_CONCURRENCY": "4"},  # development: the limits are per process, and that is fine there
])
def test_one_process_or_a_shared_storage_starts(tmp_path, env):
    settings = Config.from_env(str(tmp_path), env=env)
    assert settings["WEB_CONCURRENCY"] == int(env.get("WEB_CONCURRENCY", 1))


@pytest.mark.parametrize("value", ["two", "-1", "0", "²"])
def test_web_concurrency_must_be_a_positive_whole_number(tmp_path, value):
    with pytest.raises(ConfigError, match="WEB_CONCURRENCY"):
        Config.from_env(str(tmp_path), env={"WEB_CONCURRENCY": value})


def test_create_app_refuses_several_workers_without_shared_limits(clean_env, tmp_path):
    for name, value in PRODUCTION.items():
        clean_env.setenv(name, value)
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    clean_env.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app({"TESTING": True})
