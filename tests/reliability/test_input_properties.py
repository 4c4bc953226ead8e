"""Any text a person can type: the address parser, geocoding and search never fail on it.

Property tests (hypothesis) with any Unicode, quotes, query operators and
lengths around the 200-character limit, against the pure parser, the search
service, and the pages and API that use them.
"""
from __future__ import annotations

import random
import re
from urllib.parse import urlencode

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from fællesskab.core.errors import ValidationError
from fællesskab.geo.addresses import looks_like_address, parse_address
from fællesskab.search.params import MAX_QUERY_LENGTH, parse_params
from fællesskab.search.services import search

# Pieces of Whoosh/Lucene query syntax and other things people paste into a search box.
OPERATORS = ['"', "'", "AND", "OR", "NOT", "*", "?", "~", "~2", "^3", ":", "name:", "type:event", "(", ")", "[",
             "]", "{", "}", "TO", "-", "+", "\\", "/", "&&", "||", "!", "<", ">", "%", "_", "«", "»", "’",
             "fodbold", "kor", "Vamdrup", "børn", "choir", "ﬁ", "ß", "İ", "\u200b", "\u202e", "🙂", "\t", " "]
WORDS = st.one_of(st.sampled_from(OPERATORS), st.text(max_size=12))
QUERIES = st.one_of(
    st.text(max_size=MAX_QUERY_LENGTH + 20),
    st.lists(WORDS, max_size=30).map(" ".join),
    st.lists(WORDS, max_size=30).map("".join),
)
URL_SAFE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=MAX_QUERY_LENGTH + 20)


@given(st.text(max_size=400))
def test_address_parser_never_fails(text):
    parsed = parse_address(text)
    assert parsed.postcode is None or re.fullmatch(r"\d{4}", parsed.postcode)
    assert parsed.house_number is None or re.fullmatch(r"\d{1,4}[A-ZÆØÅ]?", parsed.house_number)
    assert isinstance(looks_like_address(text), bool)


STREET = st.builds(lambda name, suffix: name + suffix,
                   st.sampled_from(["Skole", "Kirke", "Sdr. Konge", "Gammel Åbo", "Møllebakke", "Ågade"]),
                   st.sampled_from(["gade", "vej", "stien", "lunden"]))


@given(STREET, st.integers(1, 999), st.sampled_from(["", "A", "B"]), st.integers(1000, 9999),
       st.sampled_from(["Kolding", "Christiansfeld", "Vester Nebel", "Sønder Bjert"]))
def test_address_parser_finds_the_parts_of_a_normal_address(street, number, letter, postcode, town):
    parsed = parse_address(f"{street} {number}{letter}, {postcode} {town}")
    assert (parsed.street, parsed.house_number, parsed.postcode, parsed.town) == (
        street, f"{number}{letter}", str(postcode), town)


@pytest.fixture
def indexed(db, make_association, make_event):
    make_association(name="Vamdrup Boldklub", tags="fodbold;håndbold", town="Vamdrup")
    make_association(name="Aller Sangkor «kor»", category="music", tags="kor", town="Christiansfeld")
    make_event(title='Velkomstmøde "for alle" (NOT cancelled)', town="Almind")


def test_search_service_takes_any_query(indexed):
    @given(QUERIES)
    def run(q):
        random.seed()  # Whoosh uses `random` for segment names; hypothesis pins its seed
        try:
            params = parse_params(MultiDict({"q": q}))
        except ValidationError as exc:
            assert len(" ".join(q.split())) > MAX_QUERY_LENGTH and exc.field == "q"
            return
        result = search(params)
        assert result.total >= len(result.hits) >= 0

    run()


def test_search_api_and_page_answer_any_query(client, indexed):
    @given(URL_SAFE, st.sampled_from(["", "fodbold", "6000", "Vamdrup"]))
    def run(q, near):
        args = urlencode({"q": q, "near": near}) if near else urlencode({"q": q})
        api = client.get(f"/api/v1/search?{args}")
        assert api.status_code in (200, 400), (q, api.status_code)
        assert api.is_json and (api.status_code == 200) == ("error" not in api.get_json())
        page = client.get(f"/soeg?{args}")
        assert page.status_code in (200, 400), (q, page.status_code)
        assert "Traceback" not in page.get_data(as_text=True)

    run()


def test_geocoding_answers_any_text(client, db):
    @given(URL_SAFE)
    def run(q):
        assume(q.strip())
        for response in (client.get("/api/v1/geocode?" + urlencode({"q": q})),
                         client.post("/api/v1/geocode", json={"q": q}),
                         client.get("/api/v1/geocode/autocomplete?" + urlencode({"q": q}))):
            assert response.status_code in (200, 400, 404), (q, response.status_code)
            assert response.is_json

    run()
