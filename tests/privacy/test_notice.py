"""The privacy notice (/privatliv): purposes, legal basis, retention from config, rights, the self-service link."""
from __future__ import annotations


def test_the_notice_states_purposes_basis_retention_rights_and_the_self_service_link(client, db):
    html = client.get("/privatliv").get_data(as_text=True)
    for phrase in ("Dataansvarlig", "Retsgrundlag", "artikel 6, stk. 1, litra a", "Spørgeskemaer",
                   "Overdragelse", "18 måneder efter", "3 måneder efter arrangementets", "Dine rettigheder",
                   "Datatilsynet", 'href="/privatliv/mine-data/"'):
        assert phrase in html, phrase


def test_the_retention_shown_follows_the_configuration(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_CLOSED_CASE_DAYS", 365)
    monkeypatch.setitem(app.config, "RETENTION_SIGNUP_DAYS", 30)
    html = client.get("/privatliv").get_data(as_text=True)
    assert "indtil 1 år efter, at sagen" in html and "30 dage efter arrangementets" in html
