"""Fællesskab: helps newcomers to Kolding find communities.

`create_app()` builds the application; nothing runs at import time.
"""
from __future__ import annotations

import os

from flask import Flask

from .config import Config


def create_app(config: dict | None = None) -> Flask:
    """Create the Flask application.

    :param config: settings that override those read from the environment (tests).
    """
    app = Flask(__name__, instance_path=_instance_path())
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(Config.from_env(app.instance_path))
    if config:
        app.config.from_mapping(config)

    from .ops import logs

    logs.configure(app)  # first, so every later hook's log lines and early answers carry the request id
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks()
    from .search import init_app as init_search

    init_search(app)  # sync hooks; a missing/outdated/corrupt/stale index is rebuilt on first use
    from .core import counts

    counts.register()  # cached counts forget what this process's commits change
    from .core.http_errors import register_error_handlers

    register_error_handlers(app)
    from .cli import register_cli

    register_cli(app)
    _init_templates(app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:  # behind nginx: the client's address and scheme come from its X-Forwarded-* headers
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    return app


def _instance_path() -> str:
    # instance/ at the repository root, as CONTRACT.md says; an installed
    # package without a checkout falls back to the current directory.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.exists(os.path.join(root, "pyproject.toml")):
        return os.path.join(root, "instance")
    return os.path.join(os.getcwd(), "instance")


def _init_extensions(app: Flask) -> None:
    from .extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    from .core import locale

    babel.init_app(app, locale_selector=locale.select_locale)  # time zone: BABEL_DEFAULT_TIMEZONE
    locale.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page says why by itself

    # Import models so metadata is complete for migrations and create_all.
    from . import models  # noqa: F401
    from .accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        # "id:session_version": a cookie from before a logout or password change no longer matches
        raw_id, _sep, version = (user_id or "").partition(":")
        try:
            user = db.session.get(User, int(raw_id))
            version_number = int(version)
        except (TypeError, ValueError):
            return None
        if user is None or not user.is_active or user.session_version != version_number:
            return None
        return user

    from .accounts.security import init_security

    init_security(app)


def _register_blueprints(app: Flask) -> None:
    from .core.http_errors import DatabaseIdConverter

    # Before any route is added: `<int:id>` then only matches ids the database can hold,
    # so /arrangementer/99999999999999999999 is a 404 instead of an overflow error.
    app.url_map.converters["int"] = DatabaseIdConverter
    from .accounts.mfa_views import bp as mfa_bp
    from .accounts.views import bp as accounts_bp
    from .api import bp as api_bp
    from .api.hsds import bp as hsds_bp
    from .core.staff_blueprints import coordinator_bp, forum_bp
    from .directory.views import bp as directory_bp
    from .embed.views import bp as embed_bp

    # The staff areas' pages, each in its domain, on the two staff blueprints (imported for their routes):
    from .events import forum_views, moderation_views  # noqa: F401
    from .events.views import bp as events_bp
    from .main.places import bp as places_bp
    from .main.views import bp as main_bp
    from .matching.views import bp as matching_bp
    from .ops.metrics import bp as metrics_bp
    from .ops.metrics import observe
    from .ops.views import bp as ops_bp
    from .outreach.views import BLUEPRINTS as outreach_bps
    from .privacy.staff_views import bp as privacy_staff_bp
    from .privacy.views import bp as privacy_bp
    from .search import search_bp
    from .staff import directory as staff_directory  # noqa: F401
    from .staff import views as staff_views  # noqa: F401
    from .surveys.dashboard_views import bp as kpi_bp
    from .surveys.views import bp as surveys_bp

    for bp in (main_bp, matching_bp, accounts_bp, mfa_bp, directory_bp, events_bp, places_bp, search_bp, coordinator_bp,
               forum_bp, api_bp, hsds_bp, embed_bp, *outreach_bps, privacy_bp, privacy_staff_bp, surveys_bp, kpi_bp,
               ops_bp, metrics_bp):
        app.register_blueprint(bp)
    app.after_request(observe)  # request counts and latencies for /metrics
    from .extensions import csrf, limiter

    limiter.exempt(ops_bp)  # probes every few seconds from the load balancer
    limiter.exempt(metrics_bp)  # and scrapes from the monitoring

    csrf.exempt(api_bp)  # the JSON API takes no cookies-based form posts


def _register_hooks() -> None:
    """Where a lower package calls a higher one, the higher one registers here: one place, no import upwards.

    Registering again (another app in the same process) replaces a step under its name, in its place.
    """
    from .directory import merge
    from .directory.views import register_listing_context
    from .events.services import move_to_survivor as move_events
    from .events.services import upcoming_for_association
    from .outreach.suggestions import move_to_survivor as move_case_suggestions
    from .search import register_after_search
    from .surveys.search_log import record_if_empty

    merge.register_step("events", move_events)  # first: the revision note lists events first
    merge.register_step("case_suggestions", move_case_suggestions)
    register_listing_context("events", upcoming_for_association)  # a listing's page shows its events
    register_after_search("search_misses", record_if_empty)  # what newcomers look for that the directory lacks


def _init_templates(app: Flask) -> None:
    from .core import template_helpers

    template_helpers.register(app)
    from .geo import notes as geo_notes

    geo_notes.register(app)  # how exactly an address was placed, in the reader's language
