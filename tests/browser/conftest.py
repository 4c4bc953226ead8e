"""Browser tests: a live server on 127.0.0.1 with the demo data, and Debian's Chromium.

One live server per database per session (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), its schema made by the real migrations and filled by
`flask seed demo`; one Chromium for the whole session, a fresh context per test.
Where Chromium, Playwright or axe-core is missing the tests skip with the
reason; with CI set in the environment they fail instead.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid

import pytest
import sqlalchemy as sa

from tests.helpers import DATABASES, RENDER_DATABASE, REPO_ROOT, SEED_DIR, TEST_HASH_METHOD

from .helpers import Requests, choose_language, log_in, new_context, unavailable

CHROMIUM = "/usr/bin/chromium"
HERE = os.path.dirname(os.path.abspath(__file__))
AXE_JS = os.path.join(HERE, "node_modules", "axe-core", "axe.min.js")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def axe_path() -> str:
    if not os.path.exists(AXE_JS):
        unavailable(f"axe-core is not installed ({AXE_JS}); run `npm ci` in tests/browser")
    return AXE_JS


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _pg_throwaway_url() -> tuple[str, callable]:
    """A new, empty PostgreSQL database on the TEST_DATABASE_URL server, and its dropper."""
    import psycopg

    from fællesskab.config import normalise_database_url

    url = sa.engine.make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"fk_browser_{uuid.uuid4().hex[:12]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


def _flask(env: dict, *args: str) -> None:
    """Run a `flask --app wsgi` command the way an operator would (make demo)."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


class LiveServer:
    def __init__(self, url: str, database: str, app):
        self.url = url
        self.database = database
        self.app = app

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session", params=DATABASES)
def live_server(request, tmp_path_factory):
    """The app served on 127.0.0.1 (a free port) over a migrated database with the demo data."""
    from werkzeug.serving import make_server

    from fællesskab import create_app

    tmp = tmp_path_factory.mktemp(f"live-{request.param}")
    drop = None
    if request.param == "postgresql":
        db_url, drop = _pg_throwaway_url()
    else:
        db_url = f"sqlite:///{tmp}/live.db"
    index_dir = str(tmp / "search-index")
    env = {**os.environ, "DATABASE_URL": db_url, "SEARCH_INDEX_DIR": index_dir,
           "FAELLESSKAB_ENV": "development", "GEOCODER": "gazetteer", "SECRET_KEY": "browser-tests"}
    env.pop("MAIL_SERVER", None)
    _flask(env, "db", "upgrade")
    _flask(env, "seed", "demo")

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SECRET_KEY": "browser-tests",
        "SEARCH_INDEX_DIR": index_dir,
        "SEED_DIR": SEED_DIR,
        "MAIL_SERVER": None,
        "MAIL_FOLDER": str(tmp / "mail"),
        "RATELIMITS_ON": False,  # a test run loads pages faster than a person
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    })
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=f"live-{request.param}", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", request.param, app)
    finally:
        server.shutdown()
        thread.join(10)
        with app.app_context():
            from fællesskab.extensions import db

            db.engine.dispose()
        if drop:
            drop()


@pytest.fixture(scope="session")
def ids(live_server) -> dict:
    """Ids and slugs of demo records that the page paths need."""
    from fællesskab.directory.models import Association
    from fællesskab.events.models import Event
    from fællesskab.extensions import db
    from fællesskab.outreach.models import Case
    from fællesskab.places.models import Forum, Place

    with live_server.app.app_context():
        forum_id = db.session.scalar(sa.select(Forum.id).where(Forum.slug == "almind-borgerforening"))
        found = {
            "association": db.session.scalar(sa.select(Association.slug).order_by(Association.id)),
            "event": db.session.scalar(sa.select(Event.id).where(Event.kind == "welcome-meeting",
                                                                 Event.status == "approved").order_by(Event.id)),
            "place": db.session.scalar(sa.select(Place.slug).where(Place.slug == "almind")),
            "case": db.session.scalar(sa.select(Case.id).order_by(Case.id)),
            "forum_event": db.session.scalar(sa.select(Event.id).where(Event.forum_id == forum_id).order_by(Event.id)),
            # the first demo listings have English text; these have none (English pages say "Only in Danish")
            "association_danish": db.session.scalar(sa.select(Association.slug).where(
                Association.name_en.is_(None), Association.status == "published").order_by(Association.id)),
            "event_danish": db.session.scalar(sa.select(Event.id).where(
                Event.title_en.is_(None), Event.status == "approved", Event.kind == "welcome-meeting")
                .order_by(Event.id)),
        }
        found.update(_listing_link())
        db.session.remove()
    assert all(found.values()), f"demo data lacks a record the pages need: {found}"
    return found


def _listing_link() -> dict:
    """The first demo association's id and a correction link for it (a GET never uses the link up)."""
    from fællesskab.directory import stewardship
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db

    assoc = db.session.scalar(sa.select(Association).order_by(Association.id))
    link = stewardship.new_link(assoc, purpose="correct", days=stewardship.LINK_DAYS)
    token = stewardship.make_token(link)
    db.session.commit()
    return {"association_id": assoc.id, "listing_token": token}


def pytest_collection_modifyitems(config, items):
    """Leave out the `rendering` checks on every database but RENDER_DATABASE (tests/helpers.py)."""
    kept, left_out = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        database = callspec.params.get("live_server") if callspec else None
        if item.get_closest_marker("rendering") and database not in (None, RENDER_DATABASE):
            left_out.append(item)
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


_STATES: dict[tuple, dict] = {}


def signed_in_state(browser, live_server, lang: str | None, role: str | None) -> dict:
    """Cookies of a browser that chose `lang` and logged in as `role` (once per server)."""
    key = (live_server.url, lang, role)
    if key not in _STATES:
        context = new_context(browser, live_server)
        page = context.new_page()
        if lang:
            choose_language(page, lang)
        if role:
            log_in(page, role)
        _STATES[key] = context.storage_state()
        context.close()
    return _STATES[key]


@pytest.fixture
def page_factory(browser, live_server, request, tmp_path):
    """Open pages in fresh contexts; on failure each page's screenshot goes to tmp_path.

    `lang` and `role` start the context with the language chosen and logged in
    (a cached session: the journeys do both through the pages themselves).
    Every request each page makes is recorded; after the test none may have gone to
    another host than 127.0.0.1.
    """
    opened = []

    def open_page(lang: str | None = None, role: str | None = None, **context_options):
        if lang or role:
            context_options["storage_state"] = signed_in_state(browser, live_server, lang, role)
        context = new_context(browser, live_server, **context_options)
        context.set_default_timeout(15_000)
        page = context.new_page()
        seen = Requests()
        page.on("request", seen)
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.console_errors = errors
        opened.append((context, page, seen))
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    foreign = []
    for n, (context, page, seen) in enumerate(opened):
        if failed and not page.is_closed():
            try:
                path = tmp_path / f"failure-{n}.png"
                page.screenshot(path=str(path), full_page=True)
                print(f"screenshot of the failure: {path}")
            except Exception as exc:  # a crashed page: the report still says what failed
                print(f"no screenshot: {exc}")
        foreign += seen.foreign()
        context.close()
    assert not foreign, f"pages requested other hosts than 127.0.0.1: {foreign}"


@pytest.fixture
def page(page_factory):
    return page_factory()
