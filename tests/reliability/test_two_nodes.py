"""Two app nodes, proven together (issue 24, item 6; docs/operations.md, "Several app nodes").

Two gunicorn nodes (two workers each) on 127.0.0.1 against the same PostgreSQL,
Redis as the limiter's storage, and the mail worker as its own process. A
listing changed on one node is found by search on the other; parallel sign-ups
spread over both never overbook and each confirmation is mailed once; five
failed logins spread over both lock the account on both; /readyz says ready on
both; killing one node leaves the other serving.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from fællesskab.core.time import utcnow
from fællesskab.events.models import Registration
from fællesskab.mail.models import OutboxMessage

from ..helpers import PASSWORD
from ..mail.smtp import SMTPServer
from .nodes import Node, Process, csrf_token, form_with, node_env, redis_url

FIGURES: dict[str, float] = {}


@pytest.fixture
def cluster(app, db, tmp_path):
    if app.config["DATABASE_NAME"] != "postgresql":
        pytest.skip("several nodes share a PostgreSQL database; SQLite is for one node")
    limiter = redis_url()
    missing = [what for what, ok in (("gunicorn", importlib.util.find_spec("gunicorn")),
                                     ("a Redis server on 127.0.0.1:6379 and the redis package", limiter)) if not ok]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the two-node test needs {', '.join(missing)} (.ci/run installs and starts them)")
        pytest.skip(f"needs {', '.join(missing)}")
    smtp = SMTPServer().start()
    env = node_env(app.config["SQLALCHEMY_DATABASE_URI"], limiter, smtp.port)
    nodes = [Node("a", env, tmp_path), Node("b", env, tmp_path)]
    worker = Process([sys.executable, "-m", "flask", "--app", "wsgi", "mail", "work", "--idle", "0.2"],
                     {**env, "SEARCH_INDEX_DIR": str(tmp_path / "index-worker")}, str(tmp_path / "worker.log"))
    try:
        for node in nodes:
            node.wait_until_up()
        yield nodes, smtp
    finally:
        for process in (*nodes, worker):
            process.stop()
        smtp.stop()


def log_in(node: Node, email: str, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    token = csrf_token(session.get(node.url + "/login", timeout=30).text)
    response = session.post(node.url + "/login", data={"csrf_token": token, "email": email, "password": password},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 302, (response.status_code, response.text[:300])
    return session


def login_attempt(node: Node, email: str, password: str) -> int:
    session = requests.Session()
    token = csrf_token(session.get(node.url + "/login", timeout=30).text)
    return session.post(node.url + "/login", data={"csrf_token": token, "email": email, "password": password},
                        allow_redirects=False, timeout=30).status_code


def sign_up(node: Node, event_id: int, n: int, barrier: threading.Barrier) -> int:
    session = requests.Session()
    page = session.get(f"{node.url}/arrangementer/{event_id}", timeout=30).text
    fields = dict(form_with(page, "party_size")["fields"])
    fields.update(name=f"Gæst {n}", email=f"gaest{n}@example.org", party_size="1")
    barrier.wait(timeout=60)
    return session.post(f"{node.url}/arrangementer/{event_id}/tilmelding", data=fields, allow_redirects=False,
                        timeout=60).status_code


def found_by_search(node: Node, word: str) -> bool:
    response = requests.get(node.url + "/api/v1/search", params={"q": word, "type": "event"}, timeout=30)
    assert response.status_code == 200, response.text[:300]
    return word.lower() in response.text.lower()


def test_two_nodes_serve_as_one(cluster, db, make_user, forum_event):
    (a, b), smtp = cluster
    for node in (a, b):
        response = requests.get(node.url + "/readyz", timeout=60)
        assert response.status_code == 200, (node.name, response.text)
        assert response.json()["status"] == "ready"

    # A listing changed on node A is found by search on node B.
    forum_user = make_user("forum")
    # the form's times are one day
    day = (utcnow() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    event = forum_event(capacity=5, forum=forum_user.forum, title="Velkomstmøde i Almind",
                        starts_at=day.isoformat(), ends_at=(day + timedelta(hours=2)).isoformat())
    session = log_in(a, forum_user.email)
    edit_url = f"{a.url}/forum/arrangementer/{event.id}/rediger"
    form = dict(form_with(session.get(edit_url, timeout=30).text, "title")["fields"])
    form["title"] = "Kanelsnegledag i Almind"
    saved = session.post(edit_url, data=form, allow_redirects=False, timeout=30)
    assert saved.status_code == 302, [line for line in saved.text.splitlines() if "error" in line][:10]
    changed = time.monotonic()
    while not found_by_search(b, "kanelsnegledag"):
        assert time.monotonic() - changed < 15, "node B never found the change made on node A"
        time.sleep(0.05)
    FIGURES["search_delay_s"] = round(time.monotonic() - changed, 2)

    # Parallel sign-ups spread over both nodes never overbook.
    people = 20
    barrier = threading.Barrier(people)
    with ThreadPoolExecutor(max_workers=people) as pool:
        codes = list(pool.map(lambda n: sign_up((a, b)[n % 2], event.id, n, barrier), range(people)))
    assert codes == [303] * people
    db.session.rollback()
    counts = dict(db.session.execute(sa.select(Registration.status, sa.func.sum(Registration.party_size))
                                     .where(Registration.event_id == event.id).group_by(Registration.status)).all())
    assert counts == {"confirmed": 5, "waiting": people - 5}
    FIGURES["overbooked"] = counts["confirmed"] - 5

    # The mail worker sends every message (the confirmations among them) once.
    deadline = time.monotonic() + 60
    while True:
        db.session.rollback()
        rows = db.session.execute(sa.select(OutboxMessage.message_id, OutboxMessage.status)).all()
        if all(status == "sent" for _id, status in rows) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert {status for _id, status in rows} == {"sent"}
    received = smtp.inbox.wait_for(len(rows), timeout=10)
    assert sorted(m["Message-ID"] for m in received) == sorted(message_id for message_id, _status in rows)
    assert sum(1 for m in received if m["To"].startswith("gaest")) == people
    FIGURES["mails"] = len(received)

    # Five failed logins spread over both nodes lock the account on both.
    coordinator = make_user("coordinator")
    answers = [login_attempt((a, b)[n % 2], coordinator.email, "forkert-" + PASSWORD) for n in range(6)]
    assert answers == [401] * 5 + [429], answers
    assert [login_attempt(node, coordinator.email, PASSWORD) for node in (a, b)] == [429, 429]
    FIGURES["lockout_after_failures"] = answers.index(429)

    # Node A dies; node B goes on serving.
    os.killpg(a.proc.pid, signal.SIGKILL)
    a.proc.wait(timeout=30)
    assert requests.get(b.url + "/readyz", timeout=30).status_code == 200
    assert found_by_search(b, "kanelsnegledag")
    FIGURES["requests"] = 2 + 4 + 2 * people + 2 * 8 + 3  # readyz, edit, sign-ups, logins, the rest; searches apart
