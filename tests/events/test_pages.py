"""Lists, place pages and the front page: filters, next occurrences of repeating events."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fællesskab.core.time import to_local, utcnow


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def day(days: int) -> str:
    return (to_local(utcnow()) + timedelta(days=days)).date().isoformat()


@pytest.fixture
def weekly(forum_event):
    """A weekly activity that began three weeks ago and runs two months more."""
    return forum_event(title="Ugentlig strikkeklub", kind="activity", starts_in=timedelta(days=-21, hours=2),
                       recurrence="weekly", repeat_until=day(60))


def test_a_repeating_event_is_listed_once_at_its_next_date(client, weekly, make_event):
    make_event(title="Om ti dage", starts_in=timedelta(days=10))
    page = text(client.get("/arrangementer"))
    assert page.count("Ugentlig strikkeklub") == 1
    assert "Hver uge" in page
    nxt = to_local(weekly.occurrences(after=utcnow() - timedelta(hours=3), limit=1)[0])
    assert f'datetime="{weekly.occurrences(after=utcnow() - timedelta(hours=3), limit=1)[0].isoformat()}"' in page
    assert page.index("Ugentlig strikkeklub") < page.index("Om ti dage")  # sorted by the next date
    assert nxt > to_local(utcnow())


def test_the_place_page_and_front_page_show_the_next_date(client, weekly):
    start = weekly.occurrences(after=utcnow() - timedelta(hours=3), limit=1)[0].isoformat()
    place = text(client.get("/steder/almind"))
    assert "Ugentlig strikkeklub" in place and f'datetime="{start}"' in place
    front = text(client.get("/"))
    assert "Ugentlig strikkeklub" in front


def test_the_event_page_lists_the_next_dates(client, weekly):
    page = text(client.get(f"/arrangementer/{weekly.id}"))
    assert "De næste datoer" in page and "Næste gang:" in page
    assert page.count("<time datetime=", page.index("De næste datoer")) >= 6


def test_a_finished_series_is_no_longer_listed(client, forum_event):
    forum_event(title="Slut serie", starts_in=timedelta(days=-40), recurrence="weekly", repeat_until=day(-2))
    assert "Slut serie" not in text(client.get("/arrangementer"))


def test_filters_by_kind_place_and_date_range(client, make_event, weekly):
    make_event(title="Messe i Kolding", kind="fair", town="Kolding", starts_in=timedelta(days=5))
    make_event(title="Velkomst i Vamdrup", kind="welcome-meeting", town="Vamdrup", starts_in=timedelta(days=20))
    make_event(title="Velkomst senere", kind="welcome-meeting", town="Vamdrup", starts_in=timedelta(days=40))
    page = text(client.get("/arrangementer?kind=welcome-meeting&place=vamdrup"))
    assert "Velkomst i Vamdrup" in page and "Velkomst senere" in page and "Messe i Kolding" not in page
    page = text(client.get(f"/arrangementer?fra={day(15)}&til={day(30)}"))
    assert "Velkomst i Vamdrup" in page
    assert "Messe i Kolding" not in page and "Velkomst senere" not in page
    assert "Ugentlig strikkeklub" in page  # it has a date in the range
    page = text(client.get(f"/arrangementer?fra={day(4)}&til={day(6)}"))
    assert "Messe i Kolding" in page and "Velkomst i Vamdrup" not in page
    assert f'value="{day(4)}"' in page  # the form keeps the chosen dates


@pytest.mark.parametrize("query", [
    "fra=i-morgen", "til=2027-13-45", "fra=0001-01-01&til=9999-12-31", "fra=2030-01-01&til=2029-01-01",
    "page=-1&per_page=abc", "kind=<script>&place=nowhere", "fra=" + "9" * 500,
])
def test_bad_parameters_never_break_the_list(client, query):
    response = client.get("/arrangementer?" + query)
    assert response.status_code == 200
    assert "<h1" in response.get_data(as_text=True)


def test_a_nul_character_is_refused_plainly(client):
    response = client.get("/arrangementer?kind=<script>&place=%00")
    assert response.status_code == 400
    assert "ugyldigt tegn" in response.get_data(as_text=True)


def test_a_bad_date_is_explained(client):
    page = text(client.get("/arrangementer?fra=i-morgen"))
    assert "En dato kunne ikke læses" in page
    assert 'aria-describedby="filter-dates-error"' in page


def test_lists_paginate_with_series_mixed_in(client, make_event, forum_event):
    for i in range(5):
        make_event(title=f"Enkelt {i}", starts_in=timedelta(days=2 + i * 7, hours=1))
    forum_event(title="Serie", starts_in=timedelta(days=-1, hours=12), recurrence="weekly", repeat_until=day(30))
    first = text(client.get("/arrangementer?per_page=3"))
    second = text(client.get("/arrangementer?per_page=3&page=2"))
    titles = [t for t in ("Serie", "Enkelt 0", "Enkelt 1", "Enkelt 2", "Enkelt 3", "Enkelt 4")]
    shown = [t for t in titles if f">{t}<" in first] + [t for t in titles if f">{t}<" in second]
    assert sorted(shown) == sorted(titles)
    assert "6 kommende arrangementer" in first


def test_no_street_address_in_any_link_or_form_action(client, forum_event, forum_login):
    forum_login()
    event = forum_event(address="Vestergade 20")
    for url in ("/arrangementer", f"/arrangementer/{event.id}", "/forum/", "/forum/arrangementer/nyt"):
        page = text(client.get(url))
        assert "Vestergade" not in " ".join(
            part for part in page.split('"') if part.startswith(("/", "http")))
