"""Run the CLI in a real subprocess and SIGKILL it at a chosen moment."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import sqlalchemy as sa

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def flask_cli(args: list[str], *, database_url: str, index_dir: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=database_url, SEARCH_INDEX_DIR=index_dir, SECRET_KEY="test",
               FAELLESSKAB_ENV="development", GEOCODER="gazetteer")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=REPO_ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_when(proc: subprocess.Popen, ready: Callable[[], bool], *, timeout: float = 120,
              delay: float = 0.0) -> bool:
    """SIGKILL `proc` as soon as `ready()` is true (after `delay`); False if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            time.sleep(delay)
            if proc.poll() is not None:
                return False
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return proc.returncode == -signal.SIGKILL
        time.sleep(0.002)
    proc.kill()
    proc.wait()
    raise AssertionError("the subprocess never reached the moment to be killed")


def writing_transaction_open(engine: sa.Engine, sqlite_file: str | None) -> Callable[[], bool]:
    """A probe: has another process started writing to the database (an open write transaction)?"""
    if sqlite_file:
        return lambda: os.path.exists(sqlite_file + "-journal")  # the rollback journal exists until commit

    def probe() -> bool:
        with engine.connect() as conn:
            return bool(conn.scalar(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")))
    return probe
