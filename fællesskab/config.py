"""Configuration from environment variables (see CONTRACT.md)."""
from __future__ import annotations

import os
import secrets


class ConfigError(RuntimeError):
    """The environment asks for something the app cannot start with."""


class Config:
    """Settings read from the environment; `instance_path` fills in the defaults."""

    TESTING = False
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("da", "en")
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PER_PAGE = 20

    @classmethod
    def from_env(cls, instance_path: str, env: dict[str, str] | None = None) -> dict:
        """Return the settings for this process as a dict.

        :raises ConfigError: production without SECRET_KEY, or an unknown environment.
        """
        env = dict(os.environ if env is None else env)
        mode = env.get("FAELLESSKAB_ENV", "development").strip().lower() or "development"
        if mode not in ("development", "production"):
            raise ConfigError(f"FAELLESSKAB_ENV must be 'development' or 'production', not {mode!r}")
        secret = env.get("SECRET_KEY", "").strip()
        if mode == "production" and not secret:
            raise ConfigError("SECRET_KEY must be set when FAELLESSKAB_ENV=production")
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        settings.update(
            FAELLESSKAB_ENV=mode,
            SECRET_KEY=secret or secrets.token_hex(32),
            SQLALCHEMY_DATABASE_URI=normalise_database_url(
                env.get("DATABASE_URL")
                or "sqlite:///" + os.path.join(instance_path, "faellesskab.db")
            ),
            SEARCH_INDEX_DIR=env.get("SEARCH_INDEX_DIR")
            or os.path.join(instance_path, "search-index"),
            GEOCODER=(env.get("GEOCODER") or "gazetteer").strip().lower(),
        )
        if mode == "production":
            settings.update(
                SESSION_COOKIE_SECURE=True,
                REMEMBER_COOKIE_SECURE=True,
                PREFERRED_URL_SCHEME="https",
            )
        return settings


def normalise_database_url(url: str) -> str:
    """Make common PostgreSQL URL spellings use the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
