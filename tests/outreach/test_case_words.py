"""The case page in words a person writes (issue 21, items 6 and 8): dates such as
"14. december 2026", audit lines as sentences, the address without its postcode twice."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from fællesskab.outreach import services

BASE = "/koordinator/tilflyttere/"
ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")


def visible(page: str) -> str:
    main = page[page.index("<main"):page.index("</main>")]
    return re.sub(r"<[^>]+>", " ", main)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_case_page_writes_dates_and_audit_lines_for_people(client, db, coordinator, make_case, lang):
    case = make_case(name="Sofie Lund", source="journey", move_in_date="2026-11-01")
    services.set_next_action(case, date.today() + timedelta(days=3), actor=coordinator)
    db.session.commit()
    client.get(f"/?lang={lang}")
    client.get(f"{BASE}{case.id}")
    text = visible(client.get(f"{BASE}{case.id}").get_data(as_text=True))
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)
    assert ("1. november 2026" if lang == "da" else "1 November 2026") in text
    for raw in ("view sag", "create kilde", "kilde: journey", "update næste handling"):
        assert raw not in text, raw
    assert ("(koordinator)" if lang == "da" else "(coordinator)") in text  # the role as a word of the page
    assert "(coordinator)" not in text or lang == "en"


def test_the_address_shows_its_postcode_once(client, db, coordinator, make_case):
    case = make_case(name="Nora", address="Nørregade 3, 6070 Christiansfeld", postcode="6070", town="Christiansfeld")
    text = visible(client.get(f"{BASE}{case.id}").get_data(as_text=True))
    assert text.count("6070") == 1, re.findall(r".{40}6070.{40}", text)
    letter = client.get(f"{BASE}{case.id}/brev").get_data(as_text=True)
    recipient = re.search(r'<p class="letter__recipient">(.*?)</p>', letter, re.S).group(1)
    assert recipient.count("6070") == 1, recipient
