"""No raw codes where a person reads (issue 21, item 6): every ISO 639-1 language code is shown by
its name in the page's language (Babel knows them all), interest slugs by their labels."""
from __future__ import annotations

import re

import pytest

NAMES = {"da": {"tl": "tagalog", "ta": "tamil"}, "en": {"tl": "Tagalog", "ta": "Tamil"}}


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def raw_codes(text: str, codes) -> list[str]:
    """Codes that stand alone as words in the visible text (not inside tags or attributes)."""
    visible = re.sub(r"<[^>]+>", " ", text)
    return [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", visible)]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_association_page_and_the_search_facets_name_every_language(client, db, make_association, lang):
    assoc = make_association(name="Filippinsk-tamilsk klub", languages="tl;ta;da")
    client.get(f"/?lang={lang}")
    page = _main(client.get(f"/foreninger/{assoc.slug}").get_data(as_text=True))
    for code, name in NAMES[lang].items():
        assert name in page, (code, name)
    assert not raw_codes(page, ["tl", "ta"]), raw_codes(page, ["tl", "ta"])
    search = _main(client.get("/soeg?q=klub").get_data(as_text=True))
    assert NAMES[lang]["tl"] in search and not raw_codes(search, ["tl", "ta"])


def test_the_contact_form_keeps_unknown_languages_and_names_the_interests(client, db):
    page = client.post("/ny-i-kolding/kontakt", data={"address": "Almind", "interests": ["sport", "family", "kor"],
                                                     "languages": ["da", "tl"]}).get_data(as_text=True)
    assert 'name="languages" value="tl"' in page  # still carried along
    interests = re.search(r'id="interests"[^>]*value="([^"]*)"', page) or re.search(
        r'name="interests"[^>]*value="([^"]*)"', page)
    assert interests and "sport" not in interests.group(1).split(", ") and "family" not in interests.group(1)
    assert "Sport og motion" in interests.group(1) and "kor" in interests.group(1)
