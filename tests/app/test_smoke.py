def test_front_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200


def test_unknown_page_is_404_html(client):
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/findes-ikke")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_nul_characters_in_urls_and_forms_are_refused_plainly(client):
    assert client.get("/steder/%00").status_code == 400
    assert client.get("/foreninger?category=%00").status_code == 400
    response = client.get("/api/v1/events?place=a%00b")
    assert response.status_code == 400 and response.get_json()["error"]["message"]
    assert client.post("/login", data={"email": "a\x00@example.org", "password": "x"}).status_code == 400
