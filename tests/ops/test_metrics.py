"""/metrics: Prometheus' text format, for configured scrapers only (issue 24, item 2)."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from fællesskab.extensions import limiter

TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
def scrape(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)

    def read() -> dict[tuple, float]:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert response.headers["Content-Type"].startswith("text/plain")
        samples = {}
        for family in text_string_to_metric_families(response.get_data(as_text=True)):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    return read


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_off_without_a_token_or_addresses(client):
    assert client.get("/metrics").status_code == 404


def test_a_token_is_required(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")


def test_allowed_addresses(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_IPS", ("10.0.0.0/8",))
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 401


def test_requests_search_and_match_are_counted(client, scrape, make_association):
    make_association(name="Måletal Svømmeklub", category="sport", town="Vamdrup")
    before = scrape()
    assert client.get("/").status_code == 200
    assert client.get("/soeg?q=svømning").status_code == 200
    assert client.post("/api/v1/match", json={"address": "Vamdrup", "interests": ["svømning"]}).status_code == 200
    after = scrape()
    grew = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
    assert grew("faellesskab_http_requests_total", endpoint="main.index", method="GET", status="200") == 1
    assert grew("faellesskab_http_request_duration_seconds_count", endpoint="search.search_page") == 1
    assert grew("faellesskab_search_duration_seconds_count") >= 1
    assert grew("faellesskab_match_duration_seconds_count") == 1
    assert value(after, "faellesskab_http_request_duration_seconds_bucket",
                 endpoint="main.index", le="+Inf") >= 1


def test_unknown_paths_make_no_new_series(client, scrape):
    client.get("/ingen/side/med/et/tilfældigt/navn-1")
    client.get("/ingen/side/med/et/tilfældigt/navn-2")
    samples = scrape()
    assert value(samples, "faellesskab_http_requests_total", endpoint="unmatched", method="GET", status="404") >= 2
    assert not any("navn-" in str(key) for key in samples)


def test_429s_are_counted(app, client, scrape, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "10 per minute")
    before = value(scrape(), "faellesskab_rate_limited_total", endpoint="api.place_list")
    limiter.reset()
    app.config["RATELIMITS_ON"] = True
    try:
        statuses = [client.get("/api/v1/places").status_code for _ in range(12)]
    finally:
        app.config["RATELIMITS_ON"] = False
        limiter.reset()
    assert statuses.count(429) == 2
    assert value(scrape(), "faellesskab_rate_limited_total", endpoint="api.place_list") - before == 2


def test_outbox_and_index_lag_are_read_at_each_scrape(db, scrape):
    from fællesskab.mail import services as mail

    assert value(scrape(), "faellesskab_mail_outbox_unsent") == 0
    mail.queue("anna@example.org", "Hej", "Tekst", kind="test")
    db.session.commit()
    samples = scrape()
    assert value(samples, "faellesskab_mail_outbox_unsent") == 1
    assert value(samples, "faellesskab_mail_outbox_oldest_unsent_seconds") >= 0
    assert value(samples, "faellesskab_search_index_lag_changes") == 0
    assert ("faellesskab_search_index_lag_seconds", ()) in samples


def test_index_lag_counts_changes_another_node_made(app, db, scrape, make_association):
    """A change this node wrote to its own index is not lag; one only in the log (another node's) is."""
    import sqlalchemy as sa

    from fællesskab.search import index_lag

    make_association(name="Lagtest Forening")
    client_search = app.test_client().get("/soeg?q=lagtest")  # the node reads the index: its state is saved
    assert client_search.status_code == 200
    assert index_lag(app)[0] == 0
    db.session.execute(sa.text("INSERT INTO search_changes (doc_id, changed_at) VALUES ('association:999999', :t)"),
                       {"t": "2026-01-01 00:00:00"})
    db.session.commit()
    pending, age = index_lag(app)
    assert pending == 1 and age > 3600
    samples = scrape()
    assert value(samples, "faellesskab_search_index_lag_changes") == 1


def test_failed_logins_lockouts_and_sign_ups_are_counted(app, client, scrape, make_user, make_event, make_forum):
    from ..helpers import PASSWORD

    user = make_user("coordinator")
    event = make_event(registration_required="true", capacity=1, forum_id=make_forum().id)
    before = scrape()
    limiter.reset()
    app.config["RATELIMITS_ON"] = True
    try:
        codes = [client.post("/login", data={"email": user.email, "password": "forkert-" + PASSWORD}).status_code
                 for _ in range(6)]
    finally:
        app.config["RATELIMITS_ON"] = False
        limiter.reset()
    assert codes == [401] * 5 + [429]
    for n in range(2):
        signed = client.post(f"/arrangementer/{event.id}/tilmelding",
                             data={"name": f"Gæst {n}", "email": f"gaest{n}@example.org", "party_size": "1"})
        assert signed.status_code in (302, 303)
    after = scrape()
    grew = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
    assert grew("faellesskab_failed_logins_total") == 5
    assert grew("faellesskab_lockouts_total") == 1
    assert grew("faellesskab_sign_ups_total", status="confirmed") == 1
    assert grew("faellesskab_sign_ups_total", status="waiting") == 1
