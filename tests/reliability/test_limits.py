"""Limits on what a request may send or ask for, each answered with a clear 4xx."""
from __future__ import annotations

import pytest

from fællesskab.core.csvio import MAX_FILE_BYTES, CSVFormatError, read_rows


def test_too_large_json_body_is_413_json(client, app):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post("/api/v1/match", data=b'{"address": "' + b"x" * size + b'"}',
                           content_type="application/json")
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "request_entity_too_large" and "2 MB" in error["message"]


def test_too_large_form_is_413_page(client, app):
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Det sendte er for stort (højst 2 MB)" in text and "<html" in text


def test_one_overlong_form_field_is_refused(client, app):
    data = {"email": "a@example.org", "password": "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 10)}
    multipart = client.post("/login", data=data, content_type="multipart/form-data")
    assert multipart.status_code == 413  # Werkzeug caps each multipart text part
    assert "Et af felterne er for langt" in multipart.get_data(as_text=True)
    urlencoded = client.post("/login", data=data)  # the body cap applies; the form's own length checks answer
    assert 400 <= urlencoded.status_code < 500


def test_too_many_form_fields_is_413(client, app):
    data = {f"f{i}": "x" for i in range(app.config["MAX_FORM_PARTS"] + 5)}
    assert client.post("/login", data=data, content_type="multipart/form-data").status_code == 413


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/search"])
def test_api_pages_beyond_the_caps_are_a_400(client, path):
    assert client.get(f"{path}?per_page=100&page=1").get_json()["per_page"] == 100
    too_many = client.get(f"{path}?per_page=100000&page=1")
    assert too_many.status_code == 400 and too_many.get_json()["error"]["field"] == "per_page"
    too_far = client.get(f"{path}?page=999999999999")
    assert too_far.status_code == 400 and too_far.get_json()["error"]["field"] == "page"
    last = client.get(f"{path}?page=100000")
    assert last.status_code == 200 and last.get_json()["results"] == []


@pytest.mark.parametrize("path", ["/foreninger", "/arrangementer", "/soeg", "/steder/kolding"])
def test_html_lists_cap_page_sizes(client, path, make_association):
    for _ in range(3):
        make_association(town="Kolding")
    for query in ("per_page=100000", "page=999999999999", "per_page=-1&page=abc"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 404), (path, query)


def test_search_text_is_capped_at_200_characters(client):
    api = client.get("/api/v1/search?q=" + "a" * 201)
    assert api.status_code == 400 and api.get_json()["error"]["field"] == "q"
    page = client.get("/soeg?q=" + "a" * 201)
    assert page.status_code == 400 and "200 tegn" in page.get_data(as_text=True)


def test_csv_file_size_is_capped():
    class Huge:
        def read(self, n=-1):
            return b"x" * (MAX_FILE_BYTES + 1 if n < 0 else n)

    with pytest.raises(CSVFormatError) as exc:
        list(read_rows(Huge(), columns=("a",), required=("a",)))
    assert "for stor" in str(exc.value)
