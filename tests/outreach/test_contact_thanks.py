"""After "contact me" (issue 21, item 5): who contacts them and when, the coordinator's details
(configurable), a link to see or delete their data; both forms word the children's-age error alike."""
from __future__ import annotations

import re

import pytest

from .test_contact import SELF


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def test_the_thanks_page_names_the_coordinator_and_the_next_step(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "COORDINATOR_NAME", "Mette Sørensen")
    monkeypatch.setitem(app.config, "COORDINATOR_EMAIL", "mette@kolding.example")
    monkeypatch.setitem(app.config, "COORDINATOR_PHONE", "+45 79 79 12 34")
    page = _main(client.get("/kontakt-mig/tak").get_data(as_text=True))
    assert "Mette Sørensen" in page and "inden for en uge" in page
    assert 'href="mailto:mette@kolding.example"' in page
    assert 'href="tel:+4579791234"' in page and "+45 79 79 12 34" in page
    assert 'href="/privatliv/mine-data/"' in page
    client.get("/?lang=en")
    english = _main(client.get("/kontakt-mig/tak").get_data(as_text=True))
    assert "Mette Sørensen" in english and "within a week" in english and "See or delete your data" in english


def test_the_coordinator_settings_come_from_the_environment(tmp_path):
    from fællesskab.config import Config

    settings = Config.from_env(str(tmp_path), env={"COORDINATOR_NAME": " Mette ", "COORDINATOR_PHONE": "12 34"})
    assert (settings["COORDINATOR_NAME"], settings["COORDINATOR_PHONE"]) == ("Mette", "12 34")
    assert settings["COORDINATOR_EMAIL"] == "koordinator@example.org"


def _age_error(page: str) -> str:
    found = re.search(r'id="[^"]*children[^"]*-error"[^>]*>(.*?)</(?:p|div)>', page, re.S)
    assert found, "no error next to the children's ages"
    return re.sub(r"<[^>]+>|Fejl:|Error:", "", found.group(1)).strip()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_both_forms_word_the_childrens_age_error_alike(client, db, lang):
    client.get(f"/?lang={lang}")
    journey = client.post("/ny-i-kolding", data={"address": "Almind", "children_ages": "4, ni"})
    contact = client.post(SELF, data={"step": "send", "name": "A", "email": "a@example.org",
                                      "consent_contact": "y", "children_ages": "4, ni"})
    assert journey.status_code == contact.status_code == 400
    a, b = _age_error(journey.get_data(as_text=True)), _age_error(contact.get_data(as_text=True))
    assert re.sub(r"\d+", "N", a) == re.sub(r"\d+", "N", b), (a, b)
