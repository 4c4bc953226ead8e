"""Real app nodes for tests: gunicorn processes and the mail worker on 127.0.0.1, sharing one database.

Each node is what docs/operations.md describes: its own search index folder,
the shared database, Redis as the limiter's storage, mail sent by a separate
`flask mail work` process. A small HTML form reader lets a test use the pages
as a browser would (CSRF tokens included).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser

import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url(db: int = 13) -> str | None:
    """Redis on 127.0.0.1:6379 (database `db`), emptied; None when none answers."""
    try:
        import redis
    except ImportError:
        return None
    url = f"redis://127.0.0.1:6379/{db}"
    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except redis.RedisError:
        return None
    return url


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log_path: str):
        self.log = open(log_path, "wb")  # noqa: SIM115  (the child writes to it until stop() closes it)
        self.proc = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)  # gunicorn's workers too
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


class Node(Process):
    """One app node: gunicorn with `workers` workers on its own port and search index."""

    def __init__(self, name: str, env: dict[str, str], tmp_dir, workers: int = 2):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**env, "SEARCH_INDEX_DIR": str(tmp_dir / f"index-{name}"), "WEB_CONCURRENCY": str(workers)}
        super().__init__([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                          "--timeout", "60", "wsgi:app"], env, str(tmp_dir / f"{name}.log"))

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"node {self.name} exited: see {self.log.name}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError(f"node {self.name} did not answer within {timeout} s")


def node_env(database_url: str, limiter_url: str, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="two-nodes-shared-secret", FAELLESSKAB_ENV="development",
               RATELIMIT_STORAGE_URI=limiter_url, MAIL_DELIVERY="worker", MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(smtp_port), MAIL_BASE_URL="https://faellesskab.example.org", GEOCODER="gazetteer",
               SEARCH_SYNC_INTERVAL="1", LOG_FORMAT="json")
    return env


class FormReader(HTMLParser):
    """The fields of every form on a page, as a browser would submit them (first submit button aside)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "image", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1]["fields"].append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]  # name, selected value, first value
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in a:
                self._select[1] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, selected, first = self._select
            self.forms[-1]["fields"].append((name, selected if selected is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None


def forms(html: str) -> list[dict]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def form_with(html: str, field: str) -> dict:
    """The first form on the page that has `field`."""
    for form in forms(html):
        if any(name == field for name, _value in form["fields"]):
            return form
    raise AssertionError(f"no form with a field {field!r}")


def csrf_token(html: str) -> str:
    return dict(form_with(html, "csrf_token")["fields"])["csrf_token"]
