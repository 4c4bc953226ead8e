"""What each public page shows."""
from __future__ import annotations

from datetime import timedelta


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_front_page_shows_entry_search_and_next_welcome_events(client, make_event, make_association):
    make_event(title="Velkomstmøde i Almind", kind="welcome-meeting", town="Almind")
    make_event(title="Gammelt velkomstmøde", kind="welcome-meeting", starts_in=timedelta(days=-10))
    make_association(name="Vamdrup Petanqueklub", category="seniors")
    page = text(client.get("/"))
    assert "Ny i Kolding?" in page
    assert 'href="/ny-i-kolding"' in page
    assert "Velkomstmøde i Almind" in page
    assert "Gammelt velkomstmøde" not in page  # past events are not "next"
    assert "Spring til indhold" in page
    assert "OpenStreetMap" in page and "ODbL" in page


def test_association_list_filters_by_category_and_place(client, make_association):
    make_association(name="Vamdrup Fodbold", category="sport", town="Vamdrup")
    make_association(name="Vamdrup Kor", category="music", town="Vamdrup")
    make_association(name="Almind Fodbold", category="sport", town="Almind")
    make_association(name="Skjult Forening", category="sport", town="Vamdrup", status="draft")
    page = text(client.get("/foreninger?category=sport&place=vamdrup"))
    assert "Vamdrup Fodbold" in page
    assert "Vamdrup Kor" not in page
    assert "Almind Fodbold" not in page
    assert "Skjult Forening" not in page


def test_association_list_paginates(client, make_association):
    for i in range(25):
        make_association(name=f"Forening {i:02d}", category="hobby")
    first = text(client.get("/foreninger?per_page=10"))
    third = text(client.get("/foreninger?per_page=10&page=3"))
    assert "Forening 00" in first and "Forening 10" not in first
    assert "Forening 20" in third and "Forening 00" not in third
    assert "page=2" in first  # a link onward


def test_association_list_empty_state_and_bad_parameters(client):
    page = text(client.get("/foreninger?category=nonsense&place=nowhere&page=abc&per_page=-5"))
    assert "<h1" in page


def test_association_page_shows_its_details(client, make_association, make_event):
    assoc = make_association(
        name="Seest Gymnastikforening", summary="Gymnastik for hele familien.", category="sport",
        tags="gymnastik;springgymnastik", target_groups="children;families", age_min="5", age_max="12",
        languages="da;en", email="info@seest-gym.example.org", meeting_times="Mandag kl. 17–18",
        price_dkk_per_year="650", town="Seest",
    )
    make_event(title="Åbent hus i hallen", kind="open-house", association_external_id=assoc.external_id,
               town="Seest")
    page = text(client.get(f"/foreninger/{assoc.slug}"))
    for expected in ("Seest Gymnastikforening", "Gymnastik for hele familien.", "info@seest-gym.example.org",
                     "Mandag kl. 17–18", "5–12", "Åbent hus i hallen", "engelsk"):
        assert expected in page, expected


def test_unpublished_association_is_not_found(client, make_association):
    assoc = make_association(name="Arkiveret Klub", status="archived")
    assert client.get(f"/foreninger/{assoc.slug}").status_code == 404


def test_place_page_lists_its_associations_events_and_forum(client, make_association, make_event, make_forum):
    make_forum(name="Almind Testforum", places=["Almind"])
    make_association(name="Almind Løbeklub", town="Almind")
    make_association(name="Vamdrup Løbeklub", town="Vamdrup")
    make_event(title="Velkomstaften i Almind", town="Almind")
    page = text(client.get("/steder/almind"))
    assert "Almind Løbeklub" in page
    assert "Vamdrup Løbeklub" not in page
    assert "Velkomstaften i Almind" in page
    assert "Almind Testforum" in page


def test_unknown_place_is_404(client):
    assert client.get("/steder/atlantis").status_code == 404


def test_event_list_and_detail(client, make_event):
    event = make_event(title="Intro Kolding – foreningsmesse", kind="fair", town="Kolding", capacity="200",
                       registration_required="true")
    pending = make_event(title="Ikke godkendt endnu", status="pending")
    listing = text(client.get("/arrangementer"))
    assert "Intro Kolding – foreningsmesse" in listing
    assert "Ikke godkendt endnu" not in listing
    detail = text(client.get(f"/arrangementer/{event.id}"))
    assert "Intro Kolding – foreningsmesse" in detail
    assert client.get(f"/arrangementer/{pending.id}").status_code == 404


def test_event_times_are_shown_in_copenhagen_time(client, make_event):
    event = make_event(title="Tidstest", starts_at="2031-01-15T18:00:00+00:00", ends_at="2031-01-15T20:00:00+00:00")
    page = text(client.get(f"/arrangementer/{event.id}"))
    assert "19:00" in page  # 18:00 UTC is 19:00 in Copenhagen in winter


def test_cancelled_event_says_so(client, make_event):
    event = make_event(title="Aflyst aften", status="cancelled")
    page = text(client.get(f"/arrangementer/{event.id}"))
    assert "Aflyst" in page


def test_staff_dashboards_show_their_data(client, login_as, make_event, make_forum):
    forum = make_forum(name="Hejls Testråd", places=["Hejls"])
    make_event(title="Hejls velkomst", forum_id=forum.id, town="Hejls", status="pending")
    login_as("forum", forum=forum)
    page = text(client.get("/forum/"))
    assert "Hejls Testråd" in page and "Hejls velkomst" in page
    client.post("/logout")
    login_as("coordinator")
    page = text(client.get("/koordinator/"))
    assert "Hejls velkomst" in page  # waiting for approval


def test_static_pages(client):
    assert "Privatliv" in text(client.get("/privatliv")) or "privatliv" in text(client.get("/privatliv"))
    assert "WCAG" in text(client.get("/tilgaengelighed"))


def test_language_switch_is_remembered(client):
    response = client.post("/sprog", data={"lang": "en", "next": "/foreninger"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/foreninger")
    page = text(client.get("/foreninger"))
    assert 'lang="en"' in page
    response = client.post("/sprog", data={"lang": "da", "next": "https://evil.example.com/"})
    assert response.headers["Location"].endswith("/")


def test_api_reads(client, make_association, make_event):
    assoc = make_association(name="API Klub", town="Vamdrup")
    make_event(title="API arrangement")
    body = client.get(f"/api/v1/associations/{assoc.id}").get_json()
    assert body["name"] == "API Klub" and body["place"] == "Vamdrup" and body["url"] == f"/foreninger/{assoc.slug}"
    assert client.get("/api/v1/associations/999999").get_json()["error"]["code"] == "not_found"
    events = client.get("/api/v1/events").get_json()
    assert events["total"] == 1 and events["results"][0]["title"] == "API arrangement"
    assert client.get("/api/v1/events?from=not-a-date").status_code == 400
    places = client.get("/api/v1/places").get_json()["results"]
    assert len(places) == 55
