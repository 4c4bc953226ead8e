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
