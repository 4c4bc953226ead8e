"""Load on a real HTTP server on 127.0.0.1: concurrent sign-ups, searches, matches and
forum edits. Nothing fails, capacity is never overbooked, and afterwards the search
index agrees with the database.

Bounded: a few hundred requests from a handful of threads, some seconds per database.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from fællesskab.events.models import Registration
from fællesskab.search import get_index
from fællesskab.search.index import wait_for_pending
from fællesskab.search.params import parse_params
from fællesskab.search.services import search
from fællesskab.search.source import fingerprint

from ..helpers import PASSWORD

FIGURES = {"requests": 0, "sign_ups": 0, "failures": 0}
_count_lock = threading.Lock()


@pytest.fixture
def server(app, db):
    """The app behind a real threaded HTTP server on 127.0.0.1."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


def call(session: requests.Session, method: str, url: str, **kw) -> requests.Response:
    response = session.request(method, url, timeout=60, allow_redirects=False, **kw)
    with _count_lock:
        FIGURES["requests"] += 1
        if response.status_code >= 500:
            FIGURES["failures"] += 1
    return response


def sign_up(base: str, event_id: int, n: int, barrier: threading.Barrier | None = None) -> int:
    session = requests.Session()
    if barrier is not None:
        barrier.wait(timeout=30)
    response = call(session, "POST", f"{base}/arrangementer/{event_id}/tilmelding",
                    data={"name": f"Gæst {n}", "email": f"gaest{n}@example.org", "party_size": "1"})
    with _count_lock:
        FIGURES["sign_ups"] += 1
    return response.status_code


def statuses(db, event_id: int) -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(sa.select(Registration.status, sa.func.count()).where(
        Registration.event_id == event_id).group_by(Registration.status)).all()
    return dict(rows)


def signup_event(make_event, forum, **kw):
    """An approved forum event that takes sign-ups here."""
    return make_event(forum_id=forum.id, registration_required="true", address="Vestergade 20", **kw).id


def test_fifty_parallel_sign_ups_to_ten_places(server, db, make_event, make_forum):
    event_id = signup_event(make_event, make_forum(), capacity=10)
    barrier = threading.Barrier(50)
    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(lambda n: sign_up(server, event_id, n, barrier), range(50)))
    assert codes == [303] * 50
    assert statuses(db, event_id) == {"confirmed": 10, "waiting": 40}


def event_form(title: str, key: str) -> dict:
    return {"title": title, "kind": "welcome-meeting", "description": "Kaffe og kage.", "place": "almind",
            "address": "Vestergade 20", "date": (date.today() + timedelta(days=20)).isoformat(),
            "start_time": "19:00", "end_time": "21:00", "capacity": "40", "registration_required": "y",
            "recurrence": "", "repeat_until": "", "submission_key": key}


def test_mixed_load_then_the_index_agrees_with_the_database(app, server, db, make_association, make_event,
                                                             make_forum, make_user):
    for town, tags in (("Vamdrup", "fodbold"), ("Christiansfeld", "kor"), ("Kolding", "yoga"), ("Almind", "skak")):
        for i in range(3):
            make_association(name=f"{town} {tags} {i}", town=town, tags=tags)
    forum = make_forum(is_trusted=True, places=["Almind"])
    editor_email = make_user("forum", forum=forum).email
    small_id = signup_event(make_event, forum, capacity=5)
    forum_events = [signup_event(make_event, forum, title=f"Velkomstmøde {i}") for i in range(2)]

    def searches(k: int) -> list[int]:
        s = requests.Session()
        words = ["fodbold", "kor", "yoga børn", '"skak" OR kor', "Vamdrup", "choir", "ﬁtness*", "velkomstmøde"]
        return [call(s, "GET", f"{server}/api/v1/search", params={"q": words[(k + j) % len(words)]}).status_code
                for j in range(10)] + [call(s, "GET", f"{server}/soeg",
                                            params={"q": words[k % len(words)]}).status_code]

    def matches(k: int) -> list[int]:
        s = requests.Session()
        body = {"address": ["Skolegade 3, 6000 Kolding", "6070 Christiansfeld", "Vamdrup"][k % 3],
                "interests": ["fodbold", "kor"], "children_ages": [4, 9], "languages": ["en"]}
        return [call(s, "POST", f"{server}/api/v1/match", json=body).status_code for _ in range(5)]

    def edits(k: int) -> list[int]:
        s = requests.Session()
        assert call(s, "POST", f"{server}/login", data={"email": editor_email, "password": PASSWORD}).status_code == 302
        event_id = forum_events[k % 2]
        return [call(s, "POST", f"{server}/forum/arrangementer/{event_id}/rediger",
                     data=event_form(f"Velkomstmøde {k}-{j}", f"load-{k}-{j}")).status_code for j in range(8)]

    jobs = ([(searches, k) for k in range(8)] + [(matches, k) for k in range(6)] + [(edits, k) for k in range(4)]
            + [(lambda n: [sign_up(server, small_id, 1000 + n)], k) for k in range(20)])
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = [code for codes in pool.map(lambda job: job[0](job[1]), jobs) for code in codes]
    assert all(code in (200, 302, 303) for code in results), sorted(set(results))  # a sign-up answers 303
    assert statuses(db, small_id) == {"confirmed": 5, "waiting": 15}

    assert wait_for_pending(60)
    db.session.rollback()
    index = get_index(app)
    with index.reading() as (_searcher, snap):
        assert (snap.count, snap.latest_update()) == fingerprint(db.engine)
    from fællesskab.events.models import Event

    for event_id in forum_events:  # each edited event is found by its final title, and only by that
        title = db.session.get(Event, event_id).title
        found = search(parse_params({"q": f'"{title}"', "type": "event"}))
        assert event_id in [h.data["id"] for h in found.hits], title
