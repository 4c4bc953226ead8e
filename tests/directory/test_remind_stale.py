"""Issue 22 part 3: `directory remind-stale` chases listings nobody has confirmed for a year."""
from __future__ import annotations

from datetime import timedelta

from fællesskab.core.time import utcnow
from fællesskab.directory.models import Association

from ..helpers import link_in


def _age(db, assoc, *, verified_days_ago: int, reminders: int = 0, reminded_days_ago: int | None = None):
    row = db.session.get(Association, assoc.id)
    row.last_verified_at = utcnow() - timedelta(days=verified_days_ago)
    row.reminders_sent = reminders
    row.reminded_at = utcnow() - timedelta(days=reminded_days_ago) if reminded_days_ago is not None else None
    db.session.commit()


def test_dry_run_lists_and_changes_nothing(db, runner, make_association, outbox):
    stale = make_association(name="Støvet Kor", email="kor@example.org")
    make_association(name="Frisk Kor", email="frisk@example.org")
    _age(db, stale, verified_days_ago=400)
    result = runner.invoke(args=["directory", "remind-stale", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Støvet Kor" in result.output and "Frisk Kor" not in result.output and "intet er ændret" in result.output
    assert outbox() == []
    db.session.expire_all()
    assert db.session.get(Association, stale.id).reminders_sent == 0


def test_reminders_go_once_then_again_after_30_days_then_to_the_coordinator(db, runner, make_association, outbox,
                                                                            client, login_as):
    stale = make_association(name="Støvet Kor", email="kor@example.org")
    no_mail = make_association(name="Uden Mail", email="")
    _age(db, stale, verified_days_ago=400)
    _age(db, no_mail, verified_days_ago=400)
    assert runner.invoke(args=["directory", "remind-stale"]).exit_code == 0
    (first,) = outbox(kind="directory_reminder")
    assert first.to_address == "kor@example.org" and not first.subject.startswith("Påmindelse")
    assert "Alt er korrekt" in first.html_body and "Ret oplysningerne" in first.html_body
    # the next day: nothing new
    assert runner.invoke(args=["directory", "remind-stale"]).exit_code == 0
    assert len(outbox(kind="directory_reminder")) == 1
    # 30 days on: the second reminder
    _age(db, stale, verified_days_ago=430, reminders=1, reminded_days_ago=30)
    assert runner.invoke(args=["directory", "remind-stale"]).exit_code == 0
    second = outbox(kind="directory_reminder")[-1]
    assert len(outbox(kind="directory_reminder")) == 2 and second.subject.startswith("Påmindelse")
    # and no third: the coordinator's front page shows it instead
    _age(db, stale, verified_days_ago=470, reminders=2, reminded_days_ago=40)
    assert runner.invoke(args=["directory", "remind-stale"]).exit_code == 0
    assert len(outbox(kind="directory_reminder")) == 2
    login_as("coordinator")
    page = client.get("/koordinator/").get_data(as_text=True)
    assert "ikke har svaret på to påmindelser" in page and "Støvet Kor" in page.split("ubesvaret-titel")[-1]


def test_the_reminders_link_confirms_without_login_and_stops_the_reminders(db, runner, make_association, outbox,
                                                                           client):
    stale = make_association(name="Støvet Kor", email="kor@example.org")
    _age(db, stale, verified_days_ago=400)
    runner.invoke(args=["directory", "remind-stale"])
    path = link_in(outbox(kind="directory_reminder")[0])
    assert client.get(path).status_code == 200
    db.session.expire_all()
    assert db.session.get(Association, stale.id).reminders_sent == 1  # a GET changes nothing
    assert client.post(path + "/korrekt").status_code == 200
    db.session.expire_all()
    assoc = db.session.get(Association, stale.id)
    assert assoc.reminders_sent == 0 and assoc.last_verified_at > utcnow() - timedelta(minutes=1)
    result = runner.invoke(args=["directory", "remind-stale", "--dry-run"])
    assert "Støvet Kor" not in result.output


def test_older_than_days_is_checked(db, runner, make_association, outbox):
    stale = make_association(name="Halvgammel", email="h@example.org")
    _age(db, stale, verified_days_ago=100)
    assert "Halvgammel" not in runner.invoke(args=["directory", "remind-stale", "--dry-run"]).output
    assert "Halvgammel" in runner.invoke(args=["directory", "remind-stale", "--dry-run",
                                               "--older-than-days", "90"]).output
    bad = runner.invoke(args=["directory", "remind-stale", "--older-than-days", "nul"])
    assert bad.exit_code != 0 and "older-than-days" in bad.output


def test_the_public_page_says_when_the_listing_was_last_confirmed(client, make_association):
    assoc = make_association(name="Bekræftet Klub")
    page = client.get(f"/foreninger/{assoc.slug}").get_data(as_text=True)
    assert "Sidst bekræftet" in page


def test_a_setting_hides_long_unverified_listings_from_matching(app, db, client, make_association, monkeypatch):
    fresh = make_association(name="Frisk Fodbold", tags="fodbold", town="Vamdrup")
    stale = make_association(name="Gammel Fodbold", tags="fodbold", town="Vamdrup")
    _age(db, stale, verified_days_ago=800)
    body = {"address": "Vamdrup", "interests": ["fodbold"]}

    def matched() -> set[int]:
        response = client.post("/api/v1/match", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        data = response.get_json()
        return {r["id"] for r in data["results"] + data.get("others", []) if r["type"] == "association"}

    assert {fresh.id, stale.id} <= matched()  # off by default
    monkeypatch.setitem(app.config, "DIRECTORY_HIDE_UNVERIFIED_DAYS", 730)
    found = matched()
    assert fresh.id in found and stale.id not in found
    # hidden from matching only: search still finds it
    search = client.get("/api/v1/search?q=Gammel").get_json()
    assert stale.id in {r["id"] for r in search["results"]}


def test_the_demo_has_stale_listings_and_a_correction_waiting(app, db, runner, client, login_as):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "Foreningsoversigten: 4 forældede foreninger, 1 rettelse til godkendelse" in result.output
    again = runner.invoke(args=["seed", "demo"])
    assert "Foreningsoversigten: 0 forældede foreninger, 0 rettelse til godkendelse" in again.output
    login_as("coordinator")
    assert "Bjert Seniordans" in client.get("/koordinator/godkendelse").get_data(as_text=True)
    front = client.get("/koordinator/").get_data(as_text=True)
    assert "Nørre Bjert Forsamlingshus" in front.split("ubesvaret-titel")[-1]
    assert "Sjølund Gymnastikforening" in client.get("/koordinator/foreninger/?vis=unverified").get_data(as_text=True)
