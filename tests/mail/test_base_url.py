"""Links in emails and letters (issue 21, item 9): in development they follow the running
server when MAIL_BASE_URL is not set; production refuses to start without it."""
from __future__ import annotations

import pytest

from fællesskab.config import Config, ConfigError


def test_development_leaves_the_base_to_the_running_server(tmp_path):
    assert Config.from_env(str(tmp_path), env={})["MAIL_BASE_URL"] is None


def test_production_requires_mail_base_url(tmp_path):
    with pytest.raises(ConfigError, match="MAIL_BASE_URL"):
        Config.from_env(str(tmp_path), env={"FAELLESSKAB_ENV": "production", "SECRET_KEY": "k" * 40})
    settings = Config.from_env(str(tmp_path), env={"FAELLESSKAB_ENV": "production", "SECRET_KEY": "k" * 40,
                                                   "MAIL_BASE_URL": "https://faellesskab.kolding.dk/"})
    assert settings["MAIL_BASE_URL"] == "https://faellesskab.kolding.dk"


def test_without_a_setting_links_follow_the_request(app, monkeypatch):
    from fællesskab.mail.services import external_url
    from fællesskab.outreach.messages import absolute

    monkeypatch.setitem(app.config, "MAIL_BASE_URL", None)
    with app.test_request_context("/", base_url="http://127.0.0.1:5123"):
        assert external_url("events.event_list") == "http://127.0.0.1:5123/arrangementer"
        assert absolute("/arrangementer/7") == "http://127.0.0.1:5123/arrangementer/7"


def test_a_setting_wins_over_the_request(app, monkeypatch):
    from fællesskab.mail.services import external_url

    monkeypatch.setitem(app.config, "MAIL_BASE_URL", "https://faellesskab.kolding.dk")
    with app.test_request_context("/", base_url="http://127.0.0.1:5123"):
        assert external_url("events.event_list") == "https://faellesskab.kolding.dk/arrangementer"
